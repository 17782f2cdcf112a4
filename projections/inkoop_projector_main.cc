// inkoop-projector: keeps the RocksDB projections of inkoop.events.
// Stops cleanly on SIGINT/SIGTERM; after a crash it resumes where the last
// committed batch ended.
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "engine/kafka/kafka_flags.h"
#include "absl/strings/ascii.h"
#include "engine/log.h"
#include "projections/http_server.h"
#include "projections/projector.h"

ABSL_FLAG(std::string, db, ".run/projection", "projection database directory (RocksDB)");
ABSL_FLAG(std::string, keys, "",
          "key file of the keys trusted to sign the log (required; inkoopd writes its line to "
          "<signing key>.pub)");
ABSL_FLAG(int, max_batch, 5000, "most events applied per RocksDB write");
ABSL_FLAG(int, cache_mb, 256, "memory kept of claims and indicators between batches (MiB)");
ABSL_FLAG(bool, sync_writes, false,
          "fsync every batch (the WAL already survives a killed process; see README)");
ABSL_FLAG(std::string, http, "",
          "serve the read API, /metrics and the dashboard on host:port (e.g. 127.0.0.1:8080); "
          "empty: no HTTP");
ABSL_FLAG(std::string, http_token_file, "",
          "file holding the bearer token HTTP clients must send (required for a non-loopback "
          "--http host)");
ABSL_FLAG(int64_t, ready_max_lag, 1000,
          "/readyz: the most offsets a partition may be behind while ready");

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
  std::unique_ptr<inkoop::HttpServer> http;
  if (const std::string listen = absl::GetFlag(FLAGS_http); !listen.empty()) {
    inkoop::HttpOptions http_options;
    http_options.listen = listen;
    if (const std::string path = absl::GetFlag(FLAGS_http_token_file); !path.empty()) {
      std::ifstream in(path);
      std::stringstream text;
      text << in.rdbuf();
      http_options.token = std::string(absl::StripAsciiWhitespace(text.str()));
      if (!in || http_options.token.empty()) {
        inkoop::LogError(absl::StrCat("--http_token_file: expected a file holding a token, got '",
                                      path, "' (", !in ? "unreadable" : "empty", ")"));
        return 2;
      }
    }
    http_options.api.events_topic = options.kafka.events_topic();
    http_options.api.partitions = (*projector)->partitions();
    http_options.api.ready_max_lag = absl::GetFlag(FLAGS_ready_max_lag);
    absl::StatusOr<std::unique_ptr<inkoop::HttpServer>> started = inkoop::HttpServer::Start(
        http_options, options.db_path, inkoop::ProjectorSources(**projector));
    if (!started.ok()) {
      inkoop::LogError(std::string(started.status().message()));
      return absl::IsInvalidArgument(started.status()) ? 2 : 1;
    }
    http = *std::move(started);
  }
  running = projector->get();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  absl::Status status = (*projector)->Run();
  running = nullptr;
  if (http != nullptr) http->Stop();
  if (!status.ok()) {
    inkoop::LogError(absl::StrCat("stopped: ", status.ToString()));
    return 1;
  }
  inkoop::LogInfo("stopped");
  return 0;
}
