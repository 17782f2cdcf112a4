// Decide/Evolve for record_claim, record_payment and report_indicator (its
// levels and baselines: indicators_test.cc).
//
// Contracts are set up by filling RegionState directly (their ceilings
// committed with ApplyCommit), so these tests do not depend on the contract
// concern. Protos are written in text format.
#include "engine/domain/claims.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/domain/budget.h"
#include "engine/domain/decide.h"
#include "engine/domain/rules.h"
#include "engine/domain/snapshot.h"
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
using ::inkoop::testing::Provider;
using ::inkoop::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using Code = absl::StatusCode;

constexpr char kRegion[] = "haaglanden";

// Sets the day the command happens on.
void On(v1::Command& command, int year, int month, int day) {
  const absl::Time time = absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
  command.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(time));
}

// A command of `actor` in the region with the body `text`, on 2017-02-15
// (within the claim window of contracts that ended on 2016-12-31).
v1::Command Cmd(const v1::Actor& actor, const std::string& text) {
  v1::Command command = ParseText<v1::Command>(text);
  command.set_region(kRegion);
  *command.mutable_actor() = actor;
  On(command, 2017, 2, 15);
  return command;
}

// 12 hours of product 45A12 (85.00 an hour) for Delft in January 2016 on c1,
// under assignment a1.
v1::Command Claim(const std::string& claim_id = "k1") {
  return Cmd(Provider("p1"),
             absl::StrCat("record_claim { claim_id: '", claim_id,
                          "' contract_id: 'c1' municipality: 'Delft' assignment_id: 'a1' "
                          "period_start: '2016-01-01' period_end: '2016-01-31' "
                          "product_code: '45A12' units: 12 amount_cents: 102000 }"));
}

v1::Command Payment(int64_t cents) {
  return Cmd(Municipality("Delft"), absl::StrCat("record_payment { claim_id: 'k1' amount_cents: ",
                                                 cents, " paid_on: '2016-02-15' }"));
}

constexpr char kDropOut[] =
    "provider_id: 'p1' contract_id: 'c1' period_start: '2016-01-01' period_end: '2016-06-30' "
    "indicator: INDICATOR_DROP_OUT count: 40 level: INDICATOR_LEVEL_CASE";

v1::Command DropOut(int32_t permille = 120, const v1::Actor& actor = Provider("p1")) {
  return Cmd(actor,
             absl::StrCat("report_indicator { ", kDropOut, " value_permille: ", permille, " }"));
}

constexpr char kGoalAttainment[] =
    "provider_id: 'p1' contract_id: 'c1' period_start: '2016-01-01' period_end: '2016-12-31' "
    "indicator: INDICATOR_GOAL_ATTAINMENT value_permille: 710 count: 35 "
    "level: INDICATOR_LEVEL_CASE "
    "sub_indicators { name: 'goals reached' value_permille: 700 } "
    "sub_indicators { name: 'problems reduced' value_permille: 650 } "
    "sub_indicators { name: 'self-reliance' value_permille: 800 } "
    "sub_indicators { name: 'participation' value_permille: 690 }";

v1::Command GoalAttainment() {
  return Cmd(Bureau(), absl::StrCat("report_indicator { ", kGoalAttainment, " }"));
}

// A region with a framework 2015-2017, budgets and plans for Delft and Den
// Haag, providers p1 and p2 and two active contracts:
//   c1  p1, ambulatory, per unit, 2015-2016, Delft 100,000.00, Den Haag 200,000.00
//   c2  p2, housing, lump sum, 2016-2017, Delft 50,000.00
class ClaimsTest : public ::testing::Test {
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
    for (const std::string id : {"p1", "p2"}) {
      state_.providers[id] = ParseText<v1::ProviderRecord>(absl::StrCat("provider_id: '", id, "'"));
    }
    AddContract(
        "contract_id: 'c1' provider_id: 'p1' lot: 'ambulatory' funding_model: "
        "FUNDING_MODEL_PER_UNIT term_start: '2015-01-01' term_end: '2016-12-31' "
        "status: CONTRACT_STATUS_ACTIVE ceilings { municipality: 'Delft' ceiling_cents: 10000000 } "
        "ceilings { municipality: 'Den Haag' ceiling_cents: 20000000 } "
        "tariffs { product_code: '45A12' unit: UNIT_HOUR tariff_cents: 8500 } "
        "tariffs { product_code: '45A14' unit: UNIT_PIECE tariff_cents: 10000 }");
    AddContract(
        "contract_id: 'c2' provider_id: 'p2' lot: 'housing' funding_model: FUNDING_MODEL_LUMP_SUM "
        "term_start: '2016-01-01' term_end: '2017-12-31' status: CONTRACT_STATUS_ACTIVE "
        "ceilings { municipality: 'Delft' ceiling_cents: 5000000 } "
        "tariffs { product_code: '43A31' unit: UNIT_EURO tariff_cents: 100 }");
    // Started assignments on c1 for Delft (a1: 45A12, a2: 45A14) over the
    // whole term, with room for any volume (their own rules:
    // assignments_test.cc).
    for (const auto& [id, product] : {std::pair<std::string, std::string>{"a1", "45A12"},
                                      std::pair<std::string, std::string>{"a2", "45A14"}}) {
      state_.assignments[id] = ParseText<v1::AssignmentRecord>(absl::StrCat(
          "assignment_id: '", id, "' contract_id: 'c1' provider_id: 'p1' municipality: 'Delft' "
          "product_code: '", product, "' volume: 1000000000000000000 "
          "period_start: '2015-01-01' period_end: '2016-12-31' "
          "status: ASSIGNMENT_STATUS_STARTED started_on: '2015-01-01'"));
    }
  }

  // Stores the contract and commits its ceilings for every year of its term.
  void AddContract(const std::string& text) {
    const auto contract = ParseText<v1::ContractRecord>(text);
    state_.contracts[contract.contract_id()] = contract;
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

  v1::ClaimedYear Claimed(const std::string& contract, const std::string& municipality,
                          int32_t year) {
    const v1::ClaimedYear* claimed = ClaimedOf(state_.contracts[contract], municipality, year);
    return claimed == nullptr ? v1::ClaimedYear() : *claimed;
  }

  RegionState state_;
};

// record_claim

TEST_F(ClaimsTest, RecordClaimProducesClaimRecordedWithTheContractsProvider) {
  EXPECT_THAT(Decide(state_, Claim()),
              Produces(ElementsAre(EqualsProto(EventOf(
                  "claim_recorded { claim_id: 'k1' contract_id: 'c1' provider_id: 'p1' "
                  "municipality: 'Delft' period_start: '2016-01-01' period_end: '2016-01-31' "
                  "product_code: '45A12' units: 12 amount_cents: 102000 assignment_id: 'a1' }")))));
}

TEST_F(ClaimsTest, EvolveOfClaimRecordedAddsTheClaimAndTheClaimedMoneyOfItsYear) {
  Accept(Claim());
  EXPECT_THAT(
      state_.claims["k1"],
      EqualsProto(ParseText<v1::ClaimRecord>(
          "claim_id: 'k1' contract_id: 'c1' provider_id: 'p1' municipality: 'Delft' "
          "year: 2016 amount_cents: 102000 paid_cents: 0 product_code: '45A12' units: 12 "
          "assignment_id: 'a1'")));
  EXPECT_THAT(state_.contracts["c1"].claimed(),
              ElementsAre(EqualsProto(ParseText<v1::ClaimedYear>(
                  "municipality: 'Delft' year: 2016 claimed_cents: 102000 paid_cents: 0"))));
}

TEST_F(ClaimsTest, ClaimsOfOneYearAddUpAndOtherYearsKeepTheirOwnRow) {
  Accept(Claim("k1"));
  Accept(Claim("k2"));
  v1::Command earlier = Claim("k3");
  earlier.mutable_record_claim()->set_period_start("2015-11-01");
  earlier.mutable_record_claim()->set_period_end("2015-11-30");
  Accept(earlier);
  EXPECT_EQ(Claimed("c1", "Delft", 2016).claimed_cents(), 204000);
  EXPECT_EQ(Claimed("c1", "Delft", 2015).claimed_cents(), 102000);
  EXPECT_EQ(state_.claims["k3"].year(), 2015);
  EXPECT_THAT(state_.contracts["c1"].claimed(), SizeIs(2));
}

TEST_F(ClaimsTest, ClaimAcceptedUpToExactlyTheCeiling) {
  *state_.contracts["c1"].add_claimed() =
      ParseText<v1::ClaimedYear>("municipality: 'Delft' year: 2016 claimed_cents: 9500000");
  v1::Command command = Claim();
  command.mutable_record_claim()->set_product_code("45A14");
  command.mutable_record_claim()->set_assignment_id("a2");
  command.mutable_record_claim()->set_units(50);
  command.mutable_record_claim()->set_amount_cents(500000);
  Accept(command);
  EXPECT_EQ(Claimed("c1", "Delft", 2016).claimed_cents(), 10000000);
}

TEST_F(ClaimsTest, LumpSumClaimNeedNotEqualUnitsTimesTariff) {
  const v1::Command command =
      Cmd(Provider("p2"),
          "record_claim { claim_id: 'k9' contract_id: 'c2' municipality: 'Delft' "
          "period_start: '2017-01-01' period_end: '2017-01-31' product_code: '43A31' units: 1 "
          "amount_cents: 1250000 }");
  EXPECT_THAT(Decide(state_, command),
              Produces(ElementsAre(EqualsProto(EventOf(
                  "claim_recorded { claim_id: 'k9' contract_id: 'c2' provider_id: 'p2' "
                  "municipality: 'Delft' period_start: '2017-01-01' period_end: '2017-01-31' "
                  "product_code: '43A31' units: 1 amount_cents: 1250000 }")))));
}

// Care given before an end stays claimable for the framework's claim window
// (56 days unless the framework says otherwise).

TEST_F(ClaimsTest, CareBeforeASuspensionIsClaimableWhileTheContractIsSuspended) {
  state_.contracts["c1"].set_status(v1::CONTRACT_STATUS_SUSPENDED);
  state_.contracts["c1"].add_suspensions()->set_from("2016-02-01");
  v1::Command command = Claim();
  On(command, 2016, 2, 20);
  Accept(command);
  EXPECT_EQ(Claimed("c1", "Delft", 2016).claimed_cents(), 102000);
  EXPECT_EQ(state_.contracts["c1"].last_claimed_day(), "2016-01-31");
}

TEST_F(ClaimsTest, CareBeforeTheProvidersFailureIsClaimableWithinTheWindow) {
  state_.providers["p1"].set_failed(true);
  state_.providers["p1"].set_failed_on("2016-02-01");
  state_.contracts["c1"].set_status(v1::CONTRACT_STATUS_SUSPENDED);
  state_.contracts["c1"].add_suspensions()->set_from("2016-02-01");
  v1::Command command = Claim();
  On(command, 2016, 3, 27);  // 2016-01-31 + 56 days
  Accept(command);
  EXPECT_EQ(Claimed("c1", "Delft", 2016).claimed_cents(), 102000);
}

TEST_F(ClaimsTest, CareBeforeATerminationIsClaimableAfterIt) {
  state_.contracts["c1"].set_status(v1::CONTRACT_STATUS_TERMINATED);
  state_.contracts["c1"].set_ends_on("2016-02-01");
  v1::Command command = Claim();
  On(command, 2016, 3, 1);
  Accept(command);
  EXPECT_EQ(Claimed("c1", "Delft", 2016).claimed_cents(), 102000);
}

TEST_F(ClaimsTest, AnExpiredContractTakesClaimsOfItsTermWithinTheWindow) {
  state_.contracts["c1"].set_status(v1::CONTRACT_STATUS_EXPIRED);
  v1::Command command = Claim();
  command.mutable_record_claim()->set_period_start("2016-12-01");
  command.mutable_record_claim()->set_period_end("2016-12-31");
  On(command, 2017, 2, 25);  // 2016-12-31 + 56 days
  Accept(command);
  EXPECT_EQ(Claimed("c1", "Delft", 2016).claimed_cents(), 102000);
}

TEST_F(ClaimsTest, TheFrameworksClaimWindowReplacesTheDefault) {
  state_.framework.claim_window_days = 90;
  state_.contracts["c1"].set_status(v1::CONTRACT_STATUS_EXPIRED);
  v1::Command command = Claim();
  On(command, 2017, 3, 31);  // 2016-12-31 + 90 days
  Accept(command);
  On(command, 2017, 4, 1);
  command.mutable_record_claim()->set_claim_id("k2");
  EXPECT_THAT(Decide(state_, command),
              StatusIs(Code::kFailedPrecondition,
                       HasSubstr("claim window of contract 'c1' closed on 2017-03-31: care ended "
                                 "2016-12-31 and the framework allows 90 days to claim it")));
}

// record_payment

TEST_F(ClaimsTest, RecordPaymentProducesPaymentRecorded) {
  Accept(Claim());
  EXPECT_THAT(Decide(state_, Payment(50000)),
              Produces(ElementsAre(EqualsProto(EventOf(
                  "payment_recorded { claim_id: 'k1' amount_cents: 50000 paid_on: '2016-02-15' "
                  "}")))));
}

TEST_F(ClaimsTest, EvolveOfPaymentRecordedPaysTheClaimAndTheContractYear) {
  Accept(Claim());
  Accept(Payment(50000));
  EXPECT_EQ(state_.claims["k1"].paid_cents(), 50000);
  EXPECT_EQ(Claimed("c1", "Delft", 2016).paid_cents(), 50000);
  Accept(Payment(52000));
  EXPECT_EQ(state_.claims["k1"].paid_cents(), 102000);
  EXPECT_THAT(Claimed("c1", "Delft", 2016),
              EqualsProto(ParseText<v1::ClaimedYear>(
                  "municipality: 'Delft' year: 2016 claimed_cents: 102000 paid_cents: 102000")));
}

// report_indicator

TEST_F(ClaimsTest, ReportIndicatorProducesIndicatorReported) {
  EXPECT_THAT(Decide(state_, DropOut(120)),
              Produces(ElementsAre(EqualsProto(EventOf(
                  absl::StrCat("indicator_reported { ", kDropOut,
                               " value_permille: 120 baseline: true }"))))));
}

TEST_F(ClaimsTest, BureauReportsGoalAttainmentWithItsFourSubIndicators) {
  EXPECT_THAT(Decide(state_, GoalAttainment()),
              Produces(ElementsAre(EqualsProto(
                  EventOf(absl::StrCat("indicator_reported { ", kGoalAttainment,
                                       " baseline: true }"))))));
}

TEST_F(ClaimsTest, EvolveOfIndicatorReportedStoresTheReportUnderItsKey) {
  Accept(GoalAttainment());
  const auto expected =
      ParseText<v1::IndicatorRecord>(absl::StrCat(kGoalAttainment, " baseline: true"));
  ASSERT_THAT(state_.indicators, SizeIs(1));
  EXPECT_EQ(state_.indicators.begin()->first, IndicatorKey(expected));
  EXPECT_THAT(state_.indicators.begin()->second, EqualsProto(expected));
}

TEST_F(ClaimsTest, ALaterReportOfTheSameIndicatorAndPeriodReplacesTheEarlierOne) {
  Accept(DropOut(120));
  Accept(DropOut(95, Bureau()));
  ASSERT_THAT(state_.indicators, SizeIs(1));
  EXPECT_EQ(state_.indicators.begin()->second.value_permille(), 95);
  v1::Command next_period = DropOut(80);
  next_period.mutable_report_indicator()->set_period_start("2016-07-01");
  next_period.mutable_report_indicator()->set_period_end("2016-12-31");
  Accept(next_period);
  v1::Command satisfaction = DropOut(870);
  satisfaction.mutable_report_indicator()->set_indicator(v1::INDICATOR_SATISFACTION);
  Accept(satisfaction);
  EXPECT_THAT(state_.indicators, SizeIs(3));
}

// Refusals, table-driven: `change` (text format of v1::Command) is merged
// into the command `make` builds, after `arrange` prepared the state.
struct Refusal {
  std::string name;
  std::function<v1::Command()> make;
  std::string change;
  std::function<void(RegionState&)> arrange;
  Code code;
  std::string message;
};

std::string RefusalName(const ::testing::TestParamInfo<Refusal>& info) { return info.param.name; }

class ClaimsRefusedTest : public ClaimsTest, public ::testing::WithParamInterface<Refusal> {};

TEST_P(ClaimsRefusedTest, RefusedWithTheRuleItBreaks) {
  if (GetParam().arrange) GetParam().arrange(state_);
  v1::Command command = GetParam().make();
  ASSERT_TRUE(google::protobuf::TextFormat::MergeFromString(GetParam().change, &command));
  EXPECT_THAT(Decide(state_, command), StatusIs(GetParam().code, HasSubstr(GetParam().message)));
}

void RecordClaimK1(RegionState& state) {
  ApplyClaimRecorded(state, EventOf("claim_recorded { claim_id: 'k1' contract_id: 'c1' "
                                    "provider_id: 'p1' municipality: 'Delft' period_start: "
                                    "'2016-01-01' period_end: '2016-01-31' product_code: '45A12' "
                                    "units: 12 amount_cents: 102000 }")
                                .claim_recorded());
}

// c1 has 96,000.00 (or `cents`) claimed for Delft in 2016.
std::function<void(RegionState&)> ClaimedAlready(int64_t cents = 9600000) {
  return [cents](RegionState& state) {
    v1::ClaimedYear& claimed = *state.contracts["c1"].add_claimed();
    claimed.set_municipality("Delft");
    claimed.set_year(2016);
    claimed.set_claimed_cents(cents);
  };
}

Refusal ClaimRefusal(std::string name, std::string change, Code code, std::string message,
                     std::function<void(RegionState&)> arrange = {}) {
  return {std::move(name),   [] { return Claim(); }, std::move(change), std::move(arrange), code,
          std::move(message)};
}

INSTANTIATE_TEST_SUITE_P(
    RecordClaim, ClaimsRefusedTest,
    ::testing::Values(
        ClaimRefusal("WhenAMunicipalityClaims",
                     R"pb(actor { id: "Delft" role: ROLE_MUNICIPALITY })pb",
                     Code::kPermissionDenied,
                     "role rule: only the provider may record a claim; actor 'Delft' is "
                     "municipality"),
        ClaimRefusal("WhenTheBureauClaims", R"pb(actor { id: "bureau" role: ROLE_BUREAU })pb",
                     Code::kPermissionDenied, "role rule: only the provider may record a claim"),
        ClaimRefusal("WhenAProviderClaimsOnAnotherProvidersContract", R"pb(actor { id: "p2" })pb",
                     Code::kPermissionDenied,
                     "role rule: a provider claims only on its own contracts; contract 'c1' "
                     "belongs to provider 'p1', actor is provider 'p2'"),
        ClaimRefusal("WithoutClaimId", R"pb(record_claim { claim_id: "" })pb",
                     Code::kInvalidArgument, "claim_id: expected a claim id, got ''"),
        ClaimRefusal("WhenTheClaimIdIsAlreadyRecorded", "", Code::kAlreadyExists,
                     "claim_id: 'k1' is already recorded", RecordClaimK1),
        ClaimRefusal("WithoutContractId", R"pb(record_claim { contract_id: "" })pb",
                     Code::kInvalidArgument, "contract_id: expected a contract id, got ''"),
        ClaimRefusal("OnAnUnknownContract", R"pb(record_claim { contract_id: "c404" })pb",
                     Code::kNotFound,
                     "contract_id: 'c404' is not a contract of region 'haaglanden'"),
        ClaimRefusal("ForCareDuringASuspension", "", Code::kFailedPrecondition,
                     "period 2016-01-01..2016-01-31 overlaps the suspension of contract 'c1' from "
                     "2016-01-15 until 2016-01-20",
                     [](RegionState& s) {
                       v1::Suspension& suspension = *s.contracts["c1"].add_suspensions();
                       suspension.set_from("2016-01-15");
                       suspension.set_resumed_on("2016-01-20");
                     }),
        ClaimRefusal("ForCareFromTheTerminationOn", "", Code::kFailedPrecondition,
                     "period 2016-01-01..2016-01-31 reaches 2016-01-20, when the termination of "
                     "contract 'c1' took effect",
                     [](RegionState& s) {
                       s.contracts["c1"].set_status(v1::CONTRACT_STATUS_TERMINATED);
                       s.contracts["c1"].set_ends_on("2016-01-20");
                     }),
        ClaimRefusal("AfterTheClaimWindow",
                     R"pb(occurred_at { seconds: 1488326400 })pb",  // 2017-03-01
                     Code::kFailedPrecondition,
                     "claim window of contract 'c1' closed on 2017-02-25: care ended 2016-12-31 "
                     "and the framework allows 56 days to claim it",
                     [](RegionState& s) {
                       s.contracts["c1"].set_status(v1::CONTRACT_STATUS_EXPIRED);
                     }),
        ClaimRefusal("ForCareNotYetGiven",
                     R"pb(occurred_at { seconds: 1453248000 })pb",  // 2016-01-20
                     Code::kFailedPrecondition,
                     "period 2016-01-01..2016-01-31 ends after today (2016-01-20); care is "
                     "claimed once it is given"),
        ClaimRefusal("ForCareOnOrAfterTheProvidersFailure", "", Code::kFailedPrecondition,
                     "period 2016-01-01..2016-01-31 reaches 2016-01-20, when provider 'p1' of "
                     "contract 'c1' failed",
                     [](RegionState& s) {
                       s.providers["p1"].set_failed(true);
                       s.providers["p1"].set_failed_on("2016-01-20");
                     }),
        ClaimRefusal("WithoutMunicipality", R"pb(record_claim { municipality: "" })pb",
                     Code::kInvalidArgument, "municipality: expected a municipality, got ''"),
        ClaimRefusal("ForAMunicipalityWithoutCeiling",
                     R"pb(record_claim { municipality: "Rijswijk" })pb", Code::kFailedPrecondition,
                     "municipality: 'Rijswijk' has no ceiling on contract 'c1'"),
        ClaimRefusal("WithAnInvalidPeriodStart",
                     R"pb(record_claim { period_start: "2016-02-30" })pb", Code::kInvalidArgument,
                     "period_start: expected a date YYYY-MM-DD, got '2016-02-30'"),
        ClaimRefusal("WithoutPeriodEnd", R"pb(record_claim { period_end: "" })pb",
                     Code::kInvalidArgument, "period_end: expected a date YYYY-MM-DD, got ''"),
        ClaimRefusal("WhenThePeriodEndsBeforeItStarts",
                     R"pb(record_claim { period_end: "2015-12-31" })pb", Code::kInvalidArgument,
                     "period_end: expected a date on or after 2016-01-01, got 2015-12-31"),
        ClaimRefusal("WhenThePeriodSpansTwoYears",
                     R"pb(record_claim { period_start: "2015-12-01" })pb", Code::kInvalidArgument,
                     "period 2015-12-01..2016-01-31: expected one calendar year"),
        ClaimRefusal("WhenThePeriodLiesOutsideTheTerm",
                     R"pb(record_claim { period_start: "2017-01-01" period_end: "2017-01-31" })pb",
                     Code::kFailedPrecondition,
                     "period 2017-01-01..2017-01-31 lies outside the term 2015-01-01..2016-12-31 "
                     "of contract 'c1'"),
        ClaimRefusal("WhenThePeriodStartsBeforeTheTerm", "", Code::kFailedPrecondition,
                     "period 2016-01-01..2016-01-31 lies outside the term 2016-01-15..2016-12-31",
                     [](RegionState& s) { s.contracts["c1"].set_term_start("2016-01-15"); }),
        ClaimRefusal("WhenTheYearIsClosed", "", Code::kFailedPrecondition,
                     "Delft 2016: the year is closed; it takes no more claims",
                     [](RegionState& s) { s.municipalities["Delft"].years[2016].closed = true; }),
        ClaimRefusal("WithoutProductCode", R"pb(record_claim { product_code: "" })pb",
                     Code::kInvalidArgument, "product_code: expected a product code, got ''"),
        ClaimRefusal("ForAProductWithoutTariff", R"pb(record_claim { product_code: "45A99" })pb",
                     Code::kFailedPrecondition, "product '45A99' has no tariff in contract 'c1'"),
        ClaimRefusal("WithZeroUnits", R"pb(record_claim { units: 0 })pb", Code::kInvalidArgument,
                     "units: expected a number of units > 0, got 0"),
        ClaimRefusal("WithNegativeUnits", R"pb(record_claim { units: -3 })pb",
                     Code::kInvalidArgument, "units: expected a number of units > 0, got -3"),
        ClaimRefusal("WithZeroAmount", R"pb(record_claim { amount_cents: 0 })pb",
                     Code::kInvalidArgument, "amount_cents: expected an amount > 0.00, got 0.00"),
        ClaimRefusal("WithNegativeAmount", R"pb(record_claim { amount_cents: -102000 })pb",
                     Code::kInvalidArgument,
                     "amount_cents: expected an amount > 0.00, got -1,020.00"),
        ClaimRefusal("WhenAPerUnitAmountIsNotUnitsTimesTariff",
                     R"pb(record_claim { amount_cents: 100000 })pb", Code::kFailedPrecondition,
                     "amount 1,000.00 is not 12 units x 85.00 = 1,020.00"),
        ClaimRefusal("WhenUnitsTimesTariffOverflows",
                     R"pb(record_claim { units: 9223372036854775 })pb", Code::kInvalidArgument,
                     "9223372036854775 units x 85.00 overflows the cent range"),
        ClaimRefusal("WhenTheClaimWouldExceedTheCeiling",
                     R"pb(record_claim {
                       product_code: "45A14" assignment_id: "a2" units: 50 amount_cents: 500000
                     })pb",
                     Code::kFailedPrecondition,
                     "claim of 5,000.00 on contract 'c1' for Delft 2016 would exceed the ceiling "
                     "100,000.00 (claimed so far 96,000.00)",
                     ClaimedAlready()),
        ClaimRefusal("WhenClaimedMoneyWouldOverflow",
                     R"pb(record_claim {
                       product_code: "45A14" assignment_id: "a2" units: 50 amount_cents: 500000
                     })pb",
                     Code::kInvalidArgument, "claimed money: sum of",
                     ClaimedAlready(std::numeric_limits<int64_t>::max() - 1))),
    RefusalName);

// A payment on claim k1 (1,020.00 for Delft).
Refusal PaymentRefusal(std::string name, std::string change, Code code, std::string message,
                       std::function<void(RegionState&)> arrange = {}) {
  auto with_claim = [arrange](RegionState& state) {
    RecordClaimK1(state);
    if (arrange) arrange(state);
  };
  return {std::move(name),   [] { return Payment(50000); }, std::move(change), with_claim, code,
          std::move(message)};
}

INSTANTIATE_TEST_SUITE_P(
    RecordPayment, ClaimsRefusedTest,
    ::testing::Values(
        PaymentRefusal("WhenAnotherMunicipalityPays", R"pb(actor { id: "Den Haag" })pb",
                       Code::kPermissionDenied,
                       "role rule: only municipality 'Delft' itself may record a payment on claim "
                       "'k1'; actor 'Den Haag' is municipality"),
        PaymentRefusal("WhenTheProviderRecordsAPayment",
                       R"pb(actor { id: "p1" role: ROLE_PROVIDER })pb", Code::kPermissionDenied,
                       "role rule: only municipality 'Delft' itself"),
        PaymentRefusal("WithoutClaimId", R"pb(record_payment { claim_id: "" })pb",
                       Code::kInvalidArgument, "claim_id: expected a claim id, got ''"),
        PaymentRefusal("OnAnUnknownClaim", R"pb(record_payment { claim_id: "k404" })pb",
                       Code::kNotFound, "claim_id: 'k404' is not a claim of region 'haaglanden'"),
        PaymentRefusal("WithZeroAmount", R"pb(record_payment { amount_cents: 0 })pb",
                       Code::kInvalidArgument, "amount_cents: expected an amount > 0.00, got 0.00"),
        PaymentRefusal("WhenItWouldPayMoreThanTheClaim",
                       R"pb(record_payment { amount_cents: 2001 })pb", Code::kFailedPrecondition,
                       "payment of 20.01 on claim 'k1' would exceed its amount 1,020.00 (paid so "
                       "far 1,000.00)",
                       [](RegionState& s) { s.claims["k1"].set_paid_cents(100000); }),
        PaymentRefusal("WithAnInvalidPaymentDate",
                       R"pb(record_payment { paid_on: "15-02-2016" })pb", Code::kInvalidArgument,
                       "paid_on: expected a date YYYY-MM-DD, got '15-02-2016'")),
    RefusalName);

Refusal IndicatorRefusal(std::string name, std::string change, Code code, std::string message) {
  return {std::move(name),   [] { return DropOut(); }, std::move(change), {}, code,
          std::move(message)};
}

Refusal GoalsRefusal(std::string name, std::function<void(v1::ReportIndicator&)> change,
                     std::string message) {
  auto make = [change] {
    v1::Command command = GoalAttainment();
    change(*command.mutable_report_indicator());
    return command;
  };
  return {std::move(name), make, "", {}, Code::kInvalidArgument, std::move(message)};
}

INSTANTIATE_TEST_SUITE_P(
    ReportIndicator, ClaimsRefusedTest,
    ::testing::Values(
        IndicatorRefusal("WhenAMunicipalityReports",
                         R"pb(actor { id: "Delft" role: ROLE_MUNICIPALITY })pb",
                         Code::kPermissionDenied,
                         "role rule: only provider 'p1' itself or the bureau may report its "
                         "indicators; actor 'Delft' is municipality"),
        IndicatorRefusal("WhenAProviderReportsForAnother", R"pb(actor { id: "p2" })pb",
                         Code::kPermissionDenied, "actor 'p2' is provider"),
        IndicatorRefusal("ForAnUnregisteredProvider",
                         R"pb(actor { id: "bureau" role: ROLE_BUREAU }
                              report_indicator { provider_id: "p404" })pb",
                         Code::kNotFound,
                         "provider_id: 'p404' is not a registered provider of region 'haaglanden'"),
        IndicatorRefusal("WithoutProviderId",
                         R"pb(actor { id: "bureau" role: ROLE_BUREAU }
                              report_indicator { provider_id: "" })pb",
                         Code::kInvalidArgument, "provider_id: expected a provider id, got ''"),
        IndicatorRefusal("OnAnUnknownContract", R"pb(report_indicator { contract_id: "c404" })pb",
                         Code::kNotFound, "contract_id: 'c404' is not a contract"),
        IndicatorRefusal("OnAContractOfAnotherProvider",
                         R"pb(report_indicator { contract_id: "c2" })pb", Code::kFailedPrecondition,
                         "contract 'c2' belongs to provider 'p2', not to 'p1'"),
        IndicatorRefusal("WithAnInvalidPeriodStart",
                         R"pb(report_indicator { period_start: "2016-1-1" })pb",
                         Code::kInvalidArgument,
                         "period_start: expected a date YYYY-MM-DD, got '2016-1-1'"),
        IndicatorRefusal("WhenThePeriodEndsBeforeItStarts",
                         R"pb(report_indicator { period_end: "2015-06-30" })pb",
                         Code::kInvalidArgument,
                         "period_end: expected a date on or after 2016-01-01, got 2015-06-30"),
        IndicatorRefusal("WithoutIndicator",
                         R"pb(report_indicator { indicator: INDICATOR_UNSPECIFIED })pb",
                         Code::kInvalidArgument,
                         "indicator: expected drop-out, satisfaction or goal attainment, got none"),
        IndicatorRefusal("WithAnIndicatorThisBuildDoesNotKnow",
                         R"pb(report_indicator { indicator: 9 })pb", Code::kInvalidArgument,
                         "indicator: expected drop-out, satisfaction or goal attainment, got 9"),
        IndicatorRefusal("WithAValueAboveOneThousandPermille",
                         R"pb(report_indicator { value_permille: 1001 })pb", Code::kInvalidArgument,
                         "value_permille: expected a value from 0 to 1000, got 1001"),
        IndicatorRefusal("WithANegativeValue", R"pb(report_indicator { value_permille: -1 })pb",
                         Code::kInvalidArgument,
                         "value_permille: expected a value from 0 to 1000, got -1"),
        IndicatorRefusal("WhenDropOutHasSubIndicators",
                         R"pb(report_indicator { sub_indicators { name: "goals" } })pb",
                         Code::kInvalidArgument,
                         "sub_indicators: expected none for INDICATOR_DROP_OUT, got 1"),
        GoalsRefusal(
            "WhenGoalAttainmentHasThreeSubIndicators",
            [](v1::ReportIndicator& r) { r.mutable_sub_indicators()->RemoveLast(); },
            "sub_indicators: expected exactly 4 for INDICATOR_GOAL_ATTAINMENT, got 3"),
        GoalsRefusal(
            "WhenGoalAttainmentHasFiveSubIndicators",
            [](v1::ReportIndicator& r) { r.add_sub_indicators()->set_name("extra"); },
            "sub_indicators: expected exactly 4 for INDICATOR_GOAL_ATTAINMENT, got 5"),
        GoalsRefusal(
            "WhenASubIndicatorHasNoName",
            [](v1::ReportIndicator& r) { r.mutable_sub_indicators(2)->clear_name(); },
            "sub_indicators[2].name: expected a sub-indicator name, got ''"),
        GoalsRefusal(
            "WhenASubIndicatorNameAppearsTwice",
            [](v1::ReportIndicator& r) { r.mutable_sub_indicators(3)->set_name("goals reached"); },
            "sub_indicators[3].name: 'goals reached' appears twice"),
        GoalsRefusal(
            "WhenASubIndicatorValueExceedsOneThousand",
            [](v1::ReportIndicator& r) { r.mutable_sub_indicators(1)->set_value_permille(1200); },
            "sub_indicators[1].value_permille: expected a value from 0 to 1000, got 1200")),
    RefusalName);

}  // namespace
}  // namespace inkoop
