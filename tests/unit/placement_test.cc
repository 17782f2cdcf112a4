// Decide/Evolve for the placement guarantee for closed youth care:
// request_placement (a court order), accept_placement, refuse_placement
// with a place arranged elsewhere, and escalation to the placement
// coordinator when the next command or a review comes.
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/domain/decide.h"
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
using ::inkoop::testing::StatusIs;
using ::inkoop::testing::Unknown;
using ::testing::HasSubstr;
using ::testing::SizeIs;

v1::Actor Coordinator() {
  v1::Actor actor;
  actor.set_id("coordinator");
  actor.set_role(v1::ROLE_PLACEMENT_COORDINATOR);
  return actor;
}

// A court order for Delft's client "cl-9", requested on 2016-03-01.
v1::Command Request() {
  v1::Command command = CommandOf(Municipality("Delft"), R"(request_placement {
      placement_id: "pl1" client: "cl-9" lot: "closed" court_order: "RB-DH 2016/114"
      ordered_on: "2016-02-29" })");
  On(command, 2016, 3, 1);
  return command;
}

v1::Command Refuse(const std::string& provider, const std::string& arranged_with, int day = 2) {
  v1::Command command = CommandOf(
      Provider(provider),
      absl::StrCat("refuse_placement { placement_id: 'pl1' reason: PLACEMENT_REFUSAL_REASON_CAPACITY "
                   "explanation: 'no bed free until May' arranged_with: '",
                   arranged_with, "' }"));
  On(command, 2016, 3, day);
  return command;
}

v1::Command Take(const std::string& provider, int day = 4) {
  v1::Command command = CommandOf(
      Provider(provider),
      absl::StrCat("accept_placement { placement_id: 'pl1' contract_id: 'c-", provider,
                   "' start_date: '2016-03-0", day, "' }"));
  On(command, 2016, 3, day);
  return command;
}

class PlacementTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(CommandOf(Bureau(), R"(adopt_framework {
      framework_id: "H10-2016" municipalities: [ "Delft", "Rijswijk", "Westland" ]
      lots { code: "closed" } lots { code: "ambulatory" }
      period_start: "2016-01-01" period_end: "2017-12-31"
      lot_rules { lot: "closed" closed_care: true placement_escalation_days: 10 } })"));
    // p1..p3 serve Delft on the closed-care lot, p4 only Rijswijk, p5's
    // contract is suspended.
    for (const char* p : {"p1", "p2", "p3", "p4", "p5"}) {
      state_.providers[p].set_provider_id(p);
      v1::ContractRecord contract = ParseText<v1::ContractRecord>(absl::StrCat(
          "contract_id: 'c-", p, "' provider_id: '", p, "' lot: 'closed' ",
          "funding_model: FUNDING_MODEL_LUMP_SUM status: CONTRACT_STATUS_ACTIVE ",
          "term_start: '2016-01-01' term_end: '2016-12-31' ",
          "ceilings { municipality: '", std::string(p) == "p4" ? "Rijswijk" : "Delft",
          "' ceiling_cents: 1000000 }"));
      if (std::string(p) == "p5") contract.set_status(v1::CONTRACT_STATUS_SUSPENDED);
      state_.contracts[contract.contract_id()] = contract;
    }
  }

  const v1::PlacementRecord& Pl1() { return state_.placements.at("pl1"); }
};

TEST_F(PlacementTest, ACourtOrderGoesToEveryContractedClosedCareProvider) {
  EXPECT_THAT(DecideOne(Request()), EqualsProto(ParseText<v1::Event>(R"(placement_requested {
      placement_id: "pl1" municipality: "Delft" client: "cl-9" lot: "closed"
      court_order: "RB-DH 2016/114" ordered_on: "2016-02-29" requested_on: "2016-03-01"
      candidates: [ "p1", "p2", "p3" ] with_provider: "p1" })")));
  Accept(Request());
  EXPECT_EQ(Pl1().status(), v1::PLACEMENT_STATUS_OPEN);
}

TEST_F(PlacementTest, ARequestIsRefusedWithTheRuleItBreaks) {
  ExpectRefusals(Request(), {
      {"a provider requests",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Provider("p1"); },
       Denied("only the municipality may request a closed-care placement")},
      {"a lot without closed care",
       [](v1::Command& c, RegionState&) { c.mutable_request_placement()->set_lot("ambulatory"); },
       Invalid("lot: 'ambulatory' is not a closed-care lot")},
      {"an unknown lot",
       [](v1::Command& c, RegionState&) { c.mutable_request_placement()->set_lot("nowhere"); },
       Unknown("lot: 'nowhere' is not a lot of framework 'H10-2016'")},
      {"an order in the future",
       [](v1::Command& c, RegionState&) {
         c.mutable_request_placement()->set_ordered_on("2016-03-02");
       },
       Invalid("ordered_on: expected a date on or before today 2016-03-01, got 2016-03-02")},
      {"no court order",
       [](v1::Command& c, RegionState&) { c.mutable_request_placement()->clear_court_order(); },
       Invalid("court_order")},
      {"no client",
       [](v1::Command& c, RegionState&) { c.mutable_request_placement()->clear_client(); },
       Invalid("client")},
      {"a municipality no closed-care provider serves",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Westland"); },
       Broken("lot 'closed' has no active contract for Westland on 2016-03-01")},
      {"a municipality outside the region",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Leiden"); },
       Unknown("Leiden")},
  });
  Accept(Request());
  EXPECT_THAT(Decide(state_, Request()),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("'pl1' is a placement request already")));
}

TEST_F(PlacementTest, ARefusingProviderArrangesAPlaceElsewhere) {
  Accept(Request());
  EXPECT_THAT(DecideOne(Refuse("p1", "p3")), EqualsProto(ParseText<v1::Event>(R"(placement_refused {
      placement_id: "pl1" provider_id: "p1" reason: PLACEMENT_REFUSAL_REASON_CAPACITY
      explanation: "no bed free until May" arranged_with: "p3" refused_on: "2016-03-02" })")));
  Accept(Refuse("p1", "p3"));
  EXPECT_EQ(Pl1().with_provider(), "p3");
  EXPECT_THAT(Pl1().refusals(), SizeIs(1));
  ExpectRefusals(Refuse("p2", "p3"), {
      {"a provider not contracted for the municipality",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Provider("p4"); },
       Denied("provider 'p4' is not a contracted closed-care provider of placement request 'pl1' (its candidates today: p1, p2, p3)")},
      {"a municipality refuses",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Delft"); },
       Denied("only the provider may refuse placement request 'pl1'")},
      {"no reason",
       [](v1::Command& c, RegionState&) { c.mutable_refuse_placement()->clear_reason(); },
       Invalid("reason: expected age, expertise or capacity")},
      {"no explanation",
       [](v1::Command& c, RegionState&) { c.mutable_refuse_placement()->clear_explanation(); },
       Invalid("explanation")},
      {"no place arranged",
       [](v1::Command& c, RegionState&) { c.mutable_refuse_placement()->clear_arranged_with(); },
       Invalid("arranged_with: a refusing provider must arrange a place at another closed-care "
               "provider that has not refused (expected one of: p3), got ''")},
      {"arranged with a provider that refused",
       [](v1::Command& c, RegionState&) { c.mutable_refuse_placement()->set_arranged_with("p1"); },
       Invalid("(expected one of: p3), got 'p1'")},
      {"arranged with itself",
       [](v1::Command& c, RegionState&) { c.mutable_refuse_placement()->set_arranged_with("p2"); },
       Invalid("got 'p2'")},
      {"an unknown request",
       [](v1::Command& c, RegionState&) { c.mutable_refuse_placement()->set_placement_id("pl9"); },
       Unknown("placement_id: 'pl9' is not a placement request")},
  });
  EXPECT_THAT(Decide(state_, Refuse("p1", "p2")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("cannot refuse twice")));
}

TEST_F(PlacementTest, TheLastCandidateCannotRefuseSoNoRequestEndsWithoutAPlace) {
  Accept(Request());
  Accept(Refuse("p1", "p2"));
  // A provider whose contract ended is no candidate any more: with p3's
  // contract terminated, p2 is the last one and cannot refuse.
  RegionState without_p3 = state_;
  without_p3.contracts["c-p3"].set_status(v1::CONTRACT_STATUS_TERMINATED);
  EXPECT_THAT(Decide(without_p3, Refuse("p2", "p1")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("'p2' must accept it")));
  EXPECT_THAT(Decide(without_p3, Take("p3")),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("(its candidates today: p1, p2)")));
  Accept(Refuse("p2", "p3"));
  EXPECT_THAT(Decide(state_, Refuse("p3", "p1")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("every other closed-care provider refused placement request "
                                 "'pl1'; 'p3' must accept it, bringing in the expertise")));
  v1::Command accept = Take("p3");
  accept.mutable_accept_placement()->set_expertise_from("p1");
  Accept(accept);
  EXPECT_EQ(Pl1().status(), v1::PLACEMENT_STATUS_PLACED);
  EXPECT_EQ(Pl1().placed().expertise_from(), "p1");
  EXPECT_EQ(Pl1().placed().refusals(), 2);
}

TEST_F(PlacementTest, AcceptingPlacesTheClientAndEndsTheRequest) {
  Accept(Request());
  Accept(Refuse("p1", "p2"));
  EXPECT_THAT(DecideOne(Take("p2")), EqualsProto(ParseText<v1::Event>(R"(placement_accepted {
      placement_id: "pl1" provider_id: "p2" contract_id: "c-p2" start_date: "2016-03-04"
      accepted_on: "2016-03-04" days_open: 3 refusals: 1 })")));
  ExpectRefusals(Take("p2"), {
      {"another provider's contract",
       [](v1::Command& c, RegionState&) { c.mutable_accept_placement()->set_contract_id("c-p3"); },
       Broken("contract_id: expected an active contract of 'p2' on lot 'closed' for Delft today, got 'c-p3' of 'p3'")},
      {"a start before the request",
       [](v1::Command& c, RegionState&) {
         c.mutable_accept_placement()->set_start_date("2016-02-28");
       },
       Invalid("start_date: expected a day from the request 2016-03-01 to today 2016-03-04, got "
               "2016-02-28")},
      {"a start after today",
       [](v1::Command& c, RegionState&) {
         c.mutable_accept_placement()->set_start_date("2016-03-05");
       },
       Invalid("got 2016-03-05")},
      {"expertise from an unknown provider",
       [](v1::Command& c, RegionState&) {
         c.mutable_accept_placement()->set_expertise_from("p9");
       },
       Unknown("p9")},
      {"expertise from itself",
       [](v1::Command& c, RegionState&) {
         c.mutable_accept_placement()->set_expertise_from("p2");
       },
       Invalid("expertise_from: expected another provider")},
      {"a provider that is no candidate",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Provider("p5"); },
       Denied("provider 'p5' is not a contracted closed-care provider")},
  });
  Accept(Take("p2"));
  EXPECT_EQ(Pl1().status(), v1::PLACEMENT_STATUS_PLACED);
  EXPECT_THAT(Decide(state_, Take("p3")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("placement request 'pl1' is placed already, with 'p2' from "
                                 "2016-03-04")));
  EXPECT_THAT(Decide(state_, Refuse("p3", "p1")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("placed already")));
}

TEST_F(PlacementTest, ARequestOpenTooLongIsEscalatedByTheNextCommandOnce) {
  Accept(Request());
  Accept(Refuse("p1", "p2"));
  // Ten days open on 2016-03-11: not yet.
  absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, Refuse("p2", "p3", 11));
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(*events, SizeIs(1));
  // Eleven days on 2016-03-12: the escalation comes before the command's event.
  v1::Command late = Refuse("p2", "p3", 12);
  events = Decide(state_, late);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_THAT(*events, SizeIs(2));
  EXPECT_THAT((*events)[0], EqualsProto(ParseText<v1::Event>(R"(placement_escalated {
      placement_id: "pl1" requested_on: "2016-03-01" escalated_on: "2016-03-12" days_open: 11
      escalation_days: 10 refused_by: [ "p1" ] with_provider: "p2" })")));
  EXPECT_TRUE((*events)[1].has_placement_refused());
  Accept(late);
  EXPECT_EQ(Pl1().escalated_on(), "2016-03-12");
  // Once per request.
  v1::Command next = Take("p3");
  On(next, 2016, 3, 13);
  events = Decide(state_, next);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(*events, SizeIs(1));
}

TEST_F(PlacementTest, TheCoordinatorsReviewIsTheClockTick) {
  Accept(Request());
  v1::Command review = CommandOf(Coordinator(), "review_placements {}");
  On(review, 2016, 3, 5);
  EXPECT_THAT(Decide(state_, review),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no placement request is due for escalation on 2016-03-05 (1 open")));
  On(review, 2016, 3, 20);
  absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, review);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_THAT(*events, SizeIs(1));
  EXPECT_EQ((*events)[0].placement_escalated().days_open(), 19);
  v1::Command by_municipality = review;
  *by_municipality.mutable_actor() = Municipality("Delft");
  EXPECT_THAT(Decide(state_, by_municipality),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("only the placement coordinator may review the placement requests")));
  // A placed request is never escalated.
  Accept(Take("p1"));
  EXPECT_THAT(Decide(state_, review), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("(0 open")));
}

TEST_F(PlacementTest, PlacementsSurviveTheSnapshot) {
  Accept(Request());
  Accept(Refuse("p1", "p2"));
  absl::StatusOr<RegionState> restored = FromSnapshot(ToSnapshot(state_));
  ASSERT_TRUE(restored.ok()) << restored.status();
  ASSERT_TRUE(restored->placements.contains("pl1"));
  EXPECT_THAT(restored->placements.at("pl1"), EqualsProto(Pl1()));
}

TEST_F(PlacementTest, EscalationDaysMustBelongToAClosedCareLot) {
  v1::Command adopt = CommandOf(Bureau(), R"(amend_framework {
      lot_rules { lot: "ambulatory" placement_escalation_days: 5 } reason: "r" })");
  EXPECT_THAT(Decide(state_, adopt),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("placement_escalation_days: expected none on a lot without "
                                 "closed_care, got 5")));
}

}  // namespace
}  // namespace inkoop
