// Reads one partition of a topic from a given offset to its current end,
// seeing committed messages only (read_committed: the end is the partition's
// last stable offset when the reader gets there). Used to rebuild state from
// the log; never commits offsets.
#ifndef INKOOP_ENGINE_KAFKA_PARTITION_READER_H_
#define INKOOP_ENGINE_KAFKA_PARTITION_READER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/domain/ids.h"
#include "engine/kafka/kafka.h"

namespace inkoop {

// Calls `visit` for every message of `topic`/`partition` at or after `from`
// until the end. Stops at the first error `visit` returns and returns it.
// kUnavailable when no message or end arrives for `stall_timeout`.
// `committed_only` = false reads read_uncommitted: messages of open and
// aborted transactions too (for diagnosis and tests, never for state).
absl::Status ReadPartitionToEnd(const KafkaOptions& options, const std::string& topic,
                                int32_t partition, Offset from,
                                const std::function<absl::Status(const RdKafka::Message&)>& visit,
                                absl::Duration stall_timeout = absl::Seconds(30),
                                bool committed_only = true);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_KAFKA_PARTITION_READER_H_
