// StateStore: region state in RocksDB, one key per entity (keys.h), with the
// consumed Kafka offsets beside it, so that what a batch changed and the
// offsets it consumed go into one WriteBatch. Engine and projector both keep
// their state here; neither ever writes a whole region at once.
//
// What is loaded when:
//   LoadRegion      the parts of a region that decisions range over: header,
//                   framework, budgets, providers, tenders, contracts, cases,
//                   purchase orders. Their size follows the region's
//                   structure (municipalities, lots, providers, contracts),
//                   not the number of events.
//   LoadClaim       one claim (LoadAssignment: one assignment), on demand:
//                   claims, assignments and indicators grow with
//                   history and stay on disk (RegionCache loads the ones a
//                   command or event names).
//   LoadWholeRegion everything, for readers, audits and tests.
//
// A database written by another layout, or one RocksDB reports corrupt, is
// destroyed and created anew when StoreOptions::recreate_if_unusable is set
// (the caller then rebuilds from the log; recreated_because() says why);
// otherwise Open fails with the reason.
//
// RocksDB stays behind this interface. One writer per database; a
// secondary instance (StoreOptions::secondary_path) follows a writer and
// only reads. Not thread-safe for writes; reads of a secondary are.
#ifndef INKOOP_ENGINE_STORE_STATE_STORE_H_
#define INKOOP_ENGINE_STORE_STATE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/domain/state.h"
#include "engine/store/keys.h"
#include "inkoop/v1/results.pb.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace inkoop {

// Column families every store has; a caller's own (read models) follow in
// the order of StoreOptions::extra_families.
inline constexpr int kMetaFamily = 0;   // "default": offsets, metrics, layout
inline constexpr int kStateFamily = 1;  // "state": entities
inline constexpr int kFirstExtraFamily = 2;

struct StoreOptions {
  std::string path;
  std::vector<std::string> extra_families;
  // fsync every write. Off by default: the WAL survives a killed process,
  // and after a power loss RocksDB recovers a consistent prefix of batches,
  // whose offsets say where to read the log again.
  bool sync = false;
  // No write-ahead log: for a database that is rebuilt from the log when a
  // crash leaves it behind (a replay). RocksDB flushes it at close.
  bool disable_wal = false;
  size_t block_cache_bytes = 32u << 20;
  size_t write_buffer_bytes = 16u << 20;  // per column family, two at most
  bool recreate_if_unusable = false;
  // Set: open read-only as a secondary instance following the writer of
  // `path`, keeping its own files here.
  std::string secondary_path;
};

class StateStore;

// Writes collected for one atomic StateStore::Write to `store`.
class StoreBatch {
 public:
  explicit StoreBatch(StateStore& store);
  ~StoreBatch();
  StoreBatch(const StoreBatch&) = delete;
  StoreBatch& operator=(const StoreBatch&) = delete;

  void Put(int family, absl::string_view key, absl::string_view value);
  void Delete(int family, absl::string_view key);
  void Clear();
  bool empty() const { return count_ == 0; }
  size_t count() const { return count_; }
  // Key and value bytes put so far.
  size_t bytes() const { return bytes_; }

 private:
  friend class StateStore;
  StateStore& store_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
  size_t count_ = 0;
  size_t bytes_ = 0;
};

class StateStore {
 public:
  static absl::StatusOr<std::unique_ptr<StateStore>> Open(const StoreOptions& options);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Why Open destroyed and recreated the database; empty when it did not.
  const std::string& recreated_because() const { return recreated_because_; }

  // The region's resident parts (see above); an empty state named `region`
  // when the store has nothing of it. kDataLoss names an undecodable key.
  absl::StatusOr<RegionState> LoadRegion(const std::string& region);
  absl::StatusOr<RegionState> LoadWholeRegion(const std::string& region);
  // Puts the stored claim `claim_id` into state.claims, unless it is there.
  absl::Status LoadClaim(RegionState& state, const std::string& claim_id);
  // Puts the stored assignment into state.assignments, unless it is there.
  absl::Status LoadAssignment(RegionState& state, const std::string& assignment_id);
  // Puts the stored placement request into state.placements (the open ones
  // are there from LoadRegion; a placed one is loaded when named).
  absl::Status LoadPlacement(RegionState& state, const std::string& placement_id);
  absl::StatusOr<std::optional<v1::CommandResult>> LoadResult(absl::string_view region,
                                                              absl::string_view command_id);
  // Every region with a header, in key order.
  absl::StatusOr<std::vector<std::string>> Regions();

  // Adds to `batch` every entity of `state` changed since it was loaded or
  // last staged, the header, and the framework when it changed; marks the
  // state clean.
  void StageRegion(RegionState& state, StoreBatch& batch);
  void StageResult(const v1::CommandResult& result, StoreBatch& batch);

  absl::StatusOr<std::optional<std::string>> Get(int family, absl::string_view key);
  // Calls `visit` for every key of `family` that starts with `prefix`, in key
  // order, until it returns an error.
  absl::Status Scan(int family, absl::string_view prefix,
                    const std::function<absl::Status(absl::string_view key,
                                                     absl::string_view value)>& visit);
  // Like Scan, from the first key after `after` (or from `prefix` when
  // `after` is empty) for as long as `visit` returns true.
  absl::Status ScanAfter(int family, absl::string_view prefix, absl::string_view after,
                         const std::function<absl::StatusOr<bool>(absl::string_view key,
                                                                  absl::string_view value)>& visit);
  // Writes `batch` atomically and clears it. On failure nothing of it is
  // stored; the caller must drop what it cached (RegionCache::Discard).
  absl::Status Write(StoreBatch& batch);
  // Secondary instances: catch up with the writer.
  absl::Status CatchUp();

  // Totals of this process: key and value bytes written, batches written.
  uint64_t bytes_written() const { return bytes_written_; }
  uint64_t batches_written() const { return batches_written_; }
  // RocksDB's own estimate of its memory (memtables, block cache, readers).
  uint64_t MemoryUsage();
  // A RocksDB integer property summed over the column families
  // ("rocksdb.estimate-num-keys", "rocksdb.live-sst-files-size", ...);
  // nullopt when RocksDB does not know it.
  std::optional<uint64_t> IntProperty(const std::string& name);

 private:
  friend class StoreBatch;
  StateStore() = default;
  absl::Status OpenDatabase(const StoreOptions& options);
  absl::Status LoadKinds(RegionState& state, bool whole);

  StoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::string recreated_because_;
  // Serialized framework as stored, per region: written again only when it
  // changes.
  absl::flat_hash_map<std::string, std::string> stored_frameworks_;
  uint64_t bytes_written_ = 0;
  uint64_t batches_written_ = 0;
};

}  // namespace inkoop

#endif  // INKOOP_ENGINE_STORE_STATE_STORE_H_
