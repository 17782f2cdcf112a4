// How far a projection is behind the events topic: per partition, the
// broker's end offset (read_committed: the last stable offset, so records of
// open transactions do not count) against the next offset the projection
// reads. The difference counts transaction markers too, so "caught up" is
// decided by reading: a partition is caught up when no committed record
// follows what was applied.
#ifndef INKOOP_PROJECTIONS_LAG_H_
#define INKOOP_PROJECTIONS_LAG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/kafka/kafka.h"

namespace inkoop {

struct PartitionLag {
  int32_t partition = 0;
  int64_t end_offset = 0;      // the broker's last stable offset
  int64_t applied_offset = 0;  // the next offset the projection reads
  int64_t lag = 0;             // end - applied, markers included (0 when ahead)
  bool caught_up = false;      // no committed record at or after applied_offset
};

class LagProbe {
 public:
  // A client of the broker of `options` (group-less; it commits nothing).
  static absl::StatusOr<std::unique_ptr<LagProbe>> Open(const KafkaOptions& options);
  ~LagProbe();

  // Lag of every partition of `topic` against `applied` (a partition missing
  // from it counts as applied from 0). kUnavailable when the broker does not
  // answer within `timeout`.
  absl::StatusOr<std::vector<PartitionLag>> Measure(const std::string& topic,
                                                    const std::map<int32_t, int64_t>& applied,
                                                    absl::Duration timeout);

 private:
  explicit LagProbe(KafkaOptions options) : options_(std::move(options)) {}
  // Marks caught up the partitions of `lags` where a read from the applied
  // offset reaches the end without a record.
  absl::Status Probe(const std::string& topic, std::vector<PartitionLag>& lags,
                     absl::Duration timeout);

  KafkaOptions options_;
  std::unique_ptr<RdKafka::Producer> metadata_;
};

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_LAG_H_
