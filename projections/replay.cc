#include "projections/replay.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "engine/domain/dates.h"
#include "engine/envelope.h"
#include "engine/kafka/partition_reader.h"
#include "engine/log.h"
#include "engine/status_macros.h"
#include "projections/projection.h"
#include "projections/reader.h"

namespace inkoop {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}


}  // namespace

absl::StatusOr<ReplayResult> Replay(const ReplayOptions& options) {
  const absl::Time started = absl::Now();
  ReplayResult result;
  ProjectionOptions projection_options;
  projection_options.keys = options.keys;
  // A replay interrupted is made again, never resumed after a crash.
  projection_options.disable_wal = true;
  projection_options.on_park = [&](const v1::ParkedEvent& parked, bool conflict) {
    result.problems.push_back(ReplayProblem{
        absl::StrCat(parked.topic(), "/", parked.partition(), "@", parked.offset()),
        parked.region(), parked.sequence(), parked.reason(), conflict});
  };
  if (options.to_sequence > 0 || options.as_of.has_value()) {
    projection_options.beyond_end = [&](const v1::Event& event) {
      if (options.to_sequence > 0 && event.sequence() > options.to_sequence) return true;
      return options.as_of.has_value() && TimeOf(event.occurred_at()) > *options.as_of;
    };
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Projection> projection,
                   Projection::Open(options.db_path, projection_options));

  // Which partitions, from where to where.
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Producer> metadata, MakeMetadataClient(options.kafka));
  const std::string topic = options.kafka.events_topic();
  ASSIGN_OR_RETURN(int32_t partitions, PartitionCount(*metadata, topic, absl::Seconds(10)));
  std::vector<int32_t> read;
  if (!options.region.empty()) {
    read.push_back(PartitionFor(options.region, partitions));
  } else {
    for (int32_t p = 0; p < partitions; ++p) read.push_back(p);
  }
  std::map<int32_t, std::pair<int64_t, int64_t>> ranges;  // from, to
  ReplayProgress progress;
  for (int32_t p : read) {
    ASSIGN_OR_RETURN(Offset from, projection->ResumeOffset(topic, p));
    int64_t low = 0, high = 0;
    RETURN_IF_ERROR(KafkaStatus(metadata->query_watermark_offsets(topic, p, &low, &high, 10'000),
                                absl::StrCat("read the end of ", topic, "/", p)));
    if (auto until = options.until_offsets.find(p); until != options.until_offsets.end()) {
      high = std::min(high, until->second);
    }
    ranges[p] = {from.value(), high};
    if (high > from.value()) progress.total += static_cast<uint64_t>(high - from.value());
  }

  absl::Time last_progress = absl::Now();
  auto report = [&](bool force) {
    if (!options.progress) return;
    const absl::Time now = absl::Now();
    if (!force && now - last_progress < absl::Milliseconds(200)) return;
    last_progress = now;
    progress.elapsed = now - started;
    options.progress(progress);
  };
  const absl::Status stop = absl::CancelledError("replay: reached the end asked for");
  int since_commit = 0;
  for (const auto& [p, range] : ranges) {
    const auto [from, to] = range;
    if (from >= to) continue;
    absl::Status status = ReadPartitionToEnd(
        options.kafka, topic, p, Offset(from), [&](const RdKafka::Message& message) -> absl::Status {
          if (message.offset() >= to) return stop;
          ++result.records;
          ++progress.records;
          const absl::string_view value(static_cast<const char*>(message.payload()), message.len());
          if (!options.region.empty()) {
            if (MessageKey(message) != options.region) return absl::OkStatus();
            if (projection->Ended(options.region)) return stop;
          }
          const absl::Status applied = projection->Apply(topic, p, Offset(message.offset()), value);
          if (!applied.ok()) return applied;
          if (++since_commit >= 20000) {
            since_commit = 0;
            const absl::Status committed = projection->Commit();
            if (!committed.ok()) return committed;
          }
          report(false);
          if (message.offset() + 1 >= to) return stop;
          return absl::OkStatus();
        });
    if (!status.ok() && status != stop) return status;
  }
  RETURN_IF_ERROR(projection->Commit());
  result.applied = projection->counters().applied;
  result.signatures = projection->admission().signatures_verified();
  for (const Arrival* held : projection->admission().Held()) {
    result.problems.push_back(ReplayProblem{
        held->at.ToString(), held->read.event.region(), held->read.event.sequence(),
        absl::StrCat("event ", held->read.event.region(), "/", held->read.event.sequence(),
                     " is not vouched for by any signature up to the end read (unsigned, and no "
                     "signed event after it chains back to it)"),
        false});
  }
  report(true);
  projection.reset();

  ASSIGN_OR_RETURN(std::unique_ptr<ProjectionReader> reader, ProjectionReader::Open(options.db_path));
  ASSIGN_OR_RETURN(std::vector<std::string> regions, reader->RegionNames());
  for (const std::string& region : regions) {
    ASSIGN_OR_RETURN(std::optional<RegionState> state, reader->Region(region));
    if (!state.has_value()) continue;
    RegionHead head;
    head.sequence = state->sequence.value();
    head.hash = state->last_hash;
    head.event_id = absl::StrCat(region, "/", head.sequence);
    result.heads[region] = head;
  }
  result.took = absl::Now() - started;
  return result;
}

std::string FormatCheckpoint(const v1::SignedCheckpoint& checkpoint) {
  return absl::StrCat("inkoop-checkpoint region=", checkpoint.region(),
                      " sequence=", checkpoint.sequence(),
                      " hash=", absl::BytesToHexString(checkpoint.hash()),
                      " time=", FormatTimestamp(checkpoint.recorded_at()), " key=", checkpoint.key_id(),
                      " signature=", absl::BytesToHexString(checkpoint.signature()));
}

absl::StatusOr<v1::SignedCheckpoint> ParseCheckpoint(absl::string_view line) {
  std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipWhitespace());
  if (words.empty() || words[0] != "inkoop-checkpoint") {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a line starting 'inkoop-checkpoint', got '", line.substr(0, 40), "'"));
  }
  std::map<std::string, std::string> fields;
  for (size_t i = 1; i < words.size(); ++i) {
    std::pair<std::string, std::string> field = absl::StrSplit(words[i], absl::MaxSplits('=', 1));
    fields[field.first] = field.second;
  }
  for (const char* name : {"region", "sequence", "hash", "time", "key", "signature"}) {
    if (!fields.contains(name)) {
      return absl::InvalidArgumentError(absl::StrCat("checkpoint: ", name, "= missing"));
    }
  }
  v1::SignedCheckpoint checkpoint;
  checkpoint.set_region(fields["region"]);
  uint64_t sequence = 0;
  if (!absl::SimpleAtoi(fields["sequence"], &sequence) || sequence == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint: sequence: expected 1 or more, got '", fields["sequence"], "'"));
  }
  checkpoint.set_sequence(sequence);
  checkpoint.set_hash(absl::HexStringToBytes(fields["hash"]));
  if (checkpoint.hash().size() != 32) {
    return absl::InvalidArgumentError("checkpoint: hash: expected 64 hex digits");
  }
  absl::Time time;
  std::string problem;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", fields["time"], &time, &problem)) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: time: expected RFC 3339 in UTC, got '", fields["time"], "'"));
  }
  const int64_t nanos = absl::ToUnixNanos(time);
  checkpoint.mutable_recorded_at()->set_seconds(nanos >= 0 ? nanos / 1'000'000'000
                                                           : (nanos - 999'999'999) / 1'000'000'000);
  checkpoint.mutable_recorded_at()->set_nanos(
      static_cast<int32_t>(nanos - checkpoint.recorded_at().seconds() * 1'000'000'000));
  checkpoint.set_key_id(fields["key"]);
  checkpoint.set_signature(absl::HexStringToBytes(fields["signature"]));
  return checkpoint;
}

absl::Status VerifyCheckpoint(const v1::SignedCheckpoint& checkpoint, const KeyRing& keys) {
  return keys.Verify(checkpoint.key_id(), checkpoint.region(), checkpoint.sequence(),
                     ChainStatement(checkpoint.region(), checkpoint.sequence(), checkpoint.hash(),
                                    checkpoint.recorded_at()),
                     checkpoint.signature());
}

}  // namespace inkoop
