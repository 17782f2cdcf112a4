// The projection database: region states, read models and the consumed
// event offsets, kept in one RocksDB so that a batch of events, the views it
// changes and the offsets it consumed are written in one WriteBatch. After a
// crash the projection resumes from the stored offsets and applies nothing
// twice.
//
// An event that cannot be decoded or applied is parked (column family
// "parked", with the reason and the raw bytes) and the projection goes on.
// Events arriving again below a region's sequence are skipped and counted.
//
// Single writer; not thread-safe. Readers open the database separately
// (ProjectionReader).
#ifndef INKOOP_PROJECTIONS_PROJECTION_H_
#define INKOOP_PROJECTIONS_PROJECTION_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/domain/ids.h"
#include "engine/domain/state.h"
#include "projections/views.h"

namespace inkoop {

struct ProjectionCounters {
  uint64_t applied = 0;
  uint64_t parked = 0;
  uint64_t skipped_duplicates = 0;
  uint64_t commits = 0;
};

class Projection {
 public:
  // Opens (creating when missing) the database at `path`.
  static absl::StatusOr<std::unique_ptr<Projection>> Open(const std::string& path);
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

  // The state of `region` as committed-or-applied so far (empty if unknown).
  absl::StatusOr<const RegionState*> Region(const std::string& region);

  // Counts of this process since Open. Totals over the database's life are
  // stored as metrics "applied", "parked", "skipped_duplicates".
  const ProjectionCounters& counters() const { return counters_; }
  rocksdb::DB* db() { return db_.get(); }

 private:
  Projection() = default;
  absl::StatusOr<RegionState*> LoadRegion(const std::string& region);
  template <typename Records>
  void PutRecords(const Records& records, const absl::btree_set<std::string>& ids,
                  rocksdb::ColumnFamilyHandle* family);
  void Park(const std::string& topic, int32_t partition, Offset offset, absl::string_view value,
            absl::string_view reason, const std::string& region, uint64_t sequence);

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* regions_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* budgets_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* parked_cf_ = nullptr;

  absl::flat_hash_map<std::string, RegionState> regions_;
  // Pending since the last Commit.
  rocksdb::WriteBatch batch_;
  absl::flat_hash_map<std::string, TouchedViews> touched_;
  std::map<std::pair<std::string, int32_t>, int64_t> next_offsets_;
  ProjectionCounters counters_;  // this process
  ProjectionCounters stored_;    // stored totals when opened
};

// Column families every projection database has (default first).
std::vector<std::string> ProjectionFamilies();

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_PROJECTION_H_
