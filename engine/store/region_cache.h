// RegionCache: the region states a process works on, in memory, in front of
// a StateStore. It is the overlay of a batch: states change in memory as
// commands are decided or events applied; Stage() puts what changed into one
// StoreBatch (with whatever else the caller adds, such as offsets); after the
// batch is written, Written() marks it clean and trims the cache to its
// budget; Discard() instead forgets the batch's changes (an aborted Kafka
// transaction), so the touched regions are read again from the store.
//
// Before deciding a command or applying an event the caller calls Prefetch,
// which loads the entities it names that stay on disk (claims): Decide and
// Evolve then find in the state everything they read, and stay pure.
//
// Without a store (nullptr) everything stays in memory and nothing is
// discarded: for unit tests and in-memory replays.
//
// Not thread-safe.
#ifndef INKOOP_ENGINE_STORE_REGION_CACHE_H_
#define INKOOP_ENGINE_STORE_REGION_CACHE_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "engine/store/state_store.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"
#include "inkoop/v1/results.pb.h"

namespace inkoop {

class RegionCache {
 public:
  // Memory of one cached claim, indicator or result (record, its strings,
  // key, tree nodes), for the budget: measured as the engine's and the
  // projector's resident growth per cached claim of the region-year profile
  // (about 550 bytes), rounded up.
  static constexpr size_t kHistoryEntryBytes = 640;

  // `store` may be null; it must outlive the cache. `budget_bytes` bounds
  // what is kept of claims and indicators after a batch is written.
  RegionCache(StateStore* store, size_t budget_bytes);

  // The state of `region`, loaded from the store on first use (an empty
  // state when unknown). The pointer stays valid until Discard() or
  // Written() evicts the region.
  absl::StatusOr<RegionState*> Region(const std::string& region);

  // Loads what `command` / `event` will read that is not resident.
  absl::Status Prefetch(RegionState& state, const v1::Command& command);
  absl::Status Prefetch(RegionState& state, const v1::Event& event);

  // The first result of `command_id` in `region`, from this batch, the
  // memory or the store.
  absl::StatusOr<std::optional<v1::CommandResult>> Result(const std::string& region,
                                                          const std::string& command_id);
  // Remembers a first result (a later one for the same id is ignored).
  void RememberResult(const v1::CommandResult& result);

  // Puts what changed since the last Stage into `batch`.
  void Stage(StoreBatch& batch);
  // `batch` from Stage was written: trims the cache to its budget.
  void Written();
  // What changed since the last Written() was not stored: forget it.
  void Discard();

  // Regions in memory now (all regions seen, without a store).
  const absl::flat_hash_map<std::string, RegionState>& regions() const { return regions_; }
  // Results in memory: all of them without a store, this batch's with one.
  size_t results_held() const { return results_.size(); }
  // Claims, indicators and results held in memory, estimated.
  size_t history_bytes() const;
  StateStore* store() const { return store_; }

 private:
  StateStore* store_;
  size_t budget_bytes_;
  absl::flat_hash_map<std::string, RegionState> regions_;
  absl::flat_hash_set<std::string> touched_;  // regions changed since the last Stage
  // Key: region + '\0' + command id. With a store: this batch's results
  // only; without: all of them.
  absl::flat_hash_map<std::string, v1::CommandResult> results_;
};

}  // namespace inkoop

#endif  // INKOOP_ENGINE_STORE_REGION_CACHE_H_
