#include "projections/lag.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

int TimeoutMs(absl::Duration timeout) {
  return static_cast<int>(std::max<int64_t>(1, absl::ToInt64Milliseconds(timeout)));
}

absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> ProbeConsumer(const KafkaOptions& options) {
  // read_committed, so the end offsets are the last stable ones and the
  // probe sees what the projector can read; group-less use, nothing stored.
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf,
                   MakeConf(options, {{"group.id", "inkoop-lag"},
                                      {"enable.auto.commit", "false"},
                                      {"enable.auto.offset.store", "false"},
                                      {"enable.partition.eof", "true"},
                                      {"isolation.level", "read_committed"},
                                      {"fetch.wait.max.ms", "10"},
                                      {"log_level", "3"}}));
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer == nullptr) return absl::InternalError(absl::StrCat("Kafka consumer: ", error));
  return consumer;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LagProbe>> LagProbe::Open(const KafkaOptions& options) {
  std::unique_ptr<LagProbe> probe(new LagProbe(options));
  ASSIGN_OR_RETURN(probe->metadata_, MakeMetadataClient(options));
  return probe;
}

LagProbe::~LagProbe() = default;

absl::StatusOr<std::vector<PartitionLag>> LagProbe::Measure(
    const std::string& topic, const std::map<int32_t, int64_t>& applied, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::KafkaConsumer> consumer, ProbeConsumer(options_));
  ASSIGN_OR_RETURN(int32_t partitions, PartitionCount(*metadata_, topic, timeout));
  std::vector<PartitionLag> lags;
  for (int32_t p = 0; p < partitions; ++p) {
    PartitionLag lag;
    lag.partition = p;
    auto found = applied.find(p);
    lag.applied_offset = found == applied.end() ? 0 : found->second;
    int64_t low = 0;
    RETURN_IF_ERROR(KafkaStatus(
        consumer->query_watermark_offsets(topic, p, &low, &lag.end_offset,
                                          TimeoutMs(deadline - absl::Now())),
        absl::StrCat("end offset of ", topic, "/", p)));
    lag.lag = std::max<int64_t>(0, lag.end_offset - lag.applied_offset);
    lag.caught_up = lag.lag == 0;
    lags.push_back(lag);
  }
  absl::Status probed = Probe(topic, lags, deadline - absl::Now());
  consumer->close();
  RETURN_IF_ERROR(probed);
  return lags;
}

absl::Status LagProbe::Probe(const std::string& topic, std::vector<PartitionLag>& lags,
                             absl::Duration timeout) {
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  std::vector<RdKafka::TopicPartition*> assignment;
  absl::flat_hash_set<int32_t> open;
  for (const PartitionLag& lag : lags) {
    if (lag.caught_up) continue;
    owned.emplace_back(RdKafka::TopicPartition::create(topic, lag.partition, lag.applied_offset));
    assignment.push_back(owned.back().get());
    open.insert(lag.partition);
  }
  if (open.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::KafkaConsumer> consumer, ProbeConsumer(options_));
  RETURN_IF_ERROR(KafkaStatus(consumer->assign(assignment), absl::StrCat("assign ", topic)));
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status status = absl::OkStatus();
  while (!open.empty() && status.ok() && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(50));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:  // a record to read: behind
        open.erase(message->partition());
        break;
      case RdKafka::ERR__PARTITION_EOF:
        if (open.erase(message->partition()) > 0) {
          for (PartitionLag& lag : lags) {
            if (lag.partition == message->partition()) lag.caught_up = true;
          }
        }
        break;
      case RdKafka::ERR__TIMED_OUT:
        break;
      default: {
        absl::Status failed = KafkaStatus(message->err(), absl::StrCat("reading ", topic));
        if (!absl::IsUnavailable(failed)) status = failed;
        break;
      }
    }
  }
  consumer->close();
  RETURN_IF_ERROR(status);
  if (!open.empty()) {
    return absl::UnavailableError(absl::StrCat("lag of ", topic, ": the broker did not answer within ",
                                               absl::FormatDuration(timeout)));
  }
  return absl::OkStatus();
}

}  // namespace inkoop
