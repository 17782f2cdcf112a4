#include "engine/store/state_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/snapshot.h"
#include "engine/status_macros.h"
#include "engine/store/rocks_status.h"
#include "inkoop/v1/snapshot.pb.h"

namespace inkoop {

namespace {

// Written once into a new database; a database without it, or with another
// value, was written by a build that kept state differently.
constexpr absl::string_view kLayoutKey = "layout";
constexpr absl::string_view kLayout = "inkoop-state-store-4";  // 4: commitments by days of care
constexpr char kStateFamilyName[] = "state";

rocksdb::ColumnFamilyOptions FamilyOptions(const StoreOptions& options,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions family;
  family.write_buffer_size = options.write_buffer_bytes;
  family.max_write_buffer_number = 2;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Most point reads ask for a key that is not there (a new claim id, a
  // command id never seen): a Bloom filter answers those without a read.
  // Filters and indexes stay with their table readers, outside the block
  // cache: a filter of a large table exceeds a cache shard and was read and
  // checksummed again on every Get (measured: the engine fell from 16K to
  // 3.5K commands/s once its claims outgrew the memtables). They cost about
  // 1.3 bytes per key (filter) plus the index, a few tens of MiB at 10M keys.
  table.cache_index_and_filter_blocks = false;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  family.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return family;
}

template <typename Record>
absl::StatusOr<Record> Parse(absl::string_view value, absl::string_view what) {
  Record record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("state store: ", what, " is not a decodable ",
                                            Record::descriptor()->full_name()));
  }
  return record;
}

}  // namespace

StoreBatch::StoreBatch(StateStore& store)
    : store_(store), batch_(std::make_unique<rocksdb::WriteBatch>()) {}

StoreBatch::~StoreBatch() = default;

void StoreBatch::Put(int family, absl::string_view key, absl::string_view value) {
  batch_->Put(store_.handles_.at(family), rocksdb::Slice(key.data(), key.size()),
              rocksdb::Slice(value.data(), value.size()));
  ++count_;
  bytes_ += key.size() + value.size();
}

void StoreBatch::Delete(int family, absl::string_view key) {
  batch_->Delete(store_.handles_.at(family), rocksdb::Slice(key.data(), key.size()));
  ++count_;
  bytes_ += key.size();
}

void StoreBatch::Clear() {
  batch_->Clear();
  count_ = 0;
  bytes_ = 0;
}

absl::StatusOr<std::unique_ptr<StateStore>> StateStore::Open(const StoreOptions& options) {
  std::unique_ptr<StateStore> store(new StateStore());
  store->options_ = options;
  absl::Status opened = store->OpenDatabase(options);
  if (opened.ok() || !options.secondary_path.empty()) {
    RETURN_IF_ERROR(opened);
    return store;
  }
  if (!options.recreate_if_unusable || absl::IsUnavailable(opened)) return opened;
  // Unusable and derivable from the log: start again with an empty store.
  store->recreated_because_ = std::string(opened.message());
  for (rocksdb::ColumnFamilyHandle* handle : store->handles_) {
    if (store->db_ != nullptr) store->db_->DestroyColumnFamilyHandle(handle);
  }
  store->handles_.clear();
  store->db_.reset();
  std::error_code error;
  std::filesystem::remove_all(options.path, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("state store ", options.path, ": cannot remove (",
                                               error.message(), ") after: ", opened.message()));
  }
  RETURN_IF_ERROR(store->OpenDatabase(options));
  return store;
}

absl::Status StateStore::OpenDatabase(const StoreOptions& options) {
  const bool secondary = !options.secondary_path.empty();
  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName, kStateFamilyName};
  names.insert(names.end(), options.extra_families.begin(), options.extra_families.end());
  const bool exists = std::filesystem::exists(std::filesystem::path(options.path) / "CURRENT");
  if (secondary && !exists) {
    return absl::NotFoundError(absl::StrCat("no state store at ", options.path));
  }
  if (exists) {
    std::vector<std::string> existing;
    RETURN_IF_ERROR(RocksStatus(
        rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), options.path, &existing),
        absl::StrCat("state store ", options.path, ": list column families")));
    std::vector<std::string> foreign;
    for (const std::string& name : existing) {
      if (std::find(names.begin(), names.end(), name) == names.end()) foreign.push_back(name);
    }
    if (!foreign.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "state store ", options.path, " has column families of another layout (",
          absl::StrJoin(foreign, ", "), "); expected only ", absl::StrJoin(names, ", ")));
    }
  }

  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = !secondary;
  db_options.create_missing_column_families = !secondary;
  db_options.max_total_wal_size = 4 * options.write_buffer_bytes;
  if (secondary) db_options.max_open_files = -1;  // required of secondary instances
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) families.emplace_back(name, FamilyOptions(options, cache));
  rocksdb::DB* db = nullptr;
  rocksdb::Status status =
      secondary ? rocksdb::DB::OpenAsSecondary(db_options, options.path, options.secondary_path,
                                               families, &handles_, &db)
                : rocksdb::DB::Open(db_options, options.path, families, &handles_, &db);
  if (status.IsIOError() && status.ToString().find("lock") != std::string::npos) {
    return absl::UnavailableError(
        absl::StrCat("open state store ", options.path, ": in use by another process (",
                     status.ToString(), "); each process needs a directory of its own"));
  }
  RETURN_IF_ERROR(RocksStatus(status, absl::StrCat("open state store ", options.path)));
  db_.reset(db);
  if (secondary) return absl::OkStatus();

  ASSIGN_OR_RETURN(std::optional<std::string> layout, Get(kMetaFamily, kLayoutKey));
  if (!exists) {
    StoreBatch batch(*this);
    batch.Put(kMetaFamily, kLayoutKey, kLayout);
    return Write(batch);
  }
  if (layout != kLayout) {
    return absl::FailedPreconditionError(
        absl::StrCat("state store ", options.path, " has layout '", layout.value_or("none"),
                     "', this build keeps '", kLayout, "'"));
  }
  return absl::OkStatus();
}

StateStore::~StateStore() {
  if (db_ == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
}

absl::StatusOr<std::optional<std::string>> StateStore::Get(int family, absl::string_view key) {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), handles_.at(family),
                                    rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(RocksStatus(status, "state store: read"));
  return value;
}

absl::Status StateStore::Scan(
    int family, absl::string_view prefix,
    const std::function<absl::Status(absl::string_view key, absl::string_view value)>& visit) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_.at(family)));
  const rocksdb::Slice start(prefix.data(), prefix.size());
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    RETURN_IF_ERROR(visit(absl::string_view(it->key().data(), it->key().size()),
                          absl::string_view(it->value().data(), it->value().size())));
  }
  return RocksStatus(it->status(), "state store: scan");
}

absl::Status StateStore::ScanAfter(
    int family, absl::string_view prefix, absl::string_view after,
    const std::function<absl::StatusOr<bool>(absl::string_view key, absl::string_view value)>&
        visit) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_.at(family)));
  const rocksdb::Slice start(prefix.data(), prefix.size());
  if (after.empty()) {
    it->Seek(start);
  } else {
    it->Seek(rocksdb::Slice(after.data(), after.size()));
    if (it->Valid() && it->key() == rocksdb::Slice(after.data(), after.size())) it->Next();
  }
  for (; it->Valid() && it->key().starts_with(start); it->Next()) {
    ASSIGN_OR_RETURN(bool more, visit(absl::string_view(it->key().data(), it->key().size()),
                                      absl::string_view(it->value().data(), it->value().size())));
    if (!more) break;
  }
  return RocksStatus(it->status(), "state store: scan");
}

std::optional<uint64_t> StateStore::IntProperty(const std::string& name) {
  uint64_t value = 0;
  if (!db_->GetAggregatedIntProperty(name, &value)) return std::nullopt;
  return value;
}

absl::Status StateStore::Write(StoreBatch& batch) {
  if (batch.empty()) return absl::OkStatus();
  rocksdb::WriteOptions options;
  options.sync = options_.sync;
  options.disableWAL = options_.disable_wal;
  absl::Status written =
      RocksStatus(db_->Write(options, batch.batch_.get()), "state store: write batch");
  if (written.ok()) {
    bytes_written_ += batch.bytes();
    ++batches_written_;
  } else {
    stored_frameworks_.clear();  // unknown now: written again at the next stage
  }
  batch.Clear();
  return written;
}

absl::Status StateStore::CatchUp() {
  return RocksStatus(db_->TryCatchUpWithPrimary(), "state store: catch up with the writer");
}

uint64_t StateStore::MemoryUsage() {
  uint64_t total = 0;
  for (const char* property :
       {"rocksdb.cur-size-all-mem-tables", "rocksdb.estimate-table-readers-mem",
        "rocksdb.block-cache-usage"}) {
    uint64_t value = 0;
    if (db_->GetAggregatedIntProperty(property, &value)) total += value;
  }
  return total;
}

namespace {

template <typename Record>
absl::Status ScanTable(StateStore& store, const std::string& region, EntityKind kind,
                       EntityTable<std::string, Record>& table,
                       bool (*keep)(const Record&) = nullptr) {
  const std::string prefix = KindPrefix(region, kind);
  return store.Scan(kStateFamily, prefix,
                    [&](absl::string_view key, absl::string_view value) -> absl::Status {
                      const std::string id(key.substr(prefix.size()));
                      ASSIGN_OR_RETURN(Record record, Parse<Record>(value, id));
                      if (keep == nullptr || keep(record)) table.Load(id, std::move(record));
                      return absl::OkStatus();
                    });
}

bool IsOpen(const v1::PlacementRecord& placement) {
  return placement.status() == v1::PLACEMENT_STATUS_OPEN;
}

// Puts the stored entity `id` of `kind` into `table`, unless it is there
// (or `id` is empty: no entity has that key). `noun` names it in errors.
template <typename Record>
absl::Status LoadEntity(StateStore& store, const std::string& region, EntityKind kind,
                        EntityTable<std::string, Record>& table, const std::string& id,
                        absl::string_view noun) {
  if (id.empty() || table.contains(id)) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store.Get(kStateFamily, EntityKey(region, kind, id)));
  if (!bytes.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(Record record, Parse<Record>(*bytes, absl::StrCat(noun, " '", id, "'")));
  table.Load(id, std::move(record));
  return absl::OkStatus();
}

}  // namespace

absl::Status StateStore::LoadKinds(RegionState& state, bool whole) {
  const std::string& region = state.region;
  ASSIGN_OR_RETURN(std::optional<std::string> header_bytes,
                   Get(kStateFamily, EntityKey(region, EntityKind::kHeader, "")));
  if (header_bytes.has_value()) {
    ASSIGN_OR_RETURN(v1::RegionHeader header,
                     Parse<v1::RegionHeader>(*header_bytes, absl::StrCat("header of ", region)));
    state.sequence = Sequence(header.sequence());
    state.last_hash = header.last_hash();
    state.clock_micros = header.clock_micros();
    state.equalised_years.insert(header.equalised_years().begin(),
                                 header.equalised_years().end());
    state.fund_balance_cents = header.fund_balance_cents();
    for (const v1::Membership& membership : header.memberships()) {
      state.memberships[membership.municipality()] = membership;
    }
    for (const v1::IndicatorBaseline& baseline : header.population_baselines()) {
      state.population_baselines[PopulationBaselineKey(baseline.municipality(),
                                                       baseline.indicator())] = baseline;
    }
  }
  ASSIGN_OR_RETURN(std::optional<std::string> framework_bytes,
                   Get(kStateFamily, EntityKey(region, EntityKind::kFramework, "")));
  if (framework_bytes.has_value()) {
    ASSIGN_OR_RETURN(
        v1::FrameworkSnapshot framework,
        Parse<v1::FrameworkSnapshot>(*framework_bytes, absl::StrCat("framework of ", region)));
    RETURN_IF_ERROR(FrameworkFromSnapshot(framework, region, state.framework));
  }
  stored_frameworks_[region] = framework_bytes.value_or(
      FrameworkToSnapshot(Framework()).SerializeAsString());

  RETURN_IF_ERROR(Scan(kStateFamily, KindPrefix(region, EntityKind::kBudget),
                       [&](absl::string_view key, absl::string_view value) -> absl::Status {
                         ASSIGN_OR_RETURN(v1::MunicipalitySnapshot m,
                                          Parse<v1::MunicipalitySnapshot>(
                                              value, absl::StrCat("a budget of ", region)));
                         if (m.years_size() != 1) {
                           return absl::DataLossError(
                               absl::StrCat("state store: budget key of '", m.name(), "' holds ",
                                            m.years_size(), " years, expected 1"));
                         }
                         (void)key;
                         state.municipalities[m.name()].years.Load(
                             m.years(0).year(), YearBudgetFromSnapshot(m.years(0)));
                         return absl::OkStatus();
                       }));
  RETURN_IF_ERROR(ScanTable(*this, region, EntityKind::kProvider, state.providers));
  RETURN_IF_ERROR(ScanTable(*this, region, EntityKind::kActorKey, state.actor_keys));
  RETURN_IF_ERROR(ScanTable(*this, region, EntityKind::kTender, state.tenders));
  RETURN_IF_ERROR(ScanTable(*this, region, EntityKind::kContract, state.contracts));
  RETURN_IF_ERROR(ScanTable(*this, region, EntityKind::kCase, state.cases));
  // Open placement requests are resident (the next command may escalate
  // them); placed ones only in the whole region.
  RETURN_IF_ERROR(ScanTable(*this, region, EntityKind::kPlacement, state.placements,
                            whole ? nullptr : &IsOpen));
  RETURN_IF_ERROR(Scan(kStateFamily, KindPrefix(region, EntityKind::kOrder),
                       [&](absl::string_view key, absl::string_view value) -> absl::Status {
                         ASSIGN_OR_RETURN(v1::PurchaseOrderRecord order,
                                          Parse<v1::PurchaseOrderRecord>(
                                              value, absl::StrCat("a purchase order of ", region)));
                         // The year is the key's (the record need not carry it).
                         const uint32_t biased = static_cast<uint32_t>(
                             DecodeBigEndian64(absl::StrCat(std::string(4, '\0'),
                                                            key.substr(key.size() - 4))));
                         state.purchase_orders.Load(static_cast<int32_t>(biased ^ 0x80000000u),
                                                    std::move(order));
                         return absl::OkStatus();
                       }));
  if (!whole) return absl::OkStatus();
  RETURN_IF_ERROR(ScanTable(*this, region, EntityKind::kClaim, state.claims));
  RETURN_IF_ERROR(ScanTable(*this, region, EntityKind::kAssignment, state.assignments));
  return ScanTable(*this, region, EntityKind::kIndicator, state.indicators);
}

absl::StatusOr<RegionState> StateStore::LoadRegion(const std::string& region) {
  RegionState state;
  state.region = region;
  RETURN_IF_ERROR(LoadKinds(state, /*whole=*/false));
  return state;
}

absl::StatusOr<RegionState> StateStore::LoadWholeRegion(const std::string& region) {
  RegionState state;
  state.region = region;
  RETURN_IF_ERROR(LoadKinds(state, /*whole=*/true));
  return state;
}

absl::Status StateStore::LoadClaim(RegionState& state, const std::string& claim_id) {
  return LoadEntity(*this, state.region, EntityKind::kClaim, state.claims, claim_id, "claim");
}

absl::Status StateStore::LoadAssignment(RegionState& state, const std::string& assignment_id) {
  return LoadEntity(*this, state.region, EntityKind::kAssignment, state.assignments,
                    assignment_id, "assignment");
}

absl::Status StateStore::LoadPlacement(RegionState& state, const std::string& placement_id) {
  return LoadEntity(*this, state.region, EntityKind::kPlacement, state.placements, placement_id,
                    "placement request");
}

absl::StatusOr<std::optional<v1::CommandResult>> StateStore::LoadResult(
    absl::string_view region, absl::string_view command_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   Get(kStateFamily, EntityKey(region, EntityKind::kResult, command_id)));
  if (!bytes.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(v1::CommandResult result,
                   Parse<v1::CommandResult>(
                       *bytes, absl::StrCat("result of command '", command_id, "'")));
  return result;
}

absl::StatusOr<std::vector<std::string>> StateStore::Regions() {
  std::vector<std::string> regions;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_.at(kStateFamily)));
  // One seek per region: from a region's first key to just past its range.
  for (it->SeekToFirst(); it->Valid();) {
    const absl::string_view key(it->key().data(), it->key().size());
    std::optional<std::string> region = RegionOfKey(key);
    if (!region.has_value()) {
      return absl::DataLossError("state store: a key that names no region");
    }
    regions.push_back(*region);
    const std::string past = absl::StrCat(RegionPrefix(*region), "\xff");
    it->Seek(past);
  }
  RETURN_IF_ERROR(RocksStatus(it->status(), "state store: scan regions"));
  return regions;
}

namespace {

template <typename K, typename Record, typename IdOf>
void StageTable(const std::string& region, EntityKind kind, EntityTable<K, Record>& table,
                IdOf id_of, StoreBatch& batch) {
  const EntityTable<K, Record>& read = table;
  for (const K& key : read.dirty()) {
    const std::string stored_key = EntityKey(region, kind, id_of(key));
    auto it = read.find(key);
    if (it == read.end()) {
      batch.Delete(kStateFamily, stored_key);
    } else {
      batch.Put(kStateFamily, stored_key, it->second.SerializeAsString());
    }
  }
  table.MarkClean();
}

const std::string& Same(const std::string& id) { return id; }

}  // namespace

void StateStore::StageRegion(RegionState& state, StoreBatch& batch) {
  const std::string& region = state.region;
  v1::RegionHeader header;
  header.set_region(region);
  header.set_sequence(state.sequence.value());
  header.set_last_hash(state.last_hash);
  header.set_clock_micros(state.clock_micros);
  for (int32_t year : state.equalised_years) header.add_equalised_years(year);
  header.set_fund_balance_cents(state.fund_balance_cents);
  for (const auto& [name, membership] : state.memberships) *header.add_memberships() = membership;
  for (const auto& [key, baseline] : state.population_baselines) {
    *header.add_population_baselines() = baseline;
  }
  batch.Put(kStateFamily, EntityKey(region, EntityKind::kHeader, ""), header.SerializeAsString());

  std::string framework = FrameworkToSnapshot(state.framework).SerializeAsString();
  std::string& stored = stored_frameworks_[region];
  if (framework != stored) {
    batch.Put(kStateFamily, EntityKey(region, EntityKind::kFramework, ""), framework);
    stored = std::move(framework);
  }

  for (auto& [name, municipality] : state.municipalities) {
    const EntityTable<int32_t, YearBudget>& years = municipality.years;
    for (int32_t year : years.dirty()) {
      const std::string key = EntityKey(region, EntityKind::kBudget, BudgetId(name, year));
      auto it = years.find(year);
      if (it == years.end()) {
        batch.Delete(kStateFamily, key);
        continue;
      }
      v1::MunicipalitySnapshot m;
      m.set_name(name);
      *m.add_years() = YearBudgetToSnapshot(year, it->second);
      batch.Put(kStateFamily, key, m.SerializeAsString());
    }
    municipality.years.MarkClean();
  }
  StageTable(region, EntityKind::kProvider, state.providers, Same, batch);
  StageTable(region, EntityKind::kActorKey, state.actor_keys, Same, batch);
  StageTable(region, EntityKind::kTender, state.tenders, Same, batch);
  StageTable(region, EntityKind::kContract, state.contracts, Same, batch);
  StageTable(region, EntityKind::kCase, state.cases, Same, batch);
  StageTable(region, EntityKind::kClaim, state.claims, Same, batch);
  StageTable(region, EntityKind::kAssignment, state.assignments, Same, batch);
  StageTable(region, EntityKind::kPlacement, state.placements, Same, batch);
  StageTable(region, EntityKind::kIndicator, state.indicators, Same, batch);
  StageTable(region, EntityKind::kOrder, state.purchase_orders, YearId, batch);
}

void StateStore::StageResult(const v1::CommandResult& result, StoreBatch& batch) {
  batch.Put(kStateFamily, EntityKey(result.region(), EntityKind::kResult, result.command_id()),
            result.SerializeAsString());
}

}  // namespace inkoop
