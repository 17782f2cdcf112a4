// Decide/Evolve for set_budget and submit_local_plan.
#include "engine/domain/budget.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/command_handler.h"
#include "engine/domain/decide.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::Actor;
using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kRegion[] = "haaglanden";

v1::Actor Delft() { return Actor("Delft", v1::ROLE_MUNICIPALITY); }

v1::Command Command(const v1::Actor& actor) {
  v1::Command command;
  command.set_region(kRegion);
  *command.mutable_actor() = actor;
  return command;
}

v1::Command AdoptFramework() {
  v1::Command command = Command(Actor("bureau", v1::ROLE_BUREAU));
  *command.mutable_adopt_framework() = ParseText<v1::AdoptFramework>(R"pb(
    framework_id: "H10-2016"
    municipalities: [ "Den Haag", "Delft", "Rijswijk" ]
    lots { code: "ambulatory" name: "Ambulatory youth care" }
    lots { code: "housing" name: "Housing and guidance" }
    lots { code: "specialist" name: "Specialist care" }
    period_start: "2016-01-01"
    period_end: "2017-12-31"
  )pb");
  return command;
}

v1::Command SetBudget(int64_t cents, int32_t year = 2016, const std::string& municipality = "Delft",
                      const v1::Actor& actor = Delft()) {
  v1::Command command = Command(actor);
  v1::SetBudget& body = *command.mutable_set_budget();
  body.set_municipality(municipality);
  body.set_year(year);
  body.set_source(v1::BUDGET_SOURCE_MAY_CIRCULAR);
  body.set_amount_cents(cents);
  return command;
}

v1::Command SubmitPlan(const std::vector<std::pair<std::string, int64_t>>& lots,
                       int32_t year = 2016, const std::string& municipality = "Delft",
                       const v1::Actor& actor = Delft()) {
  v1::Command command = Command(actor);
  v1::SubmitLocalPlan& body = *command.mutable_submit_local_plan();
  body.set_municipality(municipality);
  body.set_year(year);
  for (const auto& [lot, cents] : lots) {
    v1::LotAmount& amount = *body.add_lots();
    amount.set_lot(lot);
    amount.set_amount_cents(cents);
  }
  return command;
}

class BudgetTest : public ::testing::Test {
 protected:
  void SetUp() override { Accept(AdoptFramework()); }

  const RegionState& State() { return handler_.State(kRegion); }

  // The handler decides, fills in the envelope, seals and evolves.
  void Accept(v1::Command command) {
    command.set_command_id(absl::StrCat("cmd-", ++commands_));
    Outcome outcome = handler_.HandleAuthenticated(command, absl::Now());
    ASSERT_TRUE(outcome.result.accepted()) << outcome.result.message();
  }

  absl::StatusOr<std::vector<v1::Event>> DecideOn(const v1::Command& command) {
    return Decide(State(), command);
  }

  CommandHandler handler_;
  int commands_ = 0;
};

// set_budget

TEST_F(BudgetTest, SetBudgetProducesBudgetSet) {
  absl::StatusOr<std::vector<v1::Event>> events = DecideOn(SetBudget(120000050));
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(1));
  v1::Event expected;
  *expected.mutable_budget_set() = ParseText<v1::BudgetSet>(R"pb(
    municipality: "Delft"
    year: 2016
    source: BUDGET_SOURCE_MAY_CIRCULAR
    amount_cents: 120000050
  )pb");
  EXPECT_THAT((*events)[0], EqualsProto(expected));
}

TEST_F(BudgetTest, EvolveOfBudgetSetRecordsTheBudget) {
  Accept(SetBudget(120000050));
  const YearBudget* budget = FindYearBudget(State(), "Delft", 2016);
  ASSERT_NE(budget, nullptr);
  EXPECT_TRUE(budget->budget_set);
  EXPECT_EQ(budget->source, v1::BUDGET_SOURCE_MAY_CIRCULAR);
  EXPECT_EQ(budget->budget_cents, 120000050);
  EXPECT_FALSE(budget->plan_submitted);
  EXPECT_EQ(FindYearBudget(State(), "Delft", 2017), nullptr);
  EXPECT_EQ(FindYearBudget(State(), "Rijswijk", 2016), nullptr);
}

TEST_F(BudgetTest, SetBudgetAgainReplacesTheEarlierBudget) {
  Accept(SetBudget(1000));
  v1::Command september = SetBudget(2500);
  september.mutable_set_budget()->set_source(v1::BUDGET_SOURCE_SEPTEMBER_CIRCULAR);
  Accept(september);
  const YearBudget* budget = FindYearBudget(State(), "Delft", 2016);
  ASSERT_NE(budget, nullptr);
  EXPECT_EQ(budget->budget_cents, 2500);
  EXPECT_EQ(budget->source, v1::BUDGET_SOURCE_SEPTEMBER_CIRCULAR);
}

TEST_F(BudgetTest, SetBudgetAcceptsZeroAndTheLastYearOfThePeriod) {
  EXPECT_THAT(DecideOn(SetBudget(0)), IsOk());
  EXPECT_THAT(DecideOn(SetBudget(1, 2017)), IsOk());
}

TEST_F(BudgetTest, BudgetLoweredToExactlyThePlannedAmountIsAccepted) {
  Accept(SetBudget(1000));
  Accept(SubmitPlan({{"ambulatory", 600}, {"housing", 100}}));
  EXPECT_THAT(DecideOn(SetBudget(700)), IsOk());
}

TEST_F(BudgetTest, BudgetLoweredBelowThePlannedAmountIsRefused) {
  Accept(SetBudget(1000));
  Accept(SubmitPlan({{"ambulatory", 600}, {"housing", 100}}));
  EXPECT_THAT(DecideOn(SetBudget(699)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("budget of Delft 2016: new amount 6.99 would be below the "
                                       "planned"),
                             HasSubstr("7.00"))));
}

TEST_F(BudgetTest, SetBudgetWithoutFrameworkIsRefused) {
  CommandHandler fresh;
  EXPECT_THAT(Decide(fresh.State(kRegion), SetBudget(1000)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no framework yet")));
}

struct Refusal {
  std::string name;
  std::function<v1::Command()> make;
  absl::StatusCode code;
  std::string reason;
};

std::string RefusalName(const ::testing::TestParamInfo<Refusal>& param) { return param.param.name; }

class SetBudgetRefusedTest : public BudgetTest, public ::testing::WithParamInterface<Refusal> {};

TEST_P(SetBudgetRefusedTest, RefusedWithTheRuleItBreaks) {
  EXPECT_THAT(DecideOn(GetParam().make()), StatusIs(GetParam().code, HasSubstr(GetParam().reason)));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, SetBudgetRefusedTest,
    ::testing::Values(
        Refusal{
            "ByAnotherMunicipality",
            [] { return SetBudget(1000, 2016, "Delft", Actor("Rijswijk", v1::ROLE_MUNICIPALITY)); },
            absl::StatusCode::kPermissionDenied,
            "role rule: only municipality 'Delft' itself may set its budget; actor 'Rijswijk' "
            "is municipality"},
        Refusal{"ByTheBureau",
                [] { return SetBudget(1000, 2016, "Delft", Actor("bureau", v1::ROLE_BUREAU)); },
                absl::StatusCode::kPermissionDenied,
                "role rule: only municipality 'Delft' itself may set its budget; actor 'bureau' "
                "is bureau"},
        Refusal{"ByAProviderNamedLikeTheMunicipality",
                [] { return SetBudget(1000, 2016, "Delft", Actor("Delft", v1::ROLE_PROVIDER)); },
                absl::StatusCode::kPermissionDenied, "role rule"},
        Refusal{"ForAnUnknownMunicipality",
                [] {
                  return SetBudget(1000, 2016, "Utrecht", Actor("Utrecht", v1::ROLE_MUNICIPALITY));
                },
                absl::StatusCode::kNotFound,
                "municipality: 'Utrecht' is not a municipality of region 'haaglanden' (expected "
                "one of: Delft, Den Haag, Rijswijk)"},
        Refusal{"ForAYearAfterTheFrameworkPeriod", [] { return SetBudget(1000, 2018); },
                absl::StatusCode::kFailedPrecondition,
                "year: expected a year of framework 'H10-2016' (2016-2017), got 2018"},
        Refusal{"ForAYearBeforeTheFrameworkPeriod", [] { return SetBudget(1000, 2015); },
                absl::StatusCode::kFailedPrecondition, "(2016-2017), got 2015"},
        Refusal{"WithANegativeAmount", [] { return SetBudget(-1); },
                absl::StatusCode::kInvalidArgument,
                "amount_cents: expected an amount >= 0.00, got -0.01"},
        Refusal{"WithoutASource",
                [] {
                  v1::Command command = SetBudget(1000);
                  command.mutable_set_budget()->clear_source();
                  return command;
                },
                absl::StatusCode::kInvalidArgument,
                "source: expected where the budget comes from"}),
    RefusalName);

// submit_local_plan

TEST_F(BudgetTest, SubmitLocalPlanProducesLocalPlanSubmitted) {
  Accept(SetBudget(1000));
  v1::Command command = SubmitPlan({{"specialist", 300}, {"ambulatory", 700}});
  command.mutable_submit_local_plan()->add_priorities("early help");
  command.mutable_submit_local_plan()->add_priorities("fewer placements");
  absl::StatusOr<std::vector<v1::Event>> events = DecideOn(command);
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(1));
  v1::Event expected;
  *expected.mutable_local_plan_submitted() = ParseText<v1::LocalPlanSubmitted>(R"pb(
    municipality: "Delft"
    year: 2016
    lots { lot: "specialist" amount_cents: 300 }
    lots { lot: "ambulatory" amount_cents: 700 }
    priorities: [ "early help", "fewer placements" ]
  )pb");
  EXPECT_THAT((*events)[0], EqualsProto(expected));
}

TEST_F(BudgetTest, EvolveOfLocalPlanSubmittedRecordsThePlan) {
  Accept(SetBudget(1000));
  v1::Command command = SubmitPlan({{"specialist", 300}, {"ambulatory", 700}});
  command.mutable_submit_local_plan()->add_priorities("early help");
  Accept(command);
  const YearBudget* budget = FindYearBudget(State(), "Delft", 2016);
  ASSERT_NE(budget, nullptr);
  EXPECT_TRUE(budget->plan_submitted);
  ASSERT_THAT(budget->lots, SizeIs(2));
  EXPECT_EQ(budget->lots.at("ambulatory").planned_cents, 700);
  EXPECT_EQ(budget->lots.at("specialist").planned_cents, 300);
  EXPECT_EQ(budget->lots.at("specialist").committed_cents, 0);
  EXPECT_THAT(budget->priorities, ElementsAre("early help"));
  EXPECT_EQ(budget->budget_cents, 1000);
}

TEST_F(BudgetTest, ARevisedPlanReplacesThePreviousOne) {
  Accept(SetBudget(1000));
  v1::Command first = SubmitPlan({{"specialist", 300}, {"ambulatory", 700}});
  first.mutable_submit_local_plan()->add_priorities("early help");
  Accept(first);
  Accept(SubmitPlan({{"housing", 50}}));
  const YearBudget* budget = FindYearBudget(State(), "Delft", 2016);
  ASSERT_NE(budget, nullptr);
  EXPECT_EQ(budget->lots.at("housing").planned_cents, 50);
  EXPECT_EQ(budget->lots.at("ambulatory").planned_cents, 0);
  EXPECT_EQ(budget->lots.at("specialist").planned_cents, 0);
  EXPECT_THAT(budget->priorities, ::testing::IsEmpty());
  // With the old plan gone, the budget may fall to the new plan's total.
  EXPECT_THAT(DecideOn(SetBudget(50)), IsOk());
}

TEST_F(BudgetTest, PlanSummingExactlyToTheBudgetIsAccepted) {
  Accept(SetBudget(1000));
  EXPECT_THAT(DecideOn(SubmitPlan({{"ambulatory", 400}, {"housing", 600}})), IsOk());
}

TEST_F(BudgetTest, PlanSummingAboveTheBudgetIsRefused) {
  Accept(SetBudget(1000));
  EXPECT_THAT(DecideOn(SubmitPlan({{"ambulatory", 400}, {"housing", 601}})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("local plan of Delft 2016: lots sum to 10.01, which exceeds the "
                                 "budget 10.00")));
}

TEST_F(BudgetTest, PlanForAYearWithoutBudgetIsRefused) {
  Accept(SetBudget(1000, 2016));
  EXPECT_THAT(DecideOn(SubmitPlan({{"ambulatory", 1}}, 2017)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("local plan of Delft 2017: no budget set for that year; "
                                 "set_budget first")));
}

TEST_F(BudgetTest, PlanOfAnotherMunicipalityWithoutBudgetIsRefused) {
  Accept(SetBudget(1000));
  const v1::Actor rijswijk = Actor("Rijswijk", v1::ROLE_MUNICIPALITY);
  EXPECT_THAT(DecideOn(SubmitPlan({{"ambulatory", 1}}, 2016, "Rijswijk", rijswijk)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("local plan of Rijswijk 2016: no budget set")));
}

TEST_F(BudgetTest, PlanWhoseLotsOverflowTheCentRangeIsRefused) {
  Accept(SetBudget(1000));
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_THAT(DecideOn(SubmitPlan({{"ambulatory", max}, {"housing", 1}})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("overflows the cent range")));
}

class SubmitLocalPlanRefusedTest : public BudgetTest,
                                   public ::testing::WithParamInterface<Refusal> {
 protected:
  void SetUp() override {
    BudgetTest::SetUp();
    Accept(SetBudget(1000));
  }
};

TEST_P(SubmitLocalPlanRefusedTest, RefusedWithTheRuleItBreaks) {
  EXPECT_THAT(DecideOn(GetParam().make()), StatusIs(GetParam().code, HasSubstr(GetParam().reason)));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, SubmitLocalPlanRefusedTest,
    ::testing::Values(
        Refusal{"ByAnotherMunicipality",
                [] {
                  return SubmitPlan({{"ambulatory", 1}}, 2016, "Delft",
                                    Actor("Den Haag", v1::ROLE_MUNICIPALITY));
                },
                absl::StatusCode::kPermissionDenied,
                "role rule: only municipality 'Delft' itself may submit its local procurement "
                "plan; actor 'Den Haag' is municipality"},
        Refusal{"ByTheBureau",
                [] {
                  return SubmitPlan({{"ambulatory", 1}}, 2016, "Delft",
                                    Actor("bureau", v1::ROLE_BUREAU));
                },
                absl::StatusCode::kPermissionDenied, "role rule: only municipality 'Delft'"},
        Refusal{"ForAnUnknownMunicipality",
                [] {
                  return SubmitPlan({{"ambulatory", 1}}, 2016, "Leiden",
                                    Actor("Leiden", v1::ROLE_MUNICIPALITY));
                },
                absl::StatusCode::kNotFound,
                "municipality: 'Leiden' is not a municipality of region 'haaglanden' (expected "
                "one of: Delft, Den Haag, Rijswijk)"},
        Refusal{"ForAYearOutsideTheFrameworkPeriod",
                [] {
                  return SubmitPlan({{"ambulatory", 1}}, 2020);
                },
                absl::StatusCode::kFailedPrecondition,
                "year: expected a year of framework 'H10-2016' (2016-2017), got 2020"},
        Refusal{"WithoutLots", [] { return SubmitPlan({}); }, absl::StatusCode::kInvalidArgument,
                "lots: expected at least one lot amount, got none"},
        Refusal{"WithAnUnknownLot",
                [] {
                  return SubmitPlan({{"ambulatory", 1}, {"dance", 2}});
                },
                absl::StatusCode::kNotFound,
                "lots[1].lot: 'dance' is not a lot of framework 'H10-2016' (expected one of: "
                "ambulatory, housing, specialist)"},
        Refusal{"WithALotTwice",
                [] {
                  return SubmitPlan({{"ambulatory", 1}, {"housing", 2}, {"ambulatory", 3}});
                },
                absl::StatusCode::kInvalidArgument,
                "lots[2].lot: 'ambulatory' appears twice in the plan"},
        Refusal{"WithANegativeLotAmount",
                [] {
                  return SubmitPlan({{"ambulatory", 500}, {"housing", -100}});
                },
                absl::StatusCode::kInvalidArgument,
                "lots[1].amount_cents: expected an amount >= 0.00, got -1.00"},
        Refusal{"WhenTheLotsExceedTheBudget",
                [] {
                  return SubmitPlan({{"ambulatory", 999}, {"housing", 2}});
                },
                absl::StatusCode::kFailedPrecondition, "exceeds the budget"}),
    RefusalName);

}  // namespace
}  // namespace inkoop
