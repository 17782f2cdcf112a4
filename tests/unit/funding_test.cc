// Decide/Evolve for lump-sum and population contracts: their instalment
// schedule at signing, pay_instalment and the year-end settle_contract, and
// the money each moves.
#include "engine/domain/funding.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/domain/decide.h"
#include "engine/domain/rules.h"
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
using ::inkoop::testing::IsOk;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::StatusIs;
using ::testing::HasSubstr;
using Code = absl::StatusCode;

constexpr char kRegion[] = "haaglanden";

v1::Command At(const v1::Actor& actor, const std::string& text, absl::CivilDay day) {
  v1::Command command;
  command.set_command_id("cmd");
  command.set_region(kRegion);
  *command.mutable_actor() = actor;
  command.mutable_occurred_at()->set_seconds(
      absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())));
  EXPECT_TRUE(google::protobuf::TextFormat::MergeFromString(text, &command)) << text;
  return command;
}

v1::Actor DenHaag() { return Actor("Den Haag", v1::ROLE_MUNICIPALITY); }

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// h1: housing for Den Haag in 2016, lump sum, 1,200,000.00 in four quarterly
// instalments of 300,000.00.
constexpr char kHousing[] = R"pb(sign_contract {
  contract_id: "h1" provider_id: "p1" lot: "housing" funding_model: FUNDING_MODEL_LUMP_SUM
  term_start: "2016-01-01" term_end: "2016-12-31"
  ceilings { municipality: "Den Haag" ceiling_cents: 120000000 }
  instalments { municipality: "Den Haag" due_on: "2016-01-01" amount_cents: 30000000 }
  instalments { municipality: "Den Haag" due_on: "2016-04-01" amount_cents: 30000000 }
  instalments { municipality: "Den Haag" due_on: "2016-07-01" amount_cents: 30000000 }
  instalments { municipality: "Den Haag" due_on: "2016-10-01" amount_cents: 30000000 }
})pb";

v1::Command Pay(const std::string& due_on, absl::CivilDay day) {
  return At(DenHaag(),
            absl::StrCat("pay_instalment { contract_id: 'h1' municipality: 'Den Haag' due_on: '",
                         due_on, "' paid_on: '", FormatDay(day), "' }"),
            day);
}

v1::Command Settle(int64_t produced, absl::CivilDay day = absl::CivilDay(2017, 1, 20)) {
  return At(DenHaag(),
            absl::StrCat("settle_contract { contract_id: 'h1' municipality: 'Den Haag' year: 2016 "
                         "produced_cents: ",
                         produced, " statement: 'productieverantwoording 2016 Horizon' }"),
            day);
}

class FundingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_.region = kRegion;
    Accept(At(Bureau(), R"pb(adopt_framework {
      framework_id: "H10-2016" municipalities: [ "Den Haag", "Delft" ]
      lots { code: "housing" } lots { code: "ambulatory" }
      lot_rules { lot: "housing" funding_models: [ FUNDING_MODEL_LUMP_SUM, FUNDING_MODEL_POPULATION ] }
      lot_rules { lot: "ambulatory" funding_models: FUNDING_MODEL_PER_UNIT
                  max_tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 9000 } }
      period_start: "2016-01-01" period_end: "2017-12-31" })pb",
              absl::CivilDay(2015, 6, 1)));
    Accept(At(DenHaag(), R"pb(set_budget { municipality: "Den Haag" year: 2016
      source: BUDGET_SOURCE_MAY_CIRCULAR amount_cents: 1000000000 })pb",
              absl::CivilDay(2015, 6, 2)));
    Accept(At(DenHaag(), R"pb(submit_local_plan { municipality: "Den Haag" year: 2016
      lots { lot: "housing" amount_cents: 200000000 }
      lots { lot: "ambulatory" amount_cents: 100000000 } })pb",
              absl::CivilDay(2015, 7, 1)));
    state_.providers["p1"].set_provider_id("p1");
  }

  void Accept(const v1::Command& command) {
    absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, command);
    ASSERT_THAT(events, IsOk()) << command.ShortDebugString();
    for (v1::Event& event : *events) {
      event.set_region(kRegion);
      event.set_sequence(state_.sequence.value() + 1);
      event.set_previous_hash(state_.last_hash);
      ASSERT_THAT(Evolve(state_, event), IsOk());
    }
  }

  void Sign() { Accept(At(Bureau(), kHousing, absl::CivilDay(2015, 11, 2))); }

  int64_t Committed() {
    return state_.municipalities["Den Haag"].years[2016].lots["housing"].committed_cents;
  }
  v1::ClaimedYear Year2016() {
    const v1::ClaimedYear* row = ClaimedOf(state_.contracts.at("h1"), "Den Haag", 2016);
    return row == nullptr ? v1::ClaimedYear() : *row;
  }

  RegionState state_;
};

TEST_F(FundingTest, ALumpSumContractKeepsItsSchedule) {
  Sign();
  const v1::ContractRecord& h1 = state_.contracts.at("h1");
  ASSERT_EQ(h1.instalments_size(), 4);
  EXPECT_EQ(h1.instalments(1).instalment().due_on(), "2016-04-01");
  EXPECT_FALSE(h1.instalments(1).paid());
  EXPECT_EQ(Committed(), 120000000);
}

TEST_F(FundingTest, PayingAnInstalmentClaimsAndPaysItWithoutUnits) {
  Sign();
  const v1::Command pay = Pay("2016-04-01", absl::CivilDay(2016, 4, 5));
  absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, pay);
  ASSERT_THAT(events, IsOk());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_THAT((*events)[0], EqualsProto(ParseText<v1::Event>(R"pb(instalment_paid {
    contract_id: "h1" provider_id: "p1" municipality: "Den Haag" due_on: "2016-04-01"
    amount_cents: 30000000 paid_on: "2016-04-05" })pb")));
  Accept(pay);
  EXPECT_TRUE(state_.contracts.at("h1").instalments(1).paid());
  EXPECT_EQ(Year2016().claimed_cents(), 30000000);
  EXPECT_EQ(Year2016().paid_cents(), 30000000);
  EXPECT_EQ(Committed(), 120000000);
}

TEST_F(FundingTest, SettlementMakesTheYearCostWhatWasProducedAndReleasesTheRest) {
  Sign();
  Accept(Pay("2016-01-01", absl::CivilDay(2016, 1, 4)));
  Accept(Pay("2016-04-01", absl::CivilDay(2016, 4, 4)));
  Accept(Pay("2016-07-01", absl::CivilDay(2016, 7, 4)));
  Accept(Pay("2016-10-01", absl::CivilDay(2016, 10, 4)));
  // Produced 1,050,000.00 against 1,200,000.00 paid: 150,000.00 comes back.
  absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, Settle(105000000));
  ASSERT_THAT(events, IsOk());
  EXPECT_THAT((*events)[0], EqualsProto(ParseText<v1::Event>(R"pb(contract_settled {
    contract_id: "h1" provider_id: "p1" municipality: "Den Haag" year: 2016
    paid_cents: 120000000 produced_cents: 105000000 settlement_cents: -15000000
    statement: "productieverantwoording 2016 Horizon" })pb")));
  Accept(Settle(105000000));
  EXPECT_TRUE(Year2016().settled());
  EXPECT_EQ(Year2016().claimed_cents(), 105000000);
  EXPECT_EQ(Year2016().settlement_cents(), -15000000);
  EXPECT_EQ(Committed(), 105000000);
}

TEST_F(FundingTest, AnUnderpaidYearIsPaidUpAtSettlement) {
  Sign();
  Accept(Pay("2016-01-01", absl::CivilDay(2016, 1, 4)));
  Accept(Settle(80000000));
  EXPECT_EQ(Year2016().settlement_cents(), 50000000);  // 800,000.00 produced, 300,000.00 paid
  EXPECT_EQ(Committed(), 80000000);
}

TEST_F(FundingTest, PopulationFundingIsPaidAndSettledTheSameWay) {
  v1::Command sign = At(Bureau(), kHousing, absl::CivilDay(2015, 11, 2));
  sign.mutable_sign_contract()->set_funding_model(v1::FUNDING_MODEL_POPULATION);
  Accept(sign);
  Accept(Pay("2016-01-01", absl::CivilDay(2016, 1, 4)));
  Accept(Settle(30000000));
  EXPECT_EQ(Year2016().settlement_cents(), 0);
}

// Refusals.

struct Refusal {
  std::string name;
  std::function<v1::Command()> make;
  std::function<void(RegionState&)> arrange;
  Code code;
  std::string message;
};

std::string RefusalName(const ::testing::TestParamInfo<Refusal>& param) { return param.param.name; }

class FundingRefusedTest : public FundingTest, public ::testing::WithParamInterface<Refusal> {};

TEST_P(FundingRefusedTest, RefusedWithTheRuleItBreaks) {
  Sign();
  if (GetParam().arrange) GetParam().arrange(state_);
  EXPECT_THAT(Decide(state_, GetParam().make()),
              StatusIs(GetParam().code, HasSubstr(GetParam().message)));
}

v1::Command PayApril() { return Pay("2016-04-01", absl::CivilDay(2016, 4, 5)); }

void PerUnit(RegionState& s) { s.contracts["h1"].set_funding_model(v1::FUNDING_MODEL_PER_UNIT); }

INSTANTIATE_TEST_SUITE_P(
    Funding, FundingRefusedTest,
    ::testing::Values(
        Refusal{"PayingAnotherMunicipalitysInstalment",
                [] {
                  v1::Command c = PayApril();
                  *c.mutable_actor() = Actor("Delft", v1::ROLE_MUNICIPALITY);
                  return c;
                },
                nullptr, Code::kPermissionDenied, "only municipality 'Den Haag' itself"},
        Refusal{"PayingAPerUnitContract", PayApril, PerUnit, Code::kFailedPrecondition,
                "contract 'h1' is funded per_unit; only lump-sum and population contracts are "
                "paid in instalments"},
        Refusal{"PayingAnInstalmentNotScheduled",
                [] { return Pay("2016-05-01", absl::CivilDay(2016, 5, 5)); }, nullptr,
                Code::kNotFound, "due_on: contract 'h1' has no instalment of Den Haag due on "
                                 "2016-05-01"},
        Refusal{"PayingBeforeTheDueDay",
                [] { return Pay("2016-04-01", absl::CivilDay(2016, 3, 20)); }, nullptr,
                Code::kFailedPrecondition,
                "instalment due on 2016-04-01 is not due yet (today is 2016-03-20)"},
        Refusal{"PayingTwice", PayApril,
                [](RegionState& s) {
                  s.contracts["h1"].mutable_instalments(1)->set_paid(true);
                  s.contracts["h1"].mutable_instalments(1)->set_paid_on("2016-04-02");
                },
                Code::kFailedPrecondition, "was paid on 2016-04-02"},
        Refusal{"PayingForCareAfterATermination", PayApril,
                [](RegionState& s) { s.contracts["h1"].set_ends_on("2016-03-01"); },
                Code::kFailedPrecondition,
                "instalment due on 2016-04-01: contract 'h1' gives no care after 2016-02-29"},
        Refusal{"PayingAClosedYear", PayApril,
                [](RegionState& s) { s.municipalities["Den Haag"].years[2016].closed = true; },
                Code::kFailedPrecondition, "Den Haag 2016: the year is closed"},
        Refusal{"SettlingBeforeTheCareEnded",
                [] { return Settle(1, absl::CivilDay(2016, 12, 31)); }, nullptr,
                Code::kFailedPrecondition,
                "contract 'h1' gives care in 2016 until 2016-12-31; settle it after that"},
        Refusal{"SettlingAbovetheCeiling", [] { return Settle(120000001); }, nullptr,
                Code::kFailedPrecondition,
                "produced_cents: the production 1,200,000.01 exceeds the ceiling 1,200,000.00"},
        Refusal{"SettlingWithoutAStatement",
                [] {
                  v1::Command c = Settle(1);
                  c.mutable_settle_contract()->clear_statement();
                  return c;
                },
                nullptr, Code::kInvalidArgument,
                "statement: expected the reference of the provider's production statement"},
        Refusal{"SettlingTwice", [] { return Settle(1); },
                [](RegionState& s) {
                  v1::ClaimedYear& row = *s.contracts["h1"].add_claimed();
                  row.set_municipality("Den Haag");
                  row.set_year(2016);
                  row.set_settled(true);
                },
                Code::kFailedPrecondition, "Den Haag 2016 of contract 'h1' is already settled"},
        Refusal{"SettlingAYearOutsideTheTerm",
                [] {
                  v1::Command c = Settle(1);
                  c.mutable_settle_contract()->set_year(2017);
                  return c;
                },
                nullptr, Code::kInvalidArgument,
                "year: expected a year of the term 2016-01-01 to 2016-12-31, got 2017"},
        Refusal{"SettlingAPerUnitContract", [] { return Settle(1); }, PerUnit,
                Code::kFailedPrecondition, "only lump-sum and population contracts are settled"}),
    RefusalName);

// At signing.

TEST_F(FundingTest, AScheduleIsRefusedWhenARuleIsBroken) {
  struct Case {
    std::string change;
    Code code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"sign_contract { funding_model: FUNDING_MODEL_PER_UNIT lot: 'ambulatory' tariffs { "
       "product_code: '45A48' unit: UNIT_HOUR tariff_cents: 8000 } }",
       Code::kInvalidArgument, "instalments: a per_unit contract is paid by its claims"},
      {"sign_contract { instalments { municipality: 'Delft' due_on: '2016-02-01' amount_cents: 1 "
       "} }",
       Code::kInvalidArgument, "instalments[4].municipality: 'Delft' has no ceiling on the contract"},
      {"sign_contract { instalments { municipality: 'Den Haag' due_on: '2017-01-01' "
       "amount_cents: 1 } }",
       Code::kFailedPrecondition, "instalments[4].due_on: expected a day within the term"},
      {"sign_contract { instalments { municipality: 'Den Haag' due_on: '2016-02-01' "
       "amount_cents: 0 } }",
       Code::kInvalidArgument, "instalments[4].amount_cents: expected an amount > 0.00, got 0.00"},
      {"sign_contract { instalments { municipality: 'Den Haag' due_on: '2016-04-01' "
       "amount_cents: 1 } }",
       Code::kInvalidArgument, "instalments[4]: Den Haag has two instalments due on 2016-04-01"},
      {"sign_contract { instalments { municipality: 'Den Haag' due_on: '2016-12-01' "
       "amount_cents: 1 } }",
       Code::kFailedPrecondition,
       "instalments: Den Haag's instalments of 2016 sum to 1,200,000.01, above its ceiling "
       "1,200,000.00 for that year"},
  };
  for (const Case& c : cases) {
    v1::Command command = At(Bureau(), kHousing, absl::CivilDay(2015, 11, 2));
    ASSERT_TRUE(google::protobuf::TextFormat::MergeFromString(c.change, &command)) << c.change;
    EXPECT_THAT(Decide(state_, command), StatusIs(c.code, HasSubstr(c.message))) << c.change;
  }
}

}  // namespace
}  // namespace inkoop
