// inkoopctl migrate-topics: copies a deployment's events and results to new
// topics (another --topic-prefix) with every region on the partition the
// current mapping gives it (PartitionFor: murmur2, Kafka's default
// partitioner). For topics an engine wrote with an earlier mapping, which
// the engine refuses to start on. Each region's records keep their order
// and bytes (hashes and signatures stay valid); a record that names no
// region stays on its partition number. Commands are not copied: stop the
// engine first, and send again what it did not answer.
#ifndef INKOOP_TOOLS_INKOOPCTL_MIGRATE_H_
#define INKOOP_TOOLS_INKOOPCTL_MIGRATE_H_

#include "engine/kafka/kafka.h"
#include "tools/inkoopctl/args.h"

namespace inkoop {

// Exit code: 0 copied, 2 bad input (or target topics not empty), 3 Kafka.
int RunMigrateTopics(const KafkaOptions& kafka, Args& args);

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_MIGRATE_H_
