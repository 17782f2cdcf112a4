#include "engine/kafka/partition_reader.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/status_macros.h"

namespace inkoop {

absl::Status ReadPartitionToEnd(const KafkaOptions& options, const std::string& topic,
                                int32_t partition, Offset from,
                                const std::function<absl::Status(const RdKafka::Message&)>& visit,
                                absl::Duration stall_timeout, bool committed_only) {
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf,
                   MakeConf(options, {{"group.id", "inkoop-reader"},
                                      {"enable.auto.commit", "false"},
                                      {"enable.auto.offset.store", "false"},
                                      {"enable.partition.eof", "true"},
                                      {"isolation.level",
                                       committed_only ? "read_committed" : "read_uncommitted"},
                                      {"fetch.wait.max.ms", "10"}}));
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer == nullptr) return absl::InternalError(absl::StrCat("Kafka consumer: ", error));
  std::unique_ptr<RdKafka::TopicPartition> start(
      RdKafka::TopicPartition::create(topic, partition, from.value()));
  std::vector<RdKafka::TopicPartition*> assignment{start.get()};
  RETURN_IF_ERROR(KafkaStatus(consumer->assign(assignment), absl::StrCat("assign ", topic)));

  absl::Status status = absl::OkStatus();
  absl::Time last_progress = absl::Now();
  for (bool done = false; !done && status.ok();) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(200));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        last_progress = absl::Now();
        status = visit(*message);
        break;
      case RdKafka::ERR__PARTITION_EOF:
        done = true;
        break;
      default: {
        absl::Status failed =
            KafkaStatus(message->err(), absl::StrCat("reading ", topic, "/", partition));
        if (!absl::IsUnavailable(failed)) {
          status = failed;
          break;
        }
        // The client retries on its own; give up only after a long stall.
        if (absl::Now() - last_progress > stall_timeout) {
          status = absl::UnavailableError(absl::StrCat("reading ", topic, "/", partition,
                                                       ": nothing arrived for ",
                                                       absl::FormatDuration(stall_timeout)));
        }
        break;
      }
    }
  }
  consumer->close();
  return status;
}

}  // namespace inkoop
