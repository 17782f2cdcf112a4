// Read access to a projection database while inkoop-projector writes it:
// opens it as a RocksDB secondary instance and catches up with the writer
// once at open (and on CatchUp()).
//
// Thread-safe for concurrent reads.
#ifndef INKOOP_PROJECTIONS_READER_H_
#define INKOOP_PROJECTIONS_READER_H_

#include <rocksdb/db.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "inkoop/v1/snapshot.pb.h"
#include "inkoop/v1/views.pb.h"

namespace inkoop {

class ProjectionReader {
 public:
  // kNotFound when no projection database exists at `path`.
  static absl::StatusOr<std::unique_ptr<ProjectionReader>> Open(const std::string& path);
  ~ProjectionReader();

  absl::Status CatchUp();

  absl::StatusOr<std::optional<v1::BudgetView>> Budget(const std::string& municipality,
                                                       int32_t year);
  // All years of `municipality`, oldest first.
  absl::StatusOr<std::vector<v1::BudgetView>> Budgets(const std::string& municipality);
  absl::StatusOr<std::vector<v1::ParkedEvent>> Parked();
  // Next offset to read per partition of `topic`.
  absl::StatusOr<std::map<int32_t, int64_t>> Offsets(const std::string& topic, int32_t partitions);
  absl::StatusOr<std::optional<RegionState>> Region(const std::string& region);
  absl::StatusOr<std::vector<std::string>> RegionNames();
  // Every record of an entity kind, in id order.
  absl::StatusOr<std::vector<v1::ProviderRecord>> Providers();
  absl::StatusOr<std::vector<v1::TenderRecord>> Tenders();
  absl::StatusOr<std::vector<v1::ContractRecord>> Contracts();
  absl::StatusOr<std::vector<v1::ContinuityCaseRecord>> Cases();
  // A stored running total ("applied", "parked", "skipped_duplicates"); 0 if none.
  absl::StatusOr<uint64_t> Metric(const std::string& name);

 private:
  ProjectionReader() = default;
  template <typename Record>
  absl::StatusOr<std::vector<Record>> Records(int family);

  std::string secondary_path_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_READER_H_
