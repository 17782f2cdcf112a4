#include "projections/projection.h"

#include "absl/strings/str_cat.h"
#include "engine/domain/decide.h"
#include "engine/domain/snapshot.h"
#include "engine/envelope.h"
#include "engine/status_macros.h"
#include "inkoop/v1/snapshot.pb.h"
#include "inkoop/v1/views.pb.h"
#include "projections/keys.h"
#include "projections/rocks_status.h"

namespace inkoop {

std::vector<std::string> ProjectionFamilies() {
  return {rocksdb::kDefaultColumnFamilyName,
          kRegionsFamily,
          kBudgetsFamily,
          kParkedFamily,
          kProvidersFamily,
          kTendersFamily,
          kContractsFamily,
          kCasesFamily};
}

absl::StatusOr<std::unique_ptr<Projection>> Projection::Open(const std::string& path) {
  std::unique_ptr<Projection> projection(new Projection());
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : ProjectionFamilies()) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  rocksdb::DB* db = nullptr;
  RETURN_IF_ERROR(
      RocksStatus(rocksdb::DB::Open(options, path, families, &projection->handles_, &db),
                  absl::StrCat("open projection database ", path)));
  projection->db_.reset(db);
  projection->meta_ = projection->handles_[kMeta];
  projection->regions_cf_ = projection->handles_[kRegions];
  projection->budgets_cf_ = projection->handles_[kBudgets];
  projection->parked_cf_ = projection->handles_[kParked];

  auto stored = [&](const char* name) -> uint64_t {
    std::string value;
    rocksdb::Status got =
        db->Get(rocksdb::ReadOptions(), projection->meta_, MetricKey(name), &value);
    return got.ok() ? DecodeBigEndian64(value) : 0;
  };
  projection->stored_.parked = stored("parked");
  projection->stored_.applied = stored("applied");
  projection->stored_.skipped_duplicates = stored("skipped_duplicates");
  return projection;
}

Projection::~Projection() {
  if (db_ == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
}

absl::StatusOr<Offset> Projection::ResumeOffset(const std::string& topic, int32_t partition) {
  std::string value;
  rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), meta_, OffsetKey(topic, partition), &value);
  if (status.IsNotFound()) return Offset(0);
  RETURN_IF_ERROR(RocksStatus(status, "read stored offset"));
  return Offset(static_cast<int64_t>(DecodeBigEndian64(value)));
}

absl::StatusOr<RegionState*> Projection::LoadRegion(const std::string& region) {
  auto it = regions_.find(region);
  if (it != regions_.end()) return &it->second;
  std::string bytes;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), regions_cf_, region, &bytes);
  RegionState state;
  state.region = region;
  if (status.ok()) {
    v1::RegionSnapshot snapshot;
    if (!snapshot.ParseFromString(bytes)) {
      return absl::DataLossError(absl::StrCat("snapshot of region ", region, ": undecodable"));
    }
    ASSIGN_OR_RETURN(state, FromSnapshot(snapshot));
  } else if (!status.IsNotFound()) {
    return RocksStatus(status, absl::StrCat("read snapshot of region ", region));
  }
  return &regions_.emplace(region, std::move(state)).first->second;
}

absl::StatusOr<const RegionState*> Projection::Region(const std::string& region) {
  ASSIGN_OR_RETURN(RegionState * state, LoadRegion(region));
  return state;
}

void Projection::Park(const std::string& topic, int32_t partition, Offset offset,
                      absl::string_view value, absl::string_view reason, const std::string& region,
                      uint64_t sequence) {
  v1::ParkedEvent parked;
  parked.set_topic(topic);
  parked.set_partition(partition);
  parked.set_offset(offset.value());
  parked.set_reason(std::string(reason));
  parked.set_value(std::string(value));
  parked.set_region(region);
  parked.set_sequence(sequence);
  batch_.Put(parked_cf_, ParkedKey(topic, partition, offset.value()), parked.SerializeAsString());
  ++counters_.parked;
}

absl::Status Projection::Apply(const std::string& topic, int32_t partition, Offset offset,
                               absl::string_view value) {
  next_offsets_[{topic, partition}] = offset.value() + 1;
  v1::Event event;
  if (!event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    Park(topic, partition, offset, value, "not a decodable inkoop.v1.Event", "", 0);
    return absl::OkStatus();
  }
  if (event.region().empty()) {
    Park(topic, partition, offset, value, "event has no region", "", event.sequence());
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(RegionState * state, LoadRegion(event.region()));
  if (event.sequence() <= state->sequence.value()) {
    ++counters_.skipped_duplicates;
    return absl::OkStatus();
  }
  // A tampered or damaged event is parked; the events after it then break
  // the chain and are parked too, until someone looks.
  if (absl::Status sealed = VerifySeal(event); !sealed.ok()) {
    Park(topic, partition, offset, value, sealed.message(), event.region(), event.sequence());
    return absl::OkStatus();
  }
  absl::Status applied = Evolve(*state, event);
  if (absl::IsDataLoss(applied)) {
    // A payload from a newer schema: keep the chain going without it.
    Park(topic, partition, offset, value, applied.message(), event.region(), event.sequence());
    RETURN_IF_ERROR(AdvanceChain(*state, event));
  } else if (!applied.ok()) {
    Park(topic, partition, offset, value, applied.message(), event.region(), event.sequence());
    return absl::OkStatus();
  } else {
    ++counters_.applied;
    CollectTouched(*state, event, touched_[event.region()]);
  }
  touched_[event.region()];  // the snapshot is rewritten even if no view changed
  return absl::OkStatus();
}

template <typename Records>
void Projection::PutRecords(const Records& records, const absl::btree_set<std::string>& ids,
                            rocksdb::ColumnFamilyHandle* family) {
  for (const std::string& id : ids) {
    auto it = records.find(id);
    if (it != records.end()) batch_.Put(family, id, it->second.SerializeAsString());
  }
}

absl::Status Projection::Commit() {
  if (next_offsets_.empty()) return absl::OkStatus();
  for (const auto& [region, touched] : touched_) {
    const RegionState& state = regions_.at(region);
    batch_.Put(regions_cf_, region, ToSnapshot(state).SerializeAsString());
    for (const auto& [municipality, year] : touched.budgets) {
      batch_.Put(budgets_cf_, BudgetKey(municipality, year),
                 MakeBudgetView(state, municipality, year).SerializeAsString());
    }
    PutRecords(state.providers, touched.providers, handles_[kProviders]);
    PutRecords(state.tenders, touched.tenders, handles_[kTenders]);
    PutRecords(state.contracts, touched.contracts, handles_[kContracts]);
    PutRecords(state.cases, touched.cases, handles_[kCases]);
  }
  for (const auto& [topic_partition, offset] : next_offsets_) {
    batch_.Put(meta_, OffsetKey(topic_partition.first, topic_partition.second),
               EncodeBigEndian64(static_cast<uint64_t>(offset)));
  }
  // Running totals over the database's life: an event delivered twice would
  // show as a skipped duplicate, one applied twice as applied > events.
  batch_.Put(meta_, MetricKey("parked"), EncodeBigEndian64(stored_.parked + counters_.parked));
  batch_.Put(meta_, MetricKey("applied"), EncodeBigEndian64(stored_.applied + counters_.applied));
  batch_.Put(meta_, MetricKey("skipped_duplicates"),
             EncodeBigEndian64(stored_.skipped_duplicates + counters_.skipped_duplicates));
  rocksdb::WriteOptions options;
  options.sync = true;
  absl::Status written = RocksStatus(db_->Write(options, &batch_), "write projection batch");
  if (!written.ok()) {
    // What is cached may now be ahead of what is stored; forget it so it is
    // reloaded from the stored snapshots.
    regions_.clear();
  }
  batch_.Clear();
  touched_.clear();
  next_offsets_.clear();
  ++counters_.commits;
  return written;
}

}  // namespace inkoop
