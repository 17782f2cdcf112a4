// The projector's HTTP server: serves the read API (read_api.h) on a
// thread pool of its own while the projector applies events. It binds to
// loopback unless told otherwise, and a bind to any other address is
// refused without a bearer token: with a token, every request but /healthz
// and /readyz must carry "Authorization: Bearer <token>".
#ifndef INKOOP_PROJECTIONS_HTTP_SERVER_H_
#define INKOOP_PROJECTIONS_HTTP_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "projections/projector.h"
#include "projections/read_api.h"

namespace httplib {
class Server;
}

namespace inkoop {

struct HttpOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string token;                      // required for a non-loopback host
  int threads = 4;
  ReadApiOptions api;
};

// Whether `host` names the loopback interface (127.0.0.0/8, ::1, localhost).
bool IsLoopback(const std::string& host);

// The sources of a running projector: lag measured on its broker, and its
// own figures (batches, their bytes and latency, apply rate, RocksDB).
std::unique_ptr<ReadSources> ProjectorSources(Projector& projector);

class HttpServer {
 public:
  // Opens a reader of `db_path` and binds. kInvalidArgument for a bad
  // address or a non-loopback host without a token; kUnavailable when the
  // address cannot be bound (in use).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpOptions& options,
                                                          const std::string& db_path,
                                                          std::unique_ptr<ReadSources> sources);
  ~HttpServer();  // stops

  void Stop();
  int port() const { return port_; }
  const std::string& host() const { return host_; }

 private:
  HttpServer() = default;

  std::string host_;
  int port_ = 0;
  std::string token_;
  std::unique_ptr<ProjectionReader> reader_;
  std::unique_ptr<ReadSources> sources_;
  std::unique_ptr<ReadApi> api_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_HTTP_SERVER_H_
