// Command-line flags every daemon shares: --brokers, --topic_prefix,
// --partitions, --replication_factor, --min_insync_replicas. Defaults may
// also come from the environment (INKOOP_BROKERS, INKOOP_TOPIC_PREFIX).
#ifndef INKOOP_ENGINE_KAFKA_KAFKA_FLAGS_H_
#define INKOOP_ENGINE_KAFKA_KAFKA_FLAGS_H_

#include "engine/kafka/kafka.h"

namespace inkoop {

KafkaOptions KafkaOptionsFromFlags();

}  // namespace inkoop

#endif  // INKOOP_ENGINE_KAFKA_KAFKA_FLAGS_H_
