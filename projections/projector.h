// The projector: consumes inkoop.events through the subscriber library
// (projections/subscriber.h) (read_committed, so aborted engine
// transactions never reach it) from the offsets stored in the projection
// database and applies them in batches, each committed with its offsets in
// one RocksDB WriteBatch.
//
// Run() from one thread; Stop() from any.
#ifndef INKOOP_PROJECTIONS_PROJECTOR_H_
#define INKOOP_PROJECTIONS_PROJECTOR_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/kafka/kafka.h"
#include "projections/projection.h"
#include "projections/subscriber.h"

namespace inkoop {

// What the projector did in this process, for the HTTP API's /metrics:
// written by Run(), read from any thread.
struct ProjectorStats {
  // Upper bounds (seconds) of the batch write latency buckets.
  static constexpr double kBatchBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                            0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  static constexpr int kBucketCount = sizeof(kBatchBuckets) / sizeof(kBatchBuckets[0]);

  std::atomic<uint64_t> batches{0};
  std::atomic<uint64_t> batch_bytes{0};      // key and value bytes of the batches
  std::atomic<uint64_t> batch_micros{0};     // time spent writing them
  std::atomic<uint64_t> batch_le[kBucketCount + 1] = {};  // per bucket; the last is +Inf
  std::atomic<uint64_t> applied{0};
  std::atomic<uint64_t> apply_rate{0};       // events/s over the last few seconds
  std::atomic<int64_t> last_batch_micros{0}; // unix micros of the last batch written
  std::atomic<int64_t> started_micros{0};

  void RecordBatch(uint64_t bytes, absl::Duration took);
};

struct ProjectorOptions {
  KafkaOptions kafka;
  std::string db_path = ".run/projection";
  ProjectionOptions projection;
  int max_batch = 5000;
  absl::Duration batch_wait = absl::Milliseconds(20);
};

class Projector {
 public:
  static absl::StatusOr<std::unique_ptr<Projector>> Start(const ProjectorOptions& options);
  ~Projector();

  absl::Status Run();
  void Stop() {
    stop_.store(true);
    if (subscriber_ != nullptr) subscriber_->Stop();
  }
  Projection& projection() { return *projection_; }
  const ProjectorStats& stats() const { return stats_; }
  // A RocksDB integer property of the projection database; safe from any
  // thread while Run() writes.
  std::optional<uint64_t> StoreProperty(const std::string& name) {
    return projection_->store().IntProperty(name);
  }
  const ProjectorOptions& options() const { return options_; }
  int32_t partitions() const { return subscriber_->partition_count(); }

 private:
  explicit Projector(const ProjectorOptions& options) : options_(options) {}

  ProjectorOptions options_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<Projection> projection_;
  std::unique_ptr<Subscriber> subscriber_;
  ProjectorStats stats_;
};

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_PROJECTOR_H_
