// inkoopctl show on a real projection database holding two regions that
// share municipality, provider and contract ids: each read is of one
// region, chosen by --region, INKOOP_REGION or being the only one.
#include "tools/inkoopctl/show.h"

#include <stdlib.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/projection.h"
#include "tests/testing/records.h"
#include "tests/testing/region_events.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace inkoop {
namespace {

using ::inkoop::testing::IsOk;
using ::inkoop::testing::RegionEvents;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

struct Shown {
  int exit_code;
  std::string out;
  std::string err;
};

class ShowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("INKOOP_REGION");
    absl::StatusOr<std::unique_ptr<Projection>> projection = Projection::Open(db_, testing::TestProjectionOptions());
    ASSERT_THAT(projection, IsOk());
    int64_t offset = 0;
    for (const v1::Event& event : RegionEvents("haaglanden", 100, "Haaglanden care")) {
      ASSERT_THAT((*projection)->Apply("events", 0, Offset(offset++), testing::Signed(event)),
                  IsOk());
    }
    if (two_regions_) {
      for (const v1::Event& event : RegionEvents("holland-rijnland", 7, "Rijnland care")) {
        ASSERT_THAT((*projection)->Apply("events", 1, Offset(offset++), testing::Signed(event)),
                    IsOk());
      }
    }
    ASSERT_THAT((*projection)->Commit(), IsOk());
  }
  void TearDown() override { unsetenv("INKOOP_REGION"); }

  Shown Show(const std::vector<std::string>& words) {
    absl::StatusOr<Args> args = Args::Parse(words, {"json"});
    EXPECT_THAT(args, IsOk());
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int code = RunShow(db_, *args, false);
    std::string out = ::testing::internal::GetCapturedStdout();
    return {code, std::move(out), ::testing::internal::GetCapturedStderr()};
  }

  bool two_regions_ = true;
  testing::TempDir dir_;
  const std::string db_ = dir_.Sub("projection");
};

TEST_F(ShowTest, ProvidersOfTheNamedRegionOnly) {
  Shown shown = Show({"providers", "--region", "holland-rijnland"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, AllOf(HasSubstr("Rijnland care"), Not(HasSubstr("Haaglanden care"))));
}

TEST_F(ShowTest, BudgetOfTheRegionFromTheEnvironment) {
  setenv("INKOOP_REGION", "haaglanden", 1);
  Shown shown = Show({"budget", "--municipality", "Delft", "--year", "2016"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("1,000.00"));
  EXPECT_THAT(shown.out, Not(HasSubstr("70.00")));
}

TEST_F(ShowTest, WithoutARegionAndSeveralInTheProjectionItNamesThem) {
  Shown shown = Show({"contracts"});
  EXPECT_EQ(shown.exit_code, 2);
  EXPECT_THAT(shown.err,
              HasSubstr("--region: expected one of haaglanden, holland-rijnland, got none"));
}

TEST_F(ShowTest, AnEmptyResultSaysWhatWasFiltered) {
  Shown shown = Show({"contracts", "--region", "haaglanden", "--provider", "nobody"});
  EXPECT_EQ(shown.exit_code, 1);
  EXPECT_THAT(shown.err, HasSubstr("no contracts of provider 'nobody' in region 'haaglanden'"));
}

TEST_F(ShowTest, BudgetRefusesOptionsItDoesNotTake) {
  Shown shown = Show({"budget", "--region", "haaglanden", "--municipality", "Delft", "--lot", "x"});
  EXPECT_EQ(shown.exit_code, 2);
  EXPECT_THAT(shown.err, HasSubstr("lot"));
}

class ShowOneRegionTest : public ShowTest {
 protected:
  void SetUp() override {
    two_regions_ = false;
    ShowTest::SetUp();
  }
};

TEST_F(ShowOneRegionTest, TheOnlyRegionNeedsNoName) {
  Shown shown = Show({"contracts"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("C-1"));
}

}  // namespace
}  // namespace inkoop
