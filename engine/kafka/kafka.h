// What every inkoop process shares about Kafka: the topic names, how regions
// map to partitions, client configuration, topic creation, and the one place
// where librdkafka errors become absl::Status.
#ifndef INKOOP_ENGINE_KAFKA_KAFKA_H_
#define INKOOP_ENGINE_KAFKA_KAFKA_H_

#include <librdkafka/rdkafkacpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace inkoop {

struct KafkaOptions {
  std::string brokers = "127.0.0.1:9092";
  // Prepended to every topic name, so tests and demos can share a broker.
  std::string topic_prefix;
  // Used only when the topics do not exist yet.
  int partitions = 3;
  int replication_factor = 1;
  int min_insync_replicas = 1;
  // librdkafka properties applied to every client before its own settings:
  // security (SASL, TLS) and tuning, from --kafka_config (ReadKafkaConfig).
  std::map<std::string, std::string> client_settings;

  std::string commands_topic() const { return topic_prefix + "inkoop.commands"; }
  std::string events_topic() const { return topic_prefix + "inkoop.events"; }
  std::string results_topic() const { return topic_prefix + "inkoop.results"; }
  // Who read client-level data (proto/inkoop/v1/access.proto).
  std::string access_topic() const { return topic_prefix + "inkoop.access"; }
};

// The partition of `region` on a topic with `partitions` partitions: the
// mapping of Kafka's default partitioner for a keyed record (the Java
// client's, and librdkafka's `partitioner=murmur2_random`): murmur2 of the
// key's bytes, made positive, modulo the partition count. So any Kafka
// client that keys a command by its region puts it where the engine reads
// it. The same region lands on the same partition number on every topic, so
// the engine instance owning a command partition also owns the region's
// events and results.
int32_t PartitionFor(absl::string_view region, int32_t partitions);

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) of `key`.
int32_t Murmur2(absl::string_view key);

// librdkafka error -> Status, with `context` ("commit transaction") leading
// the message. Broker unreachable -> kUnavailable; fenced -> kFailedPrecondition.
absl::Status KafkaStatus(RdKafka::ErrorCode code, absl::string_view context);
// Same for an RdKafka::Error (transactional API). Takes ownership; null is OK.
absl::Status KafkaStatus(RdKafka::Error* error, absl::string_view context);

// A global configuration with bootstrap.servers from `options` and every
// entry of `settings`; kInvalidArgument names a setting librdkafka refuses.
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const KafkaOptions& options, const std::map<std::string, std::string>& settings);

// Creates the four topics (commands, events, results, access) when missing (events: retention.ms=-1,
// cleanup.policy=delete, never compacted) and checks that all four have the
// same partition count. Returns that count. kUnavailable when no broker
// answers within `timeout`.
absl::StatusOr<int32_t> EnsureTopics(const KafkaOptions& options, absl::Duration timeout);

// For readers, who need not be allowed to create or see other topics (the
// projector on a secured broker): waits up to `timeout` for `topic` to
// exist with a leader for every partition, and returns its partition count.
// kNotFound "topic ... does not exist (inkoopd creates it)" at the deadline.
absl::StatusOr<int32_t> AwaitTopic(const KafkaOptions& options, const std::string& topic,
                                   absl::Duration timeout);

// A librdkafka properties file: `name=value` per line, `#` or `!` starts a
// comment line, blank lines ignored. kInvalidArgument names the line.
absl::StatusOr<std::map<std::string, std::string>> ReadKafkaConfig(const std::string& path);

// A client for metadata and watermark queries (a producer that produces
// nothing), configured from `options`.
absl::StatusOr<std::unique_ptr<RdKafka::Producer>> MakeMetadataClient(const KafkaOptions& options);

// The key of `message`; empty when it has none.
absl::string_view MessageKey(const RdKafka::Message& message);

// Partition count of `topic` as the broker reports it; kNotFound if absent.
absl::StatusOr<int32_t> PartitionCount(RdKafka::Handle& handle, const std::string& topic,
                                       absl::Duration timeout);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_KAFKA_KAFKA_H_
