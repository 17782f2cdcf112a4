// The projection database: the region states (one key per entity, in the
// state store), the budget views and the consumed event offsets, kept in one
// RocksDB so that a batch of events, the entities and views it changed and
// the offsets it consumed are written in one WriteBatch. A batch writes what
// it changed and nothing else, so its cost does not grow with the history.
// After a crash the projection resumes from the stored offsets and applies
// nothing twice.
//
// What is applied is decided by Admission (engine/admission.h): signed,
// chained, in sequence; events waiting for their signature are held in the
// meta family ("held\0" keys) with the offsets, so a restart loses none.
// An event that cannot be decoded or applied is parked (column family
// "parked", with the reason and the raw bytes) and the projection goes on.
// The hash of every applied event is kept by sequence (family "chain"), so an
// event arriving at a sequence the region already holds is told apart: the
// same hash is a duplicate delivery, skipped and counted; another hash is a
// conflict, parked with both hashes, counted ("conflicts") and logged as an
// error, never taken for a duplicate. The latest signed event of each region
// is kept as its signed checkpoint (meta family, "checkpoint\0" keys).
//
// A database of another layout (an older build) is recreated empty and
// rebuilt from offset 0, with the reason logged.
//
// Single writer; not thread-safe. Readers open the database separately
// (ProjectionReader).
#ifndef INKOOP_PROJECTIONS_PROJECTION_H_
#define INKOOP_PROJECTIONS_PROJECTION_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <functional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "engine/admission.h"
#include "engine/domain/ids.h"
#include "engine/domain/state.h"
#include "engine/store/region_cache.h"
#include "engine/store/state_store.h"
#include "inkoop/v1/views.pb.h"

namespace inkoop {

struct ProjectionCounters {
  uint64_t applied = 0;
  uint64_t parked = 0;
  uint64_t skipped_duplicates = 0;
  uint64_t conflicts = 0;  // parked too
  uint64_t commits = 0;
};

struct ProjectionOptions {
  // The keys trusted to sign the log; with none, nothing is admitted.
  KeyRing keys;
  // What is kept in memory of claims and indicators between batches.
  size_t cache_bytes = 256u << 20;
  bool sync = false;         // see StoreOptions::sync
  bool disable_wal = false;  // see StoreOptions::disable_wal
  // Replay: called for every event parked, after it is added to the batch.
  std::function<void(const v1::ParkedEvent&, bool conflict)> on_park;
  // Replay: once an admitted event of a region makes this true, that event
  // and all later ones of its region are left out (the region has ended).
  std::function<bool(const v1::Event&)> beyond_end;
};

class Projection {
 public:
  // Opens (creating when missing) the database at `path`.
  static absl::StatusOr<std::unique_ptr<Projection>> Open(
      const std::string& path, const ProjectionOptions& options = ProjectionOptions());
  ~Projection();

  // Where reading `topic`/`partition` resumes: the offset after the last one
  // committed, or 0.
  absl::StatusOr<Offset> ResumeOffset(const std::string& topic, int32_t partition);

  // Applies the message at `offset`. Returns an error only when storage
  // fails; bad events are parked.
  absl::Status Apply(const std::string& topic, int32_t partition, Offset offset,
                     absl::string_view value);

  // Writes what was applied since the last Commit and the offsets consumed,
  // atomically. No-op when nothing was applied.
  absl::Status Commit();

  // The state of `region` as committed-or-applied so far (empty if unknown);
  // claims and indicators only as far as they are cached.
  absl::StatusOr<const RegionState*> Region(const std::string& region);

  // Counts of this process since Open. Totals over the database's life are
  // stored as metrics "applied", "parked", "skipped_duplicates", "conflicts" and
  // "bytes_written" (key and value bytes of all batches).
  const ProjectionCounters& counters() const { return counters_; }
  StateStore& store() { return *store_; }
  // Why the database was recreated at Open; empty when it was not.
  const std::string& recreated_because() const { return store_->recreated_because(); }
  // Whether `beyond_end` ended `region`.
  bool Ended(const std::string& region) const { return ended_.contains(region); }
  // Events read that wait for a signed event to vouch for them.
  const Admission& admission() const { return *admission_; }

 private:
  Projection() = default;
  void Park(const std::string& topic, int32_t partition, Offset offset, absl::string_view value,
            absl::string_view reason, const std::string& region, uint64_t sequence);
  // The hash of the event applied at `sequence` of `region`, this batch's
  // included; nullopt when none is known.
  absl::StatusOr<std::optional<std::string>> HeldHash(const RegionState& state, uint64_t sequence);
  void KeepHash(const v1::Event& event);
  absl::Status Admit(const Decision& decision);
  // Adds to the batch the contract index entries (keys.h) of the contracts
  // of `state` changed since the last batch.
  absl::Status StageContractIndex(const RegionState& state);
  class Chain;

  std::unique_ptr<Admission> admission_;
  std::unique_ptr<Chain> chain_view_;
  std::unique_ptr<StateStore> store_;
  std::unique_ptr<RegionCache> cache_;
  // Pending since the last Commit.
  std::unique_ptr<StoreBatch> batch_;
  // Regions whose every budget view is rewritten (the framework changed).
  absl::flat_hash_map<std::string, bool> all_budgets_;
  std::map<std::pair<std::string, int32_t>, int64_t> next_offsets_;
  // ChainKey -> hash of the events applied since the last Commit.
  absl::flat_hash_map<std::string, std::string> chain_;
  ProjectionOptions options_;
  absl::flat_hash_set<std::string> ended_;
  ProjectionCounters counters_;  // this process
  ProjectionCounters stored_;    // stored totals when opened
  uint64_t stored_bytes_written_ = 0;
};

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_PROJECTION_H_
