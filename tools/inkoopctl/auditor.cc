#include "tools/inkoopctl/auditor.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "engine/admission.h"
#include "engine/domain/decide.h"
#include "engine/domain/state.h"
#include "engine/envelope.h"
#include "engine/environment.h"
#include "engine/kafka/partition_reader.h"
#include "engine/log.h"
#include "projections/reader.h"
#include "projections/replay.h"
#include "tools/inkoopctl/audit_trail.h"

namespace inkoop {
namespace {

std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }

// Progress on a terminal: events, events/s, ETA; nothing otherwise.
std::function<void(const ReplayProgress&)> TerminalProgress() {
  if (!isatty(STDERR_FILENO)) return nullptr;
  return [](const ReplayProgress& p) {
    const double seconds = std::max(absl::ToDoubleSeconds(p.elapsed), 1e-3);
    const double rate = static_cast<double>(p.records) / seconds;
    const double left = p.total > p.records ? static_cast<double>(p.total - p.records) / rate : 0;
    std::cerr << absl::StrFormat("\rreplay: %d of %d records, %.0f records/s, ETA %.0f s   ",
                                 p.records, p.total, rate, left);
    if (p.records >= p.total) std::cerr << "\n";
  };
}

struct TempDirectory {
  std::string path;
  ~TempDirectory() {
    if (path.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

absl::StatusOr<std::string> MakeTempDirectory(const std::string& under) {
  std::string pattern = under.empty() ? std::filesystem::temp_directory_path().string() : under;
  std::error_code ignored;
  std::filesystem::create_directories(pattern, ignored);
  pattern += "/inkoop-verify-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot make a directory like ", pattern));
  }
  return pattern;
}

void PrintProblem(const ReplayProblem& problem) {
  std::cout << "FAIL " << problem.where << ": " << problem.reason << "\n";
}

int ExitFor(const absl::Status& status) {
  std::cerr << "inkoopctl: " << status.message() << "\n";
  return absl::IsInvalidArgument(status) || absl::IsNotFound(status) ? 2 : 3;
}

}  // namespace

absl::StatusOr<absl::Time> ParseMoment(const std::string& text) {
  absl::Time time;
  std::string problem;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &problem)) return time;
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &time, &problem)) return time;
  return absl::InvalidArgumentError(absl::StrCat(
      "expected a moment like 2016-07-01T00:00:00Z or a date like 2016-07-01, got '", text, "'"));
}

absl::StatusOr<KeyRing> KeysFromArgs(Args& args) {
  const std::string path = args.TakeOr(
      "keys", EnvironmentOr("INKOOP_KEYS", ".run/inkoopd-signing-key.pem.pub"));
  absl::StatusOr<KeyRing> keys = KeyRing::Load(path);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--keys: ", keys.status().message(),
        " (the key file lists the engine's public keys; inkoopd writes its line to "
        "<signing key>.pub)"));
  }
  if (keys->empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--keys: ", path, " lists no key"));
  }
  return keys;
}

int RunReplay(const KafkaOptions& kafka, Args& args, bool json) {
  ReplayOptions options;
  options.kafka = kafka;
  options.region = args.TakeOr("region", "");
  const std::optional<std::string> db = args.Take("db");
  const std::optional<std::string> as_of = args.Take("as_of");
  const std::optional<std::string> to_sequence = args.Take("to_sequence");
  absl::StatusOr<KeyRing> keys = KeysFromArgs(args);
  if (!keys.ok()) return ExitFor(keys.status());
  options.keys = *std::move(keys);
  if (absl::Status rest = args.RequireAllTaken("replay"); !rest.ok()) return ExitFor(rest);
  if (!db.has_value()) {
    std::cerr << "inkoopctl: replay: --db DIR: expected a new directory for the replayed "
                 "database, got none\n";
    return 2;
  }
  std::error_code error;
  if (std::filesystem::exists(*db, error) && !std::filesystem::is_empty(*db, error)) {
    std::cerr << "inkoopctl: replay: --db " << *db
              << ": expected a new or empty directory, it holds files (a replay writes a fresh "
                 "database)\n";
    return 2;
  }
  if (as_of.has_value() && to_sequence.has_value()) {
    std::cerr << "inkoopctl: replay: expected --as-of or --to-sequence, got both\n";
    return 2;
  }
  if (as_of.has_value()) {
    absl::StatusOr<absl::Time> moment = ParseMoment(*as_of);
    if (!moment.ok()) return ExitFor(absl::InvalidArgumentError(
        absl::StrCat("--as-of: ", moment.status().message())));
    options.as_of = *moment;
  }
  if (to_sequence.has_value() &&
      (!absl::SimpleAtoi(*to_sequence, &options.to_sequence) || options.to_sequence == 0)) {
    std::cerr << "inkoopctl: --to-sequence: expected a sequence of 1 or more, got '"
              << *to_sequence << "'\n";
    return 2;
  }
  if (options.to_sequence > 0 && options.region.empty()) {
    std::cerr << "inkoopctl: --to-sequence: sequences are per region; expected --region too\n";
    return 2;
  }
  options.db_path = *db;
  options.progress = TerminalProgress();
  absl::StatusOr<ReplayResult> result = Replay(options);
  if (!result.ok()) return ExitFor(result.status());
  absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(*db);
  if (!reader.ok()) return ExitFor(reader.status());

  const double seconds = std::max(absl::ToDoubleSeconds(result->took), 1e-6);
  if (!json) {
    std::cout << absl::StrFormat("replayed %d records of %s in %.2f s (%.0f records/s) into %s\n",
                                 result->records, kafka.events_topic(), seconds,
                                 static_cast<double>(result->records) / seconds, *db);
  }
  std::string out = absl::StrCat("{\"records\":", result->records, ",\"applied\":",
                                 result->applied, ",\"regions\":[");
  bool first = true;
  for (const auto& [region, head] : result->heads) {
    if (!options.region.empty() && region != options.region) continue;
    absl::StatusOr<std::string> digest = (*reader)->Digest(region);
    if (!digest.ok()) return ExitFor(digest.status());
    if (json) {
      absl::StrAppend(&out, first ? "" : ",", "{\"region\":\"", absl::CEscape(region),
                      "\",\"sequence\":", head.sequence, ",\"last_event\":\"",
                      absl::CEscape(head.event_id), "\",\"hash\":\"", Hex(head.hash),
                      "\",\"digest\":\"", Hex(*digest), "\"}");
      first = false;
    } else {
      std::cout << "region " << region << ": last event " << head.event_id << " (hash "
                << Hex(head.hash).substr(0, 16) << "...), state digest " << Hex(*digest) << "\n";
    }
  }
  absl::StrAppend(&out, "],\"problems\":[");
  first = true;
  for (const ReplayProblem& problem : result->problems) {
    if (json) {
      absl::StrAppend(&out, first ? "" : ",", "{\"at\":\"", problem.where, "\",\"reason\":\"",
                      absl::CEscape(problem.reason), "\"}");
      first = false;
    } else {
      PrintProblem(problem);
    }
  }
  absl::StrAppend(&out, "]}");
  if (json) std::cout << out << "\n";
  if (!options.region.empty() && !result->heads.contains(options.region)) {
    std::cerr << "inkoopctl: replay: no event of region '" << options.region
              << "' was applied\n";
    return 1;
  }
  return result->problems.empty() ? 0 : 1;
}

int RunVerify(const KafkaOptions& kafka, const std::string& db, Args& args, bool json) {
  (void)json;
  const std::string region = args.TakeOr("region", "");
  const std::optional<std::string> checkpoints = args.Take("checkpoints");
  const std::string work = args.TakeOr("work", "");
  absl::StatusOr<KeyRing> keys = KeysFromArgs(args);
  if (!keys.ok()) return ExitFor(keys.status());
  if (absl::Status rest = args.RequireAllTaken("verify"); !rest.ok()) return ExitFor(rest);

  std::vector<std::string> checkpoint_lines;
  if (checkpoints.has_value()) {
    std::ifstream in(*checkpoints);
    if (!in) {
      std::cerr << "inkoopctl: --checkpoints " << *checkpoints << ": cannot be read\n";
      return 2;
    }
    for (std::string line; std::getline(in, line);) checkpoint_lines.push_back(line);
  }

  absl::StatusOr<std::string> temp = MakeTempDirectory(work);
  if (!temp.ok()) return ExitFor(temp.status());
  TempDirectory cleanup{*temp};
  const std::string replay_db = *temp + "/replay";
  int failures = 0;

  // 1. The live projection, if there is one: replay to its offsets and
  // compare the state digests.
  ReplayOptions options;
  options.kafka = kafka;
  options.keys = *keys;
  options.region = region;
  options.db_path = replay_db;
  options.progress = TerminalProgress();
  std::unique_ptr<ProjectionReader> live;
  std::error_code error;
  if (std::filesystem::exists(db, error)) {
    absl::StatusOr<std::unique_ptr<ProjectionReader>> opened = ProjectionReader::Open(db);
    if (!opened.ok()) return ExitFor(opened.status());
    live = std::move(*opened);
    // As many partitions as the projection may know of; absent ones read 0.
    absl::StatusOr<std::map<int32_t, int64_t>> offsets = live->Offsets(kafka.events_topic(), 256);
    if (!offsets.ok()) return ExitFor(offsets.status());
    options.until_offsets = *offsets;
  } else {
    std::cout << "live projection: none at " << db << ", digests not compared\n";
  }
  absl::StatusOr<ReplayResult> to_live = Replay(options);
  if (!to_live.ok()) return ExitFor(to_live.status());
  uint64_t records = to_live->records;
  std::vector<ReplayProblem> problems = to_live->problems;
  if (live != nullptr) {
    absl::StatusOr<std::unique_ptr<ProjectionReader>> replayed = ProjectionReader::Open(replay_db);
    if (!replayed.ok()) return ExitFor(replayed.status());
    absl::StatusOr<std::vector<std::string>> names = live->RegionNames();
    if (!names.ok()) return ExitFor(names.status());
    std::set<std::string> regions(names->begin(), names->end());
    for (const auto& [name, head] : to_live->heads) regions.insert(name);
    for (const std::string& name : regions) {
      if (!region.empty() && name != region) continue;
      absl::StatusOr<std::string> ours = (*replayed)->Digest(name);
      absl::StatusOr<std::string> theirs = live->Digest(name);
      if (!ours.ok()) return ExitFor(ours.status());
      if (!theirs.ok()) return ExitFor(theirs.status());
      if (*ours == *theirs) {
        std::cout << "digest " << name << ": " << Hex(*ours)
                  << " (replay equals the live projection)\n";
        continue;
      }
      ++failures;
      std::cout << "FAIL digest " << name << ": replay " << Hex(*ours) << ", live projection "
                << Hex(*theirs) << "\n";
      absl::StatusOr<std::optional<ProjectionReader::Difference>> difference =
          (*replayed)->FirstDifference(*live, name);
      if (difference.ok() && difference->has_value()) {
        const ProjectionReader::Difference& d = **difference;
        std::cout << "  first difference: " << d.family << " key " << d.key << "\n"
                  << "    replay: " << d.ours << "\n    live:   " << d.theirs << "\n";
      }
    }
  }

  // 2. The rest of the log, to its end: every signature and link.
  options.until_offsets.clear();
  absl::StatusOr<ReplayResult> to_end = Replay(options);
  if (!to_end.ok()) return ExitFor(to_end.status());
  records += to_end->records;
  // Events held at the live offsets may be vouched for later: only the
  // end's verdict on them counts.
  problems.erase(std::remove_if(problems.begin(), problems.end(),
                                [](const ReplayProblem& p) {
                                  return absl::StrContains(p.reason, "is not vouched for");
                                }),
                 problems.end());
  problems.insert(problems.end(), to_end->problems.begin(), to_end->problems.end());
  for (const ReplayProblem& problem : problems) PrintProblem(problem);
  failures += static_cast<int>(problems.size());
  std::cout << "chain and signatures: " << records << " records read, " << to_end->heads.size()
            << " region(s)";
  for (const auto& [name, head] : to_end->heads) {
    if (region.empty() || name == region) std::cout << ", " << head.event_id;
  }
  std::cout << (problems.empty() ? ", every event admitted\n" : "\n");

  // 3. Checkpoints kept outside: the log must still extend each of them.
  if (!checkpoint_lines.empty()) {
    absl::StatusOr<std::unique_ptr<ProjectionReader>> replayed = ProjectionReader::Open(replay_db);
    if (!replayed.ok()) return ExitFor(replayed.status());
    for (size_t i = 0; i < checkpoint_lines.size(); ++i) {
      const std::string& line = checkpoint_lines[i];
      if (line.empty() || line[0] == '#') continue;
      const std::string where = absl::StrCat(*checkpoints, ":", i + 1);
      absl::StatusOr<v1::SignedCheckpoint> checkpoint = ParseCheckpoint(line);
      if (!checkpoint.ok()) {
        ++failures;
        std::cout << "FAIL checkpoint " << where << ": " << checkpoint.status().message() << "\n";
        continue;
      }
      if (!region.empty() && checkpoint->region() != region) continue;
      const std::string name =
          absl::StrCat(checkpoint->region(), "/", checkpoint->sequence());
      if (absl::Status signed_ok = VerifyCheckpoint(*checkpoint, *keys); !signed_ok.ok()) {
        ++failures;
        std::cout << "FAIL checkpoint " << where << " (" << name << "): " << signed_ok.message()
                  << "\n";
        continue;
      }
      absl::StatusOr<std::optional<std::string>> held =
          (*replayed)->HashAt(checkpoint->region(), checkpoint->sequence());
      if (!held.ok()) return ExitFor(held.status());
      if (!held->has_value()) {
        ++failures;
        const auto head = to_end->heads.find(checkpoint->region());
        std::cout << "FAIL checkpoint " << where << " (" << name << "): the log holds no event "
                  << name << " (the region ends at sequence "
                  << (head == to_end->heads.end() ? 0 : head->second.sequence) << ")\n";
      } else if (**held != checkpoint->hash()) {
        ++failures;
        std::cout << "FAIL checkpoint " << where << " (" << name << "): the log holds hash "
                  << Hex(**held) << " at " << name << ", the checkpoint "
                  << Hex(checkpoint->hash()) << ": the history was rewritten\n";
      } else {
        std::cout << "checkpoint " << name << " (" << where << "): the log extends it\n";
      }
    }
  }
  std::cout << (failures == 0 ? "OK\n" : absl::StrCat("FAILED: ", failures, " problem(s)\n"));
  return failures == 0 ? 0 : 1;
}

int RunKeygen(Args& args) {
  const std::optional<std::string> out = args.Take("out");
  if (absl::Status rest = args.RequireAllTaken("keygen"); !rest.ok()) return ExitFor(rest);
  if (!out.has_value() || out->empty()) {
    std::cerr << "inkoopctl: keygen: --out FILE: expected where to write the private key, got "
                 "none\n";
    return 2;
  }
  bool created = false;
  absl::StatusOr<SigningKey> key = SigningKey::LoadOrCreate(*out, &created);
  if (!key.ok()) return ExitFor(key.status());
  std::cerr << (created ? "wrote " : "kept the existing key ") << *out << " and its key file line "
            << *out << ".pub\n";
  std::cout << key->KeyFileLine() << "\n";
  return 0;
}

int RunCheckpoint(const std::string& db, Args& args) {
  const std::optional<std::string> region = args.Take("region");
  if (absl::Status rest = args.RequireAllTaken("checkpoint"); !rest.ok()) return ExitFor(rest);
  absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
  if (!reader.ok()) return ExitFor(reader.status());
  std::string name = region.value_or(EnvironmentOr("INKOOP_REGION", ""));
  if (name.empty()) {
    absl::StatusOr<std::vector<std::string>> regions = (*reader)->RegionNames();
    if (!regions.ok()) return ExitFor(regions.status());
    if (regions->size() != 1) {
      std::cerr << "inkoopctl: checkpoint: --region: expected one of the projection's "
                << regions->size() << " regions, got none\n";
      return 2;
    }
    name = regions->front();
  }
  absl::StatusOr<std::optional<v1::SignedCheckpoint>> checkpoint = (*reader)->Checkpoint(name);
  if (!checkpoint.ok()) return ExitFor(checkpoint.status());
  if (!checkpoint->has_value()) {
    std::cerr << "inkoopctl: checkpoint: no signed event of region '" << name
              << "' in the projection at " << db << "\n";
    return 1;
  }
  std::cout << FormatCheckpoint(**checkpoint) << "\n";
  return 0;
}

namespace {

// The admitted chain of one region replayed in memory.
class StateChain : public ChainView {
 public:
  explicit StateChain(RegionState* state) : state_(state) {}
  absl::StatusOr<std::pair<uint64_t, std::string>> Head(const std::string& region) override {
    if (region != state_->region) return std::pair<uint64_t, std::string>(0, "");
    return std::pair<uint64_t, std::string>(state_->sequence.value(), state_->last_hash);
  }
  absl::StatusOr<std::optional<std::string>> HashAt(const std::string&, uint64_t) override {
    return std::optional<std::string>();
  }

 private:
  RegionState* state_;
};

}  // namespace

int RunAudit(const KafkaOptions& kafka, Args& args, bool json) {
  const std::vector<std::string>& words = args.positional();
  const std::string kind = words.size() > 0 ? words[0] : "";
  AuditSubject subject;
  if (kind == "contract") {
    subject.kind = AuditSubject::Kind::kContract;
  } else if (kind == "municipality") {
    subject.kind = AuditSubject::Kind::kMunicipality;
  } else if (kind == "provider") {
    subject.kind = AuditSubject::Kind::kProvider;
  } else {
    std::cerr << "inkoopctl: audit: expected contract C, municipality M [--year Y] or provider "
                 "P, got '"
              << kind << "'\n";
    return 2;
  }
  if (words.size() != 2 || words[1].empty()) {
    std::cerr << "inkoopctl: audit " << kind << ": expected one " << kind << " id, got "
              << (words.size() < 2 ? 0 : words.size() - 1) << "\n";
    return 2;
  }
  subject.id = words[1];
  const std::string region = args.TakeOr("region", EnvironmentOr("INKOOP_REGION", ""));
  const bool csv = args.TakeFlag("csv");
  if (const std::optional<std::string> year = args.Take("year"); year.has_value()) {
    if (subject.kind != AuditSubject::Kind::kMunicipality) {
      std::cerr << "inkoopctl: audit " << kind << ": --year is for municipalities only\n";
      return 2;
    }
    if (!absl::SimpleAtoi(*year, &subject.year) || subject.year < 1900 || subject.year > 9999) {
      std::cerr << "inkoopctl: --year: expected a year like 2016, got '" << *year << "'\n";
      return 2;
    }
  }
  absl::StatusOr<KeyRing> keys = KeysFromArgs(args);
  if (!keys.ok()) return ExitFor(keys.status());
  if (absl::Status rest = args.RequireAllTaken("audit"); !rest.ok()) return ExitFor(rest);
  if (region.empty()) {
    std::cerr << "inkoopctl: audit: --region: expected the region (or set INKOOP_REGION), got "
                 "none\n";
    return 2;
  }

  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> metadata = MakeMetadataClient(kafka);
  if (!metadata.ok()) return ExitFor(metadata.status());
  absl::StatusOr<int32_t> partitions =
      PartitionCount(**metadata, kafka.events_topic(), absl::Seconds(10));
  if (!partitions.ok()) return ExitFor(partitions.status());
  const int32_t partition = PartitionFor(region, *partitions);

  // Every admitted event of the region, in order, through the trail.
  RegionState state;
  state.region = region;
  StateChain chain(&state);
  Admission admission(*std::move(keys));
  AuditTrail trail(subject);
  std::vector<ReplayProblem> problems;
  std::vector<Decision> decisions;
  absl::Status read = ReadPartitionToEnd(
      kafka, kafka.events_topic(), partition, Offset(0),
      [&](const RdKafka::Message& message) -> absl::Status {
        if (MessageKey(message) != region) return absl::OkStatus();
        decisions.clear();
        const absl::Status offered = admission.Offer(
            RecordAt{kafka.events_topic(), partition, message.offset()},
            absl::string_view(static_cast<const char*>(message.payload()), message.len()), chain,
            decisions);
        if (!offered.ok()) return offered;
        for (const Decision& decision : decisions) {
          if (decision.verdict == Decision::Verdict::kPark) {
            problems.push_back(ReplayProblem{decision.arrival.at.ToString(), region, 0,
                                             decision.reason, decision.conflict});
          } else if (decision.verdict == Decision::Verdict::kAdmit &&
                     decision.arrival.read.event.region() == region) {
            const v1::Event& event = decision.arrival.read.event;
            absl::Status applied = trail.Apply(state, event);
            if (absl::IsDataLoss(applied)) applied = AdvanceChain(state, event);
            if (!applied.ok()) {
              problems.push_back(ReplayProblem{decision.arrival.at.ToString(), region,
                                               event.sequence(), std::string(applied.message()),
                                               false});
            }
          }
        }
        return absl::OkStatus();
      });
  if (!read.ok()) return ExitFor(read);
  for (const ReplayProblem& problem : problems) {
    std::cerr << "inkoopctl: audit: left out " << problem.where << ": " << problem.reason << "\n";
  }
  if (trail.rows().empty()) {
    std::cerr << "inkoopctl: audit: no event of region '" << region << "' touched " << kind
              << " '" << subject.id << "'"
              << (subject.year > 0 ? absl::StrCat(" in ", subject.year) : std::string()) << "\n";
    return 1;
  }
  std::cout << (json  ? FormatAuditJson(trail.rows())
                : csv ? FormatAuditCsv(trail.rows())
                      : FormatAuditTable(trail.rows()));
  return problems.empty() ? 0 : 1;
}

absl::StatusOr<std::string> AsOfDatabase(const KafkaOptions& kafka, const KeyRing& keys,
                                         const std::string& region, absl::Time as_of,
                                         const std::string& cache) {
  // The log only grows: a replay is reusable while the region's partition
  // has the same end.
  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> metadata = MakeMetadataClient(kafka);
  if (!metadata.ok()) return metadata.status();
  absl::StatusOr<int32_t> partitions =
      PartitionCount(**metadata, kafka.events_topic(), absl::Seconds(10));
  if (!partitions.ok()) return partitions.status();
  const int32_t partition = PartitionFor(region, *partitions);
  int64_t low = 0, high = 0;
  absl::Status ended = KafkaStatus(
      (*metadata)->query_watermark_offsets(kafka.events_topic(), partition, &low, &high, 10'000),
      "read the end of the events topic");
  if (!ended.ok()) return ended;
  const std::string name =
      Hex(Sha256(absl::StrCat(kafka.brokers, "\n", kafka.events_topic(), "\n", region, "\n",
                              absl::ToUnixNanos(as_of), "\n", high)))
          .substr(0, 24);
  const std::string path = absl::StrCat(cache, "/", name);
  std::error_code fs;
  if (std::filesystem::exists(path + "/complete", fs)) return path;
  std::filesystem::remove_all(path, fs);
  std::filesystem::create_directories(cache, fs);
  ReplayOptions options;
  options.kafka = kafka;
  options.keys = keys;
  options.region = region;
  options.as_of = as_of;
  options.db_path = path;
  options.progress = TerminalProgress();
  absl::StatusOr<ReplayResult> result = Replay(options);
  if (!result.ok()) return result.status();
  for (const ReplayProblem& problem : result->problems) {
    std::cerr << "inkoopctl: as-of replay: " << problem.where << ": " << problem.reason << "\n";
  }
  std::ofstream(path + "/complete") << "replayed\n";
  return path;
}

}  // namespace inkoop
