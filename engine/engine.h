// The engine: consumes commands, decides them, and writes the events, the
// command's result and the consumed command offset in one Kafka transaction.
//
// Ownership of partitions is static: an engine owns the command partitions
// it is configured with (default: all) and is the single writer of the same
// partition numbers on the events and results topics. Its transactional id
// fences any earlier incarnation: once this engine has initialised
// transactions, an older process with the same id can no longer commit.
//
// State lives in a StateStore (engine/store) in `state_dir`: region entities
// and the first result of every command id, one key each, and per owned
// partition the events and results offsets the store reflects (its
// checkpoint). After each committed transaction the engine writes what the
// batch changed and the new checkpoint in one WriteBatch. At start, and
// after an aborted transaction, it reads only the log after the checkpoint
// (read_committed, so aborted writes never count). With no store, one this
// build cannot use, or one that is ahead of the log (the topics were
// recreated), it rebuilds from offset 0 and logs why. An aborted
// transaction's changes are dropped from memory, never written.
//
// The last event of each region in a transaction, and every event whose
// sequence is a multiple of kSignEvery, is signed with the engine's key;
// what the engine reads back from the log passes the same Admission as the
// projector's (engine/admission.h).
//
// Run() must be called from one thread; Stop() may be called from any.
#ifndef INKOOP_ENGINE_ENGINE_H_
#define INKOOP_ENGINE_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/admission.h"
#include "engine/command_handler.h"
#include "engine/kafka/kafka.h"
#include "engine/store/region_cache.h"
#include "engine/store/state_store.h"

namespace inkoop {

class DeliveryReports;

struct EngineOptions {
  KafkaOptions kafka;
  std::string group_id = "inkoopd";
  std::string transactional_id = "inkoopd";
  // Command partitions this engine owns; empty = all.
  std::vector<int32_t> partitions;
  // Most commands decided in one transaction, and how long to wait to fill it.
  int max_batch = 1000;
  absl::Duration batch_wait = absl::Milliseconds(5);
  // Where the state store lives; one directory per engine process.
  std::string state_dir = ".run/inkoopd-state";
  // The Ed25519 key the engine signs the log with (PEM); generated there,
  // with its key file line in `<path>.pub`, when missing.
  std::string signing_key_path = ".run/inkoopd-signing-key.pem";
  // Keys trusted when rebuilding from the log (engine/signing.h); empty =
  // the signing key alone. It must trust the signing key.
  std::string keys_path;
  // Keys that may adopt a region's framework, starting its registry of
  // actors (engine/authentication.h); empty = none.
  std::string founders_path;
  // Memory kept of claims and indicators between batches.
  size_t cache_bytes = 256u << 20;
  // Larger commands are refused unread (their result says why).
  size_t max_command_bytes = kMaxCommandBytes;
  // Transactions that may fail in a row (aborted, then resumed from the
  // log) before the engine stops with the last error.
  int max_failed_transactions = 20;
  // For tests only: the command with this id meets an internal error, as
  // an engine defect would.
  std::string test_internal_error_command_id;
  // For crash tests only: after deciding this many commands, kill the
  // process with SIGKILL at `crash_point`. 0 = never.
  int64_t crash_after_commands = 0;
  enum class CrashPoint {
    kMidTransaction,   // what the open transaction wrote so far is delivered
    kAfterCommit,      // the transaction is committed, the store not written
    kAfterCheckpoint,  // both written, before the next batch
  };
  CrashPoint crash_point = CrashPoint::kMidTransaction;
};

struct EngineCounters {
  std::atomic<uint64_t> commands{0};
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> duplicates{0};
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> transactions{0};
  std::atomic<uint64_t> aborted_transactions{0};
  // The last start or resume: events and results read from the log after
  // the checkpoint, and whether it had to start from offset 0.
  std::atomic<uint64_t> resumed_events{0};
  std::atomic<uint64_t> resumed_results{0};
  std::atomic<bool> rebuilt_from_scratch{false};
  // Events read from the log that claim a sequence their region already
  // holds with another hash (left out, logged as errors), since start.
  std::atomic<uint64_t> conflicts{0};
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
  StateStore& store() { return *store_; }

 private:
  explicit Engine(const EngineOptions& options);
  absl::Status Init();
  // Opens the state store, recreating it when it belongs to other topics.
  absl::Status OpenStore();
  // Removes the state store (for `reason`, logged) and opens a new one.
  absl::Status RecreateStore(absl::string_view reason);
  // Reads the owned partitions' committed command offsets, brings the state
  // up to the end of the events and results topics from the checkpoint, and
  // positions the command consumer after the last command those reflect.
  absl::Status Resume();
  // Applies the events and results after the checkpoint of `partition`;
  // kOutOfRange when the checkpoint lies beyond the log.
  absl::Status CatchUpPartition(int32_t partition, uint64_t& events, uint64_t& results);
  // Writes what the batch changed and the checkpoint, after a commit.
  absl::Status WriteCheckpoint();
  void MaybeCrash(EngineOptions::CrashPoint point);
  // Decides one batch of commands in one transaction.
  absl::Status ProcessBatch(std::vector<std::unique_ptr<RdKafka::Message>>& batch);
  absl::Status Produce(const std::string& topic, int32_t partition, const std::string& key,
                       const std::string& value);
  // Puts back the events the admission held at the last checkpoint.
  absl::Status RestoreHeld();

  EngineOptions options_;
  std::atomic<bool> stop_{false};
  EngineCounters counters_;
  int32_t partition_count_ = 0;
  int64_t commands_decided_ = 0;  // by this process, for crash_after_commands
  std::vector<int32_t> owned_;
  std::unique_ptr<StateStore> store_;
  std::unique_ptr<RegionCache> cache_;
  std::unique_ptr<CommandHandler> handler_;
  std::optional<SigningKey> signing_key_;
  KeyRing founders_;
  std::unique_ptr<Admission> admission_;
  // Commands that met an internal error, by partition and offset, with its
  // message: refused when read again instead of decided (they would fail
  // again and stall their region).
  std::map<std::pair<int32_t, int64_t>, std::string> poisoned_;
  int failed_transactions_ = 0;  // in a row
  // Next offset to read per partition, as far as the state reflects it:
  // stored in the checkpoint, advanced by delivery reports.
  std::map<int32_t, int64_t> events_next_;
  std::map<int32_t, int64_t> results_next_;
  bool checkpoint_found_ = false;  // by the last Resume, for some owned partition
  std::unique_ptr<DeliveryReports> delivery_reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
};

}  // namespace inkoop

#endif  // INKOOP_ENGINE_ENGINE_H_
