// The engine: consumes commands, decides them, and writes the events, the
// command's result and the consumed command offset in one Kafka transaction.
//
// Ownership of partitions is static: an engine owns the command partitions
// it is configured with (default: all) and is the single writer of the same
// partition numbers on the events and results topics. Before taking commands
// it rebuilds the states of its regions and the results of the command ids
// seen from those two partitions (read_committed, so aborted writes never
// count). Its transactional id fences any earlier incarnation: once this
// engine has initialised transactions, an older process with the same id
// can no longer commit.
//
// Run() must be called from one thread; Stop() may be called from any.
#ifndef INKOOP_ENGINE_ENGINE_H_
#define INKOOP_ENGINE_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/command_handler.h"
#include "engine/kafka/kafka.h"

namespace inkoop {

struct EngineOptions {
  KafkaOptions kafka;
  std::string group_id = "inkoopd";
  std::string transactional_id = "inkoopd";
  // Command partitions this engine owns; empty = all.
  std::vector<int32_t> partitions;
  // Most commands decided in one transaction, and how long to wait to fill it.
  int max_batch = 1000;
  absl::Duration batch_wait = absl::Milliseconds(5);
  // For crash tests only: after deciding this many commands, deliver what
  // the open transaction wrote so far and kill the process with SIGKILL,
  // mid-transaction. 0 = never.
  int64_t crash_after_commands = 0;
};

struct EngineCounters {
  std::atomic<uint64_t> commands{0};
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> duplicates{0};
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> transactions{0};
  std::atomic<uint64_t> aborted_transactions{0};
};

class Engine {
 public:
  // Ensures the topics, initialises transactions (fencing older instances)
  // and rebuilds the owned partitions' state. kUnavailable when no broker.
  static absl::StatusOr<std::unique_ptr<Engine>> Start(const EngineOptions& options);
  ~Engine();

  // Takes commands until Stop() or a fatal error (e.g. fenced by a newer
  // instance with the same transactional id), which it returns.
  absl::Status Run();
  void Stop() { stop_.store(true); }

  const EngineCounters& counters() const { return counters_; }

 private:
  explicit Engine(const EngineOptions& options);
  absl::Status Init();
  // Reads the owned partitions' committed command offsets, rebuilds their
  // handlers from the events and results topics, and positions the command
  // consumer after the last command those reflect.
  absl::Status Resume();
  absl::Status RebuildPartition(int32_t partition, CommandHandler& handler);
  // Decides one batch of commands in one transaction.
  absl::Status ProcessBatch(std::vector<std::unique_ptr<RdKafka::Message>>& batch);
  absl::Status Produce(const std::string& topic, int32_t partition, const std::string& key,
                       const std::string& value);

  EngineOptions options_;
  std::atomic<bool> stop_{false};
  EngineCounters counters_;
  int32_t partition_count_ = 0;
  int64_t commands_decided_ = 0;  // by this process, for crash_after_commands
  std::vector<int32_t> owned_;
  std::map<int32_t, CommandHandler> handlers_;
  std::unique_ptr<RdKafka::DeliveryReportCb> delivery_reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
};

}  // namespace inkoop

#endif  // INKOOP_ENGINE_ENGINE_H_
