// inkoopd: the engine daemon. Consumes inkoop.commands, writes inkoop.events
// and inkoop.results transactionally. Stops cleanly on SIGINT/SIGTERM.
#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/engine.h"
#include "engine/kafka/kafka_flags.h"
#include "engine/log.h"

ABSL_FLAG(std::string, transactional_id, "inkoopd",
          "transactional id; a newer process with the same id fences this one");
ABSL_FLAG(std::string, group_id, "inkoopd",
          "consumer group whose offsets record the commands done");
ABSL_FLAG(std::string, own_partitions, "",
          "comma-separated command partitions this engine owns (default: all)");
ABSL_FLAG(int, max_batch, 1000, "most commands decided in one transaction");
ABSL_FLAG(int64_t, test_crash_after_commands, 0,
          "crash tests only: SIGKILL itself mid-transaction after deciding this many commands");

namespace {
inkoop::Engine* running = nullptr;
void OnSignal(int) {
  if (running != nullptr) running->Stop();
}
}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("inkoopd: the inkoop engine (commands -> events, exactly once)");
  absl::ParseCommandLine(argc, argv);
  inkoop::SetLogProgram("inkoopd");

  inkoop::EngineOptions options;
  options.kafka = inkoop::KafkaOptionsFromFlags();
  options.transactional_id = absl::GetFlag(FLAGS_transactional_id);
  options.group_id = absl::GetFlag(FLAGS_group_id);
  options.max_batch = absl::GetFlag(FLAGS_max_batch);
  options.crash_after_commands = absl::GetFlag(FLAGS_test_crash_after_commands);
  for (absl::string_view part :
       absl::StrSplit(absl::GetFlag(FLAGS_own_partitions), ',', absl::SkipEmpty())) {
    int32_t partition = 0;
    if (!absl::SimpleAtoi(part, &partition)) {
      inkoop::LogError(
          absl::StrCat("--own_partitions: expected numbers like 0,2, got '", part, "'"));
      return 2;
    }
    options.partitions.push_back(partition);
  }

  absl::StatusOr<std::unique_ptr<inkoop::Engine>> engine = inkoop::Engine::Start(options);
  if (!engine.ok()) {
    inkoop::LogError(absl::StrCat("cannot start: ", engine.status().ToString()));
    return 1;
  }
  running = engine->get();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  inkoop::LogInfo(absl::StrCat("taking commands from ", options.kafka.commands_topic(), " at ",
                               options.kafka.brokers));
  absl::Status status = (*engine)->Run();
  running = nullptr;
  if (!status.ok()) {
    inkoop::LogError(absl::StrCat("stopped: ", status.ToString()));
    return 1;
  }
  inkoop::LogInfo("stopped");
  return 0;
}
