// The state digest of a projection on a real RocksDB: the same events give
// the same digest however they were batched and whatever other regions the
// database holds; any difference in content gives another digest.
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/projection.h"
#include "projections/reader.h"
#include "tests/testing/records.h"
#include "tests/testing/region_events.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace inkoop {
namespace {

using ::inkoop::testing::IsOk;
using ::inkoop::testing::RegionEvents;

constexpr char kRegion[] = "haaglanden";

class DigestTest : public ::testing::Test {
 protected:
  // Applies `events` into a new database, committing after every
  // `commit_every` events (0: once at the end), and returns its digest of
  // kRegion.
  std::string DigestOf(const std::vector<v1::Event>& events, size_t commit_every) {
    const std::string db = dir_.Sub("db-" + std::to_string(databases_++));
    {
      absl::StatusOr<std::unique_ptr<Projection>> projection = Projection::Open(db, testing::TestProjectionOptions());
      EXPECT_THAT(projection, IsOk());
      if (!projection.ok()) return "";
      int64_t offset = 0;
      for (const v1::Event& event : events) {
        EXPECT_THAT((*projection)->Apply("events", 0, Offset(offset++), testing::Signed(event)),
                    IsOk());
        if (commit_every > 0 && offset % static_cast<int64_t>(commit_every) == 0) {
          EXPECT_THAT((*projection)->Commit(), IsOk());
        }
      }
      EXPECT_THAT((*projection)->Commit(), IsOk());
      EXPECT_EQ((*projection)->counters().parked, 0u);
    }
    absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
    EXPECT_THAT(reader, IsOk());
    if (!reader.ok()) return "";
    absl::StatusOr<std::string> digest = (*reader)->Digest(kRegion);
    EXPECT_THAT(digest, IsOk());
    return digest.value_or("");
  }

  testing::TempDir dir_;
  int databases_ = 0;
};

TEST_F(DigestTest, TheSameEventsGiveTheSameDigestHoweverTheyWereBatched) {
  const std::vector<v1::Event> events = RegionEvents(kRegion, 100, "Haaglanden care");
  const std::string at_once = DigestOf(events, 0);
  EXPECT_EQ(at_once.size(), 32u);
  EXPECT_EQ(DigestOf(events, 1), at_once);
  EXPECT_EQ(DigestOf(events, 3), at_once);
}

TEST_F(DigestTest, OtherRegionsInTheDatabaseDoNotChangeIt) {
  const std::vector<v1::Event> ours = RegionEvents(kRegion, 100, "Haaglanden care");
  // Same municipality, provider and contract ids, other amounts and names.
  const std::vector<v1::Event> theirs = RegionEvents("holland-rijnland", 7, "Rijnland care");
  std::vector<v1::Event> interleaved;
  for (size_t i = 0; i < ours.size(); ++i) {
    interleaved.push_back(theirs[i]);
    interleaved.push_back(ours[i]);
  }
  EXPECT_EQ(DigestOf(interleaved, 2), DigestOf(ours, 0));
}

TEST_F(DigestTest, AnyDifferenceInContentGivesAnotherDigest) {
  const std::string digest = DigestOf(RegionEvents(kRegion, 100, "Haaglanden care"), 0);
  EXPECT_NE(DigestOf(RegionEvents(kRegion, 101, "Haaglanden care"), 0), digest);  // amounts
  EXPECT_NE(DigestOf(RegionEvents(kRegion, 100, "Haaglanden zorg"), 0), digest);  // a name
  std::vector<v1::Event> fewer = RegionEvents(kRegion, 100, "Haaglanden care");
  fewer.pop_back();
  EXPECT_NE(DigestOf(fewer, 0), digest);
}

TEST_F(DigestTest, TheFirstDifferenceNamesTheReadModelTheKeyAndBothValues) {
  DigestOf(RegionEvents(kRegion, 100, "Haaglanden care"), 0);  // db-0
  DigestOf(RegionEvents(kRegion, 101, "Haaglanden care"), 0);  // db-1: other amounts
  DigestOf(RegionEvents(kRegion, 100, "Haaglanden care"), 0);  // db-2: as db-0
  absl::StatusOr<std::unique_ptr<ProjectionReader>> a = ProjectionReader::Open(dir_.Sub("db-0"));
  absl::StatusOr<std::unique_ptr<ProjectionReader>> b = ProjectionReader::Open(dir_.Sub("db-1"));
  absl::StatusOr<std::unique_ptr<ProjectionReader>> c = ProjectionReader::Open(dir_.Sub("db-2"));
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  auto same = (*a)->FirstDifference(**c, kRegion);
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(*same, std::nullopt);
  auto different = (*a)->FirstDifference(**b, kRegion);
  ASSERT_THAT(different, IsOk());
  ASSERT_TRUE(different->has_value());
  EXPECT_EQ((*different)->family, "state");
  // Delft's budget year (kind B, the year sign-flipped for order), the
  // first key the amounts change.
  EXPECT_EQ((*different)->key, "B\\x00\\x05Delft\\x80\\x00\\x07\\xe0");
  EXPECT_NE((*different)->ours, (*different)->theirs);
  EXPECT_NE((*different)->ours, "(absent)");
}

TEST_F(DigestTest, AnUnknownRegionHasTheDigestOfNothing) {
  const std::string empty = DigestOf({}, 0);
  EXPECT_EQ(empty.size(), 32u);
  EXPECT_NE(DigestOf(RegionEvents(kRegion, 100, "Haaglanden care"), 0), empty);
}

}  // namespace
}  // namespace inkoop
