// inkoop-bench-scale: what a batch costs after a long history. For each
// history size it builds that history with the region-year profile through
// the real inkoopd and inkoop-projector on a local broker, then measures on
// a fixed probe of further commands: the engine's commands/s, the
// projector's apply events/s and bytes written per applied event (the
// projector caught up alone, after the engine), the engine's restart time
// from its checkpoint and from scratch, and the peak RSS of both. Each figure
// is printed as one JSON line and, at the end, in a table. Then the auditor's
// replay of the whole log into a fresh database, against a plain consume of
// the same records, with the cost of verifying signatures and a check that
// the replay's state digest equals the live projection's.
//
//   inkoop-bench-scale --brokers 127.0.0.1:29092 --sizes 10000,1000000,10000000
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "engine/kafka/kafka.h"
#include "engine/kafka/kafka_flags.h"
#include "engine/signing.h"
#include "engine/kafka/partition_reader.h"
#include "projections/reader.h"
#include "projections/replay.h"
#include "tests/testing/process.h"
#include "tools/client/submitter.h"
#include "tools/client/actor_keys.h"
#include "tools/loadgen/region_year.h"

ABSL_FLAG(std::string, sizes, "10000,1000000,10000000", "history sizes (commands), comma-separated");
ABSL_FLAG(int, probe, 50000, "commands measured after each history");
ABSL_FLAG(std::string, work_dir, ".run/bench-scale", "state stores, projections and logs");
ABSL_FLAG(std::string, inkoopd, "build/engine/inkoopd", "the engine binary");
ABSL_FLAG(std::string, projector, "build/projections/inkoop-projector", "the projector binary");
ABSL_FLAG(uint64_t, seed, 7, "seed of the region-year profile");

namespace inkoop {
namespace {

using testing::ChildProcess;

struct Figure {
  std::string name;
  double value;
  std::string unit;
  int64_t history;
};

std::vector<Figure> figures;

void Report(const std::string& name, double value, const std::string& unit, int64_t history) {
  figures.push_back({name, value, unit, history});
  std::printf("{\"name\":\"%s\",\"value\":%.3f,\"unit\":\"%s\",\"history_events\":%lld}\n",
              name.c_str(), value, unit.c_str(), static_cast<long long>(history));
  std::fflush(stdout);
}

// Peak resident set of a running process, in MiB (VmHWM).
double PeakRssMib(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) != 0) continue;
    int64_t kib = 0;
    std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (parts.size() >= 2 && absl::SimpleAtoi(parts[1], &kib)) return kib / 1024.0;
  }
  return 0;
}

bool LogHas(const std::string& path, const std::string& text, size_t from) {
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.size() > from && all.find(text, from) != std::string::npos;
}

size_t LogSize(const std::string& path) {
  std::ifstream in(path, std::ios::ate | std::ios::binary);
  return in ? static_cast<size_t>(in.tellg()) : 0;
}

// Counts committed results on the results topic as they arrive.
class ResultCounter {
 public:
  static absl::StatusOr<std::unique_ptr<ResultCounter>> Start(const KafkaOptions& options,
                                                              int32_t partitions) {
    std::unique_ptr<ResultCounter> counter(new ResultCounter());
    auto conf = MakeConf(options, {{"group.id", "inkoop-bench"},
                                   {"enable.auto.commit", "false"},
                                   {"isolation.level", "read_committed"},
                                   {"fetch.wait.max.ms", "20"}});
    if (!conf.ok()) return conf.status();
    std::string error;
    counter->consumer_.reset(RdKafka::KafkaConsumer::create(conf->get(), error));
    if (counter->consumer_ == nullptr) return absl::InternalError(error);
    std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
    std::vector<RdKafka::TopicPartition*> assignment;
    for (int32_t p = 0; p < partitions; ++p) {
      owned.emplace_back(RdKafka::TopicPartition::create(options.results_topic(), p, 0));
      assignment.push_back(owned.back().get());
    }
    if (absl::Status s = KafkaStatus(counter->consumer_->assign(assignment), "assign"); !s.ok()) {
      return s;
    }
    return counter;
  }
  ~ResultCounter() { consumer_->close(); }

  // Reads until `results` results have been seen or `timeout` passes.
  bool AwaitResults(int64_t results, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (results_ < results && absl::Now() < deadline) {
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(100));
      if (message->err() != RdKafka::ERR_NO_ERROR) continue;
      v1::CommandResult result;
      if (!result.ParseFromArray(message->payload(), static_cast<int>(message->len()))) continue;
      ++results_;
      events_ += result.sequences_size();
      refused_ += result.accepted() ? 0 : 1;
      last_ = absl::Now();
    }
    return results_ >= results;
  }
  int64_t results() const { return results_; }
  int64_t events() const { return events_; }
  int64_t refused() const { return refused_; }
  absl::Time last() const { return last_; }

 private:
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  int64_t results_ = 0, events_ = 0, refused_ = 0;
  absl::Time last_;
};

// The projector's running totals, read through one secondary instance that
// catches up on every read (opening one per poll would cost more than the
// projector's own work on a large database).
class ProjectionMetrics {
 public:
  explicit ProjectionMetrics(std::string db) : db_(std::move(db)) {}
  uint64_t Get(const std::string& name) {
    if (reader_ == nullptr) {
      absl::StatusOr<std::unique_ptr<ProjectionReader>> opened = ProjectionReader::Open(db_);
      if (!opened.ok()) return 0;
      reader_ = std::move(*opened);
    } else if (!reader_->CatchUp().ok()) {
      reader_.reset();
      return 0;
    }
    return reader_->Metric(name).value_or(0);
  }
  // Waits until `events` are applied; the time they were.
  std::optional<absl::Time> AwaitApplied(uint64_t events, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (Get("applied") >= events) return absl::Now();
      absl::SleepFor(absl::Milliseconds(50));
    }
    return std::nullopt;
  }
  void Close() { reader_.reset(); }

 private:
  std::string db_;
  std::unique_ptr<ProjectionReader> reader_;
};

// The engine's signing key in `dir`, made when missing.
std::string SigningKeyFile(const std::string& dir) {
  const std::string path = dir + "/signing-key.pem";
  bool created = false;
  if (absl::StatusOr<SigningKey> key = SigningKey::LoadOrCreate(path, &created); !key.ok()) {
    std::fprintf(stderr, "signing key: %s\n", std::string(key.status().message()).c_str());
  }
  return path;
}

std::unique_ptr<ChildProcess> StartEngine(const KafkaOptions& kafka, const std::string& dir) {
  return std::make_unique<ChildProcess>(
      std::vector<std::string>{absl::GetFlag(FLAGS_inkoopd), "--brokers", kafka.brokers,
                               "--topic_prefix", kafka.topic_prefix, "--transactional_id",
                               kafka.topic_prefix + "inkoopd", "--group_id",
                               kafka.topic_prefix + "inkoopd", "--state_dir", dir + "/engine",
                               "--signing_key", SigningKeyFile(dir), "--founders",
                               dir + "/founders.keys"},
      dir + "/inkoopd.log");
}

std::unique_ptr<ChildProcess> StartProjector(const KafkaOptions& kafka, const std::string& dir) {
  return std::make_unique<ChildProcess>(
      std::vector<std::string>{absl::GetFlag(FLAGS_projector), "--brokers", kafka.brokers,
                               "--topic_prefix", kafka.topic_prefix, "--db",
                               dir + "/projection", "--keys", SigningKeyFile(dir) + ".pub"},
      dir + "/projector.log");
}

// Time from start until the engine logs that it resumed.
std::optional<double> RestartSeconds(std::unique_ptr<ChildProcess>& engine,
                                     const KafkaOptions& kafka, const std::string& dir) {
  const size_t from = LogSize(dir + "/inkoopd.log");
  const absl::Time started = absl::Now();
  engine = StartEngine(kafka, dir);
  while (absl::Now() - started < absl::Minutes(30)) {
    if (LogHas(dir + "/inkoopd.log", "resumed ", from)) {
      return absl::ToDoubleSeconds(absl::Now() - started);
    }
    if (!engine->Running()) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return std::nullopt;
}

void Stop(std::unique_ptr<ChildProcess>& process) {
  process->Signal(SIGTERM);
  if (!process->Wait(absl::Seconds(60)).has_value()) process->Signal(SIGKILL);
  process.reset();
}

// Sends `count` commands of the profile, with the clock commands its dates
// need before them; adds every command sent to `sent`.
absl::Status Send(Submitter& submitter, RegionYearProfile& profile, ScenarioClock& clock,
                  int64_t count, int64_t& sent) {
  std::vector<v1::Command> chunk;
  v1::Command command;
  for (int64_t taken = 0; taken < count;) {
    chunk.clear();
    while (static_cast<int64_t>(chunk.size()) < 20000 && taken < count && profile.Next(command)) {
      clock.Play(command, chunk);
      ++taken;
    }
    if (chunk.empty()) return absl::OutOfRangeError("the profile ran out of commands");
    if (absl::Status s = submitter.Send(chunk); !s.ok()) return s;
    sent += static_cast<int64_t>(chunk.size());
  }
  return absl::OkStatus();
}

// Replay of the whole log into a fresh database, beside a plain consume of
// the same records in the same run; what verifying the signatures costs;
// and whether the replay's state digest equals the live projection's.
bool MeasureReplay(const KafkaOptions& kafka, const std::string& dir, int32_t partitions,
                   int64_t history) {
  int64_t raw = 0;
  const absl::Time raw_start = absl::Now();
  for (int32_t p = 0; p < partitions; ++p) {
    absl::Status read = ReadPartitionToEnd(kafka, kafka.events_topic(), p, Offset(0),
                                           [&](const RdKafka::Message& m) {
                                             raw += m.len() > 0 ? 1 : 0;
                                             return absl::OkStatus();
                                           });
    if (!read.ok()) {
      std::fprintf(stderr, "raw consume: %s\n", read.ToString().c_str());
      return false;
    }
  }
  const double raw_seconds = absl::ToDoubleSeconds(absl::Now() - raw_start);
  absl::StatusOr<KeyRing> keys = KeyRing::Load(SigningKeyFile(dir) + ".pub");
  if (!keys.ok()) return false;
  ReplayOptions options;
  options.kafka = kafka;
  options.keys = *keys;
  options.db_path = dir + "/replay";
  const double rss_before = PeakRssMib(getpid());
  absl::StatusOr<ReplayResult> replayed = Replay(options);
  if (!replayed.ok()) {
    std::fprintf(stderr, "replay: %s\n", replayed.status().ToString().c_str());
    return false;
  }
  const double replay_seconds = absl::ToDoubleSeconds(replayed->took);
  Report("replay_events_per_s", static_cast<double>(replayed->records) / replay_seconds,
         "events/s", history);
  Report("raw_consume_events_per_s", static_cast<double>(raw) / raw_seconds, "events/s", history);
  Report("replay_vs_raw_consume", (static_cast<double>(replayed->records) / replay_seconds) /
                                      (static_cast<double>(raw) / raw_seconds),
         "ratio", history);
  Report("replay_s", replay_seconds, "s", history);
  Report("replay_peak_rss_mib", std::max(rss_before, PeakRssMib(getpid())), "MiB", history);
  Report("replay_problems", static_cast<double>(replayed->problems.size()), "events", history);

  // One signature per region per transaction: their count and unit cost.
  absl::StatusOr<SigningKey> key = SigningKey::Load(SigningKeyFile(dir));
  if (!key.ok()) return false;
  const std::string statement = ChainStatement("haaglanden", 1, std::string(32, 'h'),
                                               google::protobuf::Timestamp());
  const std::string signature = key->Sign(statement);
  constexpr int kVerifies = 2000;
  const absl::Time verify_start = absl::Now();
  for (int i = 0; i < kVerifies; ++i) {
    if (!VerifySignature(key->public_key(), statement, signature).ok()) return false;
  }
  const double verify_us = absl::ToDoubleMicroseconds(absl::Now() - verify_start) / kVerifies;
  Report("signatures_in_log", static_cast<double>(replayed->signatures), "signatures", history);
  Report("signature_verify_us", verify_us, "us", history);
  Report("replay_share_verifying_signatures",
         static_cast<double>(replayed->signatures) * verify_us / 1e6 / replay_seconds, "ratio",
         history);

  absl::StatusOr<std::unique_ptr<ProjectionReader>> live =
      ProjectionReader::Open(dir + "/projection");
  absl::StatusOr<std::unique_ptr<ProjectionReader>> replay = ProjectionReader::Open(options.db_path);
  if (!live.ok() || !replay.ok()) return false;
  absl::StatusOr<std::string> a = (*live)->Digest("haaglanden");
  absl::StatusOr<std::string> b = (*replay)->Digest("haaglanden");
  if (!a.ok() || !b.ok()) return false;
  Report("replay_digest_equals_live", *a == *b ? 1 : 0, "bool", history);
  std::error_code ignored;
  std::filesystem::remove_all(options.db_path, ignored);
  return *a == *b;
}

int Run() {
  std::vector<int64_t> sizes;
  for (absl::string_view part : absl::StrSplit(absl::GetFlag(FLAGS_sizes), ',', absl::SkipEmpty())) {
    int64_t size = 0;
    if (!absl::SimpleAtoi(part, &size) || size <= 0) {
      std::fprintf(stderr, "--sizes: expected numbers like 10000,1000000, got '%s'\n",
                   std::string(part).c_str());
      return 2;
    }
    sizes.push_back(size);
  }
  const int64_t probe = absl::GetFlag(FLAGS_probe);
  for (int64_t size : sizes) {
    KafkaOptions kafka = KafkaOptionsFromFlags();
    kafka.topic_prefix = absl::StrCat("bench-scale-", size, "-", absl::ToUnixSeconds(absl::Now()), ".");
    const std::string dir = absl::StrCat(absl::GetFlag(FLAGS_work_dir), "/", size);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    absl::StatusOr<int32_t> partitions = EnsureTopics(kafka, absl::Seconds(30));
    if (!partitions.ok()) {
      std::fprintf(stderr, "topics: %s\n", partitions.status().ToString().c_str());
      return 3;
    }
    auto submitter = Submitter::Connect(kafka, absl::Seconds(30));
    auto counter = ResultCounter::Start(kafka, *partitions);
    if (!submitter.ok() || !counter.ok()) {
      std::fprintf(stderr, "cannot connect to %s\n", kafka.brokers.c_str());
      return 3;
    }
    RegionYearOptions profile_options;
    profile_options.region = "haaglanden";
    profile_options.seed = absl::GetFlag(FLAGS_seed);
    profile_options.claims = size + probe;  // more than the commands taken
    absl::StatusOr<std::unique_ptr<RegionYearProfile>> made =
        RegionYearProfile::Create(profile_options);
    if (!made.ok()) {
      std::fprintf(stderr, "profile: %s\n", made.status().ToString().c_str());
      return 2;
    }
    RegionYearProfile& profile = **made;
    // Scenario keys sign the commands; the engine trusts the bureau's.
    ActorKeys keys = ActorKeys::Derived(absl::StrCat("bench-scale-", size));
    (*submitter)->set_keys(&keys);
    ScenarioClock clock(keys);
    if (std::FILE* founders = std::fopen((dir + "/founders.keys").c_str(), "w")) {
      std::fprintf(founders, "%s\n", keys.For("inkoopbureau")->KeyFileLine().c_str());
      std::fclose(founders);
    }
    std::fprintf(stderr, "history of %lld commands: building\n", static_cast<long long>(size));
    auto engine = StartEngine(kafka, dir);
    auto projector = StartProjector(kafka, dir);
    int64_t commands_sent = 0;
    if (absl::Status sent = Send(**submitter, profile, clock, size, commands_sent); !sent.ok()) {
      std::fprintf(stderr, "send: %s\n", sent.ToString().c_str());
      return 3;
    }
    ProjectionMetrics metrics(dir + "/projection");
    if (!(*counter)->AwaitResults(commands_sent, absl::Hours(2)) ||
        !metrics.AwaitApplied((*counter)->events(), absl::Hours(2))) {
      std::fprintf(stderr, "history of %lld did not complete; see %s\n",
                   static_cast<long long>(size), dir.c_str());
      return 1;
    }
    const int64_t history_events = (*counter)->events();
    double engine_rss = PeakRssMib(engine->pid());
    double projector_rss = PeakRssMib(projector->pid());
    std::fprintf(stderr, "history of %lld commands: %lld events, %lld refused\n",
                 static_cast<long long>(size), static_cast<long long>(history_events),
                 static_cast<long long>((*counter)->refused()));

    // Probe: the engine alone, then the projector alone catching up.
    Stop(projector);
    const uint64_t bytes_before = metrics.Get("bytes_written");
    const absl::Time probe_start = absl::Now();
    const int64_t history_commands = commands_sent;
    if (absl::Status sent = Send(**submitter, profile, clock, probe, commands_sent); !sent.ok()) {
      return 3;
    }
    if (!(*counter)->AwaitResults(commands_sent, absl::Hours(1))) return 1;
    const double engine_seconds = absl::ToDoubleSeconds((*counter)->last() - probe_start);
    const int64_t probe_events = (*counter)->events() - history_events;
    Report("engine_commands_per_s",
           static_cast<double>(commands_sent - history_commands) / engine_seconds, "commands/s",
           history_events);
    // Timed from its first committed batch, so start-up does not count.
    const uint64_t applied_before = metrics.Get("applied");
    projector = StartProjector(kafka, dir);
    std::optional<absl::Time> first = metrics.AwaitApplied(applied_before + 1, absl::Minutes(5));
    const uint64_t applied_first = metrics.Get("applied");
    std::optional<absl::Time> caught_up =
        metrics.AwaitApplied((*counter)->events(), absl::Hours(1));
    if (!first.has_value() || !caught_up.has_value()) return 1;
    Report("projector_apply_events_per_s",
           static_cast<double>((*counter)->events() - applied_first) /
               absl::ToDoubleSeconds(*caught_up - *first),
           "events/s", history_events);
    const uint64_t bytes_after = metrics.Get("bytes_written");
    metrics.Close();
    Report("projector_bytes_per_event",
           static_cast<double>(bytes_after - bytes_before) / static_cast<double>(probe_events),
           "bytes/event", history_events);
    engine_rss = std::max(engine_rss, PeakRssMib(engine->pid()));
    projector_rss = std::max(projector_rss, PeakRssMib(projector->pid()));
    Stop(projector);
    if (!MeasureReplay(kafka, dir, *partitions, history_events)) return 1;

    // Restarts: from the checkpoint, then with the state store removed.
    Stop(engine);
    std::optional<double> warm = RestartSeconds(engine, kafka, dir);
    engine_rss = std::max(engine_rss, engine->Running() ? PeakRssMib(engine->pid()) : 0.0);
    Stop(engine);
    std::filesystem::remove_all(dir + "/engine");
    std::optional<double> cold = RestartSeconds(engine, kafka, dir);
    const double rebuild_rss = engine->Running() ? PeakRssMib(engine->pid()) : 0.0;
    Stop(engine);
    if (!warm.has_value() || !cold.has_value()) {
      std::fprintf(stderr, "a restarted engine did not resume; see %s/inkoopd.log\n", dir.c_str());
      return 1;
    }
    Report("engine_restart_from_checkpoint_s", *warm, "s", history_events);
    Report("engine_restart_from_scratch_s", *cold, "s", history_events);
    Report("engine_peak_rss_mib", engine_rss, "MiB", history_events);
    Report("engine_rebuild_peak_rss_mib", rebuild_rss, "MiB", history_events);
    Report("projector_peak_rss_mib", projector_rss, "MiB", history_events);
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  std::map<std::string, std::map<int64_t, double>> table;
  std::vector<int64_t> histories;
  for (const Figure& f : figures) {
    table[f.name][f.history] = f.value;
    if (std::find(histories.begin(), histories.end(), f.history) == histories.end()) {
      histories.push_back(f.history);
    }
  }
  std::printf("\n%-36s", "figure \\ history events");
  for (int64_t h : histories) std::printf(" %14lld", static_cast<long long>(h));
  std::printf("   last/first\n");
  for (const auto& [name, values] : table) {
    std::printf("%-36s", name.c_str());
    for (int64_t h : histories) std::printf(" %14.2f", values.count(h) ? values.at(h) : 0.0);
    const double first = values.begin()->second, last = values.rbegin()->second;
    std::printf("   %9.2fx\n", first > 0 ? last / first : 0.0);
  }
  return 0;
}

}  // namespace
}  // namespace inkoop

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("inkoop-bench-scale: cost per event and memory against history size");
  absl::ParseCommandLine(argc, argv);
  return inkoop::Run();
}
