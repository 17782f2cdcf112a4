#include "engine/domain/snapshot.h"

#include <string>

#include "absl/time/time.h"
#include "engine/command_handler.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kRegion[] = "haaglanden";

v1::Command ParseCommand(const std::string& id, const std::string& text) {
  v1::Command command;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &command)) << text;
  command.set_command_id(id);
  command.set_region(kRegion);
  return command;
}

// A region after several commands: a framework, budgets of two
// municipalities in two years, and a plan revised once.
RegionState BuiltState() {
  CommandHandler handler;
  const v1::Command commands[] = {
      ParseCommand("1", R"pb(
        actor { id: "bureau" role: ROLE_BUREAU }
        adopt_framework {
          framework_id: "H10-2016"
          municipalities: [ "Den Haag", "Delft", "Zoetermeer" ]
          lots { code: "ambulatory" name: "Ambulatory youth care" }
          lots { code: "housing" name: "Housing and guidance" }
          lots { code: "specialist" name: "Specialist care" }
          period_start: "2016-01-01"
          period_end: "2017-12-31"
          equalisation { key: EQUALISATION_KEY_BUDGET }
        }
      )pb"),
      ParseCommand("2", R"pb(
        actor { id: "Delft" role: ROLE_MUNICIPALITY }
        set_budget {
          municipality: "Delft"
          year: 2016
          source: BUDGET_SOURCE_MAY_CIRCULAR
          amount_cents: 120000050
        }
      )pb"),
      ParseCommand("3", R"pb(
        actor { id: "Delft" role: ROLE_MUNICIPALITY }
        set_budget {
          municipality: "Delft"
          year: 2017
          source: BUDGET_SOURCE_OWN_FUNDS
          amount_cents: 500
        }
      )pb"),
      ParseCommand("4", R"pb(
        actor { id: "Den Haag" role: ROLE_MUNICIPALITY }
        set_budget {
          municipality: "Den Haag"
          year: 2016
          source: BUDGET_SOURCE_DECEMBER_CIRCULAR
          amount_cents: 12000000000
        }
      )pb"),
      ParseCommand("5", R"pb(
        actor { id: "Delft" role: ROLE_MUNICIPALITY }
        submit_local_plan {
          municipality: "Delft"
          year: 2016
          lots { lot: "ambulatory" amount_cents: 70000000 }
          lots { lot: "specialist" amount_cents: 30000000 }
          priorities: [ "early help", "fewer placements" ]
        }
      )pb"),
      ParseCommand("6", R"pb(
        actor { id: "Delft" role: ROLE_MUNICIPALITY }
        submit_local_plan {
          municipality: "Delft"
          year: 2016
          lots { lot: "housing" amount_cents: 20000000 }
          lots { lot: "ambulatory" amount_cents: 80000000 }
          priorities: [ "early help" ]
        }
      )pb"),
      ParseCommand("7", R"pb(
        actor { id: "Delft" role: ROLE_MUNICIPALITY }
        deposit_to_fund { municipality: "Delft" year: 2016 amount_cents: 70 reason: "buffer" }
      )pb"),
  };
  for (const v1::Command& command : commands) {
    Outcome outcome = handler.HandleAuthenticated(command, absl::FromUnixSeconds(1462060800));
    EXPECT_TRUE(outcome.result.accepted()) << outcome.result.message();
  }
  return handler.State(kRegion);
}

TEST(Snapshot, CapturesEveryPartOfTheState) {
  const RegionState state = BuiltState();
  const v1::RegionSnapshot snapshot = ToSnapshot(state);
  EXPECT_EQ(snapshot.region(), kRegion);
  EXPECT_EQ(snapshot.sequence(), 7u);
  EXPECT_EQ(snapshot.last_hash(), state.last_hash);
  EXPECT_EQ(snapshot.last_hash().size(), 32u);
  EXPECT_TRUE(snapshot.framework().adopted());
  EXPECT_EQ(snapshot.framework().id(), "H10-2016");
  EXPECT_EQ(snapshot.framework().period_start(), "2016-01-01");
  EXPECT_EQ(snapshot.framework().period_end(), "2017-12-31");
  EXPECT_THAT(snapshot.framework().municipalities(),
              ElementsAre("Delft", "Den Haag", "Zoetermeer"));
  ASSERT_EQ(snapshot.framework().lots_size(), 3);
  EXPECT_EQ(snapshot.framework().lots(1).name(), "Housing and guidance");
  ASSERT_EQ(snapshot.municipalities_size(), 2);
  const v1::MunicipalitySnapshot& delft = snapshot.municipalities(0);
  EXPECT_EQ(delft.name(), "Delft");
  ASSERT_EQ(delft.years_size(), 2);
  EXPECT_EQ(delft.years(0).year(), 2016);
  EXPECT_EQ(delft.years(0).budget_cents(), 120000050);
  EXPECT_TRUE(delft.years(0).plan_submitted());
  EXPECT_THAT(delft.years(0).priorities(), ElementsAre("early help"));
  ASSERT_EQ(delft.years(0).lots_size(), 3);
  EXPECT_EQ(delft.years(0).lots(2).lot(), "specialist");
  EXPECT_EQ(delft.years(0).lots(2).planned_cents(), 0);
  EXPECT_EQ(delft.years(1).source(), v1::BUDGET_SOURCE_OWN_FUNDS);
  EXPECT_FALSE(delft.years(1).plan_submitted());
  EXPECT_EQ(snapshot.framework().equalisation().key(), v1::EQUALISATION_KEY_BUDGET);
  EXPECT_EQ(delft.years(0).fund_deposited_cents(), 70);
  EXPECT_EQ(snapshot.fund_balance_cents(), 70);
}

TEST(Snapshot, RoundTripGivesTheSameState) {
  const RegionState state = BuiltState();
  const v1::RegionSnapshot snapshot = ToSnapshot(state);
  absl::StatusOr<RegionState> restored = FromSnapshot(snapshot);
  ASSERT_THAT(restored, IsOk());
  EXPECT_EQ(ToSnapshot(*restored).SerializeAsString(), snapshot.SerializeAsString());
  EXPECT_TRUE(MessageDifferencer::Equals(ToSnapshot(*restored), snapshot));

  EXPECT_EQ(restored->region, state.region);
  EXPECT_EQ(restored->sequence, state.sequence);
  EXPECT_EQ(restored->last_hash, state.last_hash);
  EXPECT_EQ(restored->framework.period_start, state.framework.period_start);
  EXPECT_EQ(restored->framework.period_end, state.framework.period_end);
  EXPECT_EQ(restored->framework.municipalities, state.framework.municipalities);
  const YearBudget& before = state.municipalities.at("Delft").years.at(2016);
  const YearBudget& after = restored->municipalities.at("Delft").years.at(2016);
  EXPECT_EQ(after.budget_cents, before.budget_cents);
  EXPECT_EQ(after.source, before.source);
  EXPECT_EQ(after.priorities, before.priorities);
  EXPECT_EQ(after.lots.at("ambulatory").planned_cents, 80000000);
  EXPECT_EQ(after.lots.at("specialist").planned_cents, 0);
}

TEST(Snapshot, SnapshotBytesAreDeterministic) {
  const std::string first = ToSnapshot(BuiltState()).SerializeAsString();
  const std::string second = ToSnapshot(BuiltState()).SerializeAsString();
  // Hashes differ between builds only through recorded_at, which is fixed.
  EXPECT_EQ(first, second);
  EXPECT_EQ(ToSnapshot(FromSnapshot(ToSnapshot(BuiltState())).value()).SerializeAsString(), first);
}

TEST(Snapshot, EmptyRegionRoundTrips) {
  RegionState state;
  state.region = kRegion;
  const v1::RegionSnapshot snapshot = ToSnapshot(state);
  EXPECT_FALSE(snapshot.framework().adopted());
  EXPECT_EQ(snapshot.framework().period_start(), "");
  absl::StatusOr<RegionState> restored = FromSnapshot(snapshot);
  ASSERT_THAT(restored, IsOk());
  EXPECT_FALSE(restored->framework.adopted);
  EXPECT_EQ(restored->sequence, Sequence(0));
  EXPECT_EQ(ToSnapshot(*restored).SerializeAsString(), snapshot.SerializeAsString());
}

TEST(Snapshot, SnapshotWithABadDateIsDataLoss) {
  v1::RegionSnapshot snapshot = ToSnapshot(BuiltState());
  snapshot.mutable_framework()->set_period_end("2017-02-30");
  EXPECT_THAT(FromSnapshot(snapshot),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("snapshot of region haaglanden: framework.period_end: expected a "
                                 "date YYYY-MM-DD, got '2017-02-30'")));
}

}  // namespace
}  // namespace inkoop
