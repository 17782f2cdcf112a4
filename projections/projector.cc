#include "projections/projector.h"

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
  // no right to create or see other topics.
  ASSIGN_OR_RETURN(int32_t partitions,
                   AwaitTopic(options.kafka, options.kafka.events_topic(), absl::Seconds(60)));
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf,
                   MakeConf(options.kafka, {{"group.id", "inkoop-projector"},
                                            {"enable.auto.commit", "false"},
                                            {"enable.auto.offset.store", "false"},
                                            {"isolation.level", "read_committed"},
                                            {"fetch.wait.max.ms", "10"},
                                            // bounds what librdkafka buffers ahead
                                            {"queued.max.messages.kbytes", "16384"}}));
  std::string error;
  projector->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (projector->consumer_ == nullptr) {
    return absl::InternalError(absl::StrCat("Kafka consumer: ", error));
  }
  const std::string topic = options.kafka.events_topic();
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  std::vector<RdKafka::TopicPartition*> assignment;
  std::string resume;
  for (int32_t p = 0; p < partitions; ++p) {
    ASSIGN_OR_RETURN(Offset offset, projector->projection_->ResumeOffset(topic, p));
    owned.emplace_back(RdKafka::TopicPartition::create(topic, p, offset.value()));
    assignment.push_back(owned.back().get());
    absl::StrAppend(&resume, p == 0 ? "" : ", ", p, "@", offset.value());
  }
  RETURN_IF_ERROR(KafkaStatus(projector->consumer_->assign(assignment), "assign event partitions"));
  LogInfo(absl::StrCat("projecting ", topic, " into ", options.db_path, " from ", resume));
  return projector;
}

Projector::~Projector() {
  if (consumer_ != nullptr) consumer_->close();
}

absl::Status Projector::Run() {
  absl::Time last_report = absl::Now();
  while (!stop_.load()) {
    const absl::Time deadline = absl::Now() + options_.batch_wait;
    int taken = 0;
    while (taken < options_.max_batch) {
      const int wait =
          taken == 0 ? 100
                     : std::max<int>(
                           0, static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now())));
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(wait));
      if (message->err() == RdKafka::ERR_NO_ERROR) {
        RETURN_IF_ERROR(projection_->Apply(
            message->topic_name(), message->partition(), Offset(message->offset()),
            absl::string_view(static_cast<const char*>(message->payload()), message->len())));
        ++taken;
        continue;
      }
      if (message->err() != RdKafka::ERR__TIMED_OUT &&
          message->err() != RdKafka::ERR__PARTITION_EOF) {
        LogWarning(absl::StrCat("consume events: ", message->errstr()));
      }
      if (taken > 0 || stop_.load()) break;
    }
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
