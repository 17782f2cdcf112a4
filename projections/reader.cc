#include "projections/reader.h"

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <utility>

#include <openssl/evp.h>

#include "absl/strings/str_cat.h"
#include "engine/status_macros.h"
#include "engine/store/keys.h"
#include "inkoop/v1/snapshot.pb.h"
#include "projections/keys.h"

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
  StoreOptions options;
  options.path = path;
  options.extra_families = ProjectionFamilies();
  options.secondary_path = reader->secondary_path_;
  options.block_cache_bytes = 8u << 20;
  ASSIGN_OR_RETURN(reader->store_, StateStore::Open(options));
  RETURN_IF_ERROR(reader->CatchUp());
  return reader;
}

ProjectionReader::~ProjectionReader() {
  store_.reset();
  std::error_code ignored;
  if (!secondary_path_.empty()) std::filesystem::remove_all(secondary_path_, ignored);
}

absl::Status ProjectionReader::CatchUp() { return store_->CatchUp(); }

template <typename Record>
absl::StatusOr<std::vector<Record>> ProjectionReader::Records(int family,
                                                              const std::string& prefix) {
  std::vector<Record> records;
  RETURN_IF_ERROR(store_->Scan(family, prefix,
                               [&](absl::string_view, absl::string_view value) -> absl::Status {
                                 Record record;
                                 if (!record.ParseFromArray(value.data(),
                                                            static_cast<int>(value.size()))) {
                                   return absl::DataLossError(
                                       absl::StrCat(Record::descriptor()->name(), ": undecodable"));
                                 }
                                 records.push_back(std::move(record));
                                 return absl::OkStatus();
                               }));
  return records;
}

absl::StatusOr<std::optional<v1::BudgetView>> ProjectionReader::Budget(
    const std::string& region, const std::string& municipality, int32_t year) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_->Get(kBudgets, BudgetKey(region, municipality, year)));
  if (!bytes.has_value()) return std::nullopt;
  v1::BudgetView view;
  if (!view.ParseFromString(*bytes)) {
    return absl::DataLossError(
        absl::StrCat("budget view of ", municipality, " ", year, ": undecodable"));
  }
  return view;
}

absl::StatusOr<std::vector<v1::BudgetView>> ProjectionReader::Budgets(
    const std::string& region, const std::string& municipality) {
  return Records<v1::BudgetView>(kBudgets, BudgetPrefix(region, municipality));
}

absl::StatusOr<std::string> ProjectionReader::Digest(const std::string& region) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                   EVP_MD_CTX_free);
  if (context == nullptr || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("SHA-256: OpenSSL could not start a digest");
  }
  // Length-prefixed, so no two sequences of keys and values hash alike.
  auto add = [&](absl::string_view bytes) {
    const std::string length = EncodeBigEndian64(bytes.size());
    EVP_DigestUpdate(context.get(), length.data(), length.size());
    EVP_DigestUpdate(context.get(), bytes.data(), bytes.size());
  };
  const std::string prefix = RegionPrefix(region);
  for (const auto& [family, name] : {std::pair(kStateFamily, "state"),
                                     std::pair(kBudgets, kBudgetsFamily),
                                     std::pair(kChain, kChainFamily)}) {
    add(name);
    RETURN_IF_ERROR(store_->Scan(
        family, prefix, [&](absl::string_view key, absl::string_view value) -> absl::Status {
          add(key);
          if (family != kBudgets) {
            add(value);
            return absl::OkStatus();
          }
          v1::BudgetView view;
          if (!view.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            return absl::DataLossError(
                absl::StrCat("budget view of region '", region, "': undecodable"));
          }
          view.clear_as_of_sequence();
          std::string canonical;
          view.SerializeToString(&canonical);
          add(canonical);
          return absl::OkStatus();
        }));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(context.get(), digest, &size) != 1) {
    return absl::InternalError("SHA-256: OpenSSL could not finish the digest");
  }
  return std::string(reinterpret_cast<const char*>(digest), size);
}

namespace {

// Keys and values of one family under `prefix`, budget views canonical as in
// the digest.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> FamilyContent(
    StateStore& store, int family, const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> content;
  RETURN_IF_ERROR(store.Scan(family, prefix, [&](absl::string_view key, absl::string_view value) {
    std::string canonical(value);
    if (family == kBudgets) {
      v1::BudgetView view;
      if (view.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        view.clear_as_of_sequence();
        canonical = view.ShortDebugString();
      }
    }
    content.emplace_back(std::string(key), std::move(canonical));
    return absl::OkStatus();
  }));
  return content;
}

std::string Printable(absl::string_view bytes, size_t limit = 96) {
  std::string out;
  for (unsigned char c : bytes) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "\\x", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::optional<ProjectionReader::Difference>> ProjectionReader::FirstDifference(
    ProjectionReader& other, const std::string& region) {
  const std::string prefix = RegionPrefix(region);
  for (const auto& [family, name] : {std::pair(kStateFamily, "state"),
                                     std::pair(kBudgets, kBudgetsFamily),
                                     std::pair(kChain, kChainFamily)}) {
    ASSIGN_OR_RETURN(auto ours, FamilyContent(*store_, family, prefix));
    ASSIGN_OR_RETURN(auto theirs, FamilyContent(*other.store_, family, prefix));
    size_t i = 0, j = 0;
    while (i < ours.size() || j < theirs.size()) {
      const bool have_ours = i < ours.size();
      const bool have_theirs = j < theirs.size();
      if (have_ours && have_theirs && ours[i] == theirs[j]) {
        ++i;
        ++j;
        continue;
      }
      Difference difference;
      difference.family = name;
      if (have_ours && (!have_theirs || ours[i].first < theirs[j].first)) {
        difference.key = Printable(ours[i].first.substr(prefix.size()));
        difference.ours = Printable(ours[i].second);
        difference.theirs = "(absent)";
      } else if (have_theirs && (!have_ours || theirs[j].first < ours[i].first)) {
        difference.key = Printable(theirs[j].first.substr(prefix.size()));
        difference.ours = "(absent)";
        difference.theirs = Printable(theirs[j].second);
      } else {
        difference.key = Printable(ours[i].first.substr(prefix.size()));
        difference.ours = Printable(ours[i].second);
        difference.theirs = Printable(theirs[j].second);
      }
      return difference;
    }
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<std::string>> ProjectionReader::HashAt(const std::string& region,
                                                                    uint64_t sequence) {
  return store_->Get(kChain, ChainKey(region, sequence));
}

absl::StatusOr<std::optional<v1::SignedCheckpoint>> ProjectionReader::Checkpoint(
    const std::string& region) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_->Get(kMetaFamily, CheckpointKey(region)));
  if (!bytes.has_value()) return std::nullopt;
  v1::SignedCheckpoint checkpoint;
  if (!checkpoint.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("signed checkpoint of region '", region,
                                            "': undecodable"));
  }
  return checkpoint;
}

absl::StatusOr<std::vector<v1::ParkedEvent>> ProjectionReader::Parked() {
  return Records<v1::ParkedEvent>(kParked, "");
}

absl::StatusOr<std::map<int32_t, int64_t>> ProjectionReader::Offsets(const std::string& topic,
                                                                     int32_t partitions) {
  std::map<int32_t, int64_t> offsets;
  for (int32_t p = 0; p < partitions; ++p) {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                     store_->Get(kMetaFamily, OffsetKey(topic, p)));
    offsets[p] = bytes.has_value() ? static_cast<int64_t>(DecodeBigEndian64(*bytes)) : 0;
  }
  return offsets;
}

absl::StatusOr<std::optional<RegionState>> ProjectionReader::Region(const std::string& region) {
  ASSIGN_OR_RETURN(std::optional<std::string> header,
                   store_->Get(kStateFamily, EntityKey(region, EntityKind::kHeader, "")));
  if (!header.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(RegionState state, store_->LoadWholeRegion(region));
  return state;
}

absl::StatusOr<std::vector<std::string>> ProjectionReader::RegionNames() {
  return store_->Regions();
}

absl::StatusOr<std::vector<v1::ProviderRecord>> ProjectionReader::Providers(
    const std::string& region) {
  return Records<v1::ProviderRecord>(kStateFamily, KindPrefix(region, EntityKind::kProvider));
}
absl::StatusOr<std::vector<v1::TenderRecord>> ProjectionReader::Tenders(
    const std::string& region) {
  return Records<v1::TenderRecord>(kStateFamily, KindPrefix(region, EntityKind::kTender));
}
absl::StatusOr<std::vector<v1::ContractRecord>> ProjectionReader::Contracts(
    const std::string& region) {
  return Records<v1::ContractRecord>(kStateFamily, KindPrefix(region, EntityKind::kContract));
}
absl::StatusOr<std::vector<v1::ContinuityCaseRecord>> ProjectionReader::Cases(
    const std::string& region) {
  return Records<v1::ContinuityCaseRecord>(kStateFamily, KindPrefix(region, EntityKind::kCase));
}

namespace {

template <typename Record>
EntityKind KindOf();
template <>
EntityKind KindOf<v1::ProviderRecord>() { return EntityKind::kProvider; }
template <>
EntityKind KindOf<v1::TenderRecord>() { return EntityKind::kTender; }
template <>
EntityKind KindOf<v1::ContractRecord>() { return EntityKind::kContract; }
template <>
EntityKind KindOf<v1::ContinuityCaseRecord>() { return EntityKind::kCase; }

}  // namespace

template <typename Record>
absl::StatusOr<ProjectionReader::Page<Record>> ProjectionReader::EntityPage(
    const std::string& region, const std::string& after, int limit,
    const std::function<bool(const Record&)>& keep, int64_t max_scanned) {
  const std::string prefix = KindPrefix(region, KindOf<Record>());
  Page<Record> page;
  int64_t scanned = 0;
  std::string last_id;
  bool more = false;
  RETURN_IF_ERROR(store_->ScanAfter(
      kStateFamily, prefix, after.empty() ? "" : prefix + after,
      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
        if (static_cast<int>(page.records.size()) == limit || scanned == max_scanned) {
          more = true;
          return false;
        }
        ++scanned;
        last_id = std::string(key.substr(prefix.size()));
        Record record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError(absl::StrCat(Record::descriptor()->name(), " '", last_id,
                                                  "' of region '", region, "': undecodable"));
        }
        if (keep(record)) page.records.push_back(std::move(record));
        return true;
      }));
  if (more) page.next = last_id;
  return page;
}

template <typename Record>
absl::StatusOr<std::optional<Record>> ProjectionReader::Entity(const std::string& region,
                                                               const std::string& id) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_->Get(kStateFamily, EntityKey(region, KindOf<Record>(), id)));
  if (!bytes.has_value()) return std::nullopt;
  Record record;
  if (!record.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat(Record::descriptor()->name(), " '", id,
                                            "' of region '", region, "': undecodable"));
  }
  return record;
}

#define INKOOP_READER_ENTITY(Record)                                                         \
  template absl::StatusOr<ProjectionReader::Page<Record>> ProjectionReader::EntityPage(       \
      const std::string&, const std::string&, int, const std::function<bool(const Record&)>&, \
      int64_t);                                                                              \
  template absl::StatusOr<std::optional<Record>> ProjectionReader::Entity(const std::string&, \
                                                                          const std::string&);
INKOOP_READER_ENTITY(v1::ProviderRecord)
INKOOP_READER_ENTITY(v1::TenderRecord)
INKOOP_READER_ENTITY(v1::ContractRecord)
INKOOP_READER_ENTITY(v1::ContinuityCaseRecord)
#undef INKOOP_READER_ENTITY

std::optional<std::pair<ContractIndex, std::string>> ChooseContractIndex(
    const std::optional<std::string>& provider, const std::optional<std::string>& municipality,
    const std::optional<std::string>& lot, const std::optional<int>& status) {
  if (provider) return std::pair(ContractIndex::kProvider, *provider);
  if (municipality) return std::pair(ContractIndex::kMunicipality, *municipality);
  if (lot) return std::pair(ContractIndex::kLot, *lot);
  if (status) return std::pair(ContractIndex::kStatus, absl::StrCat(*status));
  return std::nullopt;
}

absl::StatusOr<ProjectionReader::Page<v1::ContractRecord>> ProjectionReader::IndexedContracts(
    const std::string& region, ContractIndex dimension, const std::string& value,
    const std::string& after, int limit,
    const std::function<bool(const v1::ContractRecord&)>& keep, int64_t max_scanned) {
  const std::string prefix = ContractIndexPrefix(region, dimension, value);
  Page<v1::ContractRecord> page;
  int64_t scanned = 0;
  std::string last_id;
  bool more = false;
  RETURN_IF_ERROR(store_->ScanAfter(
      kIndex, prefix, after.empty() ? "" : prefix + after,
      [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
        if (static_cast<int>(page.records.size()) == limit || scanned == max_scanned) {
          more = true;
          return false;
        }
        ++scanned;
        last_id = std::string(key.substr(prefix.size()));
        ASSIGN_OR_RETURN(std::optional<v1::ContractRecord> record,
                         Entity<v1::ContractRecord>(region, last_id));
        if (!record.has_value()) {
          return absl::DataLossError(absl::StrCat("the contract index of region '", region,
                                                  "' names contract '", last_id,
                                                  "', which the projection does not hold"));
        }
        if (keep(*record)) page.records.push_back(*std::move(record));
        return true;
      }));
  if (more) page.next = last_id;
  return page;
}

absl::StatusOr<std::optional<v1::FrameworkSnapshot>> ProjectionReader::Framework(
    const std::string& region) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_->Get(kStateFamily, EntityKey(region, EntityKind::kFramework, "")));
  if (!bytes.has_value()) return std::nullopt;
  v1::FrameworkSnapshot framework;
  if (!framework.ParseFromString(*bytes)) {
    return absl::DataLossError(
        absl::StrCat("the framework of region '", region, "' does not parse"));
  }
  return framework;
}

absl::StatusOr<std::vector<v1::BudgetView>> ProjectionReader::RegionBudgets(
    const std::string& region) {
  return Records<v1::BudgetView>(kBudgets, RegionPrefix(region));
}

absl::StatusOr<std::vector<v1::AssignmentRecord>> ProjectionReader::Assignments(
    const std::string& region) {
  return Records<v1::AssignmentRecord>(kStateFamily, KindPrefix(region, EntityKind::kAssignment));
}

absl::StatusOr<std::optional<v1::ActorKeyRecord>> ProjectionReader::ActorKey(
    const std::string& region, const std::string& key_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_->Get(kStateFamily, EntityKey(region, EntityKind::kActorKey, key_id)));
  if (!bytes.has_value()) return std::nullopt;
  v1::ActorKeyRecord record;
  if (!record.ParseFromString(*bytes)) {
    return absl::DataLossError(
        absl::StrCat("the registry entry of key ", key_id, " in region '", region, "' does not parse"));
  }
  return record;
}

absl::StatusOr<std::vector<v1::PlacementRecord>> ProjectionReader::Placements(
    const std::string& region) {
  return Records<v1::PlacementRecord>(kStateFamily, KindPrefix(region, EntityKind::kPlacement));
}

absl::StatusOr<int64_t> ProjectionReader::ClockMicros(const std::string& region) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_->Get(kStateFamily, EntityKey(region, EntityKind::kHeader, "")));
  if (!bytes.has_value()) return 0;
  v1::RegionHeader header;
  if (!header.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("the header of region '", region, "' does not parse"));
  }
  return header.clock_micros();
}

absl::StatusOr<uint64_t> ProjectionReader::Metric(const std::string& name) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_->Get(kMetaFamily, MetricKey(name)));
  return bytes.has_value() ? DecodeBigEndian64(*bytes) : 0;
}

}  // namespace inkoop
