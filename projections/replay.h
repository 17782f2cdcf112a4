// Replay for auditors: reads the events topic from the start (read_committed)
// and applies it into a fresh projection database with the same Admission and
// Evolve as the projector, optionally stopping at a moment or a sequence.
// Also: signed checkpoints, the lines auditors keep outside the system to
// prove later that the log still extends what they saw.
#ifndef INKOOP_PROJECTIONS_REPLAY_H_
#define INKOOP_PROJECTIONS_REPLAY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/kafka/kafka.h"
#include "engine/signing.h"
#include "inkoop/v1/views.pb.h"

namespace inkoop {

struct ReplayProgress {
  uint64_t records = 0;  // read so far
  uint64_t total = 0;    // to read (from the partitions' offsets)
  absl::Duration elapsed;
};

struct ReplayOptions {
  KafkaOptions kafka;
  // A new or earlier replay's database: reading resumes at its offsets.
  std::string db_path;
  KeyRing keys;
  // Only this region (its partition, records keyed by it); empty = all.
  std::string region;
  // Each region stops after its last event at or before these: a sequence
  // (0 = no limit) and a moment, by when the events happened (occurred_at).
  uint64_t to_sequence = 0;
  std::optional<absl::Time> as_of;
  // Per partition, read only offsets below these; absent = to the end.
  std::map<int32_t, int64_t> until_offsets;
  // Called about five times a second while reading, and once at the end.
  std::function<void(const ReplayProgress&)> progress;
};

struct ReplayProblem {
  std::string where;  // topic/partition@offset
  std::string region;
  uint64_t sequence = 0;
  std::string reason;
  bool conflict = false;
};

struct RegionHead {
  uint64_t sequence = 0;
  std::string hash;
  std::string event_id;
  std::string occurred_at;  // RFC 3339
};

struct ReplayResult {
  uint64_t records = 0;  // read this run
  uint64_t applied = 0;  // applied this run
  uint64_t signatures = 0;  // verified this run
  // What was parked, in reading order; then what stays held at the end, never
  // vouched for by a signature.
  std::vector<ReplayProblem> problems;
  std::map<std::string, RegionHead> heads;  // every region in the database
  absl::Duration took;
};

absl::StatusOr<ReplayResult> Replay(const ReplayOptions& options);

// A signed checkpoint of a region's chain (engine/signing.h), as one line:
//   inkoop-checkpoint region=R sequence=N hash=HEX time=RFC3339 key=ID signature=HEX
std::string FormatCheckpoint(const v1::SignedCheckpoint& checkpoint);
absl::StatusOr<v1::SignedCheckpoint> ParseCheckpoint(absl::string_view line);
// OK when a key of `keys` signed the checkpoint for its region and sequence.
absl::Status VerifyCheckpoint(const v1::SignedCheckpoint& checkpoint, const KeyRing& keys);

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_REPLAY_H_
