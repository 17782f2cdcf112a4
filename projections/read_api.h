// The projector's HTTP read API without the HTTP: a GET of a path with its
// query parameters, answered from the projection database (through a
// ProjectionReader, so it reads what `inkoopctl show` reads and prints the
// same protobuf JSON mapping) and from the broker (lag). The server
// (projections/http_server.h) only moves bytes; everything said here is
// testable without a socket.
//
//   GET /                       the dashboard page
//   GET /healthz                the process answers
//   GET /readyz                 200 when every partition is caught up or
//                               within ready_max_lag offsets, else 503
//   GET /metrics                Prometheus text format
//   GET /api/v1/regions
//   GET /api/v1/budgets         ?region&municipality&year
//   GET /api/v1/lots            ?region&municipality&year: per lot planned,
//                               committed, claimed, paid, free
//   GET /api/v1/contracts[/ID]  ?region&provider&lot&municipality&year&status
//   GET /api/v1/providers[/ID]  ?region&status (active, failed)
//   GET /api/v1/tenders[/ID]    ?region&lot&year&status
//   GET /api/v1/cases[/ID]      ?region&provider&lot&municipality&status
//   GET /api/v1/lag
//   GET /api/v1/parked
// Lists take `limit` (1 to max_limit, default default_limit) and `cursor`
// (the `next_cursor` of the previous page) and answer
// {"items":[...],"next_cursor":"..."} plus "empty": "no contracts of
// provider 'x' in region 'y'" when nothing matched. Bad input is a 400 (a
// 404 for an unknown region, municipality, lot, provider or id) with
// {"error":{"parameter","expected","got","message"}}.
//
// Client-level data (assignments, placements) is not served here: its reads
// must be signed and recorded (inkoopctl show, tools/inkoopctl/access.h).
//
// Thread-safe.
#ifndef INKOOP_PROJECTIONS_READ_API_H_
#define INKOOP_PROJECTIONS_READ_API_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "projections/lag.h"
#include "projections/reader.h"

namespace inkoop {

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// Query parameters in the order given (a repeated one appears twice).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct ReadApiOptions {
  std::string events_topic = "inkoop.events";
  int32_t partitions = 1;  // of the events topic
  int default_limit = 100;
  int max_limit = 1000;
  // /readyz: the most offsets a partition may be behind and still be ready.
  int64_t ready_max_lag = 1000;
  // How often the reader catches up with the projector's writes, at most.
  absl::Duration catch_up_every = absl::Milliseconds(100);
  // How long a lag measurement is reused.
  absl::Duration lag_every = absl::Seconds(1);
};

// What the API reads besides the projection database.
class ReadSources {
 public:
  virtual ~ReadSources() = default;
  // The lag of every partition against `applied` (lag.h).
  virtual absl::StatusOr<std::vector<PartitionLag>> Lag(
      const std::map<int32_t, int64_t>& applied) = 0;
  // The process's own figures in Prometheus text format (families with
  // HELP and TYPE), appended to /metrics.
  virtual std::string ProcessMetrics() = 0;
};

class ReadApi {
 public:
  ReadApi(ProjectionReader& reader, ReadSources& sources, ReadApiOptions options = {});

  ApiResponse Get(absl::string_view path, const QueryParams& params);

 private:
  struct Lags {
    absl::Status status;
    std::vector<PartitionLag> partitions;
  };
  Lags MeasureLag();
  absl::Status CatchUp();

  ProjectionReader& reader_;
  ReadSources& sources_;
  ReadApiOptions options_;
  // Apart, so that a slow broker holding up a lag measurement does not
  // hold up the reads.
  std::mutex catch_up_mutex_;  // guards caught_up_at_
  absl::Time caught_up_at_ = absl::InfinitePast();
  std::mutex lag_mutex_;  // guards lag_at_, lag_
  absl::Time lag_at_ = absl::InfinitePast();
  Lags lag_;
};

// The lag as /api/v1/lag answers it: per partition end, applied, lag and
// caught up; the total; per region the latest signed event applied, when
// the engine recorded it and how long ago.
absl::StatusOr<std::string> LagJson(ProjectionReader& reader, const std::string& topic,
                                    const std::vector<PartitionLag>& lags);

// The dashboard page (projections/dashboard/index.html, built in).
extern const char kDashboardHtml[];

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_READ_API_H_
