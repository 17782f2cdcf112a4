// Decide/Evolve for amend_framework.
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/decide.h"
#include "engine/domain/framework.h"
#include "engine/domain/snapshot.h"
#include "engine/envelope.h"
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kRegion[] = "haaglanden";

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
    municipalities: [ "Den Haag", "Delft" ]
    lots { code: "specialist" name: "Specialist care" }
    lots { code: "ambulatory" name: "Ambulatory youth care" }
    period_start: "2016-01-01"
    period_end: "2016-12-31"
    lot_rules {
      lot: "ambulatory"
      funding_models: [ FUNDING_MODEL_PER_UNIT ]
      max_tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 7500 }
    }
    quality_indicators: [ "drop-out" ]
  )pb");
  return command;
}

// An amendment by the bureau with a reason; `text` adds the rest.
v1::Command Amend(const std::string& text) {
  v1::Command command = Command(Actor("bureau", v1::ROLE_BUREAU));
  *command.mutable_amend_framework() = ParseText<v1::AmendFramework>(text);
  if (command.amend_framework().reason().empty()) {
    command.mutable_amend_framework()->set_reason("new national lot");
  }
  return command;
}

class FrameworkAmendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_.region = kRegion;
    Accept(AdoptFramework());
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

  std::vector<std::string> LotCodesInOrder() {
    std::vector<std::string> codes;
    for (const LotInfo* lot : LotsInOrder(state_.framework)) codes.push_back(lot->code);
    return codes;
  }

  RegionState state_;
};

constexpr char kFullAmendment[] = R"pb(
  added_lots { code: "top-specialist" name: "Top-specialist care" }
  added_lots { code: "housing" name: "Housing and guidance" }
  lot_rules {
    lot: "specialist"
    funding_models: [ FUNDING_MODEL_LUMP_SUM ]
  }
  lot_rules {
    lot: "housing"
    funding_models: [ FUNDING_MODEL_PER_UNIT ]
    max_tariffs { product_code: "43A31" unit: UNIT_DAY tariff_cents: 12000 }
  }
  period_end: "2017-12-31"
  added_quality_indicators: [ "satisfaction", "goal attainment" ]
  reason: "second framework year and a national lot"
)pb";

TEST_F(FrameworkAmendTest, AmendFrameworkProducesFrameworkAmendedWithEveryField) {
  absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, Amend(kFullAmendment));
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(1));
  v1::Event expected;
  *expected.mutable_framework_amended() = ParseText<v1::FrameworkAmended>(
      absl::StrCat(R"pb(framework_id: "H10-2016")pb", kFullAmendment));
  EXPECT_THAT((*events)[0], EqualsProto(expected));
}

TEST_F(FrameworkAmendTest, EvolveOfFrameworkAmendedChangesTheFramework) {
  Accept(Amend(kFullAmendment));
  const Framework& framework = state_.framework;
  EXPECT_EQ(framework.id, "H10-2016");
  EXPECT_EQ(framework.period_start, absl::CivilDay(2016, 1, 1));
  EXPECT_EQ(framework.period_end, absl::CivilDay(2017, 12, 31));
  // Added lots come after the framework's own, in the order added.
  EXPECT_THAT(LotCodesInOrder(),
              ElementsAre("specialist", "ambulatory", "top-specialist", "housing"));
  EXPECT_EQ(framework.lots.at("top-specialist").name, "Top-specialist care");
  EXPECT_EQ(framework.lots.at("housing").position, 3);
  // Every lot has a rules entry: replaced, kept, new and empty, new and given.
  ASSERT_THAT(framework.rules, SizeIs(4));
  EXPECT_THAT(
      framework.rules.at("specialist"),
      EqualsProto(ParseText<v1::LotRules>(R"pb(lot: "specialist"
                                               funding_models: [ FUNDING_MODEL_LUMP_SUM ])pb")));
  EXPECT_THAT(framework.rules.at("ambulatory").max_tariffs(), SizeIs(1));
  EXPECT_THAT(framework.rules.at("top-specialist"),
              EqualsProto(ParseText<v1::LotRules>(R"pb(lot: "top-specialist")pb")));
  EXPECT_EQ(framework.rules.at("housing").max_tariffs(0).tariff_cents(), 12000);
  EXPECT_THAT(framework.quality_indicators,
              ElementsAre("drop-out", "satisfaction", "goal attainment"));
  // The snapshot round trip keeps the amended framework.
  absl::StatusOr<RegionState> restored = FromSnapshot(ToSnapshot(state_));
  ASSERT_THAT(restored, IsOk());
  EXPECT_EQ(ToSnapshot(*restored).SerializeAsString(), ToSnapshot(state_).SerializeAsString());
}

TEST_F(FrameworkAmendTest, ExtendedPeriodOpensItsYearsAndAddedLotsTakePlans) {
  v1::Command budget = Command(Actor("Delft", v1::ROLE_MUNICIPALITY));
  *budget.mutable_set_budget() = ParseText<v1::SetBudget>(
      R"pb(
        municipality: "Delft" year: 2017 source: BUDGET_SOURCE_MAY_CIRCULAR amount_cents: 1000
      )pb");
  v1::Command plan = Command(Actor("Delft", v1::ROLE_MUNICIPALITY));
  *plan.mutable_submit_local_plan() = ParseText<v1::SubmitLocalPlan>(R"pb(
    municipality: "Delft"
    year: 2017
    lots { lot: "housing" amount_cents: 1000 }
  )pb");
  EXPECT_THAT(Decide(state_, budget),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("(2016-2016), got 2017")));
  Accept(Amend(kFullAmendment));
  Accept(budget);
  Accept(plan);
  EXPECT_EQ(FindYearBudget(state_, "Delft", 2017)->lots.at("housing").planned_cents, 1000);
}

TEST_F(FrameworkAmendTest, SecondAmendmentContinuesTheLotPositions) {
  Accept(Amend(R"pb(added_lots { code: "housing" })pb"));
  Accept(Amend(R"pb(added_lots { code: "local" }
                    added_lots { code: "regional" })pb"));
  EXPECT_THAT(LotCodesInOrder(),
              ElementsAre("specialist", "ambulatory", "housing", "local", "regional"));
  EXPECT_EQ(state_.framework.lots.at("regional").position, 4);
}

// Each part alone is an amendment.
TEST_F(FrameworkAmendTest, EachPartAloneIsAccepted) {
  for (const char* text : {
           R"pb(added_lots { code: "housing" })pb",
           R"pb(lot_rules { lot: "ambulatory" })pb",
           R"pb(lot_rules {
                  lot: "specialist"
                  funding_models: [ FUNDING_MODEL_POPULATION ]
                })pb",
           R"pb(period_end: "2017-01-01")pb",
           R"pb(added_quality_indicators: "satisfaction")pb",
           // Rules for a lot added by the same amendment.
           R"pb(added_lots { code: "housing" }
                lot_rules { lot: "housing" })pb",
       }) {
    EXPECT_THAT(Decide(state_, Amend(text)), IsOk()) << text;
  }
}

TEST_F(FrameworkAmendTest, AmendFrameworkBeforeAdoptionIsRefused) {
  RegionState fresh;
  fresh.region = kRegion;
  EXPECT_THAT(Decide(fresh, Amend(R"pb(period_end: "2017-12-31")pb")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("region 'haaglanden' has no framework yet: adopt_framework "
                                 "first")));
}

struct AmendRefusal {
  std::string name;
  v1::Command command;
  absl::StatusCode code;
  std::string reason;
};

void PrintTo(const AmendRefusal& refusal, std::ostream* os) { *os << refusal.name; }

std::string AmendRefusalName(const ::testing::TestParamInfo<AmendRefusal>& param) {
  return param.param.name;
}

class AmendFrameworkRefusedTest : public FrameworkAmendTest,
                                  public ::testing::WithParamInterface<AmendRefusal> {};

TEST_P(AmendFrameworkRefusedTest, RefusedWithTheRuleItBreaks) {
  EXPECT_THAT(Decide(state_, GetParam().command),
              StatusIs(GetParam().code, HasSubstr(GetParam().reason)));
}

v1::Command By(v1::Command command, const v1::Actor& actor) {
  *command.mutable_actor() = actor;
  return command;
}

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr absl::StatusCode kPrecondition = absl::StatusCode::kFailedPrecondition;
constexpr absl::StatusCode kDenied = absl::StatusCode::kPermissionDenied;

INSTANTIATE_TEST_SUITE_P(
    Rules, AmendFrameworkRefusedTest,
    ::testing::Values(
        AmendRefusal{"ByAMunicipality",
                     By(Amend(kFullAmendment), Actor("Delft", v1::ROLE_MUNICIPALITY)), kDenied,
                     "role rule: only the bureau may amend the framework; actor 'Delft' is "
                     "municipality"},
        AmendRefusal{"ByAProvider", By(Amend(kFullAmendment), Actor("p-1", v1::ROLE_PROVIDER)),
                     kDenied, "actor 'p-1' is provider"},
        AmendRefusal{"WithoutReason",
                     [] {
                       v1::Command command = Amend(kFullAmendment);
                       command.mutable_amend_framework()->clear_reason();
                       return command;
                     }(),
                     kInvalid, "reason: expected why the framework changes, got ''"},
        AmendRefusal{"AddingALotWithoutCode", Amend(R"pb(added_lots { code: "housing" }
                                                         added_lots { name: "x" })pb"),
                     kInvalid, "added_lots[1].code: expected a lot code, got ''"},
        AmendRefusal{"AddingALotTheFrameworkHas", Amend(R"pb(added_lots { code: "ambulatory" })pb"),
                     kPrecondition,
                     "added_lots[0].code: 'ambulatory' is already a lot of framework "
                     "'H10-2016'"},
        AmendRefusal{"AddingALotTwice", Amend(R"pb(added_lots { code: "housing" }
                                                   added_lots { code: "housing" })pb"),
                     kInvalid, "added_lots[1].code: 'housing' appears twice in the added lots"},
        AmendRefusal{"RulesForAnUnknownLot", Amend(R"pb(added_lots { code: "housing" }
                                                        lot_rules { lot: "dance" })pb"),
                     kInvalid, "lot_rules[0].lot: 'dance' is not a lot of the framework"},
        AmendRefusal{"RulesForALotTwice", Amend(R"pb(lot_rules { lot: "specialist" }
                                                     lot_rules { lot: "specialist" })pb"),
                     kInvalid, "lot_rules[1].lot: 'specialist' has rules twice"},
        AmendRefusal{"RulesWithAnUnspecifiedFundingModel",
                     Amend(R"pb(lot_rules { lot: "specialist" funding_models: 0 })pb"), kInvalid,
                     "lot_rules[0].funding_models: expected per_unit, lump_sum or population"},
        AmendRefusal{"RulesWithATariffWithoutUnit",
                     Amend(R"pb(lot_rules {
                                  lot: "specialist"
                                  max_tariffs { product_code: "1" tariff_cents: 1 }
                                })pb"),
                     kInvalid, "lot_rules[0].max_tariffs[0].unit: expected an iJw unit"},
        AmendRefusal{"AMalformedPeriodEnd", Amend(R"pb(period_end: "2017-02-30")pb"), kInvalid,
                     "period_end: expected a date YYYY-MM-DD, got '2017-02-30'"},
        AmendRefusal{"AShortenedPeriod", Amend(R"pb(period_end: "2016-06-30")pb"), kPrecondition,
                     "period_end: expected a date on or after 2016-12-31, got 2016-06-30"},
        AmendRefusal{"AnEmptyIndicator",
                     Amend(R"pb(added_quality_indicators: [ "satisfaction", "" ])pb"), kInvalid,
                     "added_quality_indicators[1]: expected a quality indicator, got ''"},
        AmendRefusal{"AnIndicatorTheFrameworkHas",
                     Amend(R"pb(added_quality_indicators: "drop-out")pb"), kPrecondition,
                     "added_quality_indicators[0]: 'drop-out' is already a quality indicator of "
                     "framework 'H10-2016'"},
        AmendRefusal{"AnIndicatorTwice",
                     Amend(R"pb(added_quality_indicators: [ "satisfaction", "satisfaction" ])pb"),
                     kInvalid,
                     "added_quality_indicators[1]: 'satisfaction' appears twice in the added "
                     "indicators"},
        AmendRefusal{"NothingAtAll", Amend(""), kInvalid,
                     "amend_framework: expected added lots, changed lot rules, a later period_end, "
                     "added quality indicators or a new equalisation agreement, got no change to "
                     "framework 'H10-2016'"},
        AmendRefusal{"OnlyTheCurrentPeriodEnd", Amend(R"pb(period_end: "2016-12-31")pb"), kInvalid,
                     "got no change to framework 'H10-2016'"},
        AmendRefusal{
            "OnlyTheCurrentRules",
            Amend(R"pb(lot_rules {
                         lot: "ambulatory"
                         funding_models: [ FUNDING_MODEL_PER_UNIT ]
                         max_tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 7500 }
                       }
                       lot_rules { lot: "specialist" })pb"),
            kInvalid, "got no change to framework 'H10-2016'"}),
    AmendRefusalName);

}  // namespace
}  // namespace inkoop
