#include "engine/kafka/kafka.h"

#include <algorithm>
#include <fstream>

#include <librdkafka/rdkafka.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/status_macros.h"

namespace inkoop {

int32_t Murmur2(absl::string_view key) {
  // Unsigned arithmetic wraps as Java's int does; the result is the same
  // 32 bits, read as signed.
  constexpr uint32_t kMultiplier = 0x5bd1e995;
  constexpr int kShift = 24;
  const auto* bytes = reinterpret_cast<const unsigned char*>(key.data());
  const auto length = static_cast<uint32_t>(key.size());
  uint32_t h = 0x9747b28cu ^ length;
  const uint32_t blocks = length / 4;
  for (uint32_t i = 0; i < blocks; ++i) {
    const unsigned char* b = bytes + 4 * i;
    uint32_t k = static_cast<uint32_t>(b[0]) | (static_cast<uint32_t>(b[1]) << 8) |
                 (static_cast<uint32_t>(b[2]) << 16) | (static_cast<uint32_t>(b[3]) << 24);
    k *= kMultiplier;
    k ^= k >> kShift;
    k *= kMultiplier;
    h *= kMultiplier;
    h ^= k;
  }
  const unsigned char* tail = bytes + 4 * blocks;
  switch (length % 4) {
    case 3:
      h ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<uint32_t>(tail[0]);
      h *= kMultiplier;
      break;
    default:
      break;
  }
  h ^= h >> 13;
  h *= kMultiplier;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t PartitionFor(absl::string_view region, int32_t partitions) {
  const uint32_t positive = static_cast<uint32_t>(Murmur2(region)) & 0x7fffffffu;
  return static_cast<int32_t>(positive % static_cast<uint32_t>(partitions));
}

absl::Status KafkaStatus(RdKafka::ErrorCode code, absl::string_view context) {
  if (code == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
  const std::string message = absl::StrCat(context, ": ", RdKafka::err2str(code));
  switch (code) {
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__RESOLVE:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_LEADER_FOR_PARTITION:
    case RdKafka::ERR_COORDINATOR_NOT_AVAILABLE:
    case RdKafka::ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RdKafka::ERR_NOT_COORDINATOR:
      return absl::UnavailableError(message);
    case RdKafka::ERR__FENCED:
    case RdKafka::ERR_PRODUCER_FENCED:
    case RdKafka::ERR_INVALID_PRODUCER_EPOCH:
      return absl::FailedPreconditionError(message);
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR__UNKNOWN_PARTITION:
      return absl::NotFoundError(message);
    case RdKafka::ERR_TOPIC_ALREADY_EXISTS:
      return absl::AlreadyExistsError(message);
    case RdKafka::ERR__INVALID_ARG:
    case RdKafka::ERR_INVALID_CONFIG:
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
      return absl::InvalidArgumentError(message);
    case RdKafka::ERR__STATE:
    case RdKafka::ERR__NOT_IMPLEMENTED:
      return absl::FailedPreconditionError(message);
    case RdKafka::ERR__PARTITION_EOF:
      return absl::OutOfRangeError(message);
    default:
      return absl::UnknownError(message);
  }
}

absl::Status KafkaStatus(RdKafka::Error* error, absl::string_view context) {
  if (error == nullptr) return absl::OkStatus();
  std::unique_ptr<RdKafka::Error> owned(error);
  absl::Status status = KafkaStatus(owned->code(), context);
  return absl::Status(status.code(), absl::StrCat(context, ": ", owned->str()));
}

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const KafkaOptions& options, const std::map<std::string, std::string>& settings) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  auto set = [&](const std::string& name, const std::string& value) -> absl::Status {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat("Kafka setting ", name, "=", value, " refused: ", error));
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(set("bootstrap.servers", options.brokers));
  // Quiet the client's own logging of retries against an absent broker; the
  // callers report what fails.
  RETURN_IF_ERROR(set("log_level", "3"));
  for (const auto& [name, value] : options.client_settings) RETURN_IF_ERROR(set(name, value));
  for (const auto& [name, value] : settings) RETURN_IF_ERROR(set(name, value));
  return conf;
}

absl::StatusOr<std::map<std::string, std::string>> ReadKafkaConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("Kafka config ", path, ": cannot be read"));
  std::map<std::string, std::string> settings;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#' || text[0] == '!') continue;
    const size_t equals = text.find('=');
    const absl::string_view name =
        equals == absl::string_view::npos ? text : absl::StripAsciiWhitespace(text.substr(0, equals));
    if (equals == absl::string_view::npos || name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("Kafka config ", path, ":", number,
                                                     ": expected name=value, got '", text, "'"));
    }
    settings[std::string(name)] = std::string(absl::StripAsciiWhitespace(text.substr(equals + 1)));
  }
  return settings;
}

absl::StatusOr<std::unique_ptr<RdKafka::Producer>> MakeMetadataClient(const KafkaOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf, MakeConf(options, {}));
  std::string error;
  std::unique_ptr<RdKafka::Producer> client(RdKafka::Producer::create(conf.get(), error));
  if (client == nullptr) return absl::InternalError(absl::StrCat("Kafka client: ", error));
  return client;
}

absl::string_view MessageKey(const RdKafka::Message& message) {
  if (message.key_pointer() == nullptr) return absl::string_view();
  return absl::string_view(static_cast<const char*>(message.key_pointer()), message.key_len());
}

absl::StatusOr<int32_t> PartitionCount(RdKafka::Handle& handle, const std::string& topic,
                                       absl::Duration timeout) {
  std::unique_ptr<RdKafka::Topic> only;
  std::string error;
  only.reset(RdKafka::Topic::create(&handle, topic, nullptr, error));
  RdKafka::Metadata* raw = nullptr;
  RETURN_IF_ERROR(KafkaStatus(handle.metadata(false, only.get(), &raw,
                                              static_cast<int>(absl::ToInt64Milliseconds(timeout))),
                              absl::StrCat("metadata of topic ", topic)));
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
    if (t->topic() != topic) continue;
    if (t->err() != RdKafka::ERR_NO_ERROR) {
      return KafkaStatus(t->err(), absl::StrCat("topic ", topic));
    }
    for (const RdKafka::PartitionMetadata* partition : *t->partitions()) {
      if (partition->err() != RdKafka::ERR_NO_ERROR || partition->leader() < 0) {
        return absl::UnavailableError(
            absl::StrCat("topic ", topic, " partition ", partition->id(), ": no leader yet"));
      }
    }
    return static_cast<int32_t>(t->partitions()->size());
  }
  return absl::NotFoundError(absl::StrCat("topic ", topic, ": not on the broker"));
}

namespace {

absl::Status CreateTopic(rd_kafka_t* client, const std::string& topic, const KafkaOptions& options,
                         absl::Duration timeout) {
  char error[512];
  rd_kafka_NewTopic_t* topic_spec = rd_kafka_NewTopic_new(
      topic.c_str(), options.partitions, options.replication_factor, error, sizeof(error));
  if (topic_spec == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("topic ", topic, ": ", error));
  }
  const std::string min_insync = absl::StrCat(options.min_insync_replicas);
  // Every topic is kept forever and never compacted: events are the system of
  // record, results carry the command ids seen (dedupe), commands the input.
  rd_kafka_NewTopic_set_config(topic_spec, "retention.ms", "-1");
  rd_kafka_NewTopic_set_config(topic_spec, "retention.bytes", "-1");
  rd_kafka_NewTopic_set_config(topic_spec, "cleanup.policy", "delete");
  rd_kafka_NewTopic_set_config(topic_spec, "min.insync.replicas", min_insync.c_str());

  rd_kafka_queue_t* queue = rd_kafka_queue_new(client);
  rd_kafka_AdminOptions_t* admin =
      rd_kafka_AdminOptions_new(client, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(
      admin, static_cast<int>(absl::ToInt64Milliseconds(timeout)), error, sizeof(error));
  rd_kafka_CreateTopics(client, &topic_spec, 1, admin, queue);
  rd_kafka_event_t* event =
      rd_kafka_queue_poll(queue, static_cast<int>(absl::ToInt64Milliseconds(timeout)) + 1000);
  absl::Status status = absl::UnavailableError(absl::StrCat("create topic ", topic, ": no answer"));
  if (event != nullptr) {
    if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = KafkaStatus(static_cast<RdKafka::ErrorCode>(rd_kafka_event_error(event)),
                           absl::StrCat("create topic ", topic));
    } else {
      size_t count = 0;
      const rd_kafka_topic_result_t** results =
          rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
      status = absl::OkStatus();
      for (size_t i = 0; i < count; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
          continue;
        }
        const char* detail = rd_kafka_topic_result_error_string(results[i]);
        status = absl::Status(
            KafkaStatus(static_cast<RdKafka::ErrorCode>(err), "").code(),
            absl::StrCat("create topic ", topic, ": ", detail ? detail : rd_kafka_err2str(err)));
      }
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_AdminOptions_destroy(admin);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(topic_spec);
  return status;
}

}  // namespace

absl::StatusOr<int32_t> AwaitTopic(const KafkaOptions& options, const std::string& topic,
                                   absl::Duration timeout) {
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Producer> client, MakeMetadataClient(options));
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::StatusOr<int32_t> count =
        PartitionCount(*client, topic, std::max(deadline - absl::Now(), absl::Seconds(1)));
    const bool waiting = absl::IsNotFound(count.status()) ||
                         (absl::IsUnavailable(count.status()) &&
                          absl::StrContains(count.status().message(), "no leader yet"));
    if (!waiting) return count;
    if (absl::Now() >= deadline) {
      return absl::NotFoundError(absl::StrCat("topic ", topic, " does not exist at ",
                                              options.brokers, " after ",
                                              absl::FormatDuration(timeout),
                                              " (inkoopd creates it)"));
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

absl::StatusOr<int32_t> EnsureTopics(const KafkaOptions& options, absl::Duration timeout) {
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Producer> client, MakeMetadataClient(options));

  const absl::Time deadline = absl::Now() + timeout;
  std::vector<int32_t> counts;
  for (const std::string& topic :
       {options.commands_topic(), options.events_topic(), options.results_topic(),
        options.access_topic()}) {
    absl::StatusOr<int32_t> count = PartitionCount(*client, topic, deadline - absl::Now());
    // A partition without a leader yet (topic just created, broker starting)
    // is worth waiting for; a broker that does not answer is not.
    while (absl::IsUnavailable(count.status()) &&
           absl::StrContains(count.status().message(), "no leader yet") && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(100));
      count = PartitionCount(*client, topic, deadline - absl::Now());
    }
    if (absl::IsUnavailable(count.status())) {
      return absl::UnavailableError(absl::StrCat("no Kafka broker answered at ", options.brokers,
                                                 " within ", absl::FormatDuration(timeout), " (",
                                                 count.status().message(), ")"));
    }
    if (absl::IsNotFound(count.status())) {
      RETURN_IF_ERROR(CreateTopic(client->c_ptr(), topic, options, deadline - absl::Now()));
      // Creation completes on the controller first; wait until the broker's
      // metadata shows the topic with its leaders.
      do {
        count = PartitionCount(*client, topic, absl::Seconds(2));
        if (count.ok()) break;
        absl::SleepFor(absl::Milliseconds(100));
      } while (absl::Now() < deadline);
    }
    RETURN_IF_ERROR(count.status());
    counts.push_back(*count);
  }
  if (counts[0] != counts[1] || counts[1] != counts[2] || counts[2] != counts[3]) {
    return absl::FailedPreconditionError(absl::StrCat(
        "topics must have equal partition counts (a region's commands, events, results and "
        "access records share one partition number): ",
        options.commands_topic(), "=", counts[0], ", ", options.events_topic(), "=", counts[1],
        ", ", options.results_topic(), "=", counts[2], ", ", options.access_topic(), "=",
        counts[3]));
  }
  return counts[0];
}

}  // namespace inkoop
