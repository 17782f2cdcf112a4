// Read access to a projection database while inkoop-projector writes it:
// opens it as a RocksDB secondary instance (through the state store) and
// catches up with the writer once at open (and on CatchUp()). Every read is
// of one region: two regions with the same municipality, provider or
// contract ids never see each other's data.
//
// Thread-safe for concurrent reads.
#ifndef INKOOP_PROJECTIONS_READER_H_
#define INKOOP_PROJECTIONS_READER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "engine/store/state_store.h"
#include "inkoop/v1/snapshot.pb.h"
#include "inkoop/v1/views.pb.h"
#include "projections/keys.h"

namespace inkoop {

// The index a filter of contracts reads through, the most selective of
// those given: provider, municipality, lot, status; nullopt without one.
std::optional<std::pair<ContractIndex, std::string>> ChooseContractIndex(
    const std::optional<std::string>& provider, const std::optional<std::string>& municipality,
    const std::optional<std::string>& lot, const std::optional<int>& status);

class ProjectionReader {
 public:
  // kNotFound when no projection database exists at `path`.
  static absl::StatusOr<std::unique_ptr<ProjectionReader>> Open(const std::string& path);
  ~ProjectionReader();

  absl::Status CatchUp();

  absl::StatusOr<std::optional<v1::BudgetView>> Budget(const std::string& region,
                                                       const std::string& municipality,
                                                       int32_t year);
  // All years of `municipality` in `region`, oldest first.
  absl::StatusOr<std::vector<v1::BudgetView>> Budgets(const std::string& region,
                                                      const std::string& municipality);
  absl::StatusOr<std::vector<v1::ParkedEvent>> Parked();
  // Next offset to read per partition of `topic`.
  absl::StatusOr<std::map<int32_t, int64_t>> Offsets(const std::string& topic, int32_t partitions);
  // The whole state of `region` (claims and indicators too); nullopt when
  // the projection has no event of it.
  absl::StatusOr<std::optional<RegionState>> Region(const std::string& region);
  absl::StatusOr<std::vector<std::string>> RegionNames();
  // Every record of an entity kind of `region`, in id order.
  absl::StatusOr<std::vector<v1::ProviderRecord>> Providers(const std::string& region);
  absl::StatusOr<std::vector<v1::TenderRecord>> Tenders(const std::string& region);
  absl::StatusOr<std::vector<v1::ContractRecord>> Contracts(const std::string& region);
  absl::StatusOr<std::vector<v1::ContinuityCaseRecord>> Cases(const std::string& region);
  // One page of the records of an entity kind of `region` (ProviderRecord,
  // TenderRecord, ContractRecord or ContinuityCaseRecord), in id order: the
  // first `limit` that `keep` accepts after the id `after` (empty: from the
  // first). `next` is the `after` of the following page, empty at the end.
  // A scan stops after `max_scanned` records whatever `keep` said, and then
  // `next` says where it stopped, so no page costs more than that.
  template <typename Record>
  struct Page {
    std::vector<Record> records;
    std::string next;
  };
  template <typename Record>
  absl::StatusOr<Page<Record>> EntityPage(const std::string& region, const std::string& after,
                                          int limit, const std::function<bool(const Record&)>& keep,
                                          int64_t max_scanned = 1'000'000);
  // Like EntityPage for contracts, through the index of one dimension
  // (keys.h): only the contracts with `value` there are read.
  absl::StatusOr<Page<v1::ContractRecord>> IndexedContracts(
      const std::string& region, ContractIndex dimension, const std::string& value,
      const std::string& after, int limit,
      const std::function<bool(const v1::ContractRecord&)>& keep,
      int64_t max_scanned = 1'000'000);
  // One record of an entity kind by id; nullopt when the region has none.
  template <typename Record>
  absl::StatusOr<std::optional<Record>> Entity(const std::string& region, const std::string& id);
  // The region's framework (municipalities, lots); nullopt before its adoption.
  absl::StatusOr<std::optional<v1::FrameworkSnapshot>> Framework(const std::string& region);
  // The budget views of every municipality and year of `region`.
  absl::StatusOr<std::vector<v1::BudgetView>> RegionBudgets(const std::string& region);
  // A RocksDB integer property of the database (StateStore::IntProperty).
  std::optional<uint64_t> StoreProperty(const std::string& name) {
    return store_->IntProperty(name);
  }
  // Every assignment of a client to care (the client's path), any status.
  absl::StatusOr<std::vector<v1::AssignmentRecord>> Assignments(const std::string& region);
  // The registry entry of `key_id`; nullopt when the region has none.
  absl::StatusOr<std::optional<v1::ActorKeyRecord>> ActorKey(const std::string& region,
                                                             const std::string& key_id);
  // Open and placed placement requests (closed youth care).
  absl::StatusOr<std::vector<v1::PlacementRecord>> Placements(const std::string& region);
  // The region's clock (its latest event's occurred_at, unix micros); 0
  // when the projection has no event of it.
  absl::StatusOr<int64_t> ClockMicros(const std::string& region);
  // SHA-256 (32 bytes) over the canonical content of `region`'s read models:
  // its entities, budget views and chain of event hashes, each key and value
  // in key order, budget views without `as_of_sequence` (which follows the
  // batch a view was last written in). Independent of RocksDB's file layout
  // and of how events were batched; parked events, offsets and metrics are
  // not part of it. Equal digests: the same state.
  absl::StatusOr<std::string> Digest(const std::string& region);
  // Where `region`'s read models here and in `other` first differ: which
  // family, which key, both values; nullopt when they do not.
  struct Difference {
    std::string family;
    std::string key;    // printable
    std::string ours;   // printable; "(absent)" when missing
    std::string theirs;
  };
  absl::StatusOr<std::optional<Difference>> FirstDifference(ProjectionReader& other,
                                                            const std::string& region);
  // The hash of `region`'s event at `sequence`; nullopt when not applied.
  absl::StatusOr<std::optional<std::string>> HashAt(const std::string& region, uint64_t sequence);
  // The region's latest signed event as admitted; nullopt when none.
  absl::StatusOr<std::optional<v1::SignedCheckpoint>> Checkpoint(const std::string& region);
  // A stored running total ("applied", "parked", "skipped_duplicates",
  // "conflicts"); 0 if none.
  absl::StatusOr<uint64_t> Metric(const std::string& name);

 private:
  ProjectionReader() = default;
  template <typename Record>
  absl::StatusOr<std::vector<Record>> Records(int family, const std::string& prefix);

  std::string secondary_path_;
  std::unique_ptr<StateStore> store_;
};

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_READER_H_
