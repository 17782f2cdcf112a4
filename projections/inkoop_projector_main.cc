// inkoop-projector: keeps the RocksDB projections of inkoop.events.
// Stops cleanly on SIGINT/SIGTERM; after a crash it resumes where the last
// committed batch ended.
#include <csignal>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "engine/kafka/kafka_flags.h"
#include "engine/log.h"
#include "projections/projector.h"

ABSL_FLAG(std::string, db, ".run/projection", "projection database directory (RocksDB)");
ABSL_FLAG(std::string, keys, "",
          "key file of the keys trusted to sign the log (required; inkoopd writes its line to "
          "<signing key>.pub)");
ABSL_FLAG(int, max_batch, 5000, "most events applied per RocksDB write");
ABSL_FLAG(int, cache_mb, 256, "memory kept of claims and indicators between batches (MiB)");
ABSL_FLAG(bool, sync_writes, false,
          "fsync every batch (the WAL already survives a killed process; see README)");

namespace {
inkoop::Projector* running = nullptr;
void OnSignal(int) {
  if (running != nullptr) running->Stop();
}
}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("inkoop-projector: RocksDB read models of inkoop.events");
  absl::ParseCommandLine(argc, argv);
  inkoop::SetLogProgram("inkoop-projector");
  inkoop::ProjectorOptions options;
  options.kafka = inkoop::KafkaOptionsFromFlags();
  options.db_path = absl::GetFlag(FLAGS_db);
  options.max_batch = absl::GetFlag(FLAGS_max_batch);
  options.projection.cache_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_cache_mb)) << 20;
  options.projection.sync = absl::GetFlag(FLAGS_sync_writes);
  const std::string keys = absl::GetFlag(FLAGS_keys);
  if (keys.empty()) {
    inkoop::LogError(
        "--keys: expected the key file of the engine's signing keys (inkoopd writes its line to "
        "<signing key>.pub); without it no event can be admitted");
    return 2;
  }
  absl::StatusOr<inkoop::KeyRing> ring = inkoop::KeyRing::Load(keys);
  if (!ring.ok()) {
    inkoop::LogError(absl::StrCat("--keys: ", ring.status().message()));
    return 2;
  }
  options.projection.keys = *std::move(ring);
  absl::StatusOr<std::unique_ptr<inkoop::Projector>> projector = inkoop::Projector::Start(options);
  if (!projector.ok()) {
    inkoop::LogError(absl::StrCat("cannot start: ", projector.status().ToString()));
    return 1;
  }
  running = projector->get();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  absl::Status status = (*projector)->Run();
  running = nullptr;
  if (!status.ok()) {
    inkoop::LogError(absl::StrCat("stopped: ", status.ToString()));
    return 1;
  }
  inkoop::LogInfo("stopped");
  return 0;
}
