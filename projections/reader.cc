#include "projections/reader.h"

#include <stdlib.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/snapshot.h"
#include "engine/status_macros.h"
#include "inkoop/v1/snapshot.pb.h"
#include "projections/keys.h"
#include "projections/projection.h"
#include "projections/rocks_status.h"

namespace inkoop {

absl::StatusOr<std::unique_ptr<ProjectionReader>> ProjectionReader::Open(const std::string& path) {
  std::error_code ignored;
  if (!std::filesystem::exists(std::filesystem::path(path) / "CURRENT", ignored)) {
    return absl::NotFoundError(absl::StrCat("no projection database at ", path,
                                            " (is inkoop-projector running with --db ", path,
                                            "?)"));
  }
  std::unique_ptr<ProjectionReader> reader(new ProjectionReader());
  std::string pattern = (std::filesystem::temp_directory_path() / "inkoop-reader-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::UnavailableError("cannot create a temporary directory for the reader");
  }
  reader->secondary_path_ = pattern;
  rocksdb::Options options;
  options.max_open_files = -1;  // required of secondary instances
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : ProjectionFamilies()) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  rocksdb::DB* db = nullptr;
  RETURN_IF_ERROR(RocksStatus(rocksdb::DB::OpenAsSecondary(options, path, reader->secondary_path_,
                                                           families, &reader->handles_, &db),
                              absl::StrCat("open projection database ", path)));
  reader->db_.reset(db);
  RETURN_IF_ERROR(reader->CatchUp());
  return reader;
}

ProjectionReader::~ProjectionReader() {
  if (db_ != nullptr) {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
    db_.reset();
  }
  std::error_code ignored;
  if (!secondary_path_.empty()) std::filesystem::remove_all(secondary_path_, ignored);
}

absl::Status ProjectionReader::CatchUp() {
  return RocksStatus(db_->TryCatchUpWithPrimary(), "catch up with inkoop-projector");
}

absl::StatusOr<std::optional<v1::BudgetView>> ProjectionReader::Budget(
    const std::string& municipality, int32_t year) {
  std::string bytes;
  rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), handles_[kBudgets], BudgetKey(municipality, year), &bytes);
  if (status.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(RocksStatus(status, "read budget view"));
  v1::BudgetView view;
  if (!view.ParseFromString(bytes)) {
    return absl::DataLossError(
        absl::StrCat("budget view of ", municipality, " ", year, ": undecodable"));
  }
  return view;
}

absl::StatusOr<std::vector<v1::BudgetView>> ProjectionReader::Budgets(
    const std::string& municipality) {
  std::vector<v1::BudgetView> views;
  const std::string prefix = BudgetPrefix(municipality);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kBudgets]));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::BudgetView view;
    if (!view.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("budget view of ", municipality, ": undecodable"));
    }
    views.push_back(std::move(view));
  }
  RETURN_IF_ERROR(RocksStatus(it->status(), "scan budget views"));
  return views;
}

absl::StatusOr<std::vector<v1::ParkedEvent>> ProjectionReader::Parked() {
  std::vector<v1::ParkedEvent> parked;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kParked]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::ParkedEvent event;
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("parked event: undecodable");
    }
    parked.push_back(std::move(event));
  }
  RETURN_IF_ERROR(RocksStatus(it->status(), "scan parked events"));
  return parked;
}

absl::StatusOr<std::map<int32_t, int64_t>> ProjectionReader::Offsets(const std::string& topic,
                                                                     int32_t partitions) {
  std::map<int32_t, int64_t> offsets;
  for (int32_t p = 0; p < partitions; ++p) {
    std::string bytes;
    rocksdb::Status status =
        db_->Get(rocksdb::ReadOptions(), handles_[kMeta], OffsetKey(topic, p), &bytes);
    if (status.IsNotFound()) {
      offsets[p] = 0;
      continue;
    }
    RETURN_IF_ERROR(RocksStatus(status, "read stored offset"));
    offsets[p] = static_cast<int64_t>(DecodeBigEndian64(bytes));
  }
  return offsets;
}

absl::StatusOr<std::optional<RegionState>> ProjectionReader::Region(const std::string& region) {
  std::string bytes;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), handles_[kRegions], region, &bytes);
  if (status.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(RocksStatus(status, "read region snapshot"));
  v1::RegionSnapshot snapshot;
  if (!snapshot.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("snapshot of region ", region, ": undecodable"));
  }
  ASSIGN_OR_RETURN(RegionState state, FromSnapshot(snapshot));
  return state;
}

absl::StatusOr<std::vector<std::string>> ProjectionReader::RegionNames() {
  std::vector<std::string> names;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kRegions]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) names.push_back(it->key().ToString());
  RETURN_IF_ERROR(RocksStatus(it->status(), "scan regions"));
  return names;
}

template <typename Record>
absl::StatusOr<std::vector<Record>> ProjectionReader::Records(int family) {
  std::vector<Record> records;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[family]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Record record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat(record.GetDescriptor()->name(), " '",
                                              it->key().ToString(), "': undecodable"));
    }
    records.push_back(std::move(record));
  }
  RETURN_IF_ERROR(RocksStatus(it->status(), "scan records"));
  return records;
}

absl::StatusOr<std::vector<v1::ProviderRecord>> ProjectionReader::Providers() {
  return Records<v1::ProviderRecord>(kProviders);
}
absl::StatusOr<std::vector<v1::TenderRecord>> ProjectionReader::Tenders() {
  return Records<v1::TenderRecord>(kTenders);
}
absl::StatusOr<std::vector<v1::ContractRecord>> ProjectionReader::Contracts() {
  return Records<v1::ContractRecord>(kContracts);
}
absl::StatusOr<std::vector<v1::ContinuityCaseRecord>> ProjectionReader::Cases() {
  return Records<v1::ContinuityCaseRecord>(kCases);
}

absl::StatusOr<uint64_t> ProjectionReader::Metric(const std::string& name) {
  std::string bytes;
  rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), handles_[kMeta], MetricKey(name), &bytes);
  if (status.IsNotFound()) return 0;
  RETURN_IF_ERROR(RocksStatus(status, "read metric"));
  return DecodeBigEndian64(bytes);
}

}  // namespace inkoop
