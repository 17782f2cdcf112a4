// inkoop-bench-read: point lookup and prefix scan latency (p50, p99) on a
// projection database with many contracts, through ProjectionReader and
// through the projector's HTTP read API, each beside plain RocksDB reads
// of the same keys on the same database in the same run.
//
// The database is written with the projection's own keys and records
// (region header, framework, one ContractRecord per contract in the state
// family) straight through the state store, so that a million contracts
// take seconds; how fast events become such records is the apply and
// scale benchmarks' subject.
//
//   inkoop-bench-read [--contracts 1000000] [--lookups 100000] [--http_lookups 20000]
//                     [--db DIR] [--out bench-results/DATE.jsonl]
#include <httplib.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "engine/status_macros.h"
#include "engine/store/keys.h"
#include "engine/store/state_store.h"
#include "inkoop/v1/snapshot.pb.h"
#include "projections/http_server.h"
#include "projections/keys.h"
#include "projections/reader.h"

ABSL_FLAG(int64_t, contracts, 1'000'000, "contracts in the projection");
ABSL_FLAG(int64_t, lookups, 100'000, "point lookups and scans per reader figure");
ABSL_FLAG(int64_t, http_lookups, 20'000, "requests per HTTP figure");
ABSL_FLAG(std::string, db, "", "database directory (default: a temporary one, removed after)");
ABSL_FLAG(std::string, out, "", "JSON lines file (default bench-results/<date>.jsonl)");

namespace inkoop {
namespace {

constexpr char kRegion[] = "haaglanden";
constexpr int kPage = 100;

std::string ContractId(int64_t i) { return absl::StrFormat("C-%07d", i); }

v1::ContractRecord MakeContract(int64_t i) {
  static const char* const kLots[] = {"ambulatory", "specialist", "housing", "crisis"};
  static const char* const kMunicipalities[] = {"Den Haag", "Delft", "Zoetermeer", "Westland",
                                                "Rijswijk"};
  v1::ContractRecord c;
  c.set_contract_id(ContractId(i));
  c.set_provider_id(absl::StrFormat("provider-%03d", i % 160));
  c.set_lot(kLots[i % 4]);
  c.set_funding_model(v1::FUNDING_MODEL_PER_UNIT);
  c.set_term_start("2016-01-01");
  c.set_term_end("2016-12-31");
  c.set_status(v1::CONTRACT_STATUS_ACTIVE);
  for (int m = 0; m < 2; ++m) {
    v1::MunicipalityCeiling* ceiling = c.add_ceilings();
    ceiling->set_municipality(kMunicipalities[(i + m) % 5]);
    ceiling->set_ceiling_cents(100'000'00 + i);
    v1::ClaimedYear* claimed = c.add_claimed();
    claimed->set_municipality(ceiling->municipality());
    claimed->set_year(2016);
    claimed->set_claimed_cents(1'234'56 + i % 1000);
    claimed->set_paid_cents(1'000'00);
  }
  return c;
}

absl::Status Fill(const std::string& path, int64_t contracts) {
  StoreOptions options;
  options.path = path;
  options.extra_families = ProjectionFamilies();
  ASSIGN_OR_RETURN(std::unique_ptr<StateStore> store, StateStore::Open(options));
  StoreBatch batch(*store);
  v1::RegionHeader header;
  header.set_region(kRegion);
  header.set_sequence(static_cast<uint64_t>(contracts) + 1);
  batch.Put(kStateFamily, EntityKey(kRegion, EntityKind::kHeader, ""), header.SerializeAsString());
  v1::FrameworkSnapshot framework;
  framework.set_adopted(true);
  framework.set_id("H10-2016");
  for (const char* m : {"Den Haag", "Delft", "Zoetermeer", "Westland", "Rijswijk"}) {
    framework.add_municipalities(m);
  }
  for (const char* lot : {"ambulatory", "specialist", "housing", "crisis"}) {
    framework.add_lots()->set_code(lot);
  }
  batch.Put(kStateFamily, EntityKey(kRegion, EntityKind::kFramework, ""),
            framework.SerializeAsString());
  for (int64_t i = 0; i < contracts; ++i) {
    batch.Put(kStateFamily, EntityKey(kRegion, EntityKind::kContract, ContractId(i)),
              MakeContract(i).SerializeAsString());
    if (batch.count() >= 10'000) RETURN_IF_ERROR(store->Write(batch));
  }
  return store->Write(batch);
}

struct Percentiles {
  double p50_us = 0;
  double p99_us = 0;
};

template <typename Op>
Percentiles Measure(int64_t count, Op op) {
  std::vector<int64_t> nanos;
  nanos.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    const auto start = std::chrono::steady_clock::now();
    op(i);
    nanos.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count());
  }
  std::sort(nanos.begin(), nanos.end());
  auto at = [&](double q) {
    return static_cast<double>(nanos[static_cast<size_t>(q * static_cast<double>(nanos.size() - 1))]) /
           1000.0;
  };
  return {at(0.50), at(0.99)};
}

class NoBroker : public ReadSources {
 public:
  absl::StatusOr<std::vector<PartitionLag>> Lag(const std::map<int32_t, int64_t>&) override {
    return absl::UnavailableError("the read benchmark runs without a broker");
  }
  std::string ProcessMetrics() override { return ""; }
};

struct Figure {
  std::string name;
  double value;
  std::string baseline;
  double baseline_value;
};

int Run() {
  const int64_t contracts = absl::GetFlag(FLAGS_contracts);
  const int64_t lookups = absl::GetFlag(FLAGS_lookups);
  const int64_t http_lookups = absl::GetFlag(FLAGS_http_lookups);
  std::string db = absl::GetFlag(FLAGS_db);
  const bool temporary = db.empty();
  if (temporary) {
    db = (std::filesystem::temp_directory_path() / absl::StrCat("inkoop-bench-read-", getpid()))
             .string();
  }
  std::filesystem::remove_all(db);
  const absl::Time fill_start = absl::Now();
  if (absl::Status filled = Fill(db, contracts); !filled.ok()) {
    std::cerr << "bench-read: " << filled << "\n";
    return 1;
  }
  std::cerr << "bench-read: " << contracts << " contracts written in "
            << absl::FormatDuration(absl::Now() - fill_start) << "\n";

  // Plain RocksDB on the same files: the baseline.
  std::vector<std::string> names;
  rocksdb::DBOptions db_options;
  if (!rocksdb::DB::ListColumnFamilies(db_options, db, &names).ok()) return 1;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(db_options, db, families, &handles, &raw_db).ok()) return 1;
  std::unique_ptr<rocksdb::DB> raw(raw_db);
  rocksdb::ColumnFamilyHandle* state = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "state") state = handles[i];
  }
  if (state == nullptr) return 1;

  absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
  if (!reader.ok()) {
    std::cerr << "bench-read: " << reader.status() << "\n";
    return 1;
  }
  std::mt19937_64 random(20161231);
  std::vector<int64_t> picks(static_cast<size_t>(std::max(lookups, http_lookups)));
  for (int64_t& pick : picks) pick = static_cast<int64_t>(random() % static_cast<uint64_t>(contracts));
  int64_t found = 0;

  const Percentiles raw_get = Measure(lookups, [&](int64_t i) {
    std::string value;
    found += raw->Get(rocksdb::ReadOptions(), state,
                      EntityKey(kRegion, EntityKind::kContract, ContractId(picks[i])), &value)
                 .ok();
  });
  const Percentiles reader_get = Measure(lookups, [&](int64_t i) {
    absl::StatusOr<std::optional<v1::ContractRecord>> c =
        (*reader)->Entity<v1::ContractRecord>(kRegion, ContractId(picks[i]));
    found += c.ok() && c->has_value();
  });
  const std::string prefix = KindPrefix(kRegion, EntityKind::kContract);
  const Percentiles raw_scan = Measure(lookups / 10, [&](int64_t i) {
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), state));
    int n = 0;
    for (it->Seek(prefix + ContractId(picks[i])); it->Valid() && n < kPage && it->key().starts_with(prefix);
         it->Next()) {
      ++n;
    }
    found += n;
  });
  const Percentiles reader_scan = Measure(lookups / 10, [&](int64_t i) {
    absl::StatusOr<ProjectionReader::Page<v1::ContractRecord>> page =
        (*reader)->EntityPage<v1::ContractRecord>(kRegion, ContractId(picks[i]), kPage,
                                                  [](const v1::ContractRecord&) { return true; });
    found += page.ok() ? static_cast<int64_t>(page->records.size()) : 0;
  });

  HttpOptions http_options;
  http_options.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start(http_options, db, std::make_unique<NoBroker>());
  if (!server.ok()) {
    std::cerr << "bench-read: " << server.status() << "\n";
    return 1;
  }
  httplib::Client client("127.0.0.1", (*server)->port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  int64_t http_errors = 0;
  const Percentiles http_get = Measure(http_lookups, [&](int64_t i) {
    httplib::Result result = client.Get(absl::StrCat("/api/v1/contracts/", ContractId(picks[i])));
    http_errors += !result || result->status != 200;
  });
  const Percentiles http_page = Measure(http_lookups / 10, [&](int64_t i) {
    httplib::Result result = client.Get(absl::StrCat(
        "/api/v1/contracts?limit=", kPage, "&cursor=", absl::BytesToHexString(ContractId(picks[i]))));
    http_errors += !result || result->status != 200;
  });
  (*server)->Stop();
  if (http_errors > 0) {
    std::cerr << "bench-read: " << http_errors << " HTTP requests failed\n";
    return 1;
  }

  const std::vector<Figure> figures = {
      {"read.point_lookup.reader.p50", reader_get.p50_us, "rocksdb.get.p50", raw_get.p50_us},
      {"read.point_lookup.reader.p99", reader_get.p99_us, "rocksdb.get.p99", raw_get.p99_us},
      {"read.point_lookup.http.p50", http_get.p50_us, "rocksdb.get.p50", raw_get.p50_us},
      {"read.point_lookup.http.p99", http_get.p99_us, "rocksdb.get.p99", raw_get.p99_us},
      {"read.scan_100.reader.p50", reader_scan.p50_us, "rocksdb.iterate_100.p50", raw_scan.p50_us},
      {"read.scan_100.reader.p99", reader_scan.p99_us, "rocksdb.iterate_100.p99", raw_scan.p99_us},
      {"read.scan_100.http.p50", http_page.p50_us, "rocksdb.iterate_100.p50", raw_scan.p50_us},
      {"read.scan_100.http.p99", http_page.p99_us, "rocksdb.iterate_100.p99", raw_scan.p99_us},
  };
  std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    std::filesystem::create_directories("bench-results");
    out = absl::StrCat("bench-results/",
                       absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone()), ".jsonl");
  }
  std::ofstream lines(out, std::ios::app);
  std::cout << absl::StrFormat("read: %d contracts, %d lookups (%d over HTTP), %d found\n",
                               contracts, lookups, http_lookups, found);
  std::cout << absl::StrFormat("  %-30s %10s   %-26s %10s %8s\n", "figure", "us", "baseline", "us",
                               "ratio");
  for (const Figure& f : figures) {
    const double ratio = f.baseline_value > 0 ? f.value / f.baseline_value : 0;
    std::cout << absl::StrFormat("  %-30s %10.1f   %-26s %10.1f %7.1fx\n", f.name, f.value,
                                 f.baseline, f.baseline_value, ratio);
    const std::string line = absl::StrFormat(
        R"({"name":"%s","value":%.3f,"unit":"us","baseline":"%s","baseline_value":%.3f,"ratio":%.3f,"contracts":%d})",
        f.name, f.value, f.baseline, f.baseline_value, ratio, contracts);
    lines << line << "\n";
    std::cout << line << "\n";
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) raw->DestroyColumnFamilyHandle(handle);
  raw.reset();
  reader->reset();
  if (temporary) std::filesystem::remove_all(db);
  return 0;
}

}  // namespace
}  // namespace inkoop

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "inkoop-bench-read: point lookup and prefix scan latency through the reader and HTTP, "
      "beside plain RocksDB");
  absl::ParseCommandLine(argc, argv);
  return inkoop::Run();
}
