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
ABSL_FLAG(std::string, state_dir, ".run/inkoopd-state",
          "state store directory (RocksDB), one per engine process");
ABSL_FLAG(std::string, signing_key, ".run/inkoopd-signing-key.pem",
          "Ed25519 private key (PEM) the engine signs the log with; generated when missing, "
          "with its key file line in <path>.pub");
ABSL_FLAG(std::string, keys, "",
          "key file of the keys trusted when rebuilding from the log (default: the signing key "
          "alone); must list the signing key");
ABSL_FLAG(std::string, founders, "",
          "key file of the keys that may adopt a region's framework and so found its registry "
          "of actors (region= limits a key to one region); without it no region can start");
ABSL_FLAG(int64_t, max_command_bytes, 256 << 10,
          "larger commands are refused unread, with a result saying so");
ABSL_FLAG(std::string, test_internal_error_command_id, "",
          "tests only: the command with this id meets an internal error, as a defect would");
ABSL_FLAG(int, cache_mb, 256, "memory kept of claims and indicators between batches (MiB)");
ABSL_FLAG(int64_t, test_crash_after_commands, 0,
          "crash tests only: SIGKILL itself after deciding this many commands, at --test_crash_at");
ABSL_FLAG(std::string, test_crash_at, "mid_transaction",
          "crash tests only: mid_transaction, after_commit (before the state store is written) or "
          "after_checkpoint");

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
  options.state_dir = absl::GetFlag(FLAGS_state_dir);
  options.signing_key_path = absl::GetFlag(FLAGS_signing_key);
  options.keys_path = absl::GetFlag(FLAGS_keys);
  options.founders_path = absl::GetFlag(FLAGS_founders);
  if (absl::GetFlag(FLAGS_max_command_bytes) < 1024) {
    inkoop::LogError(absl::StrCat("--max_command_bytes: expected 1024 or more, got ",
                                  absl::GetFlag(FLAGS_max_command_bytes)));
    return 2;
  }
  options.max_command_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_command_bytes));
  options.test_internal_error_command_id = absl::GetFlag(FLAGS_test_internal_error_command_id);
  options.cache_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_cache_mb)) << 20;
  options.crash_after_commands = absl::GetFlag(FLAGS_test_crash_after_commands);
  const std::string crash_at = absl::GetFlag(FLAGS_test_crash_at);
  if (crash_at == "mid_transaction") {
    options.crash_point = inkoop::EngineOptions::CrashPoint::kMidTransaction;
  } else if (crash_at == "after_commit") {
    options.crash_point = inkoop::EngineOptions::CrashPoint::kAfterCommit;
  } else if (crash_at == "after_checkpoint") {
    options.crash_point = inkoop::EngineOptions::CrashPoint::kAfterCheckpoint;
  } else {
    inkoop::LogError(absl::StrCat(
        "--test_crash_at: expected mid_transaction, after_commit or after_checkpoint, got '",
        crash_at, "'"));
    return 2;
  }
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
