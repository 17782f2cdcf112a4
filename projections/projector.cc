#include "projections/projector.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/log.h"
#include "engine/status_macros.h"

namespace inkoop {

absl::StatusOr<std::unique_ptr<Projector>> Projector::Start(const ProjectorOptions& options) {
  std::unique_ptr<Projector> projector(new Projector(options));
  ASSIGN_OR_RETURN(projector->projection_, Projection::Open(options.db_path, options.projection));
  // A reader: it waits for the engine to create the events topic and needs
  // no right to create or see other topics. Its position is the offsets
  // stored with the projection, so it reads by manual assignment and never
  // commits to the broker; it admits the records itself (Projection::Apply).
  ASSIGN_OR_RETURN(int32_t partitions,
                   AwaitTopic(options.kafka, options.kafka.events_topic(), absl::Seconds(60)));
  const std::string topic = options.kafka.events_topic();
  std::map<int32_t, int64_t> offsets;
  std::string resume;
  for (int32_t p = 0; p < partitions; ++p) {
    ASSIGN_OR_RETURN(Offset offset, projector->projection_->ResumeOffset(topic, p));
    offsets[p] = offset.value();
    absl::StrAppend(&resume, p == 0 ? "" : ", ", p, "@", offset.value());
  }
  SubscriberOptions subscription;
  subscription.kafka = options.kafka;
  subscription.from = Position::Offsets(std::move(offsets));
  subscription.consumer_settings = {{"group.id", "inkoop-projector"},
                                    {"fetch.wait.max.ms", "10"},
                                    {"enable.partition.eof", "false"},
                                    // bounds what librdkafka buffers ahead
                                    {"queued.max.messages.kbytes", "16384"}};
  ASSIGN_OR_RETURN(projector->subscriber_, Subscriber::Start(std::move(subscription)));
  LogInfo(absl::StrCat("projecting ", topic, " into ", options.db_path, " from ", resume));
  return projector;
}

void ProjectorStats::RecordBatch(uint64_t bytes, absl::Duration took) {
  batches.fetch_add(1, std::memory_order_relaxed);
  batch_bytes.fetch_add(bytes, std::memory_order_relaxed);
  batch_micros.fetch_add(static_cast<uint64_t>(absl::ToInt64Microseconds(took)),
                         std::memory_order_relaxed);
  const double seconds = absl::ToDoubleSeconds(took);
  int bucket = 0;
  while (bucket < kBucketCount && seconds > kBatchBuckets[bucket]) ++bucket;
  batch_le[bucket].fetch_add(1, std::memory_order_relaxed);
  last_batch_micros.store(absl::ToUnixMicros(absl::Now()), std::memory_order_relaxed);
}

Projector::~Projector() = default;

absl::Status Projector::Run() {
  absl::Time last_report = absl::Now();
  absl::Time rate_since = last_report;
  uint64_t rate_from = 0;
  stats_.started_micros.store(absl::ToUnixMicros(last_report));
  while (!stop_.load()) {
    RETURN_IF_ERROR(
        subscriber_->ReadRecords(options_.max_batch, absl::Milliseconds(100), options_.batch_wait,
                                 [&](const RdKafka::Message& message) {
                                   return projection_->Apply(
                                       message.topic_name(), message.partition(),
                                       Offset(message.offset()),
                                       absl::string_view(
                                           static_cast<const char*>(message.payload()),
                                           message.len()));
                                 })
            .status());
    const uint64_t bytes_before = projection_->store().bytes_written();
    const uint64_t batches_before = projection_->store().batches_written();
    const absl::Time write_start = absl::Now();
    RETURN_IF_ERROR(projection_->Commit());
    const absl::Time now = absl::Now();
    if (projection_->store().batches_written() != batches_before) {
      stats_.RecordBatch(projection_->store().bytes_written() - bytes_before, now - write_start);
    }
    const uint64_t applied = projection_->counters().applied;
    stats_.applied.store(applied, std::memory_order_relaxed);
    if (now - rate_since >= absl::Seconds(2)) {
      stats_.apply_rate.store(static_cast<uint64_t>(static_cast<double>(applied - rate_from) /
                                                    absl::ToDoubleSeconds(now - rate_since)),
                              std::memory_order_relaxed);
      rate_since = now;
      rate_from = applied;
    }
    if (now - last_report > absl::Seconds(10)) {
      last_report = absl::Now();
      const ProjectionCounters& c = projection_->counters();
      LogInfo(absl::StrCat("applied ", c.applied, ", parked ", c.parked, " (conflicts ",
                           c.conflicts, "), skipped duplicates ", c.skipped_duplicates,
                           ", batches ", c.commits));
    }
  }
  return projection_->Commit();
}

}  // namespace inkoop
