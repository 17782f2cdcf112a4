// Command-line flags every daemon shares: --brokers, --topic_prefix,
// --kafka_config, --partitions, --replication_factor, --min_insync_replicas.
// Defaults may also come from the environment (INKOOP_BROKERS,
// INKOOP_TOPIC_PREFIX, INKOOP_KAFKA_CONFIG). A --kafka_config that cannot be
// read stops the program (exit 2) naming the line.
#ifndef INKOOP_ENGINE_KAFKA_KAFKA_FLAGS_H_
#define INKOOP_ENGINE_KAFKA_KAFKA_FLAGS_H_

#include "engine/kafka/kafka.h"

namespace inkoop {

KafkaOptions KafkaOptionsFromFlags();

}  // namespace inkoop

#endif  // INKOOP_ENGINE_KAFKA_KAFKA_FLAGS_H_
