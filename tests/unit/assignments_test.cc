// Decide/Evolve for the client's path (iJw): request_assignment (JW315),
// assign_care (JW301), grant and refuse, start_care (JW305), stop_care
// (JW307), and per-unit claims (JW303) under an assignment.
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/domain/claims.h"
#include "engine/domain/decide.h"
#include "engine/domain/registration.h"
#include "engine/domain/rules.h"
#include "engine/domain/snapshot.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/domain_test.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::Actor;
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
using ::inkoop::testing::Refusal;
using ::inkoop::testing::StatusIs;
using ::inkoop::testing::Unknown;
using ::testing::HasSubstr;

// c1: per-unit ambulatory care by p1 in 2016, 10,000.00 for Delft, product
// 45A12 at 85.00 an hour.
constexpr char kContract[] = R"(
  contract_id: "c1" provider_id: "p1" lot: "ambulatory" funding_model: FUNDING_MODEL_PER_UNIT
  term_start: "2016-01-01" term_end: "2016-12-31"
  ceilings { municipality: "Delft" ceiling_cents: 1000000 }
  tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 8500 })";

// 100 hours of 45A12 for client "cl-7" from 1 February to 30 June 2016:
// 8,500.00 of the 10,000.00.
constexpr char kAssignment[] = R"(
  assignment_id: "a1" contract_id: "c1" municipality: "Delft" client: "cl-7"
  product_code: "45A12" volume: 100 unit: UNIT_HOUR
  period_start: "2016-02-01" period_end: "2016-06-30")";

v1::Command Assign() {
  return CommandOf(Municipality("Delft"), absl::StrCat("assign_care {", kAssignment, "}"));
}
v1::Command Request() {
  return CommandOf(Provider("p1"), absl::StrCat("request_assignment {", kAssignment, "}"));
}
v1::Command Start(const std::string& day = "2016-02-03") {
  v1::Command command = CommandOf(
      Provider("p1"), absl::StrCat("start_care { assignment_id: 'a1' start_date: '", day, "' }"));
  On(command, 2016, 3, 1);
  return command;
}
v1::Command Stop(const std::string& day) {
  v1::Command command =
      CommandOf(Provider("p1"), absl::StrCat("stop_care { assignment_id: 'a1' end_date: '", day,
                                             "' reason: CARE_END_REASON_EARLY_BY_AGREEMENT }"));
  On(command, 2016, 7, 1);
  return command;
}
// `units` hours in `start`..`end` of 2016 under a1, recorded on 2016-07-01.
v1::Command Claim(const std::string& id, const std::string& start, const std::string& end,
                  int64_t units) {
  v1::Command command = CommandOf(
      Provider("p1"),
      absl::StrCat("record_claim { claim_id: '", id,
                   "' contract_id: 'c1' municipality: 'Delft' assignment_id: 'a1' "
                   "product_code: '45A12' period_start: '",
                   start, "' period_end: '", end, "' units: ", units,
                   " amount_cents: ", units * 8500, " }"));
  On(command, 2016, 7, 1);
  return command;
}

class AssignmentsTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(CommandOf(Bureau(), R"(adopt_framework {
      framework_id: "H10-2016" municipalities: [ "Delft", "Rijswijk" ]
      lots { code: "ambulatory" } period_start: "2016-01-01" period_end: "2017-12-31"
      lot_rules { lot: "ambulatory" funding_models: [ FUNDING_MODEL_PER_UNIT, FUNDING_MODEL_LUMP_SUM ]
        max_tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 9000 } } })"));
    for (const char* municipality : {"Delft", "Rijswijk"}) {
      const v1::Actor actor = Municipality(municipality);
      const std::string who = absl::StrCat("municipality: '", municipality, "' year: 2016");
      Accept(CommandOf(actor, absl::StrCat("set_budget { ", who, " amount_cents: 100000000 ",
                                           "source: BUDGET_SOURCE_MAY_CIRCULAR }")));
      Accept(CommandOf(actor, absl::StrCat("submit_local_plan { ", who,
                                           " lots { lot: 'ambulatory' amount_cents: 5000000 } }")));
    }
    state_.providers["p1"].set_provider_id("p1");
    state_.providers["p2"].set_provider_id("p2");
    Accept(CommandOf(Bureau(), absl::StrCat("sign_contract {", kContract, "}")));
  }

  const v1::AssignmentRecord& A1() { return state_.assignments.at("a1"); }
  int64_t Assigned() {
    const v1::ClaimedYear* row = ClaimedOf(state_.contracts.at("c1"), "Delft", 2016);
    return row == nullptr ? 0 : row->assigned_cents();
  }
};

TEST_F(AssignmentsTest, AssigningCareRecordsTheAssignmentAndCountsItsValueOnTheCeiling) {
  EXPECT_THAT(DecideOne(Assign()), EqualsProto(ParseText<v1::Event>(R"(care_assigned {
      assignment_id: "a1" contract_id: "c1" provider_id: "p1" municipality: "Delft"
      client: "cl-7" lot: "ambulatory" product_code: "45A12" volume: 100 unit: UNIT_HOUR
      period_start: "2016-02-01" period_end: "2016-06-30" tariff_cents: 8500
      value_cents: 850000 })")));
  Accept(Assign());
  EXPECT_EQ(A1().status(), v1::ASSIGNMENT_STATUS_ASSIGNED);
  EXPECT_EQ(Assigned(), 850000);
}

TEST_F(AssignmentsTest, AssigningCareIsRefusedWithTheRuleItBreaks) {
  ExpectRefusals(Assign(), {
      {"another municipality assigns",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Rijswijk"); },
       Denied("only municipality 'Delft' itself may assign care")},
      {"a provider assigns",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Provider("p1"); },
       Denied("only municipality 'Delft'")},
      {"unknown contract",
       [](v1::Command& c, RegionState&) { c.mutable_assign_care()->set_contract_id("c9"); },
       Unknown("contract_id: 'c9' is not a contract")},
      {"id already used",
       [](v1::Command&, RegionState& s) { s.assignments["a1"].set_assignment_id("a1"); },
       {absl::StatusCode::kAlreadyExists, "assignment_id: 'a1' is already used"}},
      {"no client",
       [](v1::Command& c, RegionState&) { c.mutable_assign_care()->clear_client(); },
       Invalid("client")},
      {"a municipality without a ceiling",
       [](v1::Command& c, RegionState&) {
         c.mutable_assign_care()->set_municipality("Rijswijk");
         *c.mutable_actor() = Municipality("Rijswijk");
       },
       Broken("municipality: 'Rijswijk' has no ceiling on contract 'c1'")},
      {"two calendar years",
       [](v1::Command& c, RegionState&) { c.mutable_assign_care()->set_period_end("2017-01-31"); },
       Invalid("expected one calendar year; assign each year separately")},
      {"outside the term",
       [](v1::Command& c, RegionState& s) {
         s.contracts["c1"].set_term_end("2016-05-31");
         (void)c;
       },
       Broken("lies outside the term 2016-01-01..2016-05-31 on contract 'c1'")},
      {"no volume on a per-unit contract",
       [](v1::Command& c, RegionState&) { c.mutable_assign_care()->set_volume(0); },
       Invalid("volume: expected the units assigned (> 0) on per-unit contract 'c1', got 0")},
      {"a product without a tariff",
       [](v1::Command& c, RegionState&) { c.mutable_assign_care()->set_product_code("45A99"); },
       Broken("product_code: '45A99' has no tariff on contract 'c1'")},
      {"another unit",
       [](v1::Command& c, RegionState&) { c.mutable_assign_care()->set_unit(v1::UNIT_DAY); },
       Invalid("unit: product '45A12' is contracted in UNIT_HOUR, got UNIT_DAY")},
      {"beyond the ceiling",
       [](v1::Command& c, RegionState&) { c.mutable_assign_care()->set_volume(118); },
       Broken("118 units x 85.00 = 10,030.00 exceeds what the ceiling 10,000.00 of Delft 2016 "
              "on contract 'c1' has left after 0.00 assigned")},
      {"a terminated contract",
       [](v1::Command&, RegionState& s) {
         s.contracts["c1"].set_status(v1::CONTRACT_STATUS_TERMINATED);
       },
       Broken("care is assigned only on an active contract")},
      {"a failed provider",
       [](v1::Command&, RegionState& s) {
         s.providers["p1"].set_failed(true);
         s.providers["p1"].set_failed_on("2016-01-20");
       },
       Broken("provider 'p1' of contract 'c1' failed on 2016-01-20")},
      {"a closed year",
       [](v1::Command&, RegionState& s) { s.municipalities["Delft"].years[2016].closed = true; },
       Broken("Delft 2016: the year is closed")},
  });
}

TEST_F(AssignmentsTest, TheCeilingHoldsAcrossAssignments) {
  Accept(Assign());
  v1::Command second = Assign();
  second.mutable_assign_care()->set_assignment_id("a2");
  second.mutable_assign_care()->set_volume(18);  // 1,530.00 of the 1,500.00 left
  EXPECT_THAT(Decide(state_, second),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("has left after 8,500.00 assigned (1,500.00)")));
  second.mutable_assign_care()->set_volume(17);
  Accept(second);
  EXPECT_EQ(Assigned(), 850000 + 17 * 8500);
}

TEST_F(AssignmentsTest, AProvidersRequestIsGrantedAsItWasMade) {
  EXPECT_THAT(DecideOne(Request()), EqualsProto(ParseText<v1::Event>(R"(assignment_requested {
      assignment_id: "a1" contract_id: "c1" provider_id: "p1" municipality: "Delft"
      client: "cl-7" lot: "ambulatory" product_code: "45A12" volume: 100 unit: UNIT_HOUR
      period_start: "2016-02-01" period_end: "2016-06-30" })")));
  Accept(Request());
  EXPECT_EQ(A1().status(), v1::ASSIGNMENT_STATUS_REQUESTED);
  EXPECT_EQ(Assigned(), 0);  // a request holds nothing yet
  const v1::Command grant =
      CommandOf(Municipality("Delft"), "grant_assignment { assignment_id: 'a1' }");
  const v1::Event granted = DecideOne(grant);
  EXPECT_TRUE(granted.care_assigned().answers_request());
  EXPECT_EQ(granted.care_assigned().value_cents(), 850000);
  Accept(grant);
  EXPECT_EQ(A1().status(), v1::ASSIGNMENT_STATUS_ASSIGNED);
  EXPECT_TRUE(A1().requested());
  EXPECT_EQ(Assigned(), 850000);
  EXPECT_THAT(Decide(state_, grant), StatusIs(absl::StatusCode::kFailedPrecondition,
                                              HasSubstr("'a1' is assigned; to grant it must "
                                                        "be requested")));
}

TEST_F(AssignmentsTest, RequestsAreRefusedWithTheRuleTheyBreak) {
  ExpectRefusals(Request(), {
      {"another provider's contract",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Provider("p2"); },
       Denied("contract 'c1' belongs to provider 'p1', actor is provider 'p2'")},
      {"a municipality requests",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Delft"); },
       Denied("request an assignment")},
      {"beyond the ceiling",
       [](v1::Command& c, RegionState&) { c.mutable_request_assignment()->set_volume(200); },
       Broken("exceeds what the ceiling")},
  });
  Accept(Request());
  const v1::Command grant =
      CommandOf(Municipality("Delft"), "grant_assignment { assignment_id: 'a1' }");
  ExpectRefusals(grant, {
      {"another municipality grants",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Rijswijk"); },
       Denied("only municipality 'Delft' itself may grant the request 'a1'")},
      {"unknown request",
       [](v1::Command& c, RegionState&) { c.mutable_grant_assignment()->set_assignment_id("a9"); },
       Unknown("assignment_id: 'a9' is not an assignment of region")},
      {"the ceiling filled meanwhile",
       [](v1::Command&, RegionState& s) {
         MutableClaimed(s.contracts["c1"], "Delft", 2016).set_assigned_cents(200000);
       },
       Broken("has left after 2,000.00 assigned (8,000.00)")},
  });
}

TEST_F(AssignmentsTest, ARefusedRequestNamesItsReasonAndCannotBeGrantedAfter) {
  Accept(Request());
  v1::Command refuse = CommandOf(Municipality("Delft"), "refuse_assignment { assignment_id: 'a1' }");
  EXPECT_THAT(Decide(state_, refuse), StatusIs(absl::StatusCode::kInvalidArgument,
                                               HasSubstr("reason: expected why the request")));
  refuse.mutable_refuse_assignment()->set_reason("a district team gives this care");
  EXPECT_THAT(DecideOne(refuse), EqualsProto(ParseText<v1::Event>(R"(assignment_refused {
      assignment_id: "a1" municipality: "Delft" provider_id: "p1"
      reason: "a district team gives this care" })")));
  Accept(refuse);
  EXPECT_EQ(A1().status(), v1::ASSIGNMENT_STATUS_REFUSED);
  EXPECT_THAT(Decide(state_, CommandOf(Municipality("Delft"),
                                       "grant_assignment { assignment_id: 'a1' }")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("'a1' is refused")));
}

TEST_F(AssignmentsTest, CareStartsAndStopsOnTheAssignmentAndTheStopFreesTheRest) {
  Accept(Assign());
  EXPECT_THAT(DecideOne(Start()), EqualsProto(ParseText<v1::Event>(R"(care_started {
      assignment_id: "a1" contract_id: "c1" provider_id: "p1" product_code: "45A12"
      start_date: "2016-02-03" registered_on: "2016-03-01" days_late: 20 })")));
  Accept(Start());
  Accept(Claim("k1", "2016-02-03", "2016-02-29", 30));
  EXPECT_THAT(DecideOne(Stop("2016-04-15")), EqualsProto(ParseText<v1::Event>(R"(care_stopped {
      assignment_id: "a1" contract_id: "c1" provider_id: "p1" product_code: "45A12"
      start_date: "2016-02-03" end_date: "2016-04-15"
      reason: CARE_END_REASON_EARLY_BY_AGREEMENT released_cents: 595000
      registered_on: "2016-07-01" days_late: 70 })")));
  Accept(Stop("2016-04-15"));
  EXPECT_EQ(A1().status(), v1::ASSIGNMENT_STATUS_STOPPED);
  EXPECT_EQ(A1().end_reason(), v1::CARE_END_REASON_EARLY_BY_AGREEMENT);
  EXPECT_EQ(Assigned(), 30 * 8500);
  // Care before the stop is still claimed, and takes its value again.
  Accept(Claim("k2", "2016-03-01", "2016-04-15", 20));
  EXPECT_EQ(Assigned(), 50 * 8500);
  EXPECT_EQ(A1().claimed_units(), 50);
  EXPECT_THAT(Decide(state_, Claim("k3", "2016-04-01", "2016-04-16", 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("reaches past the stop of assignment 'a1': care ended on "
                                 "2016-04-15")));
}

// The registration duty (registration.h): c1 gives the default 7 days.
TEST_F(AssignmentsTest, RegistrationsCountPerYearWithTheirLatenessAndDropOut) {
  Accept(Assign());
  Accept(Start("2016-02-23"));  // registered on 2016-03-01: 7 days, in time
  v1::Command stop = Stop("2016-06-20");
  stop.mutable_stop_care()->set_reason(v1::CARE_END_REASON_BY_CLIENT);
  const v1::Event stopped = DecideOne(stop);  // registered 2016-07-01: 11 days, 4 late
  EXPECT_EQ(stopped.care_stopped().registered_on(), "2016-07-01");
  EXPECT_EQ(stopped.care_stopped().days_late(), 4);
  Accept(stop);
  const v1::ContractRecord& c1 = state_.contracts.at("c1");
  ASSERT_EQ(c1.registrations_size(), 1);
  EXPECT_THAT(c1.registrations(0), EqualsProto(ParseText<v1::RegistrationYear>(R"pb(
    year: 2016 starts: 1 stops: 1 stops_late: 1 days_late: 4 stopped_by_client: 1)pb")));
  EXPECT_EQ(DropOutPermille(c1.registrations(0)), 1000);
  EXPECT_EQ(RegistrationDays(c1), 7);
}

TEST_F(AssignmentsTest, AContractSetsItsOwnRegistrationDays) {
  state_.contracts["c1"].set_registration_days(30);
  Accept(Assign());
  EXPECT_EQ(DecideOne(Start()).care_started().days_late(), 0);  // 27 days of 30
}

TEST_F(AssignmentsTest, WhatIsOverdueFollowsTheStatusAndTheRegionsDay) {
  Accept(Assign());
  // Period from 2016-02-01: a start is owed after 2016-02-08.
  EXPECT_FALSE(OverdueOf(A1(), 7, absl::CivilDay(2016, 2, 8)).has_value());
  const std::optional<OverdueRegistration> start = OverdueOf(A1(), 7, absl::CivilDay(2016, 2, 18));
  ASSERT_TRUE(start.has_value());
  EXPECT_EQ(start->what, "start");
  EXPECT_EQ(start->due, absl::CivilDay(2016, 2, 8));
  EXPECT_EQ(start->days_overdue, 10);
  Accept(Start());
  // Started and the period ended 2016-06-30: a stop is owed after 2016-07-07.
  EXPECT_FALSE(OverdueOf(A1(), 7, absl::CivilDay(2016, 7, 7)).has_value());
  EXPECT_EQ(OverdueOf(A1(), 7, absl::CivilDay(2016, 7, 9))->what, "stop");
  Accept(Stop("2016-06-30"));
  EXPECT_FALSE(OverdueOf(A1(), 7, absl::CivilDay(2017, 1, 1)).has_value());
}

TEST_F(AssignmentsTest, StartAndStopAreRefusedWithTheRuleTheyBreak) {
  EXPECT_THAT(Decide(state_, Start()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("assignment_id: 'a1'")));
  Accept(Assign());
  EXPECT_THAT(Decide(state_, Stop("2016-03-01")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("'a1' is assigned; to stop care on it must be started")));
  ExpectRefusals(Start(), {
      {"another provider",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Provider("p2"); },
       Denied("only provider 'p1' of assignment 'a1' may register its start")},
      {"before the period",
       [](v1::Command& c, RegionState&) { c.mutable_start_care()->set_start_date("2016-01-31"); },
       Broken("start_date: 2016-01-31 lies outside the period 2016-02-01..2016-06-30")},
      {"after today",
       [](v1::Command& c, RegionState&) { c.mutable_start_care()->set_start_date("2016-03-02"); },
       Broken("start_date: 2016-03-02 is after today (2016-03-01)")},
      {"not a date",
       [](v1::Command& c, RegionState&) { c.mutable_start_care()->set_start_date("3 feb"); },
       Invalid("start_date")},
  });
  Accept(Start());
  EXPECT_THAT(Decide(state_, Start()), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                HasSubstr("(care started on 2016-02-03)")));
  Accept(Claim("k1", "2016-02-03", "2016-03-31", 10));
  ExpectRefusals(Stop("2016-04-30"), {
      {"no reason",
       [](v1::Command& c, RegionState&) { c.mutable_stop_care()->clear_reason(); },
       Invalid("reason: expected why care ended")},
      {"before the start",
       [](v1::Command& c, RegionState&) { c.mutable_stop_care()->set_end_date("2016-02-02"); },
       Broken("end_date: 2016-02-02 is before the start 2016-02-03")},
      {"before what was claimed",
       [](v1::Command& c, RegionState&) { c.mutable_stop_care()->set_end_date("2016-03-30"); },
       Broken("is before 2016-03-31, the last day already claimed under assignment 'a1'")},
      {"after the period",
       [](v1::Command& c, RegionState&) { c.mutable_stop_care()->set_end_date("2016-07-01"); },
       Broken("end_date: 2016-07-01 lies outside the period")},
  });
}

TEST_F(AssignmentsTest, APerUnitClaimFallsInsideAStartedAssignmentAndItsVolume) {
  Accept(Assign());
  const v1::Command claim = Claim("k1", "2016-02-03", "2016-02-29", 40);
  EXPECT_THAT(Decide(state_, claim),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("assignment 'a1' is assigned: care is claimed after its start "
                                 "is registered (start_care, iJw JW305)")));
  Accept(Start());
  EXPECT_EQ(DecideOne(claim).claim_recorded().assignment_id(), "a1");
  Accept(claim);
  EXPECT_EQ(A1().claimed_units(), 40);
  EXPECT_EQ(state_.claims.at("k1").assignment_id(), "a1");
  ExpectRefusals(Claim("k2", "2016-03-01", "2016-03-31", 61), {
      {"no assignment on a per-unit contract",
       [](v1::Command& c, RegionState&) { c.mutable_record_claim()->clear_assignment_id(); },
       Invalid("assignment_id: expected the assignment the care was given under")},
      {"an unknown assignment",
       [](v1::Command& c, RegionState&) { c.mutable_record_claim()->set_assignment_id("a9"); },
       Unknown("assignment_id: 'a9' is not an assignment")},
      {"beyond the volume",
       [](v1::Command&, RegionState&) {},
       Broken("units: 61 exceed the volume left on assignment 'a1' (2016-02-01..2016-06-30): "
              "60 of 100 UNIT_HOUR")},
      {"before the start",
       [](v1::Command& c, RegionState&) {
         c.mutable_record_claim()->set_period_start("2016-02-01");
         c.mutable_record_claim()->set_units(1);
         c.mutable_record_claim()->set_amount_cents(8500);
       },
       Broken("period 2016-02-01..2016-03-31 lies outside assignment 'a1': care from its "
              "start 2016-02-03 to 2016-06-30")},
      {"after the period",
       [](v1::Command& c, RegionState&) {
         c.mutable_record_claim()->set_period_end("2016-07-01");
         c.mutable_record_claim()->set_units(1);
         c.mutable_record_claim()->set_amount_cents(8500);
         On(c, 2016, 7, 2);
       },
       Broken("lies outside assignment 'a1'")},
      {"another municipality's assignment",
       [](v1::Command&, RegionState& s) { s.assignments["a1"].set_municipality("Rijswijk"); },
       Broken("assignment 'a1' is for product '45A12' of contract 'c1' for Rijswijk")},
  });
}

// c2: Kompas on the same lot with a ceiling for Delft; c3: another lot.
void SignOthers(RegionState& state) {
  v1::ContractRecord c2 = ParseText<v1::ContractRecord>(kContract);
  c2.set_contract_id("c2");
  c2.set_provider_id("p2");
  c2.set_status(v1::CONTRACT_STATUS_ACTIVE);
  c2.mutable_tariffs(0)->set_tariff_cents(8000);
  v1::ContractRecord c3 = c2;
  c3.set_contract_id("c3");
  c3.set_lot("housing");
  state.contracts["c2"] = std::move(c2);
  state.contracts["c3"] = std::move(c3);
}

v1::Command Switch(const std::string& to = "c2", const std::string& day = "2016-04-01") {
  v1::Command command = CommandOf(
      Municipality("Delft"),
      absl::StrCat("switch_provider { assignment_id: 'a1' to_contract_id: '", to,
                   "' new_assignment_id: 'a2' switch_date: '", day, "' }"));
  On(command, 2016, 7, 1);
  return command;
}

TEST_F(AssignmentsTest, AClientSwitchesProviderWithTheVolumeLeft) {
  SignOthers(state_);
  Accept(Assign());
  Accept(Start());
  Accept(Claim("k1", "2016-02-03", "2016-03-31", 30));
  absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, Switch());
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 3u);
  EXPECT_THAT((*events)[0], EqualsProto(ParseText<v1::Event>(R"(care_stopped {
      assignment_id: "a1" contract_id: "c1" provider_id: "p1" product_code: "45A12"
      start_date: "2016-02-03" end_date: "2016-03-31" reason: CARE_END_REASON_BY_CLIENT
      released_cents: 595000 registered_on: "2016-07-01" })")));
  EXPECT_THAT((*events)[1], EqualsProto(ParseText<v1::Event>(R"(care_assigned {
      assignment_id: "a2" contract_id: "c2" provider_id: "p2" municipality: "Delft"
      client: "cl-7" lot: "ambulatory" product_code: "45A12" volume: 70 unit: UNIT_HOUR
      period_start: "2016-04-01" period_end: "2016-06-30" tariff_cents: 8000
      value_cents: 560000 switched_from: "a1" })")));
  EXPECT_THAT((*events)[2], EqualsProto(ParseText<v1::Event>(R"(care_started {
      assignment_id: "a2" contract_id: "c2" provider_id: "p2" product_code: "45A12"
      start_date: "2016-04-01" registered_on: "2016-07-01" })")));
  Accept(Switch());
  EXPECT_EQ(A1().status(), v1::ASSIGNMENT_STATUS_STOPPED);
  EXPECT_EQ(state_.assignments.at("a2").status(), v1::ASSIGNMENT_STATUS_STARTED);
  EXPECT_EQ(Assigned(), 30 * 8500);
  const v1::ClaimedYear* at_c2 = ClaimedOf(state_.contracts.at("c2"), "Delft", 2016);
  ASSERT_NE(at_c2, nullptr);
  EXPECT_EQ(at_c2->assigned_cents(), 560000);
}

TEST_F(AssignmentsTest, ASwitchIsRefusedWithTheRuleItBreaks) {
  SignOthers(state_);
  Accept(Assign());
  EXPECT_THAT(Decide(state_, Switch()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("to switch provider on it must be started")));
  Accept(Start());
  Accept(Claim("k1", "2016-02-03", "2016-03-31", 30));
  ExpectRefusals(Switch(), {
      {"another municipality",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Rijswijk"); },
       Denied("only municipality 'Delft' itself may switch the provider of assignment 'a1'")},
      {"the provider asks",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Provider("p2"); },
       Denied("only municipality 'Delft'")},
      {"another lot",
       [](v1::Command& c, RegionState&) { c.mutable_switch_provider()->set_to_contract_id("c3"); },
       Broken("contract 'c3' of provider 'p2' is not a contract for lot 'ambulatory' and Delft "
              "(its lot is 'housing')")},
      {"no ceiling for the municipality",
       [](v1::Command&, RegionState& s) {
         s.contracts["c2"].mutable_ceilings(0)->set_municipality("Rijswijk");
       },
       Broken("with no ceiling for the municipality")},
      {"the same contract",
       [](v1::Command& c, RegionState&) { c.mutable_switch_provider()->set_to_contract_id("c1"); },
       Invalid("is on contract 'c1' already")},
      {"before what was claimed",
       [](v1::Command& c, RegionState&) { c.mutable_switch_provider()->set_switch_date("2016-03-15"); },
       Broken("care up to 2016-03-31 is claimed under assignment 'a1'")},
      {"after today",
       [](v1::Command& c, RegionState&) {
         c.mutable_switch_provider()->set_switch_date("2016-06-01");
         On(c, 2016, 5, 1);
       },
       Broken("switch_date: 2016-06-01 is after today (2016-05-01)")},
      {"the new id in use",
       [](v1::Command& c, RegionState&) { c.mutable_switch_provider()->set_new_assignment_id("a1"); },
       {absl::StatusCode::kAlreadyExists, "assignment_id: 'a1' is already used"}},
      {"beyond the target's ceiling",
       [](v1::Command&, RegionState& s) {
         s.contracts["c2"].mutable_ceilings(0)->set_ceiling_cents(100000);
       },
       Broken("exceeds what the ceiling 1,000.00 of Delft 2016 on contract 'c2'")},
      {"no volume left",
       [](v1::Command&, RegionState& s) { s.assignments["a1"].set_claimed_units(100); },
       Broken("assignment 'a1' has no volume left to move")},
  });
}

TEST_F(AssignmentsTest, AssignmentsSurviveASnapshot) {
  Accept(Assign());
  Accept(Start());
  absl::StatusOr<RegionState> restored = FromSnapshot(ToSnapshot(state_));
  ASSERT_TRUE(restored.ok());
  EXPECT_THAT(restored->assignments.at("a1"), EqualsProto(A1()));
}

}  // namespace
}  // namespace inkoop
