#include "projections/read_api.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <tuple>
#include <variant>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "projections/enum_words.h"
#include "projections/keys.h"

namespace inkoop {

namespace {

using nlohmann::json;

// Text from a request may be any bytes: invalid UTF-8 is replaced, never thrown.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Quoted(absl::string_view text) { return Dump(json(std::string(text))); }

std::string MessageJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

ApiResponse Error(int status, absl::string_view parameter, absl::string_view expected,
                  absl::string_view got) {
  const std::string message =
      parameter.empty() ? std::string(expected)
                        : absl::StrCat(parameter, ": expected ", expected, ", got '", got, "'");
  json body = {{"error",
                {{"parameter", std::string(parameter)},
                 {"expected", std::string(expected)},
                 {"got", std::string(got)},
                 {"message", message}}}};
  return ApiResponse{status, "application/json", Dump(body)};
}

ApiResponse Unavailable(absl::string_view what, const absl::Status& status) {
  json body = {{"error", {{"parameter", ""}, {"message", absl::StrCat(what, ": ", status.message())}}}};
  return ApiResponse{503, "application/json", Dump(body)};
}

// A bad request as a value: the response to give.
struct Refusal {
  ApiResponse response;
};

// The query parameters of one request, each taken at most once; any left
// untaken is refused as unknown.
class Query {
 public:
  Query(const QueryParams& params, std::vector<std::string> allowed)
      : params_(params), allowed_(std::move(allowed)) {}

  // A parameter the endpoint does not take, or one given twice.
  std::optional<Refusal> Check() const {
    absl::flat_hash_set<std::string> seen;
    for (const auto& [name, value] : params_) {
      if (std::find(allowed_.begin(), allowed_.end(), name) == allowed_.end()) {
        return Refusal{Error(400, name,
                             allowed_.empty()
                                 ? std::string("no parameters")
                                 : absl::StrCat("one of the parameters ", absl::StrJoin(allowed_, ", ")),
                             value)};
      }
      if (!seen.insert(name).second) {
        return Refusal{Error(400, name, "the parameter once", absl::StrCat(value, "' again"))};
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> Get(absl::string_view name) const {
    for (const auto& [key, value] : params_) {
      if (key == name) return value;
    }
    return std::nullopt;
  }

 private:
  const QueryParams& params_;
  std::vector<std::string> allowed_;
};

// " of provider 'p' of lot 'l'" for an empty result.
std::string Filtered(const std::vector<std::pair<const char*, std::optional<std::string>>>& filters) {
  std::string out;
  for (const auto& [name, value] : filters) {
    if (value.has_value()) absl::StrAppend(&out, " of ", name, " '", *value, "'");
  }
  return out;
}

std::string ListBody(const std::vector<std::string>& items, const std::string& next,
                     const std::string& empty) {
  std::string body = absl::StrCat("{\"items\":[", absl::StrJoin(items, ","), "],\"next_cursor\":",
                                  Quoted(next.empty() ? "" : absl::BytesToHexString(next)));
  if (items.empty() && next.empty()) absl::StrAppend(&body, ",\"empty\":", Quoted(empty));
  return body + "}";
}

int64_t YearOf(absl::string_view date) {
  int64_t year = 0;
  return date.size() >= 4 && absl::SimpleAtoi(date.substr(0, 4), &year) ? year : 0;
}

// What every read of one region's records shares: the region, the page.
struct Scope {
  std::string region;
  v1::FrameworkSnapshot framework;
  std::string after;  // the cursor, decoded
  int limit = 0;
};

class Handler {
 public:
  Handler(ProjectionReader& reader, const ReadApiOptions& options)
      : reader_(reader), options_(options) {}

  // The region: `region`, else the only one of the projection.
  std::variant<Scope, Refusal> Resolve(const Query& query, bool paged) {
    Scope scope;
    absl::StatusOr<std::vector<std::string>> regions = reader_.RegionNames();
    if (!regions.ok()) return Refusal{Unavailable("regions", regions.status())};
    const std::string known = regions->empty() ? std::string("none yet")
                                                : absl::StrJoin(*regions, ", ");
    if (std::optional<std::string> region = query.Get("region"); region.has_value()) {
      if (std::find(regions->begin(), regions->end(), *region) == regions->end()) {
        return Refusal{Error(404, "region",
                             absl::StrCat("a region of the projection (", known, ")"), *region)};
      }
      scope.region = *region;
    } else if (regions->size() == 1) {
      scope.region = regions->front();
    } else {
      return Refusal{Error(400, "region",
                           absl::StrCat("one of the projection's regions (", known, ")"), "")};
    }
    absl::StatusOr<std::optional<v1::FrameworkSnapshot>> framework = reader_.Framework(scope.region);
    if (!framework.ok()) return Refusal{Unavailable("framework", framework.status())};
    if (framework->has_value()) scope.framework = **framework;
    if (!paged) return scope;
    scope.limit = options_.default_limit;
    if (std::optional<std::string> text = query.Get("limit"); text.has_value()) {
      if (!absl::SimpleAtoi(*text, &scope.limit) || scope.limit < 1 ||
          scope.limit > options_.max_limit) {
        return Refusal{Error(400, "limit", absl::StrCat("1 to ", options_.max_limit, " records"),
                             *text)};
      }
    }
    if (std::optional<std::string> cursor = query.Get("cursor"); cursor.has_value()) {
      const bool hex = !cursor->empty() && cursor->size() % 2 == 0 && cursor->size() <= 512 &&
                       std::all_of(cursor->begin(), cursor->end(),
                                   [](char c) { return absl::ascii_isxdigit(c); });
      if (!hex) {
        return Refusal{
            Error(400, "cursor", "the next_cursor of an earlier page of the same list", *cursor)};
      }
      scope.after = absl::HexStringToBytes(*cursor);
    }
    return scope;
  }

  std::optional<Refusal> CheckMunicipality(const Scope& scope,
                                           const std::optional<std::string>& municipality) {
    if (!municipality.has_value()) return std::nullopt;
    std::vector<std::string> all;
    auto add = [&](const v1::FrameworkSnapshot& f) {
      for (const std::string& m : f.municipalities()) {
        if (std::find(all.begin(), all.end(), m) == all.end()) all.push_back(m);
      }
    };
    add(scope.framework);
    for (const v1::FrameworkSnapshot& earlier : scope.framework.predecessors()) add(earlier);
    if (std::find(all.begin(), all.end(), *municipality) != all.end()) return std::nullopt;
    return Refusal{Error(404, "municipality",
                         absl::StrCat("a municipality of region '", scope.region, "' (",
                                      absl::StrJoin(all, ", "), ")"),
                         *municipality)};
  }

  std::optional<Refusal> CheckLot(const Scope& scope, const std::optional<std::string>& lot) {
    if (!lot.has_value()) return std::nullopt;
    std::vector<std::string> all;
    auto add = [&](const v1::FrameworkSnapshot& f) {
      for (const v1::Lot& l : f.lots()) {
        if (std::find(all.begin(), all.end(), l.code()) == all.end()) all.push_back(l.code());
      }
    };
    add(scope.framework);
    for (const v1::FrameworkSnapshot& earlier : scope.framework.predecessors()) add(earlier);
    if (std::find(all.begin(), all.end(), *lot) != all.end()) return std::nullopt;
    return Refusal{Error(404, "lot",
                         absl::StrCat("a lot of region '", scope.region, "' (",
                                      absl::StrJoin(all, ", "), ")"),
                         *lot)};
  }

  std::optional<Refusal> CheckProvider(const Scope& scope,
                                       const std::optional<std::string>& provider) {
    if (!provider.has_value()) return std::nullopt;
    absl::StatusOr<std::optional<v1::ProviderRecord>> found =
        reader_.Entity<v1::ProviderRecord>(scope.region, *provider);
    if (!found.ok()) return Refusal{Unavailable("provider", found.status())};
    if (found->has_value()) return std::nullopt;
    return Refusal{Error(404, "provider",
                         absl::StrCat("a provider of region '", scope.region, "'"), *provider)};
  }

  // Every filter given names a provider, lot and municipality of the region.
  std::optional<Refusal> CheckFilters(const Scope& scope, const std::optional<std::string>& provider,
                                      const std::optional<std::string>& lot,
                                      const std::optional<std::string>& municipality) {
    if (std::optional<Refusal> refused = CheckProvider(scope, provider)) return refused;
    if (std::optional<Refusal> refused = CheckLot(scope, lot)) return refused;
    return CheckMunicipality(scope, municipality);
  }

  std::variant<std::optional<int32_t>, Refusal> Year(const Query& query) {
    std::optional<std::string> text = query.Get("year");
    if (!text.has_value()) return std::optional<int32_t>();
    int32_t year = 0;
    if (!absl::SimpleAtoi(*text, &year) || year < 1900 || year > 9999) {
      return Refusal{Error(400, "year", "a year like 2016", *text)};
    }
    return std::optional<int32_t>(year);
  }

  std::variant<std::optional<int>, Refusal> Status(const Query& query,
                                                   const google::protobuf::EnumDescriptor& type) {
    std::optional<std::string> text = query.Get("status");
    if (!text.has_value()) return std::optional<int>();
    std::optional<int> value = ParseEnumWord(type, *text);
    if (!value.has_value()) return Refusal{Error(400, "status", EnumWords(type), *text)};
    return value;
  }

  // One page of an entity kind, or one record by id.
  // How a page is read: by default a scan of all the records of the kind.
  template <typename Record>
  using Pager = std::function<absl::StatusOr<ProjectionReader::Page<Record>>(
      const Scope&, const std::function<bool(const Record&)>&)>;

  template <typename Record>
  ApiResponse List(const Scope& scope, const std::optional<std::string>& id,
                   const std::function<bool(const Record&)>& keep, absl::string_view what,
                   const std::string& filtered, Pager<Record> pager = nullptr) {
    if (id.has_value()) {
      absl::StatusOr<std::optional<Record>> record = reader_.Entity<Record>(scope.region, *id);
      if (!record.ok()) return Unavailable(what, record.status());
      if (!record->has_value()) {
        return Error(404, "id", absl::StrCat("the id of one of the ", what, " of region '",
                                             scope.region, "'"),
                     *id);
      }
      return ApiResponse{200, "application/json", MessageJson(**record)};
    }
    absl::StatusOr<ProjectionReader::Page<Record>> page =
        pager != nullptr ? pager(scope, keep)
                         : reader_.EntityPage<Record>(scope.region, scope.after, scope.limit, keep);
    if (!page.ok()) return Unavailable(what, page.status());
    std::vector<std::string> items;
    items.reserve(page->records.size());
    for (const Record& record : page->records) items.push_back(MessageJson(record));
    return ApiResponse{200, "application/json",
                       ListBody(items, page->next,
                                absl::StrCat("no ", what, filtered, " in region '", scope.region,
                                             "'"))};
  }

 private:
  ProjectionReader& reader_;
  const ReadApiOptions& options_;
};

// A check's refusal, or a value's, is the answer.
#define INKOOP_TRY(expression)                          \
  if (std::optional<Refusal> refused = (expression)) {  \
    return std::move(refused->response);                \
  }
#define INKOOP_TAKE(type, name, expression)                                  \
  auto name##_or = (expression);                                             \
  if (Refusal* refused = std::get_if<Refusal>(&name##_or)) {                 \
    return std::move(refused->response);                                     \
  }                                                                          \
  type name = std::get<type>(std::move(name##_or));

std::string Gauge(absl::string_view name, absl::string_view help) {
  return absl::StrCat("# HELP ", name, " ", help, "\n# TYPE ", name, " gauge\n");
}
std::string Counter(absl::string_view name, absl::string_view help) {
  return absl::StrCat("# HELP ", name, " ", help, "\n# TYPE ", name, " counter\n");
}
std::string Label(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> LagJson(ProjectionReader& reader, const std::string& topic,
                                    const std::vector<PartitionLag>& lags) {
  json partitions = json::array();
  int64_t total = 0;
  bool caught_up = true;
  for (const PartitionLag& p : lags) {
    partitions.push_back({{"partition", p.partition},
                          {"endOffset", p.end_offset},
                          {"appliedOffset", p.applied_offset},
                          {"lag", p.lag},
                          {"caughtUp", p.caught_up}});
    total += p.lag;
    caught_up = caught_up && p.caught_up;
  }
  json regions = json::array();
  std::optional<double> youngest;
  ASSIGN_OR_RETURN(std::vector<std::string> names, reader.RegionNames());
  for (const std::string& region : names) {
    ASSIGN_OR_RETURN(std::optional<v1::SignedCheckpoint> checkpoint, reader.Checkpoint(region));
    if (!checkpoint.has_value()) continue;
    const absl::Time recorded = absl::FromUnixSeconds(checkpoint->recorded_at().seconds()) +
                                absl::Nanoseconds(checkpoint->recorded_at().nanos());
    const double age = absl::ToDoubleSeconds(absl::Now() - recorded);
    youngest = std::min(youngest.value_or(age), age);
    regions.push_back(
        {{"region", region},
         {"sequence", checkpoint->sequence()},
         {"recordedAt", absl::FormatTime(absl::RFC3339_sec, recorded, absl::UTCTimeZone())},
         {"ageSeconds", age}});
  }
  json body = {{"topic", topic},   {"partitions", partitions}, {"lag", total},
               {"caughtUp", caught_up}, {"regions", regions}};
  body["lastEventAgeSeconds"] = youngest.has_value() ? json(*youngest) : json(nullptr);
  return Dump(body);
}

ReadApi::ReadApi(ProjectionReader& reader, ReadSources& sources, ReadApiOptions options)
    : reader_(reader), sources_(sources), options_(std::move(options)) {}

absl::Status ReadApi::CatchUp() {
  std::lock_guard<std::mutex> lock(catch_up_mutex_);
  const absl::Time now = absl::Now();
  if (now - caught_up_at_ < options_.catch_up_every) return absl::OkStatus();
  caught_up_at_ = now;
  return reader_.CatchUp();
}

ReadApi::Lags ReadApi::MeasureLag() {
  std::lock_guard<std::mutex> lock(lag_mutex_);
  const absl::Time now = absl::Now();
  if (now - lag_at_ < options_.lag_every) return lag_;
  Lags lags;
  absl::StatusOr<std::map<int32_t, int64_t>> applied = reader_.Offsets(options_.events_topic, options_.partitions);
  if (!applied.ok()) {
    lags.status = applied.status();
  } else {
    absl::StatusOr<std::vector<PartitionLag>> measured = sources_.Lag(*applied);
    lags.status = measured.status();
    if (measured.ok()) lags.partitions = *std::move(measured);
  }
  lag_ = lags;
  lag_at_ = absl::Now();
  return lags;
}

ApiResponse ReadApi::Get(absl::string_view path, const QueryParams& params) {
  if (path == "/healthz") {
    Query query(params, {});
    INKOOP_TRY(query.Check());
    return ApiResponse{200, "application/json", "{\"status\":\"ok\"}"};
  }
  if (path == "/" || path == "/index.html") {
    return ApiResponse{200, "text/html; charset=utf-8", kDashboardHtml};
  }
  if (absl::Status caught_up = CatchUp(); !caught_up.ok()) {
    return Unavailable("projection database", caught_up);
  }
  Handler handler(reader_, options_);
  if (path == "/readyz") {
    Query query(params, {});
    INKOOP_TRY(query.Check());
    Lags lags = MeasureLag();
    if (!lags.status.ok()) {
      json body = {{"ready", false},
                   {"reason", absl::StrCat("the broker does not answer: ", lags.status.message())}};
      return ApiResponse{503, "application/json", Dump(body)};
    }
    std::vector<std::string> behind;
    for (const PartitionLag& lag : lags.partitions) {
      if (!lag.caught_up && lag.lag > options_.ready_max_lag) {
        behind.push_back(absl::StrCat("partition ", lag.partition, " is ", lag.lag,
                                      " offsets behind (at most ", options_.ready_max_lag, ")"));
      }
    }
    json body = {{"ready", behind.empty()}};
    if (!behind.empty()) body["reason"] = absl::StrJoin(behind, "; ");
    return ApiResponse{behind.empty() ? 200 : 503, "application/json", Dump(body)};
  }
  if (path == "/metrics") {
    Query query(params, {});
    INKOOP_TRY(query.Check());
    std::string out;
    for (const auto& [metric, name, help] :
         {std::tuple("applied", "inkoop_projection_events_applied_total",
                     "Events applied to the projection since the database was created."),
          std::tuple("parked", "inkoop_projection_events_parked_total",
                     "Events parked (undecodable, unsigned, out of chain or conflicting)."),
          std::tuple("conflicts", "inkoop_projection_conflicts_total",
                     "Events parked because another event holds their sequence."),
          std::tuple("skipped_duplicates", "inkoop_projection_duplicates_skipped_total",
                     "Events delivered again and skipped."),
          std::tuple("bytes_written", "inkoop_projection_written_bytes_total",
                     "Key and value bytes of every batch written to RocksDB.")}) {
      absl::StatusOr<uint64_t> value = reader_.Metric(metric);
      if (!value.ok()) return Unavailable("metrics", value.status());
      absl::StrAppend(&out, Counter(name, help), name, " ", *value, "\n");
    }
    absl::StatusOr<std::vector<std::string>> regions = reader_.RegionNames();
    if (!regions.ok()) return Unavailable("regions", regions.status());
    absl::StrAppend(&out, Gauge("inkoop_projection_regions", "Regions in the projection."),
                    "inkoop_projection_regions ", regions->size(), "\n");
    std::string ages;
    for (const std::string& region : *regions) {
      absl::StatusOr<std::optional<v1::SignedCheckpoint>> checkpoint = reader_.Checkpoint(region);
      if (!checkpoint.ok() || !checkpoint->has_value()) continue;
      const absl::Time recorded = absl::FromUnixSeconds((*checkpoint)->recorded_at().seconds()) +
                                  absl::Nanoseconds((*checkpoint)->recorded_at().nanos());
      absl::StrAppend(&ages, "inkoop_projection_last_signed_event_age_seconds{region=\"",
                      Label(region), "\"} ", absl::ToDoubleSeconds(absl::Now() - recorded), "\n");
    }
    if (!ages.empty()) {
      absl::StrAppend(&out,
                      Gauge("inkoop_projection_last_signed_event_age_seconds",
                            "Seconds since the engine recorded the region's latest signed event "
                            "the projection applied."),
                      ages);
    }
    Lags lags = MeasureLag();
    absl::StrAppend(&out,
                    Gauge("inkoop_projection_broker_up",
                          "1 when the broker answered the last lag measurement."),
                    "inkoop_projection_broker_up ", lags.status.ok() ? 1 : 0, "\n");
    if (lags.status.ok()) {
      std::string end, applied, lag, caught;
      for (const PartitionLag& p : lags.partitions) {
        const std::string label = absl::StrCat("{partition=\"", p.partition, "\"} ");
        absl::StrAppend(&end, "inkoop_projection_partition_end_offset", label, p.end_offset, "\n");
        absl::StrAppend(&applied, "inkoop_projection_partition_applied_offset", label,
                        p.applied_offset, "\n");
        absl::StrAppend(&lag, "inkoop_projection_partition_lag_offsets", label, p.lag, "\n");
        absl::StrAppend(&caught, "inkoop_projection_partition_caught_up", label,
                        p.caught_up ? 1 : 0, "\n");
      }
      absl::StrAppend(
          &out,
          Gauge("inkoop_projection_partition_end_offset",
                "The broker's last stable offset of the events partition."),
          end,
          Gauge("inkoop_projection_partition_applied_offset",
                "The next offset of the events partition the projection reads."),
          applied,
          Gauge("inkoop_projection_partition_lag_offsets",
                "End offset minus applied offset (transaction markers included)."),
          lag,
          Gauge("inkoop_projection_partition_caught_up",
                "1 when no committed event of the partition waits to be applied."),
          caught);
    }
    for (const auto& [property, name, help] :
         {std::tuple("rocksdb.estimate-num-keys", "inkoop_rocksdb_estimated_keys",
                     "RocksDB's estimate of the keys in the projection database."),
          std::tuple("rocksdb.live-sst-files-size", "inkoop_rocksdb_live_sst_bytes",
                     "Bytes of the projection database's live SST files."),
          std::tuple("rocksdb.estimate-pending-compaction-bytes",
                     "inkoop_rocksdb_pending_compaction_bytes",
                     "Bytes RocksDB estimates compaction still has to rewrite.")}) {
      if (std::optional<uint64_t> value = reader_.StoreProperty(property)) {
        absl::StrAppend(&out, Gauge(name, help), name, " ", *value, "\n");
      }
    }
    absl::StrAppend(&out, sources_.ProcessMetrics());
    return ApiResponse{200, "text/plain; version=0.0.4; charset=utf-8", out};
  }

  absl::string_view rest = path;
  if (!absl::ConsumePrefix(&rest, "/api/v1/")) {
    return Error(404, "", absl::StrCat("no such page: ", path, " (see /api/v1/regions)"), "");
  }
  // "contracts/AMB-HOR" -> kind "contracts", id "AMB-HOR".
  std::optional<std::string> id;
  std::string kind(rest);
  if (size_t slash = rest.find('/'); slash != absl::string_view::npos) {
    kind = std::string(rest.substr(0, slash));
    id = std::string(rest.substr(slash + 1));
    if (id->empty() || id->find('/') != std::string::npos) {
      return Error(404, "", absl::StrCat("no such page: ", path), "");
    }
  }

  if (kind == "regions" && !id) {
    Query query(params, {});
    INKOOP_TRY(query.Check());
    absl::StatusOr<std::vector<std::string>> regions = reader_.RegionNames();
    if (!regions.ok()) return Unavailable("regions", regions.status());
    return ApiResponse{200, "application/json", Dump(json({{"regions", *regions}}))};
  }
  if (kind == "lag" && !id) {
    Query query(params, {});
    INKOOP_TRY(query.Check());
    Lags lags = MeasureLag();
    if (!lags.status.ok()) return Unavailable("lag", lags.status);
    absl::StatusOr<std::string> body = LagJson(reader_, options_.events_topic, lags.partitions);
    if (!body.ok()) return Unavailable("lag", body.status());
    return ApiResponse{200, "application/json", *std::move(body)};
  }
  if (kind == "parked" && !id) {
    Query query(params, {"limit"});
    INKOOP_TRY(query.Check());
    int limit = options_.default_limit;
    if (std::optional<std::string> text = query.Get("limit"); text.has_value()) {
      if (!absl::SimpleAtoi(*text, &limit) || limit < 1 || limit > options_.max_limit) {
        return Error(400, "limit", absl::StrCat("1 to ", options_.max_limit, " records"), *text);
      }
    }
    absl::StatusOr<std::vector<v1::ParkedEvent>> parked = reader_.Parked();
    if (!parked.ok()) return Unavailable("parked", parked.status());
    std::vector<std::string> items;
    for (const v1::ParkedEvent& event : *parked) {
      if (static_cast<int>(items.size()) == limit) break;
      items.push_back(MessageJson(event));
    }
    return ApiResponse{200, "application/json",
                       absl::StrCat("{\"count\":", parked->size(), ",\"items\":[",
                                    absl::StrJoin(items, ","), "]}")};
  }

  if (kind == "budgets" && !id) {
    Query query(params, {"region", "municipality", "year", "limit", "cursor"});
    INKOOP_TRY(query.Check());
    INKOOP_TAKE(Scope, scope, handler.Resolve(query, true));
    const std::optional<std::string> municipality = query.Get("municipality");
    INKOOP_TRY(handler.CheckMunicipality(scope, municipality));
    INKOOP_TAKE(std::optional<int32_t>, year, handler.Year(query));
    // A region has a view per municipality and year: few enough to read
    // whole and page here, in key order, the cursor being the last key.
    absl::StatusOr<std::vector<v1::BudgetView>> views =
        municipality ? reader_.Budgets(scope.region, *municipality)
                     : reader_.RegionBudgets(scope.region);
    if (!views.ok()) return Unavailable("budgets", views.status());
    std::vector<std::string> items;
    std::string last;
    bool more = false;
    for (const v1::BudgetView& view : *views) {
      if (year && view.year() != *year) continue;
      const std::string key = BudgetKey(scope.region, view.municipality(), view.year());
      if (!scope.after.empty() && key <= scope.after) continue;
      if (static_cast<int>(items.size()) == scope.limit) {
        more = true;
        break;
      }
      items.push_back(MessageJson(view));
      last = key;
    }
    const std::string next = more ? last : "";
    return ApiResponse{
        200, "application/json",
        ListBody(items, next,
                 absl::StrCat("no budget", Filtered({{"municipality", municipality}}),
                              year ? absl::StrCat(" in ", *year) : "", " in region '",
                              scope.region, "'"))};
  }
  if (kind == "lots" && !id) {
    Query query(params, {"region", "municipality", "year"});
    INKOOP_TRY(query.Check());
    INKOOP_TAKE(Scope, scope, handler.Resolve(query, false));
    const std::optional<std::string> municipality = query.Get("municipality");
    if (!municipality) {
      return Error(400, "municipality", "the municipality whose lots to show", "");
    }
    INKOOP_TRY(handler.CheckMunicipality(scope, municipality));
    INKOOP_TAKE(std::optional<int32_t>, year, handler.Year(query));
    if (!year) return Error(400, "year", "a year like 2016", "");
    absl::StatusOr<std::optional<v1::BudgetView>> view =
        reader_.Budget(scope.region, *municipality, *year);
    if (!view.ok()) return Unavailable("budget", view.status());
    if (!view->has_value()) {
      return ApiResponse{200, "application/json",
                         ListBody({}, "",
                                  absl::StrCat("no budget of municipality '", *municipality,
                                               "' in ", *year, " in region '", scope.region,
                                               "'"))};
    }
    // Claimed and paid per lot: the contracts' claims of this municipality
    // and year (read at request time from the contracts of the region).
    absl::StatusOr<std::vector<v1::ContractRecord>> contracts = reader_.Contracts(scope.region);
    if (!contracts.ok()) return Unavailable("contracts", contracts.status());
    absl::flat_hash_map<std::string, std::pair<int64_t, int64_t>> claimed;
    for (const v1::ContractRecord& contract : *contracts) {
      for (const v1::ClaimedYear& y : contract.claimed()) {
        if (y.municipality() != *municipality || y.year() != *year) continue;
        claimed[contract.lot()].first += y.claimed_cents();
        claimed[contract.lot()].second += y.paid_cents();
      }
    }
    json items = json::array();
    for (const v1::BudgetView::LotLine& lot : (*view)->lots()) {
      const auto& money = claimed[lot.lot()];
      // int64 as strings, as the protobuf JSON mapping writes them.
      items.push_back({{"lot", lot.lot()},
                       {"name", lot.name()},
                       {"scope", v1::LotScope_Name(lot.scope())},
                       {"plannedCents", absl::StrCat(lot.planned_cents())},
                       {"committedCents", absl::StrCat(lot.committed_cents())},
                       {"claimedCents", absl::StrCat(money.first)},
                       {"paidCents", absl::StrCat(money.second)},
                       {"freeCents", absl::StrCat(lot.planned_cents() - lot.committed_cents())}});
    }
    json body = {{"region", scope.region},
                 {"municipality", *municipality},
                 {"year", *year},
                 {"asOfSequence", absl::StrCat((*view)->as_of_sequence())},
                 {"items", items},
                 {"next_cursor", ""}};
    if (items.empty()) {
      body["empty"] = absl::StrCat("no lots in the local plan of '", *municipality, "' for ",
                                   *year, " in region '", scope.region, "'");
    }
    return ApiResponse{200, "application/json", Dump(body)};
  }
  if (kind == "contracts") {
    Query query(params, id ? std::vector<std::string>{"region"}
                           : std::vector<std::string>{"region", "provider", "lot", "municipality",
                                                      "year", "status", "limit", "cursor"});
    INKOOP_TRY(query.Check());
    INKOOP_TAKE(Scope, scope, handler.Resolve(query, true));
    const std::optional<std::string> provider = query.Get("provider");
    const std::optional<std::string> lot = query.Get("lot");
    const std::optional<std::string> municipality = query.Get("municipality");
    INKOOP_TRY(handler.CheckFilters(scope, provider, lot, municipality));
    INKOOP_TAKE(std::optional<int32_t>, year, handler.Year(query));
    INKOOP_TAKE(std::optional<int>, status, handler.Status(query, *v1::ContractStatus_descriptor()));
    // A filter reads through its index (keys.h): the provider's, the
    // municipality's, the lot's or the status's contracts only.
    const std::optional<std::pair<ContractIndex, std::string>> index =
        ChooseContractIndex(provider, municipality, lot, status);
    Handler::Pager<v1::ContractRecord> indexed;
    if (index.has_value()) {
      indexed = [&](const Scope& page_scope,
                    const std::function<bool(const v1::ContractRecord&)>& keep) {
        return reader_.IndexedContracts(page_scope.region, index->first, index->second,
                                        page_scope.after, page_scope.limit, keep);
      };
    }
    return handler.List<v1::ContractRecord>(
        scope, id,
        [&](const v1::ContractRecord& c) {
          return (!provider || *provider == c.provider_id()) && (!lot || *lot == c.lot()) &&
                 (!municipality || HasCeiling(c, *municipality)) &&
                 (!status || *status == c.status()) &&
                 (!year || (YearOf(c.term_start()) <= *year && *year <= YearOf(c.term_end())));
        },
        "contracts",
        Filtered({{"provider", provider}, {"lot", lot}, {"municipality", municipality},
                  {"year", year ? std::optional(absl::StrCat(*year)) : std::nullopt},
                  {"status", query.Get("status")}}),
        indexed);
  }
  if (kind == "providers") {
    Query query(params, id ? std::vector<std::string>{"region"}
                           : std::vector<std::string>{"region", "status", "limit", "cursor"});
    INKOOP_TRY(query.Check());
    INKOOP_TAKE(Scope, scope, handler.Resolve(query, true));
    const std::optional<std::string> status = query.Get("status");
    if (status && *status != "active" && *status != "failed") {
      return Error(400, "status", "active or failed", *status);
    }
    return handler.List<v1::ProviderRecord>(
        scope, id,
        [&](const v1::ProviderRecord& p) { return !status || (*status == "failed") == p.failed(); },
        "providers", Filtered({{"status", status}}));
  }
  if (kind == "tenders") {
    Query query(params, id ? std::vector<std::string>{"region"}
                           : std::vector<std::string>{"region", "lot", "year", "status", "limit",
                                                      "cursor"});
    INKOOP_TRY(query.Check());
    INKOOP_TAKE(Scope, scope, handler.Resolve(query, true));
    const std::optional<std::string> lot = query.Get("lot");
    INKOOP_TRY(handler.CheckLot(scope, lot));
    INKOOP_TAKE(std::optional<int32_t>, year, handler.Year(query));
    INKOOP_TAKE(std::optional<int>, status, handler.Status(query, *v1::TenderStatus_descriptor()));
    return handler.List<v1::TenderRecord>(
        scope, id,
        [&](const v1::TenderRecord& t) {
          return (!lot || *lot == t.lot()) && (!year || *year == t.year()) &&
                 (!status || *status == t.status());
        },
        "tenders",
        Filtered({{"lot", lot},
                  {"year", year ? std::optional(absl::StrCat(*year)) : std::nullopt},
                  {"status", query.Get("status")}}));
  }
  if (kind == "cases") {
    Query query(params, id ? std::vector<std::string>{"region"}
                           : std::vector<std::string>{"region", "provider", "lot", "municipality",
                                                      "status", "limit", "cursor"});
    INKOOP_TRY(query.Check());
    INKOOP_TAKE(Scope, scope, handler.Resolve(query, true));
    const std::optional<std::string> provider = query.Get("provider");
    const std::optional<std::string> lot = query.Get("lot");
    const std::optional<std::string> municipality = query.Get("municipality");
    INKOOP_TRY(handler.CheckFilters(scope, provider, lot, municipality));
    INKOOP_TAKE(std::optional<int>, status, handler.Status(query, *v1::CaseStatus_descriptor()));
    return handler.List<v1::ContinuityCaseRecord>(
        scope, id,
        [&](const v1::ContinuityCaseRecord& c) {
          return (!provider || *provider == c.provider_id()) && (!lot || *lot == c.lot()) &&
                 (!municipality || *municipality == c.municipality()) &&
                 (!status || *status == c.status());
        },
        "continuity cases",
        Filtered({{"provider", provider}, {"lot", lot}, {"municipality", municipality},
                  {"status", query.Get("status")}}));
  }
  return Error(404, "", absl::StrCat("no such page: ", path, " (see /api/v1/regions)"), "");
}

}  // namespace inkoop
