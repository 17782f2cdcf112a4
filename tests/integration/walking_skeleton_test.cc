// The whole path once, on the real broker and the real binaries: commands
// through inkoopd to events, events through inkoop-projector into RocksDB,
// with the projector killed and restarted midway.
#include <signal.h>

#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/reader.h"
#include "tests/integration/budget_model.h"
#include "tests/integration/cluster.h"
#include "tools/client/submitter.h"

namespace inkoop::testing {
namespace {

TEST(WalkingSkeleton, ProjectionEqualsWhatTheCommandsImplyAcrossAProjectorKill) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937_64 random(seed);
  TempDir dir;
  const KafkaOptions options = FreshTopics("skeleton");
  auto engine = StartEngine(options, dir);
  auto projector = StartProjector(options, dir, dir.Sub("projection"));

  absl::StatusOr<std::unique_ptr<Submitter>> submitter =
      ConnectSigned(options, absl::Seconds(10));
  ASSERT_TRUE(submitter.ok()) << submitter.status();

  const std::vector<std::string> regions = {"north", "south", "east", "west"};
  auto adopted = (*submitter)->SubmitAll(Frameworks(regions), absl::Seconds(60));
  ASSERT_TRUE(adopted.ok()) << adopted.status() << "\n" << Tail(engine->log_path());
  for (const v1::CommandResult& result : *adopted)
    ASSERT_TRUE(result.accepted()) << result.message();

  const int kCommands = 400;
  std::vector<v1::Command> commands = RandomCommands(random, regions, kCommands);
  std::vector<v1::Command> first(commands.begin(), commands.begin() + kCommands / 2);
  std::vector<v1::Command> second(commands.begin() + kCommands / 2, commands.end());

  auto first_results = (*submitter)->SubmitAll(first, absl::Seconds(120));
  ASSERT_TRUE(first_results.ok()) << first_results.status();
  projector->Signal(SIGKILL);
  projector->Wait(absl::Seconds(10));
  auto second_results = (*submitter)->SubmitAll(second, absl::Seconds(120));
  ASSERT_TRUE(second_results.ok()) << second_results.status();
  projector = StartProjector(options, dir, dir.Sub("projection"));

  // What the commands imply, per the model, and per the engine's results.
  Model model;
  std::vector<v1::CommandResult> results = *first_results;
  results.insert(results.end(), second_results->begin(), second_results->end());
  std::map<std::string, uint64_t> last_sequence;
  for (const v1::CommandResult& result : *adopted) last_sequence[result.region()] = 1;
  for (size_t i = 0; i < commands.size(); ++i) {
    const bool accepted = model.Accepts(commands[i]);
    ASSERT_EQ(results[i].accepted(), accepted)
        << "command " << i << ": " << commands[i].ShortDebugString() << " -> "
        << results[i].message();
    if (accepted) {
      ASSERT_EQ(results[i].sequences_size(), 1);
      // Sequences of a region continue without gaps, in submission order.
      EXPECT_EQ(results[i].sequences(0), ++last_sequence[commands[i].region()]);
    } else {
      EXPECT_EQ(results[i].sequences_size(), 0);
    }
  }

  // Wait until the restarted projector has caught up with every region.
  std::unique_ptr<ProjectionReader> reader = AwaitProjection(
      dir.Sub("projection"), last_sequence, absl::Now() + absl::Seconds(60), projector->log_path());
  ASSERT_NE(reader, nullptr);

  // Every event on the topic exactly once per sequence, and applied once.
  std::vector<v1::Event> events = ReadAllEvents(options);
  uint64_t total = 0;
  for (const auto& [region, sequence] : last_sequence) total += sequence;
  EXPECT_EQ(events.size(), total);
  std::map<std::string, uint64_t> seen;
  for (const v1::Event& event : events) {
    EXPECT_EQ(event.sequence(), ++seen[event.region()]) << event.event_id();
  }
  EXPECT_EQ(reader->Metric("applied").value(), total);
  EXPECT_EQ(reader->Metric("skipped_duplicates").value(), 0u);
  EXPECT_EQ(reader->Metric("parked").value(), 0u);

  for (const auto& [key, year] : model.years) {
    const std::string region = key.first.substr(0, key.first.rfind("-m"));
    absl::StatusOr<std::optional<v1::BudgetView>> view =
        reader->Budget(region, key.first, key.second);
    ASSERT_TRUE(view.ok()) << view.status();
    if (!year.budget_set) {
      EXPECT_FALSE(view->has_value()) << key.first << " " << key.second;
      continue;
    }
    ASSERT_TRUE(view->has_value()) << key.first << " " << key.second;
    EXPECT_EQ((*view)->budget_cents(), year.budget) << key.first << " " << key.second;
    EXPECT_EQ((*view)->planned_cents(), year.Planned()) << key.first << " " << key.second;
    for (const v1::BudgetView::LotLine& line : (*view)->lots()) {
      auto planned = year.plan.find(line.lot());
      EXPECT_EQ(line.planned_cents(), planned == year.plan.end() ? 0 : planned->second)
          << key.first << " " << key.second << " " << line.lot();
    }
  }
  engine->Signal(SIGTERM);
  projector->Signal(SIGTERM);
  EXPECT_TRUE(engine->Wait(absl::Seconds(30)).has_value());
  EXPECT_TRUE(projector->Wait(absl::Seconds(30)).has_value());
}

}  // namespace
}  // namespace inkoop::testing
