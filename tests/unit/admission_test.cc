// Admission: what read from the events topic may enter Evolve. Pure: the
// admitted chain is a map in memory.
#include "engine/admission.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/records.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::IsOk;
using ::inkoop::testing::Signed;
using ::inkoop::testing::Unsigned;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Verdict = Decision::Verdict;

// What the caller admitted: per region, the hash at each sequence.
class MemoryChain : public ChainView {
 public:
  absl::StatusOr<std::pair<uint64_t, std::string>> Head(const std::string& region) override {
    const std::vector<std::string>& hashes = hashes_[region];
    return std::pair<uint64_t, std::string>(hashes.size(), hashes.empty() ? "" : hashes.back());
  }
  absl::StatusOr<std::optional<std::string>> HashAt(const std::string& region,
                                                    uint64_t sequence) override {
    return hashes_[region].at(sequence - 1);
  }
  void Append(const v1::Event& event) { hashes_[event.region()].push_back(event.hash()); }

 private:
  std::map<std::string, std::vector<std::string>> hashes_;
};

// `count` chained events of `region`, with amounts `salt`, `salt`+1, ...
std::vector<v1::Event> Chain(const std::string& region, int count, int64_t salt = 100,
                             const std::string& previous_hash = "", uint64_t first = 1) {
  std::vector<v1::Event> events;
  std::string previous = previous_hash;
  for (int i = 0; i < count; ++i) {
    v1::Event event;
    event.set_region(region);
    event.set_sequence(first + i);
    event.set_event_id(absl::StrCat(region, "/", first + i));
    event.set_previous_hash(previous);
    event.mutable_recorded_at()->set_seconds(1462060800 + i);
    event.mutable_budget_set()->set_amount_cents(salt + i);
    Seal(event);
    previous = event.hash();
    events.push_back(event);
  }
  return events;
}

class AdmissionTest : public ::testing::Test {
 protected:
  // Offers `record`; applies what is admitted to the chain; returns what was
  // decided.
  std::vector<Decision> Offer(const std::string& record) {
    std::vector<Decision> out;
    EXPECT_THAT(admission_.Offer(RecordAt{"inkoop.events", 0, offset_++}, record, chain_, out),
                IsOk());
    for (const Decision& d : out) {
      if (d.verdict == Verdict::kAdmit) chain_.Append(d.arrival.read.event);
    }
    return out;
  }

  static std::vector<uint64_t> Admitted(const std::vector<Decision>& decisions) {
    std::vector<uint64_t> sequences;
    for (const Decision& d : decisions) {
      if (d.verdict == Verdict::kAdmit) sequences.push_back(d.arrival.read.event.sequence());
    }
    return sequences;
  }

  Admission admission_{testing::TestKeyRing(), AdmissionLimits{.max_unsigned_run = 8,
                                                               .max_held_per_region = 12}};
  MemoryChain chain_;
  int64_t offset_ = 0;
};

TEST_F(AdmissionTest, EventsBeforeTheSignedOneAreHeldThenAdmittedInOrder) {
  const std::vector<std::string> records = testing::Transaction(Chain("north", 3));
  EXPECT_THAT(Offer(records[0]), IsEmpty());
  EXPECT_THAT(Offer(records[1]), IsEmpty());
  EXPECT_EQ(admission_.held(), 2u);
  EXPECT_THAT(Admitted(Offer(records[2])), ElementsAre(1, 2, 3));
  EXPECT_EQ(admission_.held(), 0u);
}

TEST_F(AdmissionTest, AForgedUnsignedEventFirstLosesToTheSignedChain) {
  const std::vector<v1::Event> real = Chain("north", 2);
  const v1::Event forged = Chain("north", 1, 999)[0];  // sequence 1, links to the empty head
  ASSERT_THAT(Offer(Unsigned(forged)), IsEmpty());
  ASSERT_THAT(Offer(Unsigned(real[0])), IsEmpty());
  const std::vector<Decision> decided = Offer(Signed(real[1]));
  EXPECT_THAT(Admitted(decided), ElementsAre(1, 2));
  ASSERT_THAT(decided, SizeIs(3));
  EXPECT_EQ(decided[2].verdict, Verdict::kPark);
  EXPECT_TRUE(decided[2].conflict);
  EXPECT_EQ(decided[2].arrival.at.offset, 0);
  EXPECT_THAT(decided[2].reason, HasSubstr("conflict: region 'north' sequence 1 is held by the "
                                           "signed chain up to north/2"));
  EXPECT_EQ(admission_.held(), 0u);
  // The forgery's descendants go with it.
}

TEST_F(AdmissionTest, DescendantsOfAForgeryAreConflictsToo) {
  const std::vector<v1::Event> real = Chain("north", 1);
  const std::vector<v1::Event> forged = Chain("north", 3, 999);
  Offer(Unsigned(forged[0]));
  Offer(Unsigned(forged[1]));
  Offer(Unsigned(forged[2]));
  const std::vector<Decision> decided = Offer(Signed(real[0]));
  EXPECT_THAT(Admitted(decided), ElementsAre(1));
  ASSERT_THAT(decided, SizeIs(4));
  for (size_t i = 1; i < 4; ++i) EXPECT_TRUE(decided[i].conflict) << decided[i].reason;
  EXPECT_THAT(decided[3].reason, HasSubstr("descends from an event beside the signed chain"));
}

TEST_F(AdmissionTest, TheSameEventAgainIsADuplicateAndAnotherAtItsSequenceAConflict) {
  const std::vector<v1::Event> real = Chain("north", 2);
  Offer(Unsigned(real[0]));
  std::vector<Decision> again = Offer(Unsigned(real[0]));  // while held
  ASSERT_THAT(again, SizeIs(1));
  EXPECT_EQ(again[0].verdict, Verdict::kDuplicate);
  Offer(Signed(real[1]));
  again = Offer(Signed(real[0]));  // below the head
  ASSERT_THAT(again, SizeIs(1));
  EXPECT_EQ(again[0].verdict, Verdict::kDuplicate);
  const std::vector<Decision> other = Offer(Signed(Chain("north", 2, 5)[1]));
  ASSERT_THAT(other, SizeIs(1));
  EXPECT_EQ(other[0].verdict, Verdict::kPark);
  EXPECT_TRUE(other[0].conflict);
  EXPECT_THAT(other[0].reason, HasSubstr("already holds sequence 2 with hash"));
}

TEST_F(AdmissionTest, ARemovedEventStopsTheChainAndNamesTheMissingSequence) {
  const std::vector<std::string> records = testing::Transaction(Chain("north", 4));
  Offer(records[0]);
  const std::vector<Decision> after_gap = Offer(records[2]);  // records[1] removed
  ASSERT_THAT(after_gap, SizeIs(1));
  EXPECT_EQ(after_gap[0].verdict, Verdict::kPark);
  EXPECT_THAT(after_gap[0].reason,
              HasSubstr("no event read at sequence 2 has its previous_hash"));
  const std::vector<Decision> last = Offer(records[3]);
  ASSERT_THAT(last, SizeIs(1));
  EXPECT_EQ(last[0].verdict, Verdict::kPark);
  EXPECT_THAT(chain_.Head("north")->first, 0u);
}

TEST_F(AdmissionTest, SwappedEventsAreNotAdmitted) {
  const std::vector<std::string> records = testing::Transaction(Chain("north", 3));
  Offer(records[1]);
  Offer(records[0]);
  const std::vector<Decision> last = Offer(records[2]);
  EXPECT_THAT(Admitted(last), IsEmpty());
  EXPECT_EQ(chain_.Head("north")->first, 0u);
}

TEST_F(AdmissionTest, UnsignedEventsBeyondTheSigningIntervalAndBeyondTheLimitAreParked) {
  const std::vector<v1::Event> run = Chain("north", 9);
  for (size_t i = 0; i < 8; ++i) EXPECT_THAT(Offer(Unsigned(run[i])), IsEmpty());
  const std::vector<Decision> ninth = Offer(Unsigned(run[8]));
  ASSERT_THAT(ninth, SizeIs(1));
  EXPECT_THAT(ninth[0].reason, HasSubstr("the engine signs at least every 8"));
  // Forgeries beside the run until the limit of 12 held.
  for (int i = 0; i < 4; ++i) EXPECT_THAT(Offer(Unsigned(Chain("north", 1, 1000 + i)[0])), IsEmpty());
  const std::vector<Decision> flood = Offer(Unsigned(Chain("north", 1, 2000)[0]));
  ASSERT_THAT(flood, SizeIs(1));
  EXPECT_THAT(flood[0].reason, HasSubstr("already holds 12 unsigned events"));
}

TEST_F(AdmissionTest, HeldEventsSurviveARestartThroughStage) {
  const std::vector<std::string> records = testing::Transaction(Chain("north", 3));
  Offer(records[0]);
  Offer(records[1]);
  std::map<std::string, std::string> stored;
  admission_.Stage([&](const std::string& k, const std::string& v) { stored[k] = v; },
                   [&](const std::string& k) { stored.erase(k); });
  ASSERT_THAT(stored, SizeIs(2));

  Admission restarted(testing::TestKeyRing());
  for (const auto& [key, value] : stored) ASSERT_THAT(restarted.Restore(value), IsOk());
  EXPECT_EQ(restarted.held(), 2u);
  std::vector<Decision> out;
  ASSERT_THAT(restarted.Offer(RecordAt{"inkoop.events", 0, 2}, records[2], chain_, out), IsOk());
  EXPECT_THAT(Admitted(out), ElementsAre(1, 2, 3));
  restarted.Stage([&](const std::string& k, const std::string& v) { stored[k] = v; },
                  [&](const std::string& k) { stored.erase(k); });
  EXPECT_THAT(stored, IsEmpty());
}

TEST_F(AdmissionTest, RegionsAreAdmittedApart) {
  const std::vector<std::string> north = testing::Transaction(Chain("north", 2));
  const std::vector<std::string> south = testing::Transaction(Chain("south", 2));
  Offer(north[0]);
  Offer(south[0]);
  EXPECT_THAT(Admitted(Offer(south[1])), ElementsAre(1, 2));
  EXPECT_EQ(admission_.held(), 1u);
  EXPECT_THAT(Admitted(Offer(north[1])), ElementsAre(1, 2));
}

TEST_F(AdmissionTest, GarbageAndEventsWithoutRegionAreParkedWithTheirReason) {
  std::vector<Decision> garbage = Offer("\xff\xfe garbage");
  ASSERT_THAT(garbage, SizeIs(1));
  EXPECT_THAT(garbage[0].reason, HasSubstr("not a decodable inkoop.v1.SealedEvent"));
  v1::Event no_region = Chain("north", 1)[0];
  no_region.clear_region();
  std::vector<Decision> parked = Offer(Signed(no_region));
  ASSERT_THAT(parked, SizeIs(1));
  EXPECT_THAT(parked[0].reason, HasSubstr("event has no region"));
}

}  // namespace
}  // namespace inkoop
