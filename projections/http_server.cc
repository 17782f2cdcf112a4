#include "projections/http_server.h"

#include <httplib.h>
#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/log.h"
#include "engine/status_macros.h"

namespace inkoop {

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || absl::StartsWith(host, "127.");
}

namespace {

class Sources : public ReadSources {
 public:
  explicit Sources(Projector& projector) : projector_(projector) {}

  absl::StatusOr<std::vector<PartitionLag>> Lag(
      const std::map<int32_t, int64_t>& applied) override {
    if (probe_ == nullptr) {
      ASSIGN_OR_RETURN(probe_, LagProbe::Open(projector_.options().kafka));
    }
    return probe_->Measure(projector_.options().kafka.events_topic(), applied, absl::Seconds(2));
  }

  std::string ProcessMetrics() override {
    const ProjectorStats& s = projector_.stats();
    std::string out;
    auto family = [&](absl::string_view name, absl::string_view type, absl::string_view help) {
      absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
    };
    family("inkoop_projector_batches_total", "counter",
           "Batches this projector process wrote to RocksDB.");
    absl::StrAppend(&out, "inkoop_projector_batches_total ", s.batches.load(), "\n");
    family("inkoop_projector_batch_written_bytes_total", "counter",
           "Key and value bytes of the batches this process wrote.");
    absl::StrAppend(&out, "inkoop_projector_batch_written_bytes_total ", s.batch_bytes.load(),
                    "\n");
    family("inkoop_projector_events_applied_total", "counter",
           "Events this projector process applied.");
    absl::StrAppend(&out, "inkoop_projector_events_applied_total ", s.applied.load(), "\n");
    family("inkoop_projector_apply_rate_events_per_second", "gauge",
           "Events applied per second over the last few seconds.");
    absl::StrAppend(&out, "inkoop_projector_apply_rate_events_per_second ", s.apply_rate.load(),
                    "\n");
    family("inkoop_projector_batch_write_seconds", "histogram",
           "Time to write one batch (its events' entities, views and offsets) to RocksDB.");
    uint64_t cumulative = 0;
    for (int i = 0; i <= ProjectorStats::kBucketCount; ++i) {
      cumulative += s.batch_le[i].load();
      absl::StrAppend(&out, "inkoop_projector_batch_write_seconds_bucket{le=\"",
                      i == ProjectorStats::kBucketCount
                          ? std::string("+Inf")
                          : absl::StrCat(ProjectorStats::kBatchBuckets[i]),
                      "\"} ", cumulative, "\n");
    }
    absl::StrAppend(&out, "inkoop_projector_batch_write_seconds_sum ",
                    static_cast<double>(s.batch_micros.load()) / 1e6, "\n",
                    "inkoop_projector_batch_write_seconds_count ", cumulative, "\n");
    if (const int64_t last = s.last_batch_micros.load(); last > 0) {
      family("inkoop_projector_last_batch_age_seconds", "gauge",
             "Seconds since this process last wrote a batch.");
      absl::StrAppend(&out, "inkoop_projector_last_batch_age_seconds ",
                      absl::ToDoubleSeconds(absl::Now() - absl::FromUnixMicros(last)), "\n");
    }
    family("inkoop_projector_start_time_seconds", "gauge",
           "Unix time this projector process started applying.");
    absl::StrAppend(&out, "inkoop_projector_start_time_seconds ",
                    s.started_micros.load() / 1'000'000, "\n");
    for (const auto& [property, name, help] :
         {std::tuple("rocksdb.cur-size-all-mem-tables", "inkoop_rocksdb_memtable_bytes",
                     "Bytes of the projection database's memtables."),
          std::tuple("rocksdb.block-cache-usage", "inkoop_rocksdb_block_cache_bytes",
                     "Bytes held by the projection database's block cache."),
          std::tuple("rocksdb.estimate-table-readers-mem", "inkoop_rocksdb_table_readers_bytes",
                     "Bytes of index and filter blocks held outside the block cache."),
          std::tuple("rocksdb.num-running-compactions", "inkoop_rocksdb_running_compactions",
                     "Compactions running now.")}) {
      if (std::optional<uint64_t> value = projector_.StoreProperty(property)) {
        family(name, "gauge", help);
        absl::StrAppend(&out, name, " ", *value, "\n");
      }
    }
    return out;
  }

 private:
  Projector& projector_;
  std::unique_ptr<LagProbe> probe_;  // guarded by ReadApi's lag measurement
};

// "host:port", "[::1]:port" -> host, port.
absl::Status SplitAddress(const std::string& listen, std::string& host, int& port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http: expected host:port like 127.0.0.1:8080, got '", listen, "'"));
  }
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return absl::OkStatus();
}

}  // namespace

std::unique_ptr<ReadSources> ProjectorSources(Projector& projector) {
  return std::make_unique<Sources>(projector);
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpOptions& options, const std::string& db_path, std::unique_ptr<ReadSources> sources) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  RETURN_IF_ERROR(SplitAddress(options.listen, server->host_, server->port_));
  if (!IsLoopback(server->host_) && options.token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http ", options.listen, ": ", server->host_,
                     " is not loopback; serving it needs a bearer token (--http_token_file)"));
  }
  server->token_ = options.token;
  ASSIGN_OR_RETURN(server->reader_, ProjectionReader::Open(db_path));
  server->sources_ = std::move(sources);
  server->api_ = std::make_unique<ReadApi>(*server->reader_, *server->sources_, options.api);
  server->server_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *server->server_;
  const int threads = options.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_read_timeout(5, 0);
  http.set_write_timeout(5, 0);
  http.set_payload_max_length(4096);
  http.set_keep_alive_max_count(100);
  http.set_tcp_nodelay(true);  // small answers: no wait for the client's ACK
  HttpServer* self = server.get();
  http.set_pre_routing_handler([self](const httplib::Request& request,
                                      httplib::Response& response) {
    const bool probe = request.path == "/healthz" || request.path == "/readyz";
    if (!self->token_.empty() && !probe) {
      const std::string expected = absl::StrCat("Bearer ", self->token_);
      const std::string given = request.get_header_value("Authorization");
      if (given.size() != expected.size() ||
          CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
        response.status = 401;
        response.set_header("WWW-Authenticate", "Bearer");
        response.set_content(
            R"({"error":{"parameter":"Authorization","expected":"Bearer <token>","got":"","message":"Authorization: expected the bearer token of this server"}})",
            "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    if (request.method != "GET" && request.method != "HEAD") {
      response.status = 405;
      response.set_header("Allow", "GET");
      response.set_content(
          absl::StrCat(R"({"error":{"parameter":"method","expected":"GET","got":")",
                       request.method.size() < 16 ? request.method : "?",
                       R"(","message":"the read API answers GET only"}})"),
          "application/json");
      return httplib::Server::HandlerResponse::Handled;
    }
    QueryParams params(request.params.begin(), request.params.end());
    ApiResponse answer = self->api_->Get(request.path, params);
    response.status = answer.status;
    response.set_header("Cache-Control", "no-store");
    response.set_content(answer.body, answer.content_type.c_str());
    return httplib::Server::HandlerResponse::Handled;
  });
  if (server->port_ == 0) {
    server->port_ = http.bind_to_any_port(server->host_);
    if (server->port_ < 0) {
      return absl::UnavailableError(absl::StrCat("--http ", options.listen, ": cannot bind"));
    }
  } else if (!http.bind_to_port(server->host_, server->port_)) {
    return absl::UnavailableError(absl::StrCat("--http ", options.listen,
                                               ": cannot bind (address in use?)"));
  }
  server->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  LogInfo(absl::StrCat("serving the read API on http://",
                       absl::StrContains(server->host_, ':') ? absl::StrCat("[", server->host_, "]")
                                                             : server->host_,
                       ":", server->port_, "/"));
  return server;
}

void HttpServer::Stop() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

HttpServer::~HttpServer() { Stop(); }

}  // namespace inkoop
