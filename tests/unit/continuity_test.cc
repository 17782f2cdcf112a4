// Decide/Evolve for declare_provider_failure, transfer_clients, escalate_case
// and close_case.
//
// Contracts are set up by filling RegionState directly (their ceilings
// committed with ApplyCommit). ContractSuspended belongs to the contract
// concern, so these tests assert that it is produced, not what it does.
// Protos are written in text format.
#include "engine/domain/continuity.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/commitment.h"
#include "engine/domain/decide.h"
#include "engine/domain/rules.h"
#include "engine/envelope.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::Actor;
using ::inkoop::testing::Bureau;
using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::EventOf;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::Municipality;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::Produces;
using ::inkoop::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using Code = absl::StatusCode;

constexpr char kRegion[] = "haaglanden";

// A command of `actor` in the region with the body `text`.
v1::Command Cmd(const v1::Actor& actor, const std::string& text) {
  v1::Command command = ParseText<v1::Command>(text);
  command.set_region(kRegion);
  *command.mutable_actor() = actor;
  return command;
}

v1::Command DeclareFailure(const std::string& provider_id = "p1",
                           const std::string& failed_on = "2016-03-01") {
  return Cmd(Bureau(), absl::StrCat("declare_provider_failure { provider_id: '", provider_id,
                                    "' failed_on: '", failed_on,
                                    "' reason: FAILURE_REASON_BANKRUPTCY explanation: 'declared "
                                    "bankrupt by the court of The Hague' }"));
}

// Three clients of the case and 20,000.00 of its ceiling to c5.
v1::Command Transfer(const std::string& case_id = "c1/Delft") {
  return Cmd(Bureau(), absl::StrCat("transfer_clients { case_id: '", case_id,
                                    "' to_contract_id: 'c5' client_count: 3 client_ids: "
                                    "['cl-000001', 'cl-000002', 'cl-000003'] ceiling_cents: "
                                    "2000000 }"));
}

v1::Command Escalate(const std::string& case_id = "c1/Delft") {
  return Cmd(Bureau(), absl::StrCat("escalate_case { case_id: '", case_id,
                                    "' reason: 'no provider has capacity for intensive care' }"));
}

v1::Command Close(const std::string& case_id = "c1/Delft") {
  return Cmd(Bureau(),
             absl::StrCat("close_case { case_id: '", case_id, "' outcome: 'all clients placed' }"));
}

v1::Event CaseOpened(const std::string& contract, const std::string& lot,
                     const std::string& municipality, int64_t remaining) {
  return EventOf(absl::StrCat("continuity_case_opened { case_id: '", contract, "/", municipality,
                              "' provider_id: 'p1' contract_id: '", contract, "' lot: '", lot,
                              "' municipality: '", municipality,
                              "' remaining_ceiling_cents: ", remaining, " }"));
}

v1::Event Suspended(const std::string& contract_id, const std::string& reason,
                    const std::string& from = "2016-03-01") {
  return EventOf(absl::StrCat("contract_suspended { contract_id: '", contract_id, "' reason: '",
                              reason, "' effective_on: '", from, "' }"));
}

// A region with a framework 2015-2017, budgets and plans (ambulatory
// 500,000.00, housing 300,000.00) for Delft and Den Haag in every year,
// providers p1..p4 (p4 without contracts) and:
//   c1  p1, ambulatory, 2015-2016, active, Delft 100,000.00 (10,000.00 claimed
//       in 2015, 30,000.00 in 2016), Den Haag 200,000.00
//   c3  p1, housing, 2016, suspended, Delft 40,000.00
//   c4  p1, ambulatory, 2015, terminated, Delft 10,000.00 (not committed)
//   c5  p2, ambulatory, 2016-2017, active, Delft 50,000.00
//   c6  p3, housing, 2016, active, Delft 10,000.00
//   c7  p2, ambulatory, 2016, suspended, Delft 10,000.00
class ContinuityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_.region = kRegion;
    Accept(Cmd(Bureau(),
               "adopt_framework { framework_id: 'H10-2015' period_start: '2015-01-01' "
               "period_end: '2017-12-31' municipalities: ['Den Haag', 'Delft', 'Rijswijk'] "
               "lots { code: 'ambulatory' } lots { code: 'housing' } }"));
    for (const std::string m : {"Delft", "Den Haag"}) {
      for (int32_t year : {2015, 2016, 2017}) {
        Accept(Cmd(Municipality(m),
                   absl::StrCat("set_budget { municipality: '", m, "' year: ", year,
                                " source: BUDGET_SOURCE_MAY_CIRCULAR amount_cents: 100000000 }")));
        Accept(Cmd(Municipality(m),
                   absl::StrCat("submit_local_plan { municipality: '", m, "' year: ", year,
                                " lots { lot: 'ambulatory' amount_cents: 50000000 }"
                                " lots { lot: 'housing' amount_cents: 30000000 } }")));
      }
    }
    for (const std::string id : {"p1", "p2", "p3", "p4"}) {
      state_.providers[id] = ParseText<v1::ProviderRecord>(
          absl::StrCat("provider_id: '", id, "' name: 'Provider ", id, "'"));
    }
    AddContract(
        "contract_id: 'c1' provider_id: 'p1' lot: 'ambulatory' funding_model: "
        "FUNDING_MODEL_PER_UNIT term_start: '2015-01-01' term_end: '2016-12-31' status: "
        "CONTRACT_STATUS_ACTIVE ceilings { municipality: 'Delft' ceiling_cents: 10000000 } "
        "ceilings { municipality: 'Den Haag' ceiling_cents: 20000000 } "
        "claimed { municipality: 'Delft' year: 2015 claimed_cents: 1000000 } "
        "claimed { municipality: 'Delft' year: 2016 claimed_cents: 3000000 }");
    AddContract(
        "contract_id: 'c3' provider_id: 'p1' lot: 'housing' term_start: '2016-01-01' "
        "term_end: '2016-12-31' status: CONTRACT_STATUS_SUSPENDED "
        "ceilings { municipality: 'Delft' ceiling_cents: 4000000 }");
    AddContract(
        "contract_id: 'c4' provider_id: 'p1' lot: 'ambulatory' term_start: '2015-01-01' "
        "term_end: '2015-12-31' status: CONTRACT_STATUS_TERMINATED "
        "ceilings { municipality: 'Delft' ceiling_cents: 1000000 }",
        /*commit=*/false);
    AddContract(
        "contract_id: 'c5' provider_id: 'p2' lot: 'ambulatory' term_start: '2016-01-01' "
        "term_end: '2017-12-31' status: CONTRACT_STATUS_ACTIVE "
        "ceilings { municipality: 'Delft' ceiling_cents: 5000000 }");
    AddContract(
        "contract_id: 'c6' provider_id: 'p3' lot: 'housing' term_start: '2016-01-01' "
        "term_end: '2016-12-31' status: CONTRACT_STATUS_ACTIVE "
        "ceilings { municipality: 'Delft' ceiling_cents: 1000000 }");
    AddContract(
        "contract_id: 'c7' provider_id: 'p2' lot: 'ambulatory' term_start: '2016-01-01' "
        "term_end: '2016-12-31' status: CONTRACT_STATUS_SUSPENDED "
        "ceilings { municipality: 'Delft' ceiling_cents: 1000000 }");
  }

  // Stores the contract and, when `commit`, commits its ceilings for every
  // year of its term.
  void AddContract(const std::string& text, bool commit = true) {
    const auto contract = ParseText<v1::ContractRecord>(text);
    state_.contracts[contract.contract_id()] = contract;
    if (!commit) return;
    const int32_t first = std::stoi(contract.term_start().substr(0, 4));
    const int32_t last = std::stoi(contract.term_end().substr(0, 4));
    for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
      for (int32_t year = first; year <= last; ++year) {
        ASSERT_THAT(CheckCommit(state_, ceiling.municipality(), year, contract.lot(),
                                ceiling.ceiling_cents()),
                    IsOk());
        ApplyCommit(state_, ceiling.municipality(), year, contract.lot(), ceiling.ceiling_cents());
      }
    }
  }

  // Decides `command` on the state and evolves its events in a sealed chain.
  void Accept(const v1::Command& command) {
    absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, command);
    ASSERT_THAT(events, IsOk());
    for (v1::Event& event : *events) {
      event.set_region(kRegion);
      event.set_sequence(state_.sequence.value() + 1);
      event.set_previous_hash(state_.last_hash);
      Seal(event);
      ASSERT_THAT(Evolve(state_, event), IsOk());
    }
  }

  int64_t Committed(const std::string& municipality, int32_t year, const std::string& lot) {
    return state_.municipalities[municipality].years[year].lots[lot].committed_cents;
  }

  RegionState state_;
};

// declare_provider_failure

TEST_F(ContinuityTest, FailureSuspendsActiveContractsAndOpensACasePerContractAndMunicipality) {
  EXPECT_THAT(Decide(state_, DeclareFailure()),
              Produces(ElementsAre(
                  EqualsProto(EventOf("provider_failed { provider_id: 'p1' failed_on: "
                                      "'2016-03-01' reason: FAILURE_REASON_BANKRUPTCY explanation: "
                                      "'declared bankrupt by the court of The Hague' }")),
                  EqualsProto(Suspended("c1", "provider failed: bankruptcy")),
                  // The ceilings' share of 2016-03-01..2016-12-31: 306 of 366 days.
                  EqualsProto(CaseOpened("c1", "ambulatory", "Delft", 8360655)),
                  EqualsProto(CaseOpened("c1", "ambulatory", "Den Haag", 16721311)),
                  EqualsProto(CaseOpened("c3", "housing", "Delft", 3344262)))));
}

TEST_F(ContinuityTest, SuspensionsFollowContractIdOrderAndNameTheReason) {
  AddContract(
      "contract_id: 'c0' provider_id: 'p1' lot: 'housing' term_start: '2017-01-01' "
      "term_end: '2017-12-31' status: CONTRACT_STATUS_ACTIVE");
  v1::Command command = DeclareFailure();
  command.mutable_declare_provider_failure()->set_reason(v1::FAILURE_REASON_SUSPENSION_OF_PAYMENTS);
  absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, command);
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(6));  // c0 has no ceilings, so no case
  EXPECT_THAT((*events)[1],
              EqualsProto(Suspended("c0", "provider failed: suspension of payments",
                                    "2017-01-01")));  // its term starts after the failure
  EXPECT_THAT((*events)[2],
              EqualsProto(Suspended("c1", "provider failed: suspension of payments")));
}

// What can move to other providers is the ceilings' share of the days from
// the failure to the end of the term, whatever was claimed before it.
TEST_F(ContinuityTest, RemainingCeilingIsTheShareOfTheDaysFromTheFailureToTheTermEnd) {
  for (const auto& [failed_on, remaining] :
       std::vector<std::pair<std::string, int64_t>>{{"2016-03-01", 8360655},
                                                    {"2016-12-01", 846994},  // 31 days
                                                    {"2017-02-01", 0}}) {
    absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, DeclareFailure("p1", failed_on));
    ASSERT_THAT(events, IsOk());
    const bool suspends = remaining > 0;  // after the term there is no care to stop
    ASSERT_THAT(*events, SizeIs(suspends ? 5 : 4)) << failed_on;
    EXPECT_THAT((*events)[suspends ? 2 : 1],
                EqualsProto(CaseOpened("c1", "ambulatory", "Delft", remaining)))
        << failed_on;
  }
}

TEST_F(ContinuityTest, CareClaimedAfterTheFailureDayMovesTheStopToTheDayAfterIt) {
  state_.contracts["c1"].set_last_claimed_day("2016-03-31");
  absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, DeclareFailure());
  ASSERT_THAT(events, IsOk());
  EXPECT_THAT((*events)[1],
              EqualsProto(Suspended("c1", "provider failed: bankruptcy", "2016-04-01")));
  EXPECT_THAT((*events)[2], EqualsProto(CaseOpened("c1", "ambulatory", "Delft", 7513661)));
}

TEST_F(ContinuityTest, TheFailureReleasesTheMoneyOfTheCareNotGiven) {
  Accept(DeclareFailure());
  // Delft 2016: c1 keeps the 30,000.00 claimed (more than its share of January
  // and February), c5 50,000.00 and c7 10,000.00 remain.
  EXPECT_EQ(Committed("Delft", 2016, "ambulatory"), 9000000);
  EXPECT_EQ(Committed("Delft", 2015, "ambulatory"), 10000000);
  // Den Haag 2016: 200,000.00 x 60 / 366.
  EXPECT_EQ(Committed("Den Haag", 2016, "ambulatory"), 3278688);
}

TEST_F(ContinuityTest, AProviderWithoutContractsStillFails) {
  EXPECT_THAT(Decide(state_, DeclareFailure("p4")),
              Produces(ElementsAre(EqualsProto(EventOf(
                  "provider_failed { provider_id: 'p4' failed_on: '2016-03-01' reason: "
                  "FAILURE_REASON_BANKRUPTCY explanation: 'declared bankrupt by the court of The "
                  "Hague' }")))));
}

TEST_F(ContinuityTest, EvolveOfFailureMarksTheProviderAndOpensTheCases) {
  Accept(DeclareFailure());
  EXPECT_THAT(state_.providers["p1"],
              EqualsProto(ParseText<v1::ProviderRecord>(
                  "provider_id: 'p1' name: 'Provider p1' failed: true failed_on: '2016-03-01' "
                  "failure_reason: FAILURE_REASON_BANKRUPTCY")));
  EXPECT_FALSE(state_.providers["p2"].failed());
  ASSERT_THAT(state_.cases, SizeIs(3));
  EXPECT_THAT(state_.cases["c1/Delft"],
              EqualsProto(ParseText<v1::ContinuityCaseRecord>(
                  "case_id: 'c1/Delft' provider_id: 'p1' contract_id: 'c1' lot: 'ambulatory' "
                  "municipality: 'Delft' status: CASE_STATUS_OPEN remaining_ceiling_cents: "
                  "8360655")));
  EXPECT_EQ(state_.cases["c1/Den Haag"].status(), v1::CASE_STATUS_OPEN);
  EXPECT_EQ(state_.cases["c3/Delft"].remaining_ceiling_cents(), 3344262);
  EXPECT_EQ(state_.contracts["c1"].status(), v1::CONTRACT_STATUS_SUSPENDED);
  EXPECT_EQ(state_.contracts["c1"].suspensions(0).from(), "2016-03-01");
}

// transfer_clients

TEST_F(ContinuityTest, TransferProducesClientsTransferred) {
  Accept(DeclareFailure());
  EXPECT_THAT(Decide(state_, Transfer()),
              Produces(ElementsAre(EqualsProto(
                  EventOf("clients_transferred { case_id: 'c1/Delft' from_contract_id: 'c1' "
                          "to_contract_id: 'c5' to_provider_id: 'p2' client_count: 3 client_ids: "
                          "['cl-000001', 'cl-000002', 'cl-000003'] ceiling_cents: 2000000 }")))));
}

TEST_F(ContinuityTest, EvolveOfTransferRaisesTheReceivingCeilingOfTheFailureYear) {
  Accept(DeclareFailure());
  // After the failure: ambulatory Delft 2015 100,000.00 (c1); 2016 90,000.00
  // (c1 30,000.00 claimed, c5, c7); 2017 50,000.00 (c5).
  Accept(Transfer());
  EXPECT_THAT(state_.cases["c1/Delft"],
              EqualsProto(ParseText<v1::ContinuityCaseRecord>(
                  "case_id: 'c1/Delft' provider_id: 'p1' contract_id: 'c1' lot: 'ambulatory' "
                  "municipality: 'Delft' status: CASE_STATUS_OPEN remaining_ceiling_cents: "
                  "6360655 clients_transferred: 3 to_contract_ids: 'c5'")));
  EXPECT_EQ(YearCeilingOf(state_.contracts["c1"], "Delft", 0), 10000000);
  EXPECT_THAT(state_.contracts["c5"].ceilings(),
              ElementsAre(EqualsProto(ParseText<v1::MunicipalityCeiling>(
                              "municipality: 'Delft' ceiling_cents: 5000000")),
                          EqualsProto(ParseText<v1::MunicipalityCeiling>(
                              "municipality: 'Delft' year: 2016 ceiling_cents: 7000000"))));
  EXPECT_EQ(Committed("Delft", 2015, "ambulatory"), 10000000);
  EXPECT_EQ(Committed("Delft", 2016, "ambulatory"), 11000000);
  EXPECT_EQ(Committed("Delft", 2017, "ambulatory"), 5000000);

  v1::Command more = Transfer();
  more.mutable_transfer_clients()->clear_client_ids();
  more.mutable_transfer_clients()->set_client_count(2);
  more.mutable_transfer_clients()->set_ceiling_cents(5000000);
  Accept(more);
  EXPECT_EQ(state_.cases["c1/Delft"].remaining_ceiling_cents(), 1360655);
  EXPECT_EQ(state_.cases["c1/Delft"].clients_transferred(), 5);
  EXPECT_THAT(state_.cases["c1/Delft"].to_contract_ids(), ElementsAre("c5", "c5"));
  EXPECT_EQ(Committed("Delft", 2016, "ambulatory"), 16000000);
  EXPECT_EQ(Committed("Delft", 2017, "ambulatory"), 5000000);
}

TEST_F(ContinuityTest, TransferGivesTheReceivingContractANewCeilingRowWhenItHadNone) {
  Accept(DeclareFailure());
  v1::Command command = Transfer("c1/Den Haag");
  command.mutable_transfer_clients()->set_ceiling_cents(5000000);
  Accept(command);
  EXPECT_THAT(state_.contracts["c5"].ceilings(),
              ElementsAre(EqualsProto(ParseText<v1::MunicipalityCeiling>(
                              "municipality: 'Delft' ceiling_cents: 5000000")),
                          EqualsProto(ParseText<v1::MunicipalityCeiling>(
                              "municipality: 'Den Haag' year: 2016 ceiling_cents: 5000000"))));
  EXPECT_EQ(Committed("Den Haag", 2016, "ambulatory"), 8278688);
  EXPECT_EQ(Committed("Den Haag", 2017, "ambulatory"), 0);
}

TEST_F(ContinuityTest, TransferOfClientsWithoutCeilingAndWithoutIdsIsAccepted) {
  Accept(DeclareFailure());
  v1::Command command = Transfer("c1/Den Haag");
  command.mutable_transfer_clients()->clear_client_ids();
  command.mutable_transfer_clients()->set_ceiling_cents(0);
  Accept(command);
  EXPECT_EQ(state_.cases["c1/Den Haag"].clients_transferred(), 3);
  EXPECT_EQ(state_.cases["c1/Den Haag"].remaining_ceiling_cents(), 16721311);
  EXPECT_THAT(state_.contracts["c5"].ceilings(), SizeIs(1));
  EXPECT_EQ(Committed("Den Haag", 2017, "ambulatory"), 0);
}

TEST_F(ContinuityTest, TransferFromAnEscalatedCaseIsAccepted) {
  Accept(DeclareFailure());
  Accept(Escalate());
  EXPECT_THAT(Decide(state_, Transfer()), IsOk());
}

// escalate_case and close_case

TEST_F(ContinuityTest, EscalateProducesCaseEscalated) {
  Accept(DeclareFailure());
  EXPECT_THAT(Decide(state_, Escalate()),
              Produces(ElementsAre(EqualsProto(
                  EventOf("case_escalated { case_id: 'c1/Delft' reason: 'no provider has "
                          "capacity for intensive care' }")))));
}

TEST_F(ContinuityTest, EvolveOfCaseEscalatedHandsTheCaseToTheAuthority) {
  Accept(DeclareFailure());
  Accept(Escalate());
  EXPECT_EQ(state_.cases["c1/Delft"].status(), v1::CASE_STATUS_ESCALATED);
  EXPECT_EQ(state_.cases["c1/Delft"].escalation_reason(),
            "no provider has capacity for intensive care");
  EXPECT_EQ(state_.cases["c1/Den Haag"].status(), v1::CASE_STATUS_OPEN);
}

TEST_F(ContinuityTest, CloseProducesCaseClosed) {
  Accept(DeclareFailure());
  EXPECT_THAT(Decide(state_, Close()),
              Produces(ElementsAre(EqualsProto(
                  EventOf("case_closed { case_id: 'c1/Delft' outcome: 'all clients placed' }")))));
}

TEST_F(ContinuityTest, EvolveOfCaseClosedClosesOpenAndEscalatedCases) {
  Accept(DeclareFailure());
  Accept(Close());
  EXPECT_EQ(state_.cases["c1/Delft"].status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(state_.cases["c1/Delft"].outcome(), "all clients placed");
  Accept(Escalate("c3/Delft"));
  Accept(Close("c3/Delft"));
  EXPECT_EQ(state_.cases["c3/Delft"].status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(state_.cases["c3/Delft"].escalation_reason(),
            "no provider has capacity for intensive care");
}

// Refusals, table-driven: `change` (text format of v1::Command) is merged
// into the command `make` builds, after `arrange` prepared the state. Except
// for declare_provider_failure itself, p1 has failed first (cases c1/Delft,
// c1/Den Haag, c3/Delft).
v1::Command AFailure() { return DeclareFailure(); }
v1::Command ATransfer() { return Transfer(); }
v1::Command ATransferWithoutIds() {
  v1::Command command = Transfer();
  command.mutable_transfer_clients()->clear_client_ids();
  return command;
}
v1::Command AnEscalation() { return Escalate(); }
v1::Command AClosure() { return Close(); }

struct Refusal {
  std::string name;
  v1::Command (*make)();
  std::string change;
  Code code;
  std::string message;
  std::function<void(RegionState&)> arrange = nullptr;
};

std::string RefusalName(const ::testing::TestParamInfo<Refusal>& info) { return info.param.name; }

class ContinuityRefusedTest : public ContinuityTest,
                              public ::testing::WithParamInterface<Refusal> {};

TEST_P(ContinuityRefusedTest, RefusedWithTheRuleItBreaks) {
  if (GetParam().make != AFailure) Accept(DeclareFailure());
  if (GetParam().arrange) GetParam().arrange(state_);
  v1::Command command = GetParam().make();
  ASSERT_TRUE(google::protobuf::TextFormat::MergeFromString(GetParam().change, &command));
  EXPECT_THAT(Decide(state_, command), StatusIs(GetParam().code, HasSubstr(GetParam().message)));
}

std::function<void(RegionState&)> CaseStatus(v1::CaseStatus status) {
  return [status](RegionState& s) { s.cases["c1/Delft"].set_status(status); };
}

INSTANTIATE_TEST_SUITE_P(
    DeclareProviderFailure, ContinuityRefusedTest,
    ::testing::Values(
        Refusal{"ByAMunicipality", AFailure, R"pb(actor { id: "Delft" role: ROLE_MUNICIPALITY })pb",
                Code::kPermissionDenied,
                "role rule: only the bureau may declare a provider failure; actor 'Delft' is "
                "municipality"},
        Refusal{"ByTheProviderItself", AFailure, R"pb(actor { id: "p1" role: ROLE_PROVIDER })pb",
                Code::kPermissionDenied, "role rule: only the bureau"},
        Refusal{"WithoutProviderId", AFailure,
                R"pb(declare_provider_failure { provider_id: "" })pb", Code::kInvalidArgument,
                "provider_id: expected a provider id, got ''"},
        Refusal{"OfAnUnregisteredProvider", AFailure,
                R"pb(declare_provider_failure { provider_id: "p404" })pb", Code::kNotFound,
                "provider_id: 'p404' is not a registered provider of region 'haaglanden'"},
        Refusal{"OfAProviderThatAlreadyFailed", AFailure, "", Code::kFailedPrecondition,
                "provider 'p1' already failed on 2016-02-01",
                [](RegionState& s) {
                  s.providers["p1"].set_failed(true);
                  s.providers["p1"].set_failed_on("2016-02-01");
                }},
        Refusal{"WithAnInvalidDate", AFailure,
                R"pb(declare_provider_failure { failed_on: "2016-02-31" })pb",
                Code::kInvalidArgument, "failed_on: expected a date YYYY-MM-DD, got '2016-02-31'"},
        Refusal{"WithoutReason", AFailure,
                R"pb(declare_provider_failure { reason: FAILURE_REASON_UNSPECIFIED })pb",
                Code::kInvalidArgument,
                "reason: expected bankruptcy, suspension of payments, quality or other, got none"},
        Refusal{"WithAReasonThisBuildDoesNotKnow", AFailure,
                R"pb(declare_provider_failure { reason: 17 })pb", Code::kInvalidArgument,
                "got 17"}),
    RefusalName);

INSTANTIATE_TEST_SUITE_P(
    TransferClients, ContinuityRefusedTest,
    ::testing::Values(
        Refusal{"ByAMunicipality", ATransfer,
                R"pb(actor { id: "Delft" role: ROLE_MUNICIPALITY })pb", Code::kPermissionDenied,
                "role rule: only the bureau may transfer clients; actor 'Delft' is municipality"},
        Refusal{"WithoutCaseId", ATransfer, R"pb(transfer_clients { case_id: "" })pb",
                Code::kInvalidArgument, "case_id: expected a continuity case id, got ''"},
        Refusal{"OfAnUnknownCase", ATransfer, R"pb(transfer_clients { case_id: "c9/Delft" })pb",
                Code::kNotFound,
                "case_id: 'c9/Delft' is not a continuity case of region 'haaglanden'"},
        Refusal{"OfAClosedCase", ATransfer, "", Code::kFailedPrecondition,
                "case 'c1/Delft' is closed; cannot transfer clients",
                [](RegionState& s) { s.cases["c1/Delft"].set_status(v1::CASE_STATUS_CLOSED); }},
        Refusal{"WithoutReceivingContract", ATransfer,
                R"pb(transfer_clients { to_contract_id: "" })pb", Code::kInvalidArgument,
                "to_contract_id: expected a contract id, got ''"},
        Refusal{"ToAnUnknownContract", ATransfer,
                R"pb(transfer_clients { to_contract_id: "c404" })pb", Code::kNotFound,
                "contract_id: 'c404' is not a contract of region 'haaglanden'"},
        Refusal{
            "ToASuspendedContract", ATransfer, R"pb(transfer_clients { to_contract_id: "c7" })pb",
            Code::kFailedPrecondition,
            "to_contract_id: contract 'c7' is suspended; clients go only to an active contract"},
        Refusal{"ToAContractOnAnotherLot", ATransfer,
                R"pb(transfer_clients { to_contract_id: "c6" })pb", Code::kFailedPrecondition,
                "to_contract_id: contract 'c6' is on lot 'housing', but case 'c1/Delft' is on lot "
                "'ambulatory'"},
        Refusal{"ToAContractOfTheFailedProviderItself", ATransfer,
                R"pb(transfer_clients { to_contract_id: "c8" })pb", Code::kFailedPrecondition,
                "to_contract_id: contract 'c8' belongs to the failed provider 'p1' itself",
                [](RegionState& s) {
                  s.contracts["c8"] = ParseText<v1::ContractRecord>(
                      "contract_id: 'c8' provider_id: 'p1' lot: 'ambulatory' term_start: "
                      "'2016-01-01' term_end: '2016-12-31' status: CONTRACT_STATUS_ACTIVE");
                }},
        Refusal{"ToAProviderThatFailedToo", ATransfer, "", Code::kFailedPrecondition,
                "to_contract_id: provider 'p2' of contract 'c5' failed on 2016-04-01",
                [](RegionState& s) {
                  s.providers["p2"].set_failed(true);
                  s.providers["p2"].set_failed_on("2016-04-01");
                }},
        Refusal{"WithoutClients", ATransferWithoutIds,
                R"pb(transfer_clients { client_count: 0 })pb", Code::kInvalidArgument,
                "client_count: expected at least 1 client, got 0"},
        Refusal{"WhenClientIdsDoNotMatchTheCount", ATransfer,
                R"pb(transfer_clients { client_count: 4 })pb", Code::kInvalidArgument,
                "client_ids: expected client_count (4) ids, got 3"},
        Refusal{"WhenAClientIdAppearsTwice", ATransferWithoutIds,
                "transfer_clients { client_ids: ['cl-000001', 'cl-000002', 'cl-000001'] }",
                Code::kInvalidArgument, "client_ids[2]: 'cl-000001' appears twice"},
        Refusal{"WhenAClientIsNamed", ATransferWithoutIds,
                "transfer_clients { client_ids: ['Jan Jansen', 'cl-000002', 'cl-000003'] }",
                Code::kInvalidArgument,
                "client_ids[0]: expected a pseudonymous id (letters, digits, '-', 6-64 "
                "characters, at least one digit, not a BSN), got 'Jan Jansen'"},
        // 9*1 + 8*1 + 7*1 + 6*2 + 5*2 + 4*2 + 3*3 + 2*3 - 3 = 66, a multiple of 11.
        Refusal{"WhenAClientIdIsShapedLikeABsn", ATransferWithoutIds,
                "transfer_clients { client_ids: ['cl-000001', '111222333', 'cl-000003'] }",
                Code::kInvalidArgument, "client_ids[1]: expected a pseudonymous id"},
        Refusal{"WhenAClientIdIsAWord", ATransferWithoutIds,
                "transfer_clients { client_ids: ['cl-000001', 'cl-000002', 'jansenfamilie'] }",
                Code::kInvalidArgument, "client_ids[2]: expected a pseudonymous id"},
        Refusal{"WhenAClientIdIsTooShort", ATransferWithoutIds,
                "transfer_clients { client_ids: ['cl-000001', 'cl-1', 'cl-000003'] }",
                Code::kInvalidArgument, "client_ids[1]: expected a pseudonymous id"},
        Refusal{"WhenAClientIdIsTooLong", ATransferWithoutIds,
                absl::StrCat("transfer_clients { client_ids: ['cl-000001', '", std::string(65, 'a'),
                             "', 'cl-000003'] }"),
                Code::kInvalidArgument, "client_ids[1]: expected a pseudonymous id"},
        Refusal{"WhenAClientIdHasOtherCharacters", ATransferWithoutIds,
                "transfer_clients { client_ids: ['cl-000001', 'cl-000002', 'jan.jansen@mail.nl'] }",
                Code::kInvalidArgument, "client_ids[2]: expected a pseudonymous id"},
        Refusal{"WithANegativeCeiling", ATransfer, R"pb(transfer_clients { ceiling_cents: -1 })pb",
                Code::kInvalidArgument, "ceiling_cents: expected an amount >= 0.00, got -0.01"},
        Refusal{
            "WithMoreCeilingThanRemains", ATransfer,
            R"pb(transfer_clients { ceiling_cents: 8360656 })pb", Code::kFailedPrecondition,
            "ceiling_cents: 83,606.56 exceeds the remaining ceiling 83,606.55 of case 'c1/Delft'"},
        Refusal{"ToAContractWithoutCareInTheFailureYear", ATransfer, "",
                Code::kFailedPrecondition,
                "to_contract_id: contract 'c5' (2017-01-01 to 2017-12-31) gives no care in 2016, "
                "the year provider 'p1' failed",
                [](RegionState& s) { s.contracts["c5"].set_term_start("2017-01-01"); }},
        Refusal{"WhenTheReceivingYearHasNoRoomLeft", ATransfer, "", Code::kFailedPrecondition,
                "lot 'ambulatory' of Delft 2016: ceiling 20,000.00 would exceed the uncommitted "
                "budget 10,000.00",
                [](RegionState& s) {
                  s.municipalities["Delft"].years[2016].lots["ambulatory"].planned_cents = 10000000;
                }},
        Refusal{"WhenTheReceivingYearIsClosed", ATransfer, "", Code::kFailedPrecondition,
                "lot 'ambulatory' of Delft 2016: the year is closed",
                [](RegionState& s) { s.municipalities["Delft"].years[2016].closed = true; }}),
    RefusalName);

INSTANTIATE_TEST_SUITE_P(
    EscalateCase, ContinuityRefusedTest,
    ::testing::Values(
        Refusal{"ByAMunicipality", AnEscalation,
                R"pb(actor { id: "Delft" role: ROLE_MUNICIPALITY })pb", Code::kPermissionDenied,
                "role rule: only the bureau may escalate a case to the continuity authority"},
        Refusal{"WithoutCaseId", AnEscalation, R"pb(escalate_case { case_id: "" })pb",
                Code::kInvalidArgument, "case_id: expected a continuity case id, got ''"},
        Refusal{"OfAnUnknownCase", AnEscalation, R"pb(escalate_case { case_id: "c9/Delft" })pb",
                Code::kNotFound, "case_id: 'c9/Delft' is not a continuity case"},
        Refusal{"OfACaseAlreadyEscalated", AnEscalation, "", Code::kFailedPrecondition,
                "case 'c1/Delft' is escalated; only an open case can be escalated",
                CaseStatus(v1::CASE_STATUS_ESCALATED)},
        Refusal{"OfAClosedCase", AnEscalation, "", Code::kFailedPrecondition,
                "case 'c1/Delft' is closed; only an open case can be escalated",
                CaseStatus(v1::CASE_STATUS_CLOSED)},
        Refusal{"WithoutReason", AnEscalation, R"pb(escalate_case { reason: "" })pb",
                Code::kInvalidArgument, "reason: expected why the case is escalated, got ''"}),
    RefusalName);

INSTANTIATE_TEST_SUITE_P(
    CloseCase, ContinuityRefusedTest,
    ::testing::Values(
        Refusal{"ByAProvider", AClosure, R"pb(actor { id: "p2" role: ROLE_PROVIDER })pb",
                Code::kPermissionDenied,
                "role rule: only the bureau may close a continuity case; actor 'p2' is provider"},
        Refusal{"WithoutCaseId", AClosure, R"pb(close_case { case_id: "" })pb",
                Code::kInvalidArgument, "case_id: expected a continuity case id, got ''"},
        Refusal{"OfAnUnknownCase", AClosure, R"pb(close_case { case_id: "c9/Delft" })pb",
                Code::kNotFound, "case_id: 'c9/Delft' is not a continuity case"},
        Refusal{"OfACaseAlreadyClosed", AClosure, "", Code::kFailedPrecondition,
                "case 'c1/Delft' is closed; cannot close it again",
                CaseStatus(v1::CASE_STATUS_CLOSED)},
        Refusal{"WithoutOutcome", AClosure, R"pb(close_case { outcome: "" })pb",
                Code::kInvalidArgument, "outcome: expected the outcome of the case, got ''"}),
    RefusalName);

}  // namespace
}  // namespace inkoop
