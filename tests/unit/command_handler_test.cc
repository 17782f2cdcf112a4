#include "engine/command_handler.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/domain/budget.h"
#include "engine/domain/snapshot.h"
#include "engine/envelope.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kRegion[] = "haaglanden";

v1::Command ParseCommand(const std::string& text) {
  v1::Command command;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &command)) << text;
  return command;
}

v1::Command AdoptFramework(const std::string& id = "adopt", const std::string& region = kRegion) {
  v1::Command command = ParseCommand(R"pb(
    actor { id: "bureau" role: ROLE_BUREAU }
    adopt_framework {
      framework_id: "H10-2016"
      municipalities: [ "Den Haag", "Delft" ]
      lots { code: "ambulatory" name: "Ambulatory youth care" }
      lots { code: "housing" name: "Housing and guidance" }
      period_start: "2016-01-01"
      period_end: "2017-12-31"
    }
  )pb");
  command.set_command_id(id);
  command.set_region(region);
  return command;
}

v1::Command SetBudget(const std::string& id, int64_t cents) {
  v1::Command command = ParseCommand(R"pb(
    region: "haaglanden"
    actor { id: "Delft" role: ROLE_MUNICIPALITY }
    set_budget { municipality: "Delft" year: 2016 source: BUDGET_SOURCE_MAY_CIRCULAR }
  )pb");
  command.set_command_id(id);
  command.mutable_set_budget()->set_amount_cents(cents);
  return command;
}

v1::Command SubmitPlan(const std::string& id, int64_t ambulatory, int64_t housing) {
  v1::Command command = ParseCommand(R"pb(
    region: "haaglanden"
    actor { id: "Delft" role: ROLE_MUNICIPALITY }
    submit_local_plan {
      municipality: "Delft"
      year: 2016
      lots { lot: "ambulatory" }
      lots { lot: "housing" }
      priorities: "early help"
    }
  )pb");
  command.set_command_id(id);
  command.mutable_submit_local_plan()->mutable_lots(0)->set_amount_cents(ambulatory);
  command.mutable_submit_local_plan()->mutable_lots(1)->set_amount_cents(housing);
  return command;
}

const absl::Time kNow = absl::FromUnixSeconds(1462060800) + absl::Milliseconds(250);

class CommandHandlerTest : public ::testing::Test {
 protected:
  // Handles the three commands of a budget cycle, keeping every event.
  void RunCycle() {
    for (const v1::Command& command :
         {AdoptFramework(), SetBudget("budget", 100000), SubmitPlan("plan", 60000, 40000)}) {
      Outcome outcome = handler_.HandleAuthenticated(command, kNow);
      ASSERT_TRUE(outcome.result.accepted()) << outcome.result.message();
      results_.push_back(outcome.result);
      for (v1::Event& event : outcome.events) events_.push_back(std::move(event));
    }
  }

  CommandHandler handler_;
  std::vector<v1::Event> events_;
  std::vector<v1::CommandResult> results_;
};

TEST_F(CommandHandlerTest, AcceptedCommandsGetSequencesOneTwoThreeWithoutGaps) {
  RunCycle();
  ASSERT_THAT(events_, SizeIs(3));
  for (size_t i = 0; i < events_.size(); ++i) {
    EXPECT_EQ(events_[i].sequence(), i + 1);
    EXPECT_THAT(results_[i].sequences(), ElementsAre(i + 1));
  }
  EXPECT_EQ(handler_.State(kRegion).sequence, Sequence(3));
}

TEST_F(CommandHandlerTest, EachEventChainsToThePreviousEventsHash) {
  RunCycle();
  ASSERT_THAT(events_, SizeIs(3));
  EXPECT_EQ(events_[0].previous_hash(), "");
  for (size_t i = 0; i < events_.size(); ++i) {
    EXPECT_THAT(VerifySeal(events_[i]), IsOk());
    EXPECT_EQ(events_[i].hash().size(), 32u);
    if (i > 0) {
      EXPECT_EQ(events_[i].previous_hash(), events_[i - 1].hash());
    }
  }
  EXPECT_EQ(handler_.State(kRegion).last_hash, events_.back().hash());
}

TEST_F(CommandHandlerTest, EventIdIsRegionSlashSequence) {
  RunCycle();
  ASSERT_THAT(events_, SizeIs(3));
  EXPECT_EQ(events_[0].event_id(), "haaglanden/1");
  EXPECT_EQ(events_[1].event_id(), "haaglanden/2");
  EXPECT_EQ(events_[2].event_id(), "haaglanden/3");
}

TEST_F(CommandHandlerTest, EnvelopeCarriesTheCommandsActorIdsAndTimes) {
  v1::Command command = SetBudget("budget", 100000);
  command.set_correlation_id("may-circular");
  // On the wall clock the engine dates the events: the client's own
  // occurred_at (within five minutes of the engine's clock) is not taken.
  command.mutable_occurred_at()->set_seconds(1462060800 + 120);
  ASSERT_TRUE(handler_.HandleAuthenticated(AdoptFramework(), kNow).result.accepted());
  Outcome outcome = handler_.HandleAuthenticated(command, kNow);
  ASSERT_THAT(outcome.events, SizeIs(1));
  const v1::Event& event = outcome.events[0];
  EXPECT_EQ(event.region(), kRegion);
  EXPECT_EQ(event.command_id(), "budget");
  EXPECT_EQ(event.correlation_id(), "may-circular");
  EXPECT_EQ(event.actor().id(), "Delft");
  EXPECT_EQ(event.actor().role(), v1::ROLE_MUNICIPALITY);
  EXPECT_EQ(event.schema_version(), kSchemaVersion);
  EXPECT_EQ(event.occurred_at().seconds(), 1462060800);
  EXPECT_EQ(event.recorded_at().seconds(), 1462060800);
  EXPECT_EQ(event.recorded_at().nanos(), 250000000);
  EXPECT_EQ(event.budget_set().amount_cents(), 100000);
}

TEST_F(CommandHandlerTest, CorrelationIdDefaultsToTheCommandIdAndOccurredAtToNow) {
  Outcome outcome = handler_.HandleAuthenticated(AdoptFramework("adopt-7"), kNow);
  ASSERT_THAT(outcome.events, SizeIs(1));
  EXPECT_EQ(outcome.events[0].correlation_id(), "adopt-7");
  EXPECT_THAT(outcome.events[0].occurred_at(), EqualsProto(outcome.events[0].recorded_at()));
}

TEST_F(CommandHandlerTest, AcceptedResultNamesCommandAndRegion) {
  Outcome outcome = handler_.HandleAuthenticated(AdoptFramework(), kNow);
  EXPECT_TRUE(outcome.result.accepted());
  EXPECT_EQ(outcome.result.command_id(), "adopt");
  EXPECT_EQ(outcome.result.region(), kRegion);
  EXPECT_EQ(outcome.result.code(), 0);
  EXPECT_FALSE(outcome.result.duplicate());
}

TEST_F(CommandHandlerTest, RepeatedCommandIdReturnsTheFirstResultAsDuplicateWithoutEvents) {
  RunCycle();
  // The same command again (a client retrying): the first result stands.
  Outcome repeat = handler_.HandleAuthenticated(SetBudget("budget", 100000), kNow);
  EXPECT_THAT(repeat.events, IsEmpty());
  EXPECT_TRUE(repeat.result.duplicate());
  v1::CommandResult expected = results_[1];
  expected.set_duplicate(true);
  EXPECT_THAT(repeat.result, EqualsProto(expected));
  EXPECT_EQ(repeat.result.command_type(), "set_budget");
  EXPECT_EQ(handler_.State(kRegion).sequence, Sequence(3));
}

// The same id with another body is not the same command: it is refused as a
// conflicting repeat naming the first command, and decides nothing.
TEST_F(CommandHandlerTest, RepeatedCommandIdWithAnotherBodyIsAConflictingRepeat) {
  RunCycle();
  for (v1::Command other : {SetBudget("budget", 999999), SubmitPlan("budget", 1, 1)}) {
    Outcome repeat = handler_.HandleAuthenticated(other, kNow);
    EXPECT_THAT(repeat.events, IsEmpty());
    EXPECT_FALSE(repeat.result.accepted());
    EXPECT_FALSE(repeat.result.duplicate());
    EXPECT_TRUE(repeat.result.conflicting_repeat());
    EXPECT_EQ(repeat.result.code(), static_cast<int>(absl::StatusCode::kAlreadyExists));
    EXPECT_THAT(repeat.result.message(),
                HasSubstr(absl::StrCat("command_id 'budget' was first used for a set_budget "
                                       "(accepted, events 2); this ",
                                       CommandType(other), " with the same id and another body "
                                       "is a conflicting repeat, not decided")));
  }
  EXPECT_EQ(handler_.State(kRegion).sequence, Sequence(3));
  EXPECT_EQ(FindYearBudget(handler_.State(kRegion), "Delft", 2016)->budget_cents, 100000);
  // The id still answers with the first result.
  EXPECT_TRUE(handler_.HandleAuthenticated(SetBudget("budget", 100000), kNow).result.duplicate());
}

TEST_F(CommandHandlerTest, RepeatedIdOfARefusedCommandReturnsTheRefusal) {
  ASSERT_TRUE(handler_.HandleAuthenticated(AdoptFramework(), kNow).result.accepted());
  Outcome first = handler_.HandleAuthenticated(SetBudget("budget", -5), kNow);
  EXPECT_FALSE(first.result.accepted());
  EXPECT_EQ(first.result.code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(first.result.message(), HasSubstr("amount_cents"));
  EXPECT_THAT(first.events, IsEmpty());

  // The same command again: still the first (refused) result.
  Outcome repeat = handler_.HandleAuthenticated(SetBudget("budget", -5), kNow);
  EXPECT_THAT(repeat.events, IsEmpty());
  EXPECT_TRUE(repeat.result.duplicate());
  EXPECT_FALSE(repeat.result.accepted());
  EXPECT_EQ(repeat.result.code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(repeat.result.message(), first.result.message());
  // A corrected body under the same id is a conflicting repeat.
  Outcome corrected = handler_.HandleAuthenticated(SetBudget("budget", 5), kNow);
  EXPECT_TRUE(corrected.result.conflicting_repeat());
  EXPECT_THAT(corrected.result.message(), HasSubstr("(refused: amount_cents"));
  EXPECT_EQ(FindYearBudget(handler_.State(kRegion), "Delft", 2016), nullptr);
}

// The finding: a bid refused as late was accepted when sent again dated
// before the deadline, and event times went backwards in the log.
TEST_F(CommandHandlerTest, ACommandDatedBeforeTheRegionsClockIsRefusedWithBothDates) {
  // A region playing 2015 on a manual clock.
  v1::Command adopt = AdoptFramework();
  adopt.mutable_adopt_framework()->mutable_clock_start()->set_seconds(1446681600);  // 2015-11-05
  ASSERT_TRUE(handler_.HandleAuthenticated(adopt, kNow).result.accepted());
  EXPECT_EQ(handler_.State(kRegion).clock_micros, int64_t{1446681600} * 1'000'000);

  v1::Command backdated = SetBudget("budget", 100000);
  backdated.mutable_occurred_at()->set_seconds(1441065600);  // 2015-09-01
  Outcome refused = handler_.HandleAuthenticated(backdated, kNow);
  EXPECT_THAT(refused.events, IsEmpty());
  EXPECT_EQ(refused.result.code(), static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(refused.result.message(),
            "occurred_at 2015-09-01T00:00:00Z is before the region's clock 2015-11-05T00:00:00Z "
            "(the latest time of its events): a region's time only moves forward");

  // The same moment as the clock is fine; no date means the region's time,
  // whatever the engine's wall clock says.
  v1::Command same = SetBudget("budget-2", 100000);
  same.mutable_occurred_at()->set_seconds(1446681600);
  EXPECT_TRUE(handler_.HandleAuthenticated(same, kNow).result.accepted());
  Outcome undated = handler_.HandleAuthenticated(SetBudget("budget-3", 5), kNow);
  ASSERT_THAT(undated.events, SizeIs(1));
  EXPECT_EQ(undated.events[0].occurred_at().seconds(), 1446681600);

  // A date after the region's time is refused too: only the clock role
  // moves it.
  v1::Command ahead = SetBudget("budget-4", 5);
  ahead.mutable_occurred_at()->set_seconds(1446681600 + 86400);
  Outcome later = handler_.HandleAuthenticated(ahead, kNow);
  EXPECT_EQ(later.result.message(),
            "occurred_at 2015-11-06T00:00:00Z is after the region's time 2015-11-05T00:00:00Z: the "
            "region runs on a manual clock, which only the clock role moves (advance_clock)");
  v1::Command tick = ParseCommand(R"pb(
    command_id: "tick" region: "haaglanden" actor { id: "klok" role: ROLE_CLOCK }
    advance_clock { to { seconds: 1446768000 } }
  )pb");
  Outcome ticked = handler_.HandleAuthenticated(tick, kNow);
  ASSERT_TRUE(ticked.result.accepted()) << ticked.result.message();
  EXPECT_EQ(ticked.events[0].occurred_at().seconds(), 1446768000);
  ahead.set_command_id("budget-5");
  EXPECT_TRUE(handler_.HandleAuthenticated(ahead, kNow).result.accepted());
  tick.set_command_id("tick-back");
  tick.mutable_advance_clock()->mutable_to()->set_seconds(1446681600);
  EXPECT_THAT(handler_.HandleAuthenticated(tick, kNow).result.message(),
              HasSubstr("is before the region's clock 2015-11-06T00:00:00Z"));
}

TEST(CutEchoes, LongQuotedValuesAreCutWithAMarkerAndTheWholeIsBounded) {
  const std::string name(999'800, 'x');
  const std::string cut = CutEchoes(absl::StrCat("municipality '", name, "' is not a member"));
  EXPECT_EQ(cut, absl::StrCat("municipality '", std::string(200, 'x'), "...[999600 bytes cut]' ",
                              "is not a member"));
  EXPECT_EQ(CutEchoes("tender 'T1' closed for bids on 2015-10-01"),
            "tender 'T1' closed for bids on 2015-10-01");
  EXPECT_EQ(CutEchoes("an unclosed 'quote"), "an unclosed 'quote");
  const std::string many = CutEchoes(std::string(5000, 'y'));
  EXPECT_EQ(many, absl::StrCat(std::string(2000, 'y'), "...[3000 bytes cut]"));
}

TEST_F(CommandHandlerTest, ARefusalEchoingAHugeValueIsCut) {
  RunCycle();
  v1::Command huge = SetBudget("huge", 5);
  huge.mutable_set_budget()->set_municipality(std::string(999'800, 'm'));
  Outcome outcome = handler_.HandleAuthenticated(huge, kNow);
  EXPECT_FALSE(outcome.result.accepted());
  EXPECT_LT(outcome.result.message().size(), 2100u);
  EXPECT_THAT(outcome.result.message(), HasSubstr("bytes cut]"));
}

TEST_F(CommandHandlerTest, TheSameCommandIdInAnotherRegionIsANewCommand) {
  ASSERT_TRUE(handler_.HandleAuthenticated(AdoptFramework("adopt", "haaglanden"), kNow).result.accepted());
  Outcome other = handler_.HandleAuthenticated(AdoptFramework("adopt", "holland-rijnland"), kNow);
  EXPECT_TRUE(other.result.accepted());
  EXPECT_FALSE(other.result.duplicate());
  ASSERT_THAT(other.events, SizeIs(1));
  EXPECT_EQ(other.events[0].event_id(), "holland-rijnland/1");
  EXPECT_EQ(other.events[0].previous_hash(), "");
}

TEST_F(CommandHandlerTest, RefusedCommandProducesNoEventsAndCarriesCodeAndReason) {
  ASSERT_TRUE(handler_.HandleAuthenticated(AdoptFramework(), kNow).result.accepted());
  v1::Command command = SetBudget("budget", 100);
  command.mutable_actor()->set_id("Den Haag");
  Outcome outcome = handler_.HandleAuthenticated(command, kNow);
  EXPECT_THAT(outcome.events, IsEmpty());
  EXPECT_FALSE(outcome.result.accepted());
  EXPECT_EQ(outcome.result.code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(outcome.result.message(), HasSubstr("role rule"));
  EXPECT_THAT(outcome.result.sequences(), IsEmpty());
  EXPECT_EQ(handler_.State(kRegion).sequence, Sequence(1));
}

TEST_F(CommandHandlerTest, EmptyCommandIdIsRefusedWithInvalidArgument) {
  Outcome outcome = handler_.HandleAuthenticated(AdoptFramework(""), kNow);
  EXPECT_THAT(outcome.events, IsEmpty());
  EXPECT_FALSE(outcome.result.accepted());
  EXPECT_EQ(outcome.result.code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(outcome.result.message(), HasSubstr("command_id: expected a client-chosen id"));
  EXPECT_EQ(handler_.results_remembered(), 0u);
  EXPECT_EQ(handler_.State(kRegion).sequence, Sequence(0));
}

TEST_F(CommandHandlerTest, EmptyRegionIsRefusedWithInvalidArgument) {
  Outcome outcome = handler_.HandleAuthenticated(AdoptFramework("adopt", ""), kNow);
  EXPECT_THAT(outcome.events, IsEmpty());
  EXPECT_EQ(outcome.result.code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(outcome.result.message(), HasSubstr("region: expected a region id"));
}

TEST_F(CommandHandlerTest, RefusedResultCarriesTheStatus) {
  v1::CommandResult result =
      RefusedResult(AdoptFramework("x"), absl::DataLossError("undecodable command"));
  EXPECT_EQ(result.command_id(), "x");
  EXPECT_EQ(result.region(), kRegion);
  EXPECT_FALSE(result.accepted());
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kDataLoss));
  EXPECT_EQ(result.message(), "undecodable command");
}

TEST_F(CommandHandlerTest, ReplayIntoAFreshHandlerRebuildsIdenticalState) {
  RunCycle();
  CommandHandler rebuilt;
  for (const v1::Event& event : events_) ASSERT_THAT(rebuilt.Replay(event), IsOk());
  const v1::RegionSnapshot live = ToSnapshot(handler_.State(kRegion));
  const v1::RegionSnapshot replayed = ToSnapshot(rebuilt.State(kRegion));
  EXPECT_THAT(replayed, EqualsProto(live));
  EXPECT_EQ(replayed.SerializeAsString(), live.SerializeAsString());
  EXPECT_EQ(replayed.sequence(), 3u);
}

TEST_F(CommandHandlerTest, ReplayedHandlerContinuesTheChain) {
  RunCycle();
  CommandHandler rebuilt;
  for (const v1::Event& event : events_) ASSERT_THAT(rebuilt.Replay(event), IsOk());
  Outcome next = rebuilt.HandleAuthenticated(SetBudget("budget-2", 200000), kNow);
  ASSERT_TRUE(next.result.accepted()) << next.result.message();
  ASSERT_THAT(next.events, SizeIs(1));
  EXPECT_EQ(next.events[0].sequence(), 4u);
  EXPECT_EQ(next.events[0].previous_hash(), events_.back().hash());
}

TEST_F(CommandHandlerTest, ReplayRefusesAnEventOutOfOrder) {
  RunCycle();
  CommandHandler rebuilt;
  EXPECT_THAT(rebuilt.Replay(events_[1]),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("expected sequence 1")));
  EXPECT_EQ(rebuilt.State(kRegion).sequence, Sequence(0));
}

TEST_F(CommandHandlerTest, RememberedResultsMakeARebuiltHandlerAnswerDuplicates) {
  RunCycle();
  CommandHandler rebuilt;
  for (const v1::Event& event : events_) ASSERT_THAT(rebuilt.Replay(event), IsOk());
  for (const v1::CommandResult& result : results_) rebuilt.RememberResult(result);
  EXPECT_EQ(rebuilt.results_remembered(), 3u);

  Outcome repeat = rebuilt.HandleAuthenticated(SubmitPlan("plan", 60000, 40000), kNow);
  EXPECT_THAT(repeat.events, IsEmpty());
  EXPECT_TRUE(repeat.result.duplicate());
  EXPECT_TRUE(repeat.result.accepted());
  EXPECT_THAT(repeat.result.sequences(), ElementsAre(3u));
  EXPECT_EQ(rebuilt.State(kRegion).sequence, Sequence(3));
}

TEST_F(CommandHandlerTest, WithoutRememberedResultsARebuiltHandlerDecidesAgain) {
  RunCycle();
  CommandHandler rebuilt;
  for (const v1::Event& event : events_) ASSERT_THAT(rebuilt.Replay(event), IsOk());
  Outcome again = rebuilt.HandleAuthenticated(SubmitPlan("plan", 1, 1), kNow);
  EXPECT_FALSE(again.result.duplicate());
  EXPECT_THAT(again.events, SizeIs(1));
}

TEST_F(CommandHandlerTest, RememberResultIgnoresDuplicatesAndResultsWithoutId) {
  v1::CommandResult duplicate;
  duplicate.set_command_id("c");
  duplicate.set_region(kRegion);
  duplicate.set_duplicate(true);
  handler_.RememberResult(duplicate);
  v1::CommandResult anonymous;
  anonymous.set_region(kRegion);
  handler_.RememberResult(anonymous);
  EXPECT_EQ(handler_.results_remembered(), 0u);
}

TEST_F(CommandHandlerTest, RememberResultKeepsTheFirstResultOfAnId) {
  v1::CommandResult first;
  first.set_command_id("c");
  first.set_region(kRegion);
  first.set_accepted(false);
  first.set_code(9);
  first.set_message("first");
  v1::CommandResult second = first;
  second.set_message("second");
  handler_.RememberResult(first);
  handler_.RememberResult(second);
  Outcome repeat = handler_.HandleAuthenticated(AdoptFramework("c"), kNow);
  EXPECT_TRUE(repeat.result.duplicate());
  EXPECT_EQ(repeat.result.message(), "first");
}

}  // namespace
}  // namespace inkoop
