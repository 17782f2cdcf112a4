// Decide/Evolve for outcome-linked tariffs: sign_contract.outcome_terms, the
// year's measures taken from case-level reports, and close_outcome_year's
// adjustment of the year's claims with its inputs.
#include "engine/domain/outcomes.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "engine/domain/claims.h"
#include "engine/domain/decide.h"
#include "engine/domain/rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/domain_test.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::Broken;
using ::inkoop::testing::Bureau;
using ::inkoop::testing::CommandOf;
using ::inkoop::testing::Denied;
using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::Invalid;
using ::inkoop::testing::Municipality;
using ::inkoop::testing::On;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::Provider;
using ::inkoop::testing::Unknown;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// A case-level report on c1 over all its clients.
v1::Command Report(const std::string& indicator, int32_t permille, const std::string& start,
                   const std::string& end, const std::string& extra = "") {
  v1::Command command = CommandOf(
      Provider("p1"), absl::StrCat("report_indicator { provider_id: 'p1' contract_id: 'c1' "
                                   "indicator: ",
                                   indicator, " level: INDICATOR_LEVEL_CASE period_start: '", start,
                                   "' period_end: '", end, "' value_permille: ", permille,
                                   " count: 40 ", extra, " }"));
  On(command, 2017, 1, 20);
  return command;
}

v1::Command Close(int32_t year = 2016) {
  v1::Command command = CommandOf(
      Bureau(), absl::StrCat("close_outcome_year { contract_id: 'c1' year: ", year, " }"));
  On(command, 2017, 2, 1);
  return command;
}

class OutcomesTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(CommandOf(Bureau(), R"(adopt_framework {
      framework_id: "H10-2016" municipalities: [ "Delft", "Rijswijk" ]
      lots { code: "ambulatory" } period_start: "2016-01-01" period_end: "2017-12-31"
      lot_rules { lot: "ambulatory" funding_models: [ FUNDING_MODEL_PER_UNIT ]
        max_tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 9000 } } })"));
    state_.providers["p1"].set_provider_id("p1");
    // c1: drop-out at most 10% earns 2% (above it costs 1%); satisfaction
    // above 80% earns 1.5% (below it costs 0.5%). Claimed in 2016: Delft
    // 100,000.00, Rijswijk 33,333.33.
    state_.contracts["c1"] = ParseText<v1::ContractRecord>(R"pb(
      contract_id: "c1" provider_id: "p1" lot: "ambulatory"
      term_start: "2016-01-01" term_end: "2017-12-31"
      ceilings { municipality: "Delft" ceiling_cents: 20000000 }
      ceilings { municipality: "Rijswijk" ceiling_cents: 20000000 }
      outcome_terms { indicator: INDICATOR_DROP_OUT target_permille: 100
                      bonus_basis_points: 200 malus_basis_points: 100 }
      outcome_terms { indicator: INDICATOR_SATISFACTION target_permille: 800
                      bonus_basis_points: 150 malus_basis_points: 50 }
      claimed { municipality: "Delft" year: 2016 claimed_cents: 10000000 }
      claimed { municipality: "Rijswijk" year: 2016 claimed_cents: 3333333 })pb");
  }
};

TEST_F(OutcomesTest, ClosingTheYearAdjustsItsClaimsByTheTermsWithEveryInput) {
  // The later drop-out report of the year is the one taken; a report over
  // one municipality's clients is not a measure of the contract.
  Accept(Report("INDICATOR_DROP_OUT", 140, "2016-01-01", "2016-06-30"));
  Accept(Report("INDICATOR_DROP_OUT", 80, "2016-07-01", "2016-12-31"));
  Accept(Report("INDICATOR_DROP_OUT", 300, "2016-10-01", "2016-11-30", "municipality: 'Delft'"));
  Accept(Report("INDICATOR_SATISFACTION", 760, "2016-01-01", "2016-12-31"));
  v1::Event expected;
  *expected.mutable_outcome_adjusted() = ParseText<v1::OutcomeAdjusted>(R"pb(
    contract_id: "c1" provider_id: "p1" year: 2016
    inputs { term { indicator: INDICATOR_DROP_OUT target_permille: 100
                    bonus_basis_points: 200 malus_basis_points: 100 }
             period_start: "2016-07-01" period_end: "2016-12-31" value_permille: 80
             count: 40 basis_points: 200 }
    inputs { term { indicator: INDICATOR_SATISFACTION target_permille: 800
                    bonus_basis_points: 150 malus_basis_points: 50 }
             period_start: "2016-01-01" period_end: "2016-12-31" value_permille: 760
             count: 40 basis_points: -50 }
    basis_points: 150
    lines { municipality: "Delft" claimed_cents: 10000000 adjustment_cents: 150000 }
    lines { municipality: "Rijswijk" claimed_cents: 3333333 adjustment_cents: 49999 }
    adjustment_cents: 199999)pb");
  EXPECT_THAT(DecideOne(Close()), EqualsProto(expected));
  Accept(Close());
  const v1::ContractRecord& c1 = state_.contracts.at("c1");
  ASSERT_THAT(c1.outcome_years(), SizeIs(1));
  EXPECT_EQ(c1.outcome_years(0).adjustment_cents(), 199999);
  EXPECT_EQ(ClaimedOf(c1, "Delft", 2016)->outcome_cents(), 150000);
  EXPECT_EQ(ClaimedOf(c1, "Rijswijk", 2016)->outcome_cents(), 49999);
}

TEST_F(OutcomesTest, AMalusRoundsTowardZeroAndOnTargetGivesNothing) {
  Accept(Report("INDICATOR_DROP_OUT", 250, "2016-01-01", "2016-12-31"));
  Accept(Report("INDICATOR_SATISFACTION", 800, "2016-01-01", "2016-12-31"));
  const v1::OutcomeAdjusted adjusted = DecideOne(Close()).outcome_adjusted();
  EXPECT_EQ(adjusted.inputs(0).basis_points(), -100);
  EXPECT_EQ(adjusted.inputs(1).basis_points(), 0);
  EXPECT_EQ(adjusted.lines(1).adjustment_cents(), -33333);
  EXPECT_EQ(adjusted.adjustment_cents(), -133333);
}

TEST_F(OutcomesTest, ClosingTheYearIsRefusedWithTheRuleItBreaks) {
  Accept(Report("INDICATOR_DROP_OUT", 80, "2016-07-01", "2016-12-31"));
  Accept(Report("INDICATOR_SATISFACTION", 760, "2016-01-01", "2016-12-31"));
  ExpectRefusals(Close(), {
      {"not the bureau",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Provider("p1"); },
       Denied("close a contract's outcome year")},
      {"unknown contract",
       [](v1::Command& c, RegionState&) { c.mutable_close_outcome_year()->set_contract_id("c9"); },
       Unknown("'c9'")},
      {"no terms",
       [](v1::Command&, RegionState& s) { s.contracts["c1"].clear_outcome_terms(); },
       Broken("contract 'c1' has no outcome terms")},
      {"a year outside the term",
       [](v1::Command& c, RegionState&) { c.mutable_close_outcome_year()->set_year(2015); },
       Invalid("year: expected a year of the term of contract 'c1' (2016..2017), got 2015")},
      {"the year has not ended",
       [](v1::Command& c, RegionState&) { On(c, 2016, 12, 31); },
       Broken("year: 2016 has not ended (today is 2016-12-31); its outcome is closed from "
              "2017-01-01")},
      {"a term without a report in the year",
       [](v1::Command& c, RegionState&) { c.mutable_close_outcome_year()->set_year(2017); On(c, 2018, 1, 2); },
       Broken("contract 'c1' has no drop-out report over all its clients for 2017")},
  });
  Accept(Close());
  EXPECT_THAT(Decide(state_, Close()).status(),
              ::inkoop::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                          HasSubstr("is closed already (150 basis points, 1,999.99)")));
}

TEST_F(OutcomesTest, AReportAcrossTwoYearsIsAMeasureOfNeither) {
  Accept(Report("INDICATOR_DROP_OUT", 80, "2016-07-01", "2017-06-30"));
  EXPECT_THAT(state_.contracts.at("c1").outcome_measures(), SizeIs(0));
}

TEST_F(OutcomesTest, SigningRefusesOutcomeTermsThatCannotBeApplied) {
  const auto sign = [](const std::string& terms) {
    return CommandOf(Bureau(), absl::StrCat(R"(sign_contract {
      contract_id: "c2" provider_id: "p1" lot: "ambulatory" funding_model: FUNDING_MODEL_PER_UNIT
      term_start: "2016-01-01" term_end: "2016-12-31"
      ceilings { municipality: "Delft" ceiling_cents: 100 }
      tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 8500 } )", terms, "}"));
  };
  for (const auto& [terms, message] : std::vector<std::pair<std::string, std::string>>{
           {"outcome_terms { target_permille: 100 bonus_basis_points: 1 }",
            "outcome_terms[0].indicator: expected drop_out, satisfaction or goal_attainment, got none"},
           {"outcome_terms { indicator: INDICATOR_DROP_OUT target_permille: 1001 bonus_basis_points: 1 }",
            "outcome_terms[0].target_permille: expected 0..1000, got 1001"},
           {"outcome_terms { indicator: INDICATOR_DROP_OUT malus_basis_points: 2001 }",
            "outcome_terms[0].malus_basis_points: expected 0..2000 (100 = 1%), got 2001"},
           {"outcome_terms { indicator: INDICATOR_DROP_OUT }",
            "outcome_terms[0]: expected a bonus or a malus (basis points), got neither"},
           {"outcome_terms { indicator: INDICATOR_DROP_OUT bonus_basis_points: 1 } "
            "outcome_terms { indicator: INDICATOR_DROP_OUT malus_basis_points: 1 }",
            "outcome_terms[1].indicator: drop-out has a term already"},
           {"registration_days: 91", "registration_days: expected 1 to 90 days (0 for the "
                                     "default of 7), got 91"},
       }) {
    EXPECT_THAT(Decide(state_, sign(terms)).status(),
                ::inkoop::testing::StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message)))
        << terms;
  }
}

}  // namespace
}  // namespace inkoop
