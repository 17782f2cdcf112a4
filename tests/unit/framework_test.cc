// Decide/Evolve for adopt_framework, the checks every command passes
// (region, actor, expected sequence) and the region's hash chain in Evolve
// and AdvanceChain.
#include "engine/domain/framework.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/command_handler.h"
#include "engine/domain/budget.h"
#include "engine/domain/decide.h"
#include "engine/domain/snapshot.h"
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
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kRegion[] = "haaglanden";

v1::Command AdoptFrameworkCommand() {
  v1::Command command;
  command.set_command_id("adopt-1");
  command.set_region(kRegion);
  *command.mutable_actor() = Bureau();
  *command.mutable_adopt_framework() = ParseText<v1::AdoptFramework>(R"pb(
    framework_id: "H10-2016"
    municipalities: [ "Den Haag", "Delft", "Rijswijk" ]
    lots { code: "ambulatory" name: "Ambulatory youth care" }
    lots { code: "specialist" name: "Specialist care" }
    period_start: "2016-01-01"
    period_end: "2017-12-31"
  )pb");
  return command;
}

v1::Command SetBudgetCommand() {
  v1::Command command;
  command.set_command_id("budget-1");
  command.set_region(kRegion);
  *command.mutable_actor() = Actor("Delft", v1::ROLE_MUNICIPALITY);
  *command.mutable_set_budget() = ParseText<v1::SetBudget>(
      R"pb(
        municipality: "Delft" year: 2016 source: BUDGET_SOURCE_MAY_CIRCULAR amount_cents: 100000
      )pb");
  return command;
}

v1::Command SubmitPlanCommand() {
  v1::Command command;
  command.set_command_id("plan-1");
  command.set_region(kRegion);
  *command.mutable_actor() = Actor("Delft", v1::ROLE_MUNICIPALITY);
  *command.mutable_submit_local_plan() = ParseText<v1::SubmitLocalPlan>(R"pb(
    municipality: "Delft"
    year: 2016
    lots { lot: "ambulatory" amount_cents: 100 }
  )pb");
  return command;
}

// Fills in the envelope the way the engine does and seals the event.
v1::Event Enveloped(const RegionState& state, v1::Event event) {
  event.set_region(state.region);
  event.set_sequence(state.sequence.value() + 1);
  event.set_event_id(absl::StrCat(state.region, "/", event.sequence()));
  event.set_schema_version(kSchemaVersion);
  event.set_previous_hash(state.last_hash);
  Seal(event);
  return event;
}

std::string SnapshotBytes(const RegionState& state) {
  return ToSnapshot(state).SerializeAsString();
}

class FrameworkTest : public ::testing::Test {
 protected:
  const RegionState& State() { return handler_.State(kRegion); }

  // Runs an accepted command through the handler, which decides, envelopes
  // and evolves.
  void Accept(v1::Command command) {
    command.set_command_id(absl::StrCat("cmd-", ++commands_));
    Outcome outcome = handler_.HandleAuthenticated(command, absl::Now());
    ASSERT_TRUE(outcome.result.accepted()) << outcome.result.message();
  }

  CommandHandler handler_;
  int commands_ = 0;
};

TEST_F(FrameworkTest, AdoptFrameworkProducesFrameworkAdoptedWithEveryField) {
  absl::StatusOr<std::vector<v1::Event>> events = Decide(State(), AdoptFrameworkCommand());
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(1));
  v1::Event expected;
  *expected.mutable_framework_adopted() = ParseText<v1::FrameworkAdopted>(R"pb(
    framework_id: "H10-2016"
    municipalities: [ "Den Haag", "Delft", "Rijswijk" ]
    lots { code: "ambulatory" name: "Ambulatory youth care" }
    lots { code: "specialist" name: "Specialist care" }
    period_start: "2016-01-01"
    period_end: "2017-12-31"
    claim_window_days: 56
    joined { municipality: "Den Haag" joined_on: "2016-01-01" term_end: "2018-12-31" term_years: 3 }
    joined { municipality: "Delft" joined_on: "2016-01-01" term_end: "2018-12-31" term_years: 3 }
    joined { municipality: "Rijswijk" joined_on: "2016-01-01" term_end: "2018-12-31" term_years: 3 }
  )pb");
  // Decide gives the payload only; the envelope is the engine's.
  EXPECT_THAT((*events)[0], EqualsProto(expected));
}

TEST_F(FrameworkTest, EvolveOfFrameworkAdoptedSetsTheFramework) {
  Accept(AdoptFrameworkCommand());
  const Framework& framework = State().framework;
  EXPECT_TRUE(framework.adopted);
  EXPECT_EQ(framework.id, "H10-2016");
  EXPECT_EQ(framework.period_start, absl::CivilDay(2016, 1, 1));
  EXPECT_EQ(framework.period_end, absl::CivilDay(2017, 12, 31));
  EXPECT_THAT(framework.municipalities, ::testing::ElementsAre("Delft", "Den Haag", "Rijswijk"));
  ASSERT_THAT(framework.lots, SizeIs(2));
  EXPECT_EQ(framework.lots.at("ambulatory").name, "Ambulatory youth care");
  EXPECT_EQ(framework.lots.at("specialist").code, "specialist");
  EXPECT_EQ(State().sequence, Sequence(1));
}

TEST_F(FrameworkTest, AdoptFrameworkAcceptedWhenThePeriodIsOneDay) {
  v1::Command command = AdoptFrameworkCommand();
  command.mutable_adopt_framework()->set_period_end("2016-01-01");
  EXPECT_THAT(Decide(State(), command), IsOk());
}

TEST_F(FrameworkTest, AFrameworkOverlappingTheCurrentOneIsRefused) {
  Accept(AdoptFrameworkCommand());
  v1::Command again = AdoptFrameworkCommand();
  again.mutable_adopt_framework()->set_framework_id("H10-2018");
  EXPECT_THAT(Decide(State(), again),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("region 'haaglanden' has framework 'H10-2016' until 2017-12-31; "
                                 "a framework succeeding it starts after that, got 2016-01-01")));
  EXPECT_THAT(Decide(State(), AdoptFrameworkCommand()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("region 'haaglanden' already adopted framework 'H10-2016'")));
}

struct AdoptRefusal {
  std::string name;
  std::function<void(v1::Command&)> change;
  absl::StatusCode code;
  std::string reason;
};

std::string AdoptRefusalName(const ::testing::TestParamInfo<AdoptRefusal>& param) {
  return param.param.name;
}

class AdoptFrameworkRefusedTest : public ::testing::TestWithParam<AdoptRefusal> {};

TEST_P(AdoptFrameworkRefusedTest, RefusedWithTheRuleItBreaks) {
  RegionState state;
  state.region = kRegion;
  v1::Command command = AdoptFrameworkCommand();
  GetParam().change(command);
  EXPECT_THAT(Decide(state, command), StatusIs(GetParam().code, HasSubstr(GetParam().reason)));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, AdoptFrameworkRefusedTest,
    ::testing::Values(
        AdoptRefusal{
            "OnlyTheBureauAdoptsAFramework",
            [](v1::Command& c) { *c.mutable_actor() = Actor("Delft", v1::ROLE_MUNICIPALITY); },
            absl::StatusCode::kPermissionDenied,
            "role rule: only the bureau may adopt a framework; actor 'Delft' is "
            "municipality"},
        AdoptRefusal{"AProviderMayNotAdoptAFramework",
                     [](v1::Command& c) { *c.mutable_actor() = Actor("p-17", v1::ROLE_PROVIDER); },
                     absl::StatusCode::kPermissionDenied, "actor 'p-17' is provider"},
        AdoptRefusal{"EmptyFrameworkId",
                     [](v1::Command& c) { c.mutable_adopt_framework()->clear_framework_id(); },
                     absl::StatusCode::kInvalidArgument, "framework_id: expected a non-empty id"},
        AdoptRefusal{"NoMunicipalities",
                     [](v1::Command& c) { c.mutable_adopt_framework()->clear_municipalities(); },
                     absl::StatusCode::kInvalidArgument,
                     "municipalities: expected at least one, got none"},
        AdoptRefusal{"EmptyMunicipalityName",
                     [](v1::Command& c) { c.mutable_adopt_framework()->add_municipalities(""); },
                     absl::StatusCode::kInvalidArgument, "municipalities: empty name"},
        AdoptRefusal{
            "DuplicateMunicipality",
            [](v1::Command& c) { c.mutable_adopt_framework()->add_municipalities("Delft"); },
            absl::StatusCode::kInvalidArgument, "municipalities: 'Delft' appears twice"},
        AdoptRefusal{"NoLots", [](v1::Command& c) { c.mutable_adopt_framework()->clear_lots(); },
                     absl::StatusCode::kInvalidArgument, "lots.code: expected at least one"},
        AdoptRefusal{
            "EmptyLotCode",
            [](v1::Command& c) { c.mutable_adopt_framework()->add_lots()->set_name("nameless"); },
            absl::StatusCode::kInvalidArgument, "lots.code: empty name"},
        AdoptRefusal{"DuplicateLotCode",
                     [](v1::Command& c) {
                       v1::Lot& lot = *c.mutable_adopt_framework()->add_lots();
                       lot.set_code("ambulatory");
                       lot.set_name("Ambulatory again");
                     },
                     absl::StatusCode::kInvalidArgument, "lots.code: 'ambulatory' appears twice"},
        AdoptRefusal{
            "MonthOutOfRangeInPeriodStart",
            [](v1::Command& c) { c.mutable_adopt_framework()->set_period_start("2016-13-01"); },
            absl::StatusCode::kInvalidArgument,
            "period_start: expected a date YYYY-MM-DD, got '2016-13-01'"},
        AdoptRefusal{
            "NonexistentDayInPeriodEnd",
            [](v1::Command& c) { c.mutable_adopt_framework()->set_period_end("2017-02-30"); },
            absl::StatusCode::kInvalidArgument,
            "period_end: expected a date YYYY-MM-DD, got '2017-02-30'"},
        AdoptRefusal{"MissingPeriodStart",
                     [](v1::Command& c) { c.mutable_adopt_framework()->clear_period_start(); },
                     absl::StatusCode::kInvalidArgument,
                     "period_start: expected a date YYYY-MM-DD, got ''"},
        AdoptRefusal{
            "EndBeforeStart",
            [](v1::Command& c) { c.mutable_adopt_framework()->set_period_end("2015-12-31"); },
            absl::StatusCode::kInvalidArgument,
            "period_end: expected a date on or after 2016-01-01, got 2015-12-31"}),
    AdoptRefusalName);

// Checks every command passes before its body is looked at.

struct CommandCase {
  std::string name;
  std::function<v1::Command()> make;
};

std::vector<CommandCase> AllCommands() {
  return {{"AdoptFramework", AdoptFrameworkCommand},
          {"SetBudget", SetBudgetCommand},
          {"SubmitLocalPlan", SubmitPlanCommand}};
}

class EveryCommandTest : public ::testing::TestWithParam<CommandCase> {
 protected:
  void SetUp() override {
    // A framework and a budget, so every command would pass on its body.
    state_.region = kRegion;
    for (const v1::Command& command : {AdoptFrameworkCommand(), SetBudgetCommand()}) {
      absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, command);
      ASSERT_THAT(events, IsOk());
      for (v1::Event& event : *events) {
        ASSERT_THAT(Evolve(state_, Enveloped(state_, std::move(event))), IsOk());
      }
    }
  }

  v1::Command Make() const { return GetParam().make(); }

  // adopt_framework would be refused as "already adopted" on state_: it is
  // checked against a fresh region instead.
  const RegionState& StateFor(const v1::Command& command) {
    if (command.has_adopt_framework()) {
      fresh_.region = kRegion;
      return fresh_;
    }
    return state_;
  }

  RegionState state_;
  RegionState fresh_;
};

TEST_P(EveryCommandTest, AcceptedWhenWellFormed) {
  v1::Command command = Make();
  EXPECT_THAT(Decide(StateFor(command), command), IsOk());
}

TEST_P(EveryCommandTest, AuditorSubmittingItIsRefused) {
  v1::Command command = Make();
  *command.mutable_actor() = Actor("accountant", v1::ROLE_AUDITOR);
  EXPECT_THAT(Decide(StateFor(command), command),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("role rule: auditor 'accountant' only reads and may not submit "
                                 "commands")));
}

TEST_P(EveryCommandTest, RefusedWithoutActorRole) {
  v1::Command command = Make();
  command.mutable_actor()->clear_role();
  EXPECT_THAT(Decide(StateFor(command), command),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("actor.role: expected")));
}

TEST_P(EveryCommandTest, RefusedWithoutActorId) {
  v1::Command command = Make();
  command.mutable_actor()->clear_id();
  EXPECT_THAT(
      Decide(StateFor(command), command),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("actor.id: expected who acts")));
}

TEST_P(EveryCommandTest, RefusedWhenExpectedSequenceDiffersNamingBothNumbers) {
  v1::Command command = Make();
  const RegionState& state = StateFor(command);
  command.set_expected_sequence(state.sequence.value() + 5);
  EXPECT_THAT(
      Decide(state, command),
      StatusIs(absl::StatusCode::kAborted,
               AllOf(HasSubstr(absl::StrCat("is at sequence ", state.sequence.value())),
                     HasSubstr(absl::StrCat("command expected ", state.sequence.value() + 5)))));
}

TEST_P(EveryCommandTest, AcceptedWhenExpectedSequenceMatches) {
  v1::Command command = Make();
  const RegionState& state = StateFor(command);
  command.set_expected_sequence(state.sequence.value());
  EXPECT_THAT(Decide(state, command), IsOk());
}

TEST_P(EveryCommandTest, RefusedWhenCommandRegionDiffersFromTheState) {
  v1::Command command = Make();
  command.set_region("utrecht");
  EXPECT_THAT(Decide(StateFor(command), command),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("region: expected 'haaglanden', got 'utrecht'")));
}

std::string CommandCaseName(const ::testing::TestParamInfo<CommandCase>& param) {
  return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(Commands, EveryCommandTest, ::testing::ValuesIn(AllCommands()),
                         CommandCaseName);

TEST_F(FrameworkTest, CommandWithoutBodyIsRefused) {
  v1::Command command = AdoptFrameworkCommand();
  command.clear_adopt_framework();
  EXPECT_THAT(Decide(State(), command),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("body: expected a command")));
}

TEST_F(FrameworkTest, CommandsOtherThanAdoptionNeedAFramework) {
  EXPECT_THAT(Decide(State(), SetBudgetCommand()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("region 'haaglanden' has no framework yet")));
}

TEST_F(FrameworkTest, RequireLotListsTheKnownLots) {
  Accept(AdoptFrameworkCommand());
  EXPECT_THAT(RequireLot(State(), "dance", "lot", 2016),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("lot: 'dance' is not a lot of framework 'H10-2016' (expected one "
                                 "of: ambulatory, specialist)")));
  EXPECT_THAT(RequireLot(State(), "ambulatory", "lot", 2016), IsOk());
}

// The hash chain.

class ChainTest : public FrameworkTest {
 protected:
  void SetUp() override {
    Accept(AdoptFrameworkCommand());
    Accept(SetBudgetCommand());
    state_ = State();
    absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, SubmitPlanCommand());
    ASSERT_THAT(events, IsOk());
    next_ = Enveloped(state_, (*events)[0]);
    before_ = SnapshotBytes(state_);
  }

  RegionState state_;
  v1::Event next_;
  std::string before_;
};

TEST_F(ChainTest, EvolveAppliesTheNextEventOfTheChain) {
  ASSERT_THAT(Evolve(state_, next_), IsOk());
  EXPECT_EQ(state_.sequence, Sequence(3));
  EXPECT_EQ(state_.last_hash, next_.hash());
  EXPECT_TRUE(FindYearBudget(state_, "Delft", 2016)->plan_submitted);
}

TEST_F(ChainTest, EvolveRefusesASequenceGapAndLeavesTheStateUnchanged) {
  next_.set_sequence(4);
  Seal(next_);
  EXPECT_THAT(Evolve(state_, next_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("expected sequence 3 of region 'haaglanden', got 4")));
  EXPECT_EQ(SnapshotBytes(state_), before_);
}

TEST_F(ChainTest, EvolveRefusesAnEventAlreadyAppliedAndLeavesTheStateUnchanged) {
  next_.set_sequence(2);
  Seal(next_);
  EXPECT_THAT(Evolve(state_, next_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("expected sequence 3")));
  EXPECT_EQ(SnapshotBytes(state_), before_);
}

TEST_F(ChainTest, EvolveRefusesAWrongPreviousHashAndLeavesTheStateUnchanged) {
  next_.set_previous_hash(std::string(32, 'x'));
  Seal(next_);
  EXPECT_THAT(Evolve(state_, next_), StatusIs(absl::StatusCode::kFailedPrecondition,
                                              HasSubstr("does not match the hash of event 2")));
  EXPECT_EQ(SnapshotBytes(state_), before_);
}

TEST_F(ChainTest, EvolveRefusesAnEventOfAnotherRegionAndLeavesTheStateUnchanged) {
  next_.set_region("utrecht");
  Seal(next_);
  EXPECT_THAT(Evolve(state_, next_), StatusIs(absl::StatusCode::kFailedPrecondition,
                                              HasSubstr("region 'utrecht' is not 'haaglanden'")));
  EXPECT_EQ(SnapshotBytes(state_), before_);
}

TEST_F(ChainTest, EvolveOfAnEventWithoutPayloadIsDataLossAndLeavesTheStateUnchanged) {
  next_.clear_payload();
  Seal(next_);
  EXPECT_THAT(Evolve(state_, next_),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("event haaglanden/3: payload unknown to this build")));
  EXPECT_EQ(SnapshotBytes(state_), before_);
}

TEST_F(ChainTest, AdvanceChainStepsPastAnEventWithoutPayloadSoTheNextOneApplies) {
  next_.clear_payload();
  Seal(next_);
  ASSERT_THAT(AdvanceChain(state_, next_), IsOk());
  EXPECT_EQ(state_.sequence, Sequence(3));
  EXPECT_EQ(state_.last_hash, next_.hash());
  EXPECT_FALSE(FindYearBudget(state_, "Delft", 2016)->plan_submitted);

  absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, SubmitPlanCommand());
  ASSERT_THAT(events, IsOk());
  v1::Event after = Enveloped(state_, (*events)[0]);
  EXPECT_EQ(after.sequence(), 4u);
  ASSERT_THAT(Evolve(state_, after), IsOk());
  EXPECT_TRUE(FindYearBudget(state_, "Delft", 2016)->plan_submitted);
}

TEST_F(ChainTest, AdvanceChainRefusesASequenceGapAndLeavesTheStateUnchanged) {
  next_.set_sequence(9);
  Seal(next_);
  EXPECT_THAT(AdvanceChain(state_, next_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("expected sequence 3")));
  EXPECT_EQ(SnapshotBytes(state_), before_);
}

TEST_F(ChainTest, AdvanceChainRefusesAWrongPreviousHash) {
  next_.clear_previous_hash();
  Seal(next_);
  EXPECT_THAT(AdvanceChain(state_, next_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("previous_hash")));
  EXPECT_EQ(SnapshotBytes(state_), before_);
}

}  // namespace
}  // namespace inkoop
