#include "tools/client/submitter.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

std::string ResultKey(const std::string& region, const std::string& command_id) {
  return absl::StrCat(region, absl::string_view("\0", 1), command_id);
}

class DeliveryFailures : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR && first_error_.load() == RdKafka::ERR_NO_ERROR) {
      first_error_.store(message.err());
    }
    pending_.fetch_sub(1);
  }
  std::atomic<RdKafka::ErrorCode> first_error_{RdKafka::ERR_NO_ERROR};
  std::atomic<int64_t> pending_{0};
};

}  // namespace

absl::StatusOr<std::unique_ptr<Submitter>> Submitter::Connect(const KafkaOptions& options,
                                                              absl::Duration connect_timeout) {
  std::unique_ptr<Submitter> submitter(new Submitter());
  submitter->options_ = options;
  submitter->delivery_ = std::make_unique<DeliveryFailures>();
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf,
                   MakeConf(options, {{"log_level", "0"},  // failures are returned, not logged
                                      {"enable.idempotence", "true"},
                                      {"acks", "all"},
                                      {"linger.ms", "5"},
                                      {"message.timeout.ms", "30000"}}));
  std::string error;
  if (conf->set("dr_cb", submitter->delivery_.get(), error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  submitter->producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (submitter->producer_ == nullptr)
    return absl::InternalError(absl::StrCat("Kafka producer: ", error));

  absl::StatusOr<int32_t> partitions =
      PartitionCount(*submitter->producer_, options.commands_topic(), connect_timeout);
  if (absl::IsUnavailable(partitions.status())) {
    return absl::UnavailableError(absl::StrCat("no Kafka broker reachable at ", options.brokers,
                                               " within ", absl::FormatDuration(connect_timeout)));
  }
  if (absl::IsNotFound(partitions.status())) {
    return absl::NotFoundError(absl::StrCat("topic ", options.commands_topic(),
                                            " does not exist at ", options.brokers,
                                            " (inkoopd creates it: is it running?)"));
  }
  RETURN_IF_ERROR(partitions.status());
  submitter->partitions_ = *partitions;

  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> consumer_conf,
                   MakeConf(options, {{"log_level", "0"},
                                      {"group.id", "inkoopctl"},
                                      {"enable.auto.commit", "false"},
                                      {"enable.auto.offset.store", "false"},
                                      {"isolation.level", "read_committed"},
                                      {"fetch.wait.max.ms", "10"}}));
  submitter->results_.reset(RdKafka::KafkaConsumer::create(consumer_conf.get(), error));
  if (submitter->results_ == nullptr)
    return absl::InternalError(absl::StrCat("Kafka consumer: ", error));
  // Read results from the current end of every partition: anything this
  // submitter causes comes after it.
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  std::vector<RdKafka::TopicPartition*> assignment;
  for (int32_t p = 0; p < submitter->partitions_; ++p) {
    int64_t low = 0, high = 0;
    for (const absl::Time deadline = absl::Now() + connect_timeout;;) {
      absl::Status queried =
          KafkaStatus(submitter->results_->query_watermark_offsets(
                          options.results_topic(), p, &low, &high,
                          static_cast<int>(absl::ToInt64Milliseconds(connect_timeout))),
                      absl::StrCat("end of ", options.results_topic()));
      if (queried.ok()) break;
      // Leadership may still be settling right after the topics were made.
      if (!absl::IsUnavailable(queried) || absl::Now() > deadline) return queried;
      absl::SleepFor(absl::Milliseconds(100));
    }
    owned.emplace_back(RdKafka::TopicPartition::create(options.results_topic(), p, high));
    assignment.push_back(owned.back().get());
  }
  RETURN_IF_ERROR(KafkaStatus(submitter->results_->assign(assignment), "assign results"));
  return submitter;
}

Submitter::~Submitter() {
  if (results_ != nullptr) results_->close();
  if (producer_ != nullptr) producer_->flush(5000);
}

absl::Status Submitter::Send(const std::vector<v1::Command>& commands) {
  std::vector<std::pair<std::string, v1::SignedCommand>> records;
  records.reserve(commands.size());
  for (const v1::Command& command : commands) {
    records.emplace_back(command.region(),
                         keys_ != nullptr ? keys_->Sign(command) : ActorKeys().Sign(command));
  }
  return SendSigned(records);
}

absl::Status Submitter::SendSigned(
    const std::vector<std::pair<std::string, v1::SignedCommand>>& records) {
  auto& delivery = static_cast<DeliveryFailures&>(*delivery_);
  for (const auto& [region, record] : records) {
    const std::string value = record.SerializeAsString();
    const int32_t partition = PartitionFor(region, partitions_);
    while (true) {
      delivery.pending_.fetch_add(1);
      RdKafka::ErrorCode code =
          producer_->produce(options_.commands_topic(), partition, RdKafka::Producer::RK_MSG_COPY,
                             const_cast<char*>(value.data()), value.size(), region.data(),
                             region.size(), 0, nullptr);
      if (code == RdKafka::ERR_NO_ERROR) break;
      delivery.pending_.fetch_sub(1);
      if (code != RdKafka::ERR__QUEUE_FULL) {
        return KafkaStatus(code, absl::StrCat("produce to ", options_.commands_topic()));
      }
      producer_->poll(10);
    }
    producer_->poll(0);
  }
  while (delivery.pending_.load() > 0) producer_->poll(50);
  if (delivery.first_error_.load() != RdKafka::ERR_NO_ERROR) {
    absl::Status status = KafkaStatus(delivery.first_error_.load(),
                                      absl::StrCat("deliver to ", options_.commands_topic()));
    if (absl::IsUnavailable(status)) {
      return absl::UnavailableError(absl::StrCat("no Kafka broker reachable at ", options_.brokers,
                                                 " (", status.message(), ")"));
    }
    return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::CommandResult>> Submitter::AwaitResults(
    const std::vector<std::pair<std::string, std::string>>& region_and_ids,
    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  size_t missing = 0;
  for (const auto& [region, id] : region_and_ids)
    missing += seen_.contains(ResultKey(region, id)) ? 0 : 1;
  absl::flat_hash_map<std::string, bool> wanted;
  for (const auto& [region, id] : region_and_ids) wanted[ResultKey(region, id)] = true;
  while (missing > 0) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(missing, " of ", region_and_ids.size(), " results did not arrive on ",
                       options_.results_topic(), " within ", absl::FormatDuration(timeout),
                       " (is inkoopd running?)"));
    }
    std::unique_ptr<RdKafka::Message> message(results_->consume(100));
    if (message->err() != RdKafka::ERR_NO_ERROR) continue;
    v1::CommandResult result;
    if (!result.ParseFromArray(message->payload(), static_cast<int>(message->len()))) continue;
    const std::string key = ResultKey(result.region(), result.command_id());
    if (seen_.contains(key)) continue;
    if (wanted.contains(key)) --missing;
    seen_.emplace(key, std::move(result));
  }
  std::vector<v1::CommandResult> out;
  out.reserve(region_and_ids.size());
  for (const auto& [region, id] : region_and_ids) out.push_back(seen_.at(ResultKey(region, id)));
  return out;
}

absl::StatusOr<std::vector<v1::CommandResult>> Submitter::SubmitAll(
    const std::vector<v1::Command>& commands, absl::Duration timeout) {
  std::vector<std::pair<std::string, std::string>> ids;
  ids.reserve(commands.size());
  for (const v1::Command& command : commands)
    ids.emplace_back(command.region(), command.command_id());
  for (const auto& [region, id] : ids) seen_.erase(ResultKey(region, id));
  RETURN_IF_ERROR(Send(commands));
  return AwaitResults(ids, timeout);
}

absl::StatusOr<v1::CommandResult> Submitter::Submit(const v1::Command& command,
                                                    absl::Duration timeout) {
  ASSIGN_OR_RETURN(std::vector<v1::CommandResult> results, SubmitAll({command}, timeout));
  return results.front();
}

}  // namespace inkoop
