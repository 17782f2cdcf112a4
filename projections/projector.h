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
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/kafka/kafka.h"
#include "projections/projection.h"
#include "projections/subscriber.h"

namespace inkoop {

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

 private:
  explicit Projector(const ProjectorOptions& options) : options_(options) {}

  ProjectorOptions options_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<Projection> projection_;
  std::unique_ptr<Subscriber> subscriber_;
};

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_PROJECTOR_H_
