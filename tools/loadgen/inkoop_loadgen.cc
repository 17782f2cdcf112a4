// inkoop-loadgen: puts a seeded stream of budget commands for many regions on
// inkoop.commands and (with --await) waits for every result, printing the
// rate. For demos with a long history, startup-time measurements and load.
//
//   inkoop-loadgen --regions 8 --commands 100000 --seed 7 --await
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/kafka/kafka_flags.h"
#include "tools/client/submitter.h"
#include "tools/inkoopctl/command_builder.h"

ABSL_FLAG(int, regions, 4, "regions to spread the commands over");
ABSL_FLAG(int, commands, 10000,
          "budget and plan commands to submit (after one framework per region)");
ABSL_FLAG(uint64_t, seed, 1, "seed of the command stream");
ABSL_FLAG(bool, await, true, "wait for every result and report accepted/refused");
ABSL_FLAG(int, timeout_seconds, 600, "how long --await waits");

namespace inkoop {
namespace {

const char* const kLots[] = {"ambulatory", "specialist", "housing"};

v1::Command Base(const std::string& region, const std::string& actor, v1::Role role) {
  v1::Command command;
  command.set_command_id(NewCommandId());
  command.set_region(region);
  command.mutable_actor()->set_id(actor);
  command.mutable_actor()->set_role(role);
  return command;
}

std::vector<v1::Command> Generate(int regions, int count, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<v1::Command> commands;
  for (int r = 0; r < regions; ++r) {
    const std::string region = absl::StrCat("region-", r);
    v1::Command adopt = Base(region, "bureau", v1::ROLE_BUREAU);
    v1::AdoptFramework& framework = *adopt.mutable_adopt_framework();
    framework.set_framework_id(absl::StrCat(region, "-2015-2016"));
    for (int m = 0; m < 10; ++m) framework.add_municipalities(absl::StrCat(region, "-m", m));
    for (const char* code : kLots) {
      v1::Lot& lot = *framework.add_lots();
      lot.set_code(code);
      lot.set_name(code);
    }
    framework.set_period_start("2015-01-01");
    framework.set_period_end("2016-12-31");
    commands.push_back(std::move(adopt));
  }
  for (int i = 0; i < count; ++i) {
    const std::string region = absl::StrCat("region-", random() % regions);
    const std::string municipality = absl::StrCat(region, "-m", random() % 10);
    const int32_t year = 2015 + static_cast<int32_t>(random() % 2);
    v1::Command command = Base(region, municipality, v1::ROLE_MUNICIPALITY);
    if (random() % 2 == 0) {
      v1::SetBudget& set = *command.mutable_set_budget();
      set.set_municipality(municipality);
      set.set_year(year);
      set.set_source(v1::BUDGET_SOURCE_MAY_CIRCULAR);
      set.set_amount_cents(static_cast<int64_t>(500'000'000 + random() % 500'000'000));
    } else {
      v1::SubmitLocalPlan& plan = *command.mutable_submit_local_plan();
      plan.set_municipality(municipality);
      plan.set_year(year);
      for (const char* code : kLots) {
        v1::LotAmount& amount = *plan.add_lots();
        amount.set_lot(code);
        amount.set_amount_cents(static_cast<int64_t>(random() % 200'000'000));
      }
    }
    commands.push_back(std::move(command));
  }
  return commands;
}

}  // namespace
}  // namespace inkoop

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("inkoop-loadgen: a seeded stream of budget commands");
  absl::ParseCommandLine(argc, argv);
  const inkoop::KafkaOptions kafka = inkoop::KafkaOptionsFromFlags();
  const std::vector<inkoop::v1::Command> commands = inkoop::Generate(
      absl::GetFlag(FLAGS_regions), absl::GetFlag(FLAGS_commands), absl::GetFlag(FLAGS_seed));
  absl::StatusOr<std::unique_ptr<inkoop::Submitter>> submitter =
      inkoop::Submitter::Connect(kafka, absl::Seconds(10));
  if (!submitter.ok()) {
    std::fprintf(stderr, "inkoop-loadgen: %s\n", std::string(submitter.status().message()).c_str());
    return 3;
  }
  const absl::Time start = absl::Now();
  absl::Status sent = (*submitter)->Send(commands);
  if (!sent.ok()) {
    std::fprintf(stderr, "inkoop-loadgen: %s\n", std::string(sent.message()).c_str());
    return 3;
  }
  const double send_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("sent %zu commands in %.2f s (%.0f/s)\n", commands.size(), send_seconds,
              static_cast<double>(commands.size()) / send_seconds);
  if (!absl::GetFlag(FLAGS_await)) return 0;
  std::vector<std::pair<std::string, std::string>> ids;
  for (const inkoop::v1::Command& command : commands) {
    ids.emplace_back(command.region(), command.command_id());
  }
  auto results =
      (*submitter)->AwaitResults(ids, absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds)));
  if (!results.ok()) {
    std::fprintf(stderr, "inkoop-loadgen: %s\n", std::string(results.status().message()).c_str());
    return 3;
  }
  size_t accepted = 0;
  for (const inkoop::v1::CommandResult& result : *results) accepted += result.accepted() ? 1 : 0;
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("%zu results (%zu accepted, %zu refused) in %.2f s: %.0f commands/s end to end\n",
              results->size(), accepted, results->size() - accepted, seconds,
              static_cast<double>(results->size()) / seconds);
  return 0;
}
