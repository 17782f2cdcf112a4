// inkoopctl show on a real projection database holding two regions that
// share municipality, provider and contract ids: each read is of one
// region, chosen by --region, INKOOP_REGION or being the only one.
#include "tools/inkoopctl/show.h"

#include <stdlib.h>

#include <string>
#include <utility>
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

TEST(FormatBudget, ShowsTheReservationsAndWhoBuysEachLot) {
  v1::BudgetView view;
  view.set_region("haaglanden");
  view.set_municipality("Delft");
  view.set_year(2016);
  view.set_source(v1::BUDGET_SOURCE_MAY_CIRCULAR);
  view.set_budget_cents(1'800'000'000);
  view.set_reserved_cents(272'000'000);
  view.set_planned_cents(1'512'000'000);
  view.set_unplanned_cents(16'000'000);
  view.set_plan_submitted(true);
  v1::Reservation& personal = *view.add_reservations();
  personal.set_kind(v1::RESERVATION_KIND_PERSONAL_BUDGETS);
  personal.set_amount_cents(218'000'000);
  v1::Reservation& execution = *view.add_reservations();
  execution.set_kind(v1::RESERVATION_KIND_EXECUTION_COSTS);
  execution.set_amount_cents(54'000'000);
  v1::BudgetView::LotLine& local = *view.add_lots();
  local.set_lot("local");
  local.set_scope(v1::LOT_SCOPE_LOCAL);
  v1::BudgetView::LotLine& ambulatory = *view.add_lots();
  ambulatory.set_lot("ambulatory");
  v1::BudgetView::LotLine& top = *view.add_lots();
  top.set_lot("top");
  top.set_scope(v1::LOT_SCOPE_NATIONAL);
  const std::string text = FormatBudget(view);
  EXPECT_THAT(text, HasSubstr("budget 18,000,000.00 (may circular), reserved 2,720,000.00, "
                              "planned 15,120,000.00, unplanned 160,000.00"));
  EXPECT_THAT(text, HasSubstr("reserved for: personal budgets 2,180,000.00, execution costs "
                              "540,000.00"));
  EXPECT_THAT(text, ::testing::ContainsRegex("local +locally"));
  EXPECT_THAT(text, ::testing::ContainsRegex("ambulatory +regionally"));
  EXPECT_THAT(text, ::testing::ContainsRegex("top +nationally"));
}

TEST(FormatBudget, ShowsTheFundAndTheClosedYearsEqualisation) {
  v1::BudgetView view;
  view.set_municipality("Den Haag");
  view.set_year(2016);
  EXPECT_THAT(FormatBudget(view), AllOf(Not(HasSubstr("fluctuation fund")),
                                        Not(HasSubstr("cost at close"))));
  view.set_closed(true);
  view.set_closed_cost_cents(400'000'000);
  view.set_equalisation_cents(150'000'000);
  view.set_fund_deposited_cents(2'500'000);
  view.set_fund_balance_cents(5'000'000);
  const std::string text = FormatBudget(view);
  EXPECT_THAT(text, HasSubstr("fluctuation fund: deposited 25,000.00, drawn 0.00 (the fund holds "
                              "50,000.00)"));
  EXPECT_THAT(text, HasSubstr("cost at close 4,000,000.00, risk equalisation 1,500,000.00"));
}

TEST(FormatContract, ShowsARegionWideContractsSharedCeilingAndItsMembersClaims) {
  v1::ContractRecord contract;
  contract.set_contract_id("REG-CRISIS");
  contract.set_region_ceiling_cents(300'000'000);
  v1::MunicipalityCeiling& own = *contract.add_ceilings();
  own.set_municipality("Den Haag");
  own.set_ceiling_cents(150'000'000);
  for (const auto& [municipality, cents] :
       std::vector<std::pair<std::string, int64_t>>{{"Den Haag", 96'000}, {"Wassenaar", 4'800}}) {
    v1::ClaimedYear& year = *contract.add_claimed();
    year.set_municipality(municipality);
    year.set_year(2016);
    year.set_claimed_cents(cents);
  }
  const std::string text = FormatContract(contract);
  EXPECT_THAT(text, ::testing::ContainsRegex("region \\(all members\\) +ceiling/year +3,000,000.00 "
                                             " claimed +1,008.00"));
  EXPECT_THAT(text, ::testing::ContainsRegex("Wassenaar +region's +claimed +48.00"));
  EXPECT_THAT(text, ::testing::ContainsRegex("Den Haag +ceiling/year +1,500,000.00  claimed +960.00"));
  EXPECT_THAT(text, Not(HasSubstr("transition arrangement")));
  contract.set_arrangement_id("OVG-2015-2017");
  EXPECT_THAT(FormatContract(contract), HasSubstr("under transition arrangement OVG-2015-2017"));
}

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
