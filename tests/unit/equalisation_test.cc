// Decide/Evolve for risk equalisation by the framework's key and for the
// fluctuation fund (deposit_to_fund, draw_from_fund).
#include "engine/domain/equalisation.h"

#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/decide.h"
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
using ::inkoop::testing::ParseText;
using ::inkoop::testing::Refusal;
using ::inkoop::testing::Unknown;
using ::testing::ElementsAre;

constexpr int64_t kEuro = 100;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

constexpr char kFramework[] = R"(adopt_framework {
  framework_id: "H10-2016" municipalities: [ "Den Haag", "Delft", "Rijswijk" ]
  lots { code: "ambulatory" }
  period_start: "2016-01-01" period_end: "2017-12-31"
  equalisation { key: EQUALISATION_KEY_BUDGET } })";

v1::Command Own(const std::string& municipality, const std::string& text) {
  return CommandOf(Municipality(municipality), text);
}

v1::Command Equalise(int32_t year) {
  return CommandOf(Bureau(), absl::StrCat("equalise_risk { year: ", year, " }"));
}

v1::Command Deposit(const std::string& municipality, int32_t year, int64_t cents) {
  return Own(municipality, absl::StrCat("deposit_to_fund { municipality: '", municipality,
                                        "' year: ", year, " amount_cents: ", cents,
                                        " reason: 'buffer for demand above the plan' }"));
}

v1::Command Draw(const std::string& municipality, int32_t year, int64_t cents) {
  return CommandOf(Bureau(), absl::StrCat("draw_from_fund { municipality: '", municipality,
                                          "' year: ", year, " amount_cents: ", cents,
                                          " reason: 'deficit on specialist care' }"));
}

// 2016 budgets: Den Haag 5,000,000.00, Delft 3,000,000.00, Rijswijk
// 2,000,000.00 (Delft plans 2,000,000.00 of it); each 1,000,000.00 in 2017.
// 2016 costs, paid on contract c1: Den Haag 4,000,000.00, Delft and Rijswijk
// 500,000.00 each. Nobody has closed a year yet.
class EqualisationTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(CommandOf(Bureau(), kFramework));
    SetBudget("Den Haag", 2016, 5'000'000 * kEuro);
    SetBudget("Delft", 2016, 3'000'000 * kEuro);
    SetBudget("Rijswijk", 2016, 2'000'000 * kEuro);
    for (const char* member : {"Den Haag", "Delft", "Rijswijk"}) {
      SetBudget(member, 2017, 1'000'000 * kEuro);
    }
    Accept(Own("Delft", R"(submit_local_plan { municipality: "Delft" year: 2016
                          lots { lot: "ambulatory" amount_cents: 200000000 } })"));
    Paid("Den Haag", 2016, 4'000'000 * kEuro);
    Paid("Delft", 2016, 500'000 * kEuro);
    Paid("Rijswijk", 2016, 500'000 * kEuro);
  }

  void SetBudget(const std::string& municipality, int32_t year, int64_t cents) {
    Accept(Own(municipality, absl::StrCat("set_budget { municipality: '", municipality,
                                          "' year: ", year,
                                          " source: BUDGET_SOURCE_MAY_CIRCULAR amount_cents: ",
                                          cents, " }")));
  }

  // Records what the claims concern would have paid on c1.
  void Paid(const std::string& municipality, int32_t year, int64_t cents) {
    v1::ClaimedYear& row = *state_.contracts["c1"].add_claimed();
    row.set_municipality(municipality);
    row.set_year(year);
    row.set_claimed_cents(cents);
    row.set_paid_cents(cents);
  }

  void CloseAll(int32_t year) {
    for (const char* member : {"Den Haag", "Delft", "Rijswijk"}) {
      Accept(Own(member, absl::StrCat("close_year { municipality: '", member, "' year: ", year,
                                      " }")));
    }
  }

  void AgreeKey(const std::string& agreement) {
    Accept(CommandOf(Bureau(), absl::StrCat("amend_framework { equalisation { ", agreement,
                                            " } reason: 'the councils agreed a new key' }")));
  }

  const YearBudget& Budget(const std::string& municipality, int32_t year) {
    return state_.municipalities.at(municipality).years.at(year);
  }
};

TEST_F(EqualisationTest, TheBudgetKeySharesTheYearsCostAndRecordsItsInputs) {
  CloseAll(2016);
  // Total cost 5,000,000.00 over total budget 10,000,000.00: each member
  // carries half its budget. Den Haag spent 1,500,000.00 more than that.
  v1::Event expected;
  *expected.mutable_risk_equalised() = ParseText<v1::RiskEqualised>(R"pb(
    year: 2016
    key: EQUALISATION_KEY_BUDGET
    total_cost_cents: 500000000
    total_weight: 1000000000
    shares { municipality: "Delft" cost_cents: 50000000 weight: 300000000
             key_share_cents: 150000000 amount_cents: -100000000 }
    shares { municipality: "Den Haag" cost_cents: 400000000 weight: 500000000
             key_share_cents: 250000000 amount_cents: 150000000 }
    shares { municipality: "Rijswijk" cost_cents: 50000000 weight: 200000000
             key_share_cents: 100000000 amount_cents: -50000000 }
  )pb");
  EXPECT_THAT(DecideOne(Equalise(2016)), EqualsProto(expected));
}

TEST_F(EqualisationTest, TheYearsCostIsWhatTheCloseRecorded) {
  CloseAll(2016);
  EXPECT_EQ(Budget("Den Haag", 2016).closed_cost_cents, 4'000'000 * kEuro);
  // A payment recorded after the close does not change the key's inputs.
  Paid("Delft", 2016, 1'000 * kEuro);
  const v1::Event event = DecideOne(Equalise(2016));
  EXPECT_EQ(event.risk_equalised().total_cost_cents(), 5'000'000 * kEuro);
}

TEST_F(EqualisationTest, EqualisationIsBookedOnceAndRecordedAsDone) {
  CloseAll(2016);
  Accept(Equalise(2016));
  EXPECT_EQ(Budget("Den Haag", 2016).equalisation_cents, 1'500'000 * kEuro);
  EXPECT_EQ(Budget("Delft", 2016).equalisation_cents, -1'000'000 * kEuro);
  EXPECT_EQ(Budget("Rijswijk", 2016).equalisation_cents, -500'000 * kEuro);
  EXPECT_EQ(Budget("Delft", 2017).equalisation_cents, 0);
  EXPECT_THAT(state_.equalised_years, ElementsAre(2016));
  EXPECT_THAT(Decide(state_, Equalise(2016)),
              ::inkoop::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                          ::testing::HasSubstr("already done for 2016")));
}

TEST_F(EqualisationTest, ThePopulationKeySharesByTheAgreedFigures) {
  AgreeKey(R"(key: EQUALISATION_KEY_POPULATION
              population { municipality: "Den Haag" residents: 60000 }
              population { municipality: "Delft" residents: 25000 }
              population { municipality: "Rijswijk" residents: 15000 })");
  CloseAll(2016);
  const v1::RiskEqualised event = DecideOne(Equalise(2016)).risk_equalised();
  EXPECT_EQ(event.key(), v1::EQUALISATION_KEY_POPULATION);
  EXPECT_EQ(event.total_weight(), 100'000);
  ASSERT_EQ(event.shares_size(), 3);
  EXPECT_EQ(event.shares(0).key_share_cents(), 1'250'000 * kEuro);  // Delft
  EXPECT_EQ(event.shares(0).amount_cents(), -750'000 * kEuro);
  EXPECT_EQ(event.shares(1).key_share_cents(), 3'000'000 * kEuro);  // Den Haag
  EXPECT_EQ(event.shares(1).amount_cents(), 1'000'000 * kEuro);
  EXPECT_EQ(event.shares(2).amount_cents(), -250'000 * kEuro);      // Rijswijk
}

TEST_F(EqualisationTest, TheRealisedUseKeyWeighsByTheYearBefore) {
  AgreeKey("key: EQUALISATION_KEY_REALISED_USE");
  CloseAll(2016);
  // 2017 costs in the proportions of 2016: nobody carries anyone.
  Paid("Den Haag", 2017, 800'000 * kEuro);
  Paid("Delft", 2017, 100'000 * kEuro);
  Paid("Rijswijk", 2017, 100'000 * kEuro);
  CloseAll(2017);
  const v1::RiskEqualised event = DecideOne(Equalise(2017)).risk_equalised();
  EXPECT_EQ(event.total_weight(), 5'000'000 * kEuro);
  for (const v1::EqualisationShare& share : event.shares()) {
    EXPECT_EQ(share.amount_cents(), 0) << share.ShortDebugString();
    EXPECT_EQ(share.key_share_cents(), share.cost_cents());
  }
}

TEST_F(EqualisationTest, OddCentsGoToTheLargestRemainders) {
  Paid("Delft", 2016, 2);  // total cost 5,000,000.02 over three equal weights
  AgreeKey(R"(key: EQUALISATION_KEY_POPULATION
              population { municipality: "Den Haag" residents: 1 }
              population { municipality: "Delft" residents: 1 }
              population { municipality: "Rijswijk" residents: 1 })");
  CloseAll(2016);
  const v1::RiskEqualised event = DecideOne(Equalise(2016)).risk_equalised();
  int64_t shares = 0;
  int64_t amounts = 0;
  for (const v1::EqualisationShare& share : event.shares()) {
    shares += share.key_share_cents();
    amounts += share.amount_cents();
  }
  EXPECT_EQ(shares, event.total_cost_cents());
  EXPECT_EQ(amounts, 0);
  EXPECT_EQ(event.shares(0).key_share_cents(), 166'666'668);  // the tie goes to the first
  EXPECT_EQ(event.shares(1).key_share_cents(), 166'666'667);
  EXPECT_EQ(event.shares(2).key_share_cents(), 166'666'667);
}

TEST(ShareByWeight, SumsToTheTotalExactly) {
  EXPECT_THAT(ShareByWeight(100, {1, 1, 1}), ElementsAre(34, 33, 33));
  EXPECT_THAT(ShareByWeight(100, {1, 2, 2}), ElementsAre(20, 40, 40));
  EXPECT_THAT(ShareByWeight(0, {5, 7}), ElementsAre(0, 0));
  EXPECT_THAT(ShareByWeight(7, {0, 3}), ElementsAre(0, 7));
  EXPECT_THAT(ShareByWeight(10, {2, 3, 5}), ElementsAre(2, 3, 5));
  // Far beyond 64 bits when multiplied, still exact.
  const std::vector<int64_t> shares = ShareByWeight(kMax, {kMax, kMax / 3, 1});
  EXPECT_EQ(std::accumulate(shares.begin(), shares.end(), static_cast<__int128>(0)),
            static_cast<__int128>(kMax));
}

TEST_F(EqualisationTest, EqualiseRiskRefusedWithTheRuleItBreaks) {
  CloseAll(2016);
  ExpectRefusals(
      Equalise(2016),
      {
          {"ByAMunicipality",
           [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Delft"); },
           Denied("role rule: only the bureau may equalise risk")},
          {"ForAYearOutsideThePeriod",
           [](v1::Command& c, RegionState&) { c.mutable_equalise_risk()->set_year(2018); },
           Broken("year: expected a year of framework 'H10-2016' (2016-2017), got 2018")},
          {"WithSharesOfTheCaller",
           [](v1::Command& c, RegionState&) {
             c.mutable_equalise_risk()->add_shares()->set_municipality("Delft");
           },
           Invalid("shares: the engine computes the shares from the framework's key; expected "
                   "none, got 1")},
          {"WithoutAnAgreedKey",
           [](v1::Command&, RegionState& s) { s.framework.equalisation.clear_key(); },
           Broken("risk equalisation 2016: framework 'H10-2016' agrees no equalisation key; "
                  "amend_framework with one first")},
          {"BeforeEveryMemberClosed",
           [](v1::Command&, RegionState& s) {
             s.municipalities["Rijswijk"].years[2016].closed = false;
           },
           Broken("risk equalisation 2016: Rijswijk has not closed 2016 (the key shares the year "
                  "of every member); close_year first")},
          {"ForAYearAMemberHasNoBudgetFor",
           [](v1::Command&, RegionState& s) { s.municipalities["Rijswijk"].years.erase(2016); },
           Broken("Rijswijk has not closed 2016")},
          {"WhenEveryWeightIsZero",
           [](v1::Command&, RegionState& s) {
             for (auto& [name, m] : s.municipalities) m.years[2016].budget_cents = 0;
           },
           Broken("the key 'budget' gives every member weight 0")},
          {"ByRealisedUseWithoutTheYearBefore",
           [](v1::Command& c, RegionState& s) {
             s.framework.equalisation.set_key(v1::EQUALISATION_KEY_REALISED_USE);
             for (auto& [name, m] : s.municipalities) m.years[2017].closed = true;
             s.municipalities["Delft"].years[2016].closed = false;
             c.mutable_equalise_risk()->set_year(2017);
           },
           Broken("risk equalisation 2017: Delft has not closed 2016, whose cost is the key for "
                  "2017; close_year 2016 first")},
      });
}

// The agreement, as adopt_framework and amend_framework check it.

TEST_F(EqualisationTest, AgreementsAreCheckedAsTheFrameworkTakesThem) {
  auto amend = [](const std::string& agreement) {
    return CommandOf(Bureau(), absl::StrCat("amend_framework { equalisation { ", agreement,
                                            " } reason: 'new key' }"));
  };
  const std::string all = R"(population { municipality: "Den Haag" residents: 1 }
                             population { municipality: "Delft" residents: 1 }
                             population { municipality: "Rijswijk" residents: 1 })";
  const struct {
    std::string agreement;
    std::string message;
  } cases[] = {
      {"key: EQUALISATION_KEY_POPULATION population { municipality: 'Delft' residents: 1 }",
       "equalisation.population: expected a figure for every member, got none for 'Den Haag'"},
      {absl::StrCat("key: EQUALISATION_KEY_BUDGET ", all),
       "equalisation.population: only the population key takes figures, got 3 with the key "
       "'budget'"},
      {"key: EQUALISATION_KEY_POPULATION population { municipality: 'Leiden' residents: 1 }",
       "equalisation.population[0].municipality: 'Leiden' is not a member of the framework"},
      {absl::StrCat("key: EQUALISATION_KEY_POPULATION ", all,
                    " population { municipality: 'Delft' residents: 2 }"),
       "equalisation.population[3].municipality: 'Delft' appears twice"},
      {"key: EQUALISATION_KEY_POPULATION population { municipality: 'Delft' residents: 0 }",
       "equalisation.population[0].residents: expected"},
      {"key: 9", "equalisation.key: expected EQUALISATION_KEY_BUDGET, _POPULATION or "
                 "_REALISED_USE, got 9"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.agreement);
    EXPECT_THAT(Decide(state_, amend(c.agreement)),
                ::inkoop::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                            ::testing::HasSubstr(c.message)));
  }
  // The agreement in force is not a change.
  EXPECT_THAT(Decide(state_, amend("key: EQUALISATION_KEY_BUDGET")),
              ::inkoop::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                          ::testing::HasSubstr("got no change")));
  const v1::Event event = DecideOne(amend(absl::StrCat("key: EQUALISATION_KEY_POPULATION ", all)));
  EXPECT_TRUE(event.framework_amended().changes_equalisation());
  Accept(amend(absl::StrCat("key: EQUALISATION_KEY_POPULATION ", all)));
  EXPECT_EQ(state_.framework.equalisation.key(), v1::EQUALISATION_KEY_POPULATION);
  EXPECT_EQ(state_.framework.equalisation.population_size(), 3);
}

// deposit_to_fund and draw_from_fund

TEST_F(EqualisationTest, ADepositSetsMoneyOfTheYearAsideAndDrawsPayFromTheBalance) {
  v1::Event expected;
  *expected.mutable_fund_deposited() = ParseText<v1::FundDeposited>(R"pb(
    municipality: "Delft" year: 2016 amount_cents: 50000000
    reason: "buffer for demand above the plan" balance_cents: 50000000
  )pb");
  EXPECT_THAT(DecideOne(Deposit("Delft", 2016, 500'000 * kEuro)), EqualsProto(expected));
  Accept(Deposit("Delft", 2016, 500'000 * kEuro));
  Accept(Deposit("Den Haag", 2016, 250'000 * kEuro));
  EXPECT_EQ(state_.fund_balance_cents, 750'000 * kEuro);
  EXPECT_EQ(Budget("Delft", 2016).fund_deposited_cents, 500'000 * kEuro);
  EXPECT_EQ(SetAsideTotal(Budget("Delft", 2016)), 500'000 * kEuro);
  // Delft's plan may now take at most 2,500,000.00 of its 3,000,000.00.
  EXPECT_THAT(Decide(state_, Own("Delft", R"(submit_local_plan { municipality: "Delft" year: 2016
                                 lots { lot: "ambulatory" amount_cents: 250000001 } })")),
              ::inkoop::testing::StatusIs(
                  absl::StatusCode::kFailedPrecondition,
                  ::testing::HasSubstr("less the reserved 500,000.00 (of which 500,000.00 in the "
                                       "fluctuation fund)")));

  *expected.mutable_fund_drawn() = ParseText<v1::FundDrawn>(R"pb(
    municipality: "Rijswijk" year: 2016 amount_cents: 75000000
    reason: "deficit on specialist care" balance_cents: 0
  )pb");
  EXPECT_THAT(DecideOne(Draw("Rijswijk", 2016, 750'000 * kEuro)), EqualsProto(expected));
  Accept(Draw("Rijswijk", 2016, 700'000 * kEuro));
  EXPECT_EQ(state_.fund_balance_cents, 50'000 * kEuro);
  EXPECT_EQ(Budget("Rijswijk", 2016).fund_drawn_cents, 700'000 * kEuro);
  // A closed year may still receive a draw (a deficit found at the close).
  CloseAll(2016);
  Accept(Draw("Rijswijk", 2016, 50'000 * kEuro));
  EXPECT_EQ(state_.fund_balance_cents, 0);
}

TEST_F(EqualisationTest, DepositRefusedWithTheRuleItBreaks) {
  ExpectRefusals(
      Deposit("Delft", 2016, 1'000'000 * kEuro),
      {
          {"ByAnotherMunicipality",
           [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Rijswijk"); },
           Denied("role rule: only municipality 'Delft' itself may deposit into the fluctuation "
                  "fund")},
          {"ByTheBureau", [](v1::Command& c, RegionState&) { *c.mutable_actor() = Bureau(); },
           Denied("actor 'bureau' is bureau")},
          {"ForAnUnknownMunicipality",
           [](v1::Command& c, RegionState&) {
             c.mutable_deposit_to_fund()->set_municipality("Leiden");
           },
           Unknown("municipality: 'Leiden' is not a municipality of region 'haaglanden'")},
          {"OfNothing",
           [](v1::Command& c, RegionState&) { c.mutable_deposit_to_fund()->set_amount_cents(0); },
           Invalid("amount_cents: expected an amount above 0, got 0.00")},
          {"WithoutReason",
           [](v1::Command& c, RegionState&) { c.mutable_deposit_to_fund()->clear_reason(); },
           Invalid("reason: expected why the money moves, got ''")},
          {"ForAYearWithoutBudget",
           [](v1::Command&, RegionState& s) {
             s.municipalities["Delft"].years.erase(2016);
           },
           Broken("fluctuation fund deposit of Delft 2016: no budget set for that year")},
          {"ForAClosedYear",
           [](v1::Command&, RegionState& s) { s.municipalities["Delft"].years[2016].closed = true; },
           Broken("fluctuation fund deposit of Delft 2016: the year is closed")},
          {"OfPlannedMoney",
           [](v1::Command& c, RegionState&) {
             c.mutable_deposit_to_fund()->set_amount_cents(1'000'000 * kEuro + 1);
           },
           Broken("fluctuation fund deposit of Delft 2016: 1,000,000.01 would exceed the "
                  "unplanned 1,000,000.00 (budget 3,000,000.00 less planned 2,000,000.00 and set "
                  "aside 0.00)")},
          {"OfAnOverflowingAmount",
           [](v1::Command& c, RegionState& s) {
             s.fund_balance_cents = kMax;
             c.mutable_deposit_to_fund()->set_amount_cents(1);
           },
           Invalid("amount_cents")},
      });
}

TEST_F(EqualisationTest, DrawRefusedWithTheRuleItBreaks) {
  Accept(Deposit("Delft", 2016, 100 * kEuro));
  ExpectRefusals(
      Draw("Rijswijk", 2016, 100 * kEuro),
      {
          {"ByAMunicipality",
           [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Rijswijk"); },
           Denied("role rule: only the bureau may draw from the fluctuation fund")},
          {"ForAnUnknownMunicipality",
           [](v1::Command& c, RegionState&) {
             c.mutable_draw_from_fund()->set_municipality("Leiden");
           },
           Unknown("municipality: 'Leiden' is not a municipality of region 'haaglanden'")},
          {"OfANegativeAmount",
           [](v1::Command& c, RegionState&) { c.mutable_draw_from_fund()->set_amount_cents(-1); },
           Invalid("amount_cents: expected an amount above 0, got -0.01")},
          {"WithoutReason",
           [](v1::Command& c, RegionState&) { c.mutable_draw_from_fund()->set_reason(""); },
           Invalid("reason: expected why the money moves")},
          {"ForAYearWithoutBudget",
           [](v1::Command& c, RegionState&) { c.mutable_draw_from_fund()->set_year(2018); },
           Broken("fluctuation fund draw of Rijswijk 2018: no budget set for that year")},
          {"OfMoreThanTheBalance",
           [](v1::Command& c, RegionState&) {
             c.mutable_draw_from_fund()->set_amount_cents(100 * kEuro + 1);
           },
           Broken("fluctuation fund draw of Rijswijk 2016: 100.01 would exceed the fund's "
                  "balance 100.00")},
      });
}

}  // namespace
}  // namespace inkoop
