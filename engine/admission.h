// Admission: the one rule for what read from the events topic may enter
// Evolve, used by the engine's rebuild, the projector and replay alike.
//
// A record is admitted when it is a SealedEvent (engine/envelope.h) whose
// event continues its region's admitted chain (the next sequence, its
// previous_hash the hash of the region's last event) and which is vouched for
// by a signature a trusted key made (engine/signing.h). The engine signs the
// last event of each region in each transaction (and at least every
// `max_unsigned_run` events), so the events before a signed one are held
// until the signed one arrives and its chain walks back through them to the
// region's head; then all of them are admitted in order. Events held that
// are not on that chain are conflicts: someone else wrote them.
//
// What is not admitted is decided as:
//   duplicate  the same event (same sequence, same hash) again: skipped;
//   park       undecodable, a bad signature, a broken link, or a conflict
//              (another event at a sequence the region holds, or one held
//              beside the signed chain): the caller parks it with the reason,
//              logs conflicts as errors and counts them.
//
// Held events are the caller's to persist with its offsets (Stage), so that a
// restart between a held event and its signature loses nothing.
#ifndef INKOOP_ENGINE_ADMISSION_H_
#define INKOOP_ENGINE_ADMISSION_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/envelope.h"
#include "engine/signing.h"

namespace inkoop {

struct RecordAt {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string ToString() const;
};

struct Arrival {
  RecordAt at;
  std::string value;  // the record as read
  ReadEvent read;     // set unless the record could not be decoded
};

struct Decision {
  enum class Verdict { kAdmit, kDuplicate, kPark };
  Verdict verdict;
  Arrival arrival;
  std::string reason;     // kPark: why
  bool conflict = false;  // kPark: a conflict
};

// What the caller has admitted so far.
class ChainView {
 public:
  virtual ~ChainView() = default;
  // The region's last admitted sequence (0 when none) and its hash.
  virtual absl::StatusOr<std::pair<uint64_t, std::string>> Head(const std::string& region) = 0;
  // The hash admitted at `sequence` (below the head); nullopt when not kept.
  virtual absl::StatusOr<std::optional<std::string>> HashAt(const std::string& region,
                                                            uint64_t sequence) = 0;
};

struct AdmissionLimits {
  // The engine signs at least every this many events of a region: an
  // unsigned event further than this beyond the head cannot be the engine's.
  uint64_t max_unsigned_run = 1024;
  // Most events held per region (a writer flooding the topic is parked).
  size_t max_held_per_region = 8192;
};

class Admission {
 public:
  explicit Admission(KeyRing keys, AdmissionLimits limits = AdmissionLimits());

  // Decides the record `value` read at `at`; appends what it decided now to
  // `out` (admitted events in sequence order; nothing while it is held).
  // Errors only when `chain` cannot be read.
  absl::Status Offer(const RecordAt& at, absl::string_view value, ChainView& chain,
                     std::vector<Decision>& out);

  // Puts back an event held before a restart (value as Stage wrote it).
  absl::Status Restore(absl::string_view stored);

  // Writes what changed among the held events since the last Stage: `put`
  // (key, value) for new ones, `remove` (key) for those decided since.
  void Stage(const std::function<void(const std::string&, const std::string&)>& put,
             const std::function<void(const std::string&)>& remove);
  // Forgets what was offered since the last Stage (an aborted batch).
  // Callers that abort reread the log from their last stored offsets.
  void Reset();

  size_t held() const { return held_count_; }
  // Signatures checked and found good since construction.
  uint64_t signatures_verified() const { return signatures_verified_; }
  // Every event held, by region and sequence.
  std::vector<const Arrival*> Held() const;
  const KeyRing& keys() const { return keys_; }

 private:
  struct Region {
    absl::flat_hash_map<std::string, Arrival> by_hash;
  };
  static std::string HeldKey(const std::string& region, const std::string& hash);
  // Why `event` does not continue the region (head and held events); empty
  // when it does.
  std::string BrokenLink(const v1::Event& event, const Region& region, uint64_t head,
                         const std::string& head_hash) const;
  void Hold(Arrival arrival);
  void Drop(const std::string& region, const std::string& hash);

  KeyRing keys_;
  AdmissionLimits limits_;
  absl::flat_hash_map<std::string, Region> regions_;
  size_t held_count_ = 0;
  uint64_t signatures_verified_ = 0;
  absl::flat_hash_set<std::string> dirty_;   // held keys changed since Stage
  absl::flat_hash_set<std::string> stored_;  // held keys the caller stored
};

}  // namespace inkoop

#endif  // INKOOP_ENGINE_ADMISSION_H_
