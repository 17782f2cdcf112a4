// Decide/Evolve for reserve_local_parts, issue_purchase_order, shift_budget,
// and close_year (equalise_risk: equalisation_test.cc).
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/decide.h"
#include "engine/envelope.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::Actor;
using ::inkoop::testing::Bureau;
using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::SizeIs;

constexpr char kRegion[] = "haaglanden";
constexpr int64_t kEuro = 100;

v1::Actor Own(const std::string& municipality) {
  return Actor(municipality, v1::ROLE_MUNICIPALITY);
}

v1::Command Command(const v1::Actor& actor) {
  v1::Command command;
  command.set_region(kRegion);
  *command.mutable_actor() = actor;
  return command;
}

v1::Command WithActor(v1::Command command, const v1::Actor& actor) {
  *command.mutable_actor() = actor;
  return command;
}

v1::Command AdoptFramework() {
  v1::Command command = Command(Bureau());
  // Framework order differs from alphabetical order on purpose.
  *command.mutable_adopt_framework() = ParseText<v1::AdoptFramework>(R"pb(
    framework_id: "H10-2016"
    municipalities: [ "Den Haag", "Delft", "Rijswijk" ]
    lots { code: "specialist" name: "Specialist care" }
    lots { code: "ambulatory" name: "Ambulatory youth care" }
    lots { code: "housing" name: "Housing and guidance" }
    period_start: "2016-01-01"
    period_end: "2018-12-31"
  )pb");
  return command;
}

v1::Command SetBudget(const std::string& municipality, int32_t year, int64_t cents) {
  v1::Command command = Command(Own(municipality));
  v1::SetBudget& body = *command.mutable_set_budget();
  body.set_municipality(municipality);
  body.set_year(year);
  body.set_source(v1::BUDGET_SOURCE_MAY_CIRCULAR);
  body.set_amount_cents(cents);
  return command;
}

v1::Command SubmitPlan(const std::string& municipality, int32_t year,
                       const std::vector<std::pair<std::string, int64_t>>& lots) {
  v1::Command command = Command(Own(municipality));
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

v1::Command Reserve(const std::string& municipality, int32_t year,
                    const std::vector<std::pair<int, int64_t>>& reservations) {
  v1::Command command = Command(Own(municipality));
  v1::ReserveLocalParts& body = *command.mutable_reserve_local_parts();
  body.set_municipality(municipality);
  body.set_year(year);
  for (const auto& [kind, cents] : reservations) {
    v1::Reservation& reservation = *body.add_reservations();
    reservation.set_kind(static_cast<v1::ReservationKind>(kind));
    reservation.set_amount_cents(cents);
  }
  return command;
}

// The purchase order of `year`, leaving out `excluded` (municipality, reason).
v1::Command IssueOrder(int32_t year,
                       const std::vector<std::pair<std::string, std::string>>& excluded = {}) {
  v1::Command command = Command(Bureau());
  command.mutable_issue_purchase_order()->set_year(year);
  for (const auto& [municipality, reason] : excluded) {
    v1::PlanExclusion& exclusion = *command.mutable_issue_purchase_order()->add_exclusions();
    exclusion.set_municipality(municipality);
    exclusion.set_reason(reason);
  }
  return command;
}

v1::Command AmendOrder(int32_t year, const std::string& reason = "Rijswijk's plan came in") {
  v1::Command command = Command(Bureau());
  command.mutable_amend_purchase_order()->set_year(year);
  command.mutable_amend_purchase_order()->set_reason(reason);
  return command;
}

const std::pair<std::string, std::string> kRijswijkLate = {"Rijswijk",
                                                           "its council decides in September"};

v1::Command Shift(const std::string& from, const std::string& to, int64_t cents,
                  int32_t year = 2016, const std::string& municipality = "Delft") {
  v1::Command command = Command(Own(municipality));
  v1::ShiftBudget& body = *command.mutable_shift_budget();
  body.set_municipality(municipality);
  body.set_year(year);
  body.set_from_lot(from);
  body.set_to_lot(to);
  body.set_amount_cents(cents);
  body.set_reason("more demand for ambulatory care");
  return command;
}

v1::Command CloseYear(const std::string& municipality, int32_t year) {
  v1::Command command = Command(Own(municipality));
  command.mutable_close_year()->set_municipality(municipality);
  command.mutable_close_year()->set_year(year);
  return command;
}

v1::Command WithoutReason(v1::Command command) {
  command.mutable_shift_budget()->clear_reason();
  return command;
}

constexpr int kExecution = v1::RESERVATION_KIND_EXECUTION_COSTS;
constexpr int kPersonal = v1::RESERVATION_KIND_PERSONAL_BUDGETS;
constexpr int kInnovation = v1::RESERVATION_KIND_LOCAL_INNOVATION_FUND;

// The region every test starts from:
//   Delft 2016     budget 1,200,000.00, plan specialist 400,000.00, ambulatory
//                  500,000.00, housing 200,000.00; 250,000.00 committed on specialist
//   Den Haag 2016  budget 5,000,000.00, plan ambulatory 3,000,000.00, specialist 1,000,000.00
//   Rijswijk 2016  budget 800,000.00, no plan
//   2017           Delft (plan ambulatory 100.00) and Den Haag closed; Rijswijk open
//   2018           budgets of Delft and Den Haag only; no plans
class BudgetLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_.region = kRegion;
    Accept(AdoptFramework());
    Accept(SetBudget("Delft", 2016, 1'200'000 * kEuro));
    Accept(SubmitPlan("Delft", 2016,
                      {{"specialist", 400'000 * kEuro},
                       {"ambulatory", 500'000 * kEuro},
                       {"housing", 200'000 * kEuro}}));
    ApplyCommit(state_, "Delft", 2016, "specialist", 250'000 * kEuro);
    Accept(SetBudget("Den Haag", 2016, 5'000'000 * kEuro));
    Accept(SubmitPlan("Den Haag", 2016,
                      {{"ambulatory", 3'000'000 * kEuro}, {"specialist", 1'000'000 * kEuro}}));
    Accept(SetBudget("Rijswijk", 2016, 800'000 * kEuro));
    for (const std::string municipality : {"Delft", "Den Haag", "Rijswijk"}) {
      Accept(SetBudget(municipality, 2017, 1'000'000 * kEuro));
    }
    Accept(SetBudget("Delft", 2018, 1'000'000 * kEuro));
    Accept(SetBudget("Den Haag", 2018, 1'000'000 * kEuro));
    Accept(SubmitPlan("Delft", 2017, {{"ambulatory", 100 * kEuro}}));
    Accept(CloseYear("Delft", 2017));
    Accept(CloseYear("Den Haag", 2017));
  }

  // Decides, envelopes and evolves, as the engine does.
  void Accept(const v1::Command& command) {
    absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, command);
    ASSERT_THAT(events, IsOk()) << command.ShortDebugString();
    for (v1::Event& event : *events) {
      event.set_region(state_.region);
      event.set_sequence(state_.sequence.value() + 1);
      event.set_event_id(absl::StrCat(state_.region, "/", event.sequence()));
      event.set_schema_version(kSchemaVersion);
      event.set_previous_hash(state_.last_hash);
      Seal(event);
      ASSERT_THAT(Evolve(state_, event), IsOk());
    }
  }

  // The single event `command` yields.
  v1::Event DecideOne(const v1::Command& command) {
    absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, command);
    EXPECT_THAT(events, IsOk());
    EXPECT_THAT(events.value_or(std::vector<v1::Event>{}), SizeIs(1));
    return events.ok() && events->size() == 1 ? (*events)[0] : v1::Event();
  }

  const YearBudget& Budget(const std::string& municipality, int32_t year) {
    return state_.municipalities.at(municipality).years.at(year);
  }

  RegionState state_;
};

// reserve_local_parts

TEST_F(BudgetLifecycleTest, ReserveLocalPartsProducesLocalPartsReserved) {
  v1::Event expected;
  *expected.mutable_local_parts_reserved() = ParseText<v1::LocalPartsReserved>(R"pb(
    municipality: "Delft"
    year: 2016
    reservations { kind: RESERVATION_KIND_PERSONAL_BUDGETS amount_cents: 6000000 }
    reservations { kind: RESERVATION_KIND_EXECUTION_COSTS amount_cents: 0 }
  )pb");
  EXPECT_THAT(DecideOne(Reserve("Delft", 2016, {{kPersonal, 60'000 * kEuro}, {kExecution, 0}})),
              EqualsProto(expected));
}

TEST_F(BudgetLifecycleTest, ReservationsReplaceTheYearsEarlierOnes) {
  Accept(Reserve("Delft", 2016, {{kPersonal, 60'000 * kEuro}, {kExecution, 10'000 * kEuro}}));
  EXPECT_THAT(Budget("Delft", 2016).reservations,
              ElementsAre(Pair(kExecution, 10'000 * kEuro), Pair(kPersonal, 60'000 * kEuro)));
  Accept(Reserve("Delft", 2016, {{kInnovation, 5'000 * kEuro}}));
  EXPECT_THAT(Budget("Delft", 2016).reservations, ElementsAre(Pair(kInnovation, 5'000 * kEuro)));
  EXPECT_EQ(ReservedTotal(Budget("Delft", 2016)), 5'000 * kEuro);
  Accept(Reserve("Delft", 2016, {}));
  EXPECT_THAT(Budget("Delft", 2016).reservations, ::testing::IsEmpty());
}

TEST_F(BudgetLifecycleTest, ReservationsFillingTheBudgetExactlyAreAccepted) {
  EXPECT_THAT(Decide(state_, Reserve("Delft", 2016, {{kPersonal, 100'000 * kEuro}})), IsOk());
}

TEST_F(BudgetLifecycleTest, ReservationsAndPlanTogetherBoundTheBudget) {
  Accept(Reserve("Rijswijk", 2016, {{kPersonal, 300'000 * kEuro}}));
  // The existing plan rule sees the reservation ...
  EXPECT_THAT(Decide(state_, SubmitPlan("Rijswijk", 2016, {{"housing", 500'001 * kEuro}})),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("less the reserved")));
  // ... and the reservation sees the plan.
  Accept(SubmitPlan("Rijswijk", 2016, {{"housing", 500'000 * kEuro}}));
  EXPECT_THAT(Decide(state_, Reserve("Rijswijk", 2016, {{kPersonal, 300'000 * kEuro + 1}})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("reservations of Rijswijk 2016: 300,000.01 reserved plus "
                                 "500,000.00 planned would exceed the budget 800,000.00")));
}

// issue_purchase_order

TEST_F(BudgetLifecycleTest, PurchaseOrderSumsThePlansPerLotInFrameworkOrder) {
  v1::Event expected;
  *expected.mutable_purchase_order_issued() = ParseText<v1::PurchaseOrderIssued>(R"pb(
    year: 2016
    lots { lot: "specialist" amount_cents: 140000000 }
    lots { lot: "ambulatory" amount_cents: 350000000 }
    lots { lot: "housing" amount_cents: 20000000 }
    municipalities: [ "Delft", "Den Haag" ]
    exclusions { municipality: "Rijswijk" reason: "its council decides in September" }
  )pb");
  EXPECT_THAT(DecideOne(IssueOrder(2016, {kRijswijkLate})), EqualsProto(expected));
}

TEST_F(BudgetLifecycleTest, PurchaseOrderNeedsThePlanOfEveryMemberOrAnExclusion) {
  EXPECT_THAT(Decide(state_, IssueOrder(2016)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("purchase order 2016: no local plan of Rijswijk "
                                                "for 2016; every member municipality submits "
                                                "its plan or is excluded with a reason")));
  EXPECT_THAT(Decide(state_, IssueOrder(2016, {{"Rijswijk", ""}})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exclusions[0].reason: expected why Rijswijk is left "
                                           "out of the purchase order, got ''")));
  EXPECT_THAT(Decide(state_, IssueOrder(2016, {kRijswijkLate, {"Gouda", "not a member"}})),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("exclusions[1].municipality: 'Gouda' is not a municipality")));
  EXPECT_THAT(Decide(state_, IssueOrder(2016, {kRijswijkLate, kRijswijkLate})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exclusions[1].municipality: 'Rijswijk' appears twice")));
}

TEST_F(BudgetLifecycleTest, LocalAndNationalLotsStayOutOfThePurchaseOrder) {
  state_.framework.lots["ambulatory"].scope = v1::LOT_SCOPE_LOCAL;
  state_.framework.lots["housing"].scope = v1::LOT_SCOPE_NATIONAL;
  const v1::Event event = DecideOne(IssueOrder(2016, {kRijswijkLate}));
  ASSERT_THAT(event.purchase_order_issued().lots(), SizeIs(1));
  EXPECT_EQ(event.purchase_order_issued().lots(0).lot(), "specialist");
}

TEST_F(BudgetLifecycleTest, APurchaseOrderATenderDrawsOnIsFrozenAndChangesOnlyByAmendment) {
  Accept(IssueOrder(2016, {kRijswijkLate}));
  state_.tenders["t1"] = ParseText<v1::TenderRecord>(R"pb(
    tender_id: "t1" lot: "ambulatory" year: 2016 ceiling_cents: 300000000
    status: TENDER_STATUS_OPEN)pb");
  Accept(SubmitPlan("Rijswijk", 2016, {{"housing", 1 * kEuro}}));
  EXPECT_THAT(Decide(state_, IssueOrder(2016)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("purchase order 2016 is frozen: tender 't1' draws "
                                                "on it; change it with amend_purchase_order")));
  v1::Event expected;
  *expected.mutable_purchase_order_amended() = ParseText<v1::PurchaseOrderAmended>(R"pb(
    year: 2016
    lots { lot: "specialist" amount_cents: 140000000 }
    lots { lot: "ambulatory" amount_cents: 350000000 }
    lots { lot: "housing" amount_cents: 20000100 }
    municipalities: [ "Delft", "Den Haag", "Rijswijk" ]
    reason: "Rijswijk's plan came in"
  )pb");
  EXPECT_THAT(DecideOne(AmendOrder(2016)), EqualsProto(expected));
  Accept(AmendOrder(2016));
  EXPECT_EQ(state_.purchase_orders.at(2016).amendments(), 1);
  EXPECT_EQ(state_.purchase_orders.at(2016).lots(2).amount_cents(), 20000100);
  // A lot may not fall below what its tenders draw.
  Accept(SubmitPlan("Den Haag", 2016, {{"ambulatory", 2'000'000 * kEuro}}));
  EXPECT_THAT(Decide(state_, AmendOrder(2016)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("purchase order 2016 lot 'ambulatory': the plans now sum to "
                                 "2,500,000.00, below the 3,000,000.00 its tenders draw")));
  EXPECT_THAT(Decide(state_, AmendOrder(2016, "")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason: expected why the purchase order changes")));
  EXPECT_THAT(Decide(state_, AmendOrder(2018)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no purchase order issued for 2018")));
}

TEST_F(BudgetLifecycleTest, PurchaseOrderCountsOnlyThePlansOfItsYear) {
  v1::Event expected;
  *expected.mutable_purchase_order_issued() = ParseText<v1::PurchaseOrderIssued>(R"pb(
    year: 2017
    lots { lot: "specialist" amount_cents: 0 }
    lots { lot: "ambulatory" amount_cents: 10000 }
    lots { lot: "housing" amount_cents: 0 }
    municipalities: [ "Delft" ]
    exclusions { municipality: "Den Haag" reason: "closed 2017 without regional care" }
    exclusions { municipality: "Rijswijk" reason: "buys 2017 alone" }
  )pb");
  EXPECT_THAT(DecideOne(IssueOrder(2017, {{"Den Haag", "closed 2017 without regional care"},
                                          {"Rijswijk", "buys 2017 alone"}})),
              EqualsProto(expected));
}

TEST_F(BudgetLifecycleTest, ReissuedPurchaseOrderReplacesTheEarlierOne) {
  Accept(IssueOrder(2016, {kRijswijkLate}));
  ASSERT_TRUE(state_.purchase_orders.contains(2016));
  EXPECT_THAT(state_.purchase_orders.at(2016).municipalities(), ElementsAre("Delft", "Den Haag"));
  Accept(SubmitPlan("Rijswijk", 2016, {{"housing", 1 * kEuro}}));
  Accept(SubmitPlan("Den Haag", 2016, {{"specialist", 7 * kEuro}}));
  Accept(IssueOrder(2016));
  const v1::PurchaseOrderRecord expected = ParseText<v1::PurchaseOrderRecord>(R"pb(
    year: 2016
    lots { lot: "specialist" amount_cents: 40000700 }
    lots { lot: "ambulatory" amount_cents: 50000000 }
    lots { lot: "housing" amount_cents: 20000100 }
    municipalities: [ "Delft", "Den Haag", "Rijswijk" ]
  )pb");
  EXPECT_THAT(state_.purchase_orders.at(2016), EqualsProto(expected));
  EXPECT_THAT(state_.purchase_orders, SizeIs(1));
}

// shift_budget

TEST_F(BudgetLifecycleTest, ShiftBudgetProducesBudgetShifted) {
  v1::Event expected;
  *expected.mutable_budget_shifted() = ParseText<v1::BudgetShifted>(R"pb(
    municipality: "Delft"
    year: 2016
    from_lot: "specialist"
    to_lot: "ambulatory"
    amount_cents: 10000000
    reason: "more demand for ambulatory care"
  )pb");
  EXPECT_THAT(DecideOne(Shift("specialist", "ambulatory", 100'000 * kEuro)), EqualsProto(expected));
}

TEST_F(BudgetLifecycleTest, ShiftMovesPlannedMoneyAndLeavesCommittedMoneyAlone) {
  Accept(Shift("specialist", "ambulatory", 150'000 * kEuro));  // all that is uncommitted
  const YearBudget& budget = Budget("Delft", 2016);
  EXPECT_EQ(budget.lots.at("specialist").planned_cents, 250'000 * kEuro);
  EXPECT_EQ(budget.lots.at("specialist").committed_cents, 250'000 * kEuro);
  EXPECT_EQ(budget.lots.at("ambulatory").planned_cents, 650'000 * kEuro);
  EXPECT_EQ(PlannedTotal(budget), 1'100'000 * kEuro);
  EXPECT_THAT(Decide(state_, Shift("specialist", "ambulatory", 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("only 0.00 is uncommitted (planned 250,000.00, committed "
                                 "250,000.00)")));
}

TEST_F(BudgetLifecycleTest, ShiftIntoALotOutsideThePlanCreatesItsPlannedMoney) {
  Accept(Shift("ambulatory", "housing", 1 * kEuro, 2016, "Den Haag"));
  EXPECT_EQ(Budget("Den Haag", 2016).lots.at("housing").planned_cents, 1 * kEuro);
  EXPECT_EQ(Budget("Den Haag", 2016).lots.at("ambulatory").planned_cents, 2'999'999 * kEuro);
}

// close_year

TEST_F(BudgetLifecycleTest, CloseYearReportsTheYearsTotals) {
  state_.contracts["c1"] = ParseText<v1::ContractRecord>(R"pb(
    contract_id: "c1"
    claimed { municipality: "Delft" year: 2016 claimed_cents: 15000 paid_cents: 10000 }
    claimed { municipality: "Delft" year: 2017 claimed_cents: 99900 paid_cents: 99900 }
    claimed { municipality: "Rijswijk" year: 2016 claimed_cents: 77700 paid_cents: 0 }
  )pb");
  state_.contracts["c2"] = ParseText<v1::ContractRecord>(R"pb(
    contract_id: "c2"
    claimed { municipality: "Delft" year: 2016 claimed_cents: 5000 paid_cents: 5000 }
  )pb");
  // A settled lump sum costs its production: 3,000.00 paid, 200.00 still owed.
  state_.contracts["c3"] = ParseText<v1::ContractRecord>(R"pb(
    contract_id: "c3"
    claimed {
      municipality: "Delft" year: 2016 claimed_cents: 300000 paid_cents: 300000
      settled: true settlement_cents: 20000
    }
  )pb");
  v1::Event expected;
  *expected.mutable_year_closed() = ParseText<v1::YearClosed>(R"pb(
    municipality: "Delft"
    year: 2016
    budget_cents: 120000000
    planned_cents: 110000000
    committed_cents: 25000000
    claimed_cents: 320000
    paid_cents: 315000
    cost_cents: 335000
  )pb");
  EXPECT_THAT(DecideOne(CloseYear("Delft", 2016)), EqualsProto(expected));
}

TEST_F(BudgetLifecycleTest, CloseYearWithoutPlanReportsZeroPlanned) {
  v1::Event expected;
  *expected.mutable_year_closed() =
      ParseText<v1::YearClosed>(R"pb(
        municipality: "Rijswijk" year: 2016 budget_cents: 80000000
      )pb");
  EXPECT_THAT(DecideOne(CloseYear("Rijswijk", 2016)), EqualsProto(expected));
}

TEST_F(BudgetLifecycleTest, ClosedYearRefusesFurtherChanges) {
  Accept(CloseYear("Delft", 2016));
  EXPECT_TRUE(Budget("Delft", 2016).closed);
  EXPECT_FALSE(Budget("Delft", 2018).closed);
  for (const v1::Command& command :
       {SetBudget("Delft", 2016, 2'000'000 * kEuro), SubmitPlan("Delft", 2016, {{"housing", 1}}),
        Reserve("Delft", 2016, {}), Shift("ambulatory", "housing", 1)}) {
    EXPECT_THAT(Decide(state_, command),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("the year is closed")))
        << command.ShortDebugString();
  }
  EXPECT_THAT(CheckCommit(state_, "Delft", 2016, "ambulatory", 1),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("the year is closed")));
}

TEST_F(BudgetLifecycleTest, CloseYearWhoseClaimsOverflowIsRefused) {
  v1::ContractRecord contract;
  for (int i = 0; i < 2; ++i) {
    v1::ClaimedYear& row = *contract.add_claimed();
    row.set_municipality("Delft");
    row.set_year(2016);
    row.set_claimed_cents(std::numeric_limits<int64_t>::max());
  }
  state_.contracts["c1"] = contract;
  EXPECT_THAT(Decide(state_, CloseYear("Delft", 2016)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("overflows the cent range")));
}

// Every rule, refused.

struct Refusal {
  std::string name;
  v1::Command command;
  absl::StatusCode code;
  std::string reason;
};

void PrintTo(const Refusal& refusal, std::ostream* os) { *os << refusal.name; }

std::string RefusalName(const ::testing::TestParamInfo<Refusal>& param) { return param.param.name; }

class BudgetLifecycleRefusedTest : public BudgetLifecycleTest,
                                   public ::testing::WithParamInterface<Refusal> {};

TEST_P(BudgetLifecycleRefusedTest, RefusedWithTheRuleItBreaks) {
  EXPECT_THAT(Decide(state_, GetParam().command),
              StatusIs(GetParam().code, HasSubstr(GetParam().reason)));
}

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr absl::StatusCode kPrecondition = absl::StatusCode::kFailedPrecondition;
constexpr absl::StatusCode kDenied = absl::StatusCode::kPermissionDenied;
constexpr absl::StatusCode kNotFound = absl::StatusCode::kNotFound;

INSTANTIATE_TEST_SUITE_P(
    ReserveLocalParts, BudgetLifecycleRefusedTest,
    ::testing::Values(
        Refusal{"ByAnotherMunicipality", WithActor(Reserve("Delft", 2016, {}), Own("Rijswijk")),
                kDenied,
                "role rule: only municipality 'Delft' itself may reserve parts of its budget; "
                "actor 'Rijswijk' is municipality"},
        Refusal{"ByTheBureau", WithActor(Reserve("Delft", 2016, {}), Bureau()), kDenied,
                "actor 'bureau' is bureau"},
        Refusal{"ForAnUnknownMunicipality", Reserve("Leiden", 2016, {}), kNotFound,
                "municipality: 'Leiden' is not a municipality of region 'haaglanden'"},
        Refusal{"ForAYearOutsideThePeriod", Reserve("Delft", 2019, {}), kPrecondition,
                "year: expected a year of framework 'H10-2016' (2016-2018), got 2019"},
        Refusal{"ForAYearWithoutBudget", Reserve("Rijswijk", 2018, {}), kPrecondition,
                "reservations of Rijswijk 2018: no budget set for that year; set_budget first"},
        Refusal{"ForAClosedYear", Reserve("Delft", 2017, {{kPersonal, 1}}), kPrecondition,
                "reservations of Delft 2017: the year is closed"},
        Refusal{"WithoutKind", Reserve("Delft", 2016, {{kPersonal, 1}, {0, 1}}), kInvalid,
                "reservations[1].kind: expected a reservation kind (e.g. "
                "RESERVATION_KIND_PERSONAL_BUDGETS), got unspecified"},
        Refusal{"WithAnUnknownKind", Reserve("Delft", 2016, {{9, 1}}), kInvalid,
                "reservations[0].kind: expected a reservation kind"},
        Refusal{"WithAKindTwice",
                Reserve("Delft", 2016, {{kPersonal, 1}, {kExecution, 1}, {kPersonal, 2}}), kInvalid,
                "reservations[2].kind: RESERVATION_KIND_PERSONAL_BUDGETS appears twice in the "
                "reservations"},
        Refusal{"WithANegativeAmount", Reserve("Delft", 2016, {{kPersonal, -1}}), kInvalid,
                "reservations[0].amount_cents: expected an amount >= 0.00, got -0.01"},
        Refusal{"WhoseAmountsOverflow",
                Reserve("Delft", 2016, {{kPersonal, kMax}, {kExecution, 1}}), kInvalid,
                "reservations: sum of"},
        Refusal{"WhenReservedPlusPlannedExceedTheBudget",
                Reserve("Delft", 2016, {{kPersonal, 300'000 * kEuro}}), kPrecondition,
                "reservations of Delft 2016: 300,000.00 reserved plus 1,100,000.00 planned would "
                "exceed the budget 1,200,000.00"}),
    RefusalName);

INSTANTIATE_TEST_SUITE_P(
    IssuePurchaseOrder, BudgetLifecycleRefusedTest,
    ::testing::Values(
        Refusal{"ByAMunicipality", WithActor(IssueOrder(2016), Own("Delft")), kDenied,
                "role rule: only the bureau may issue a purchase order; actor 'Delft' is "
                "municipality"},
        Refusal{"ByAProvider", WithActor(IssueOrder(2016), Actor("p-1", v1::ROLE_PROVIDER)),
                kDenied, "actor 'p-1' is provider"},
        Refusal{"ForAYearOutsideThePeriod", IssueOrder(2015), kPrecondition,
                "year: expected a year of framework 'H10-2016' (2016-2018), got 2015"},
        Refusal{"ForAYearWithoutPlans", IssueOrder(2018), kPrecondition,
                "purchase order 2018: no local plan of Delft, Den Haag, Rijswijk for 2018"}),
    RefusalName);

INSTANTIATE_TEST_SUITE_P(
    ShiftBudget, BudgetLifecycleRefusedTest,
    ::testing::Values(
        Refusal{"ByAnotherMunicipality",
                WithActor(Shift("housing", "ambulatory", 1), Own("Den Haag")), kDenied,
                "role rule: only municipality 'Delft' itself may shift its budget; actor 'Den "
                "Haag' is municipality"},
        Refusal{"ByTheBureau", WithActor(Shift("housing", "ambulatory", 1), Bureau()), kDenied,
                "actor 'bureau' is bureau"},
        Refusal{"ForAnUnknownMunicipality", Shift("housing", "ambulatory", 1, 2016, "Leiden"),
                kNotFound, "municipality: 'Leiden' is not a municipality of region 'haaglanden'"},
        Refusal{"ForAYearOutsideThePeriod", Shift("housing", "ambulatory", 1, 2019), kPrecondition,
                "(2016-2018), got 2019"},
        Refusal{"ForAYearWithoutBudget", Shift("housing", "ambulatory", 1, 2018, "Rijswijk"),
                kPrecondition,
                "budget shift of Rijswijk 2018: no budget set for that year; set_budget first"},
        Refusal{"ForAYearWithoutPlan", Shift("housing", "ambulatory", 1, 2016, "Rijswijk"),
                kPrecondition,
                "budget shift of Rijswijk 2016: no local procurement plan for that year; "
                "submit_local_plan first"},
        Refusal{"ForAClosedYear", Shift("ambulatory", "housing", 1, 2017), kPrecondition,
                "budget shift of Delft 2017: the year is closed"},
        Refusal{"FromAnUnknownLot", Shift("dance", "ambulatory", 1), kNotFound,
                "from_lot: 'dance' is not a lot of framework 'H10-2016' (expected one of: "
                "ambulatory, housing, specialist)"},
        Refusal{"ToAnUnknownLot", Shift("housing", "", 1), kNotFound,
                "to_lot: '' is not a lot of framework 'H10-2016'"},
        Refusal{"ToTheSameLot", Shift("housing", "housing", 1), kInvalid,
                "to_lot: expected a lot other than from_lot 'housing', got 'housing'"},
        Refusal{"OfNothing", Shift("housing", "ambulatory", 0), kInvalid,
                "amount_cents: expected an amount > 0.00, got 0.00"},
        Refusal{"OfANegativeAmount", Shift("housing", "ambulatory", -5), kInvalid,
                "amount_cents: expected an amount > 0.00, got -0.05"},
        Refusal{"WithoutReason", WithoutReason(Shift("housing", "ambulatory", 1)), kInvalid,
                "reason: expected why the budget shifts, got ''"},
        Refusal{"OfCommittedMoney", Shift("specialist", "ambulatory", 200'000 * kEuro),
                kPrecondition,
                "shift of 200,000.00 from lot 'specialist' of Delft 2016: only 150,000.00 is "
                "uncommitted (planned 400,000.00, committed 250,000.00)"},
        Refusal{"FromALotOutsideThePlan", Shift("housing", "ambulatory", 1, 2016, "Den Haag"),
                kPrecondition,
                "shift of 0.01 from lot 'housing' of Den Haag 2016: only 0.00 is uncommitted "
                "(planned 0.00, committed 0.00)"},
        Refusal{"OfMoreThanTheLotPlans", Shift("housing", "ambulatory", kMax), kPrecondition,
                "only 200,000.00 is uncommitted"}),
    RefusalName);

INSTANTIATE_TEST_SUITE_P(
    CloseYear, BudgetLifecycleRefusedTest,
    ::testing::Values(
        Refusal{"ByAnotherMunicipality", WithActor(CloseYear("Delft", 2016), Own("Rijswijk")),
                kDenied,
                "role rule: only municipality 'Delft' itself may close its year; actor "
                "'Rijswijk' is municipality"},
        Refusal{"ByTheBureau", WithActor(CloseYear("Delft", 2016), Bureau()), kDenied,
                "actor 'bureau' is bureau"},
        Refusal{"ForAnUnknownMunicipality", CloseYear("Leiden", 2016), kNotFound,
                "municipality: 'Leiden' is not a municipality of region 'haaglanden'"},
        Refusal{"ForAYearWithoutBudget", CloseYear("Rijswijk", 2018), kPrecondition,
                "year close of Rijswijk 2018: no budget set for that year, so there is nothing "
                "to close"},
        Refusal{"Twice", CloseYear("Delft", 2017), kPrecondition,
                "year close of Delft 2017: the year is already closed"}),
    RefusalName);

}  // namespace
}  // namespace inkoop
