#include "engine/kafka/kafka_flags.h"

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "engine/environment.h"
#include "engine/log.h"

ABSL_FLAG(std::string, brokers, inkoop::EnvironmentOr("INKOOP_BROKERS", "127.0.0.1:9092"),
          "Kafka bootstrap servers (env INKOOP_BROKERS)");
ABSL_FLAG(std::string, topic_prefix, inkoop::EnvironmentOr("INKOOP_TOPIC_PREFIX", ""),
          "prefix of the topic names (env INKOOP_TOPIC_PREFIX)");
ABSL_FLAG(std::string, kafka_config, inkoop::EnvironmentOr("INKOOP_KAFKA_CONFIG", ""),
          "librdkafka properties file (name=value lines) for every Kafka client: SASL, TLS, "
          "tuning (env INKOOP_KAFKA_CONFIG)");
ABSL_FLAG(int, partitions, 3, "partitions of each topic, when the engine creates the topics");
ABSL_FLAG(int, replication_factor, 1, "replication factor, when the engine creates the topics");
ABSL_FLAG(int, min_insync_replicas, 1, "min.insync.replicas, when the engine creates the topics");

namespace inkoop {

KafkaOptions KafkaOptionsFromFlags() {
  KafkaOptions options;
  options.brokers = absl::GetFlag(FLAGS_brokers);
  options.topic_prefix = absl::GetFlag(FLAGS_topic_prefix);
  options.partitions = absl::GetFlag(FLAGS_partitions);
  options.replication_factor = absl::GetFlag(FLAGS_replication_factor);
  options.min_insync_replicas = absl::GetFlag(FLAGS_min_insync_replicas);
  if (const std::string path = absl::GetFlag(FLAGS_kafka_config); !path.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> settings = ReadKafkaConfig(path);
    if (!settings.ok()) {
      LogError(absl::StrCat("--kafka_config: ", settings.status().message()));
      std::exit(2);
    }
    options.client_settings = *std::move(settings);
  }
  return options;
}

}  // namespace inkoop
