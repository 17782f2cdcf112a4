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

Projector::~Projector() = default;

absl::Status Projector::Run() {
  absl::Time last_report = absl::Now();
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
    RETURN_IF_ERROR(projection_->Commit());
    if (absl::Now() - last_report > absl::Seconds(10)) {
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
