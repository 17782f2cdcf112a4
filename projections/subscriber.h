// The subscriber library: how a downstream service (a case system, a payment
// feed, a dashboard) follows inkoop.events. It reads read_committed, so it
// never sees an aborted engine transaction; it admits records through the
// same Admission as the projector and replay (engine/admission.h), so what
// it delivers is sealed, chained and vouched for by a trusted signature; and
// it delivers each region's events in sequence order, each once.
//
//   SubscriberOptions options;
//   options.kafka = ...;  options.keys = *KeyRing::Load("keys.txt");
//   options.group_id = "payment-feed";           // or none: manual assignment
//   options.from = Position::Beginning();        // where a new group starts
//   auto subscriber = Subscriber::Start(options);
//   (*subscriber)->Run([](const SubscribedEvent& e) { ...; return absl::OkStatus(); });
//
// Position. A consumer group starts each partition at the group's committed
// position, and where the group has none at `from`. Without a group, `from`
// decides: the beginning, the current end (latest), the first record
// appended at or after a moment (Kafka's record time, which is when the
// engine wrote it), or an offset per partition (a caller that stores its
// own position, as the projector does with its RocksDB batches).
//
// Commits. The position of a partition is committed only up to the first
// record not yet processed: an event counts as processed once the callback
// returned OK for it (with Next(): once Next is called again). Records that
// wait for their signature, or are delivered but not yet processed, hold the
// position back, whatever region they belong to. Commits are asynchronous at
// most every `commit_interval`, and synchronous when the subscriber stops or
// a partition is revoked: a subscriber stopped and started again resumes
// exactly after its last processed event. After a crash it may see again the
// events processed since the last commit; each carries (region, sequence),
// by which a subscriber that keeps its own state can skip them.
//
// Starting inside a chain (a position other than a region's first event):
// the region's events are held until a trusted signature arrives; the events
// the signed one chains back to are then admitted from the oldest read, and
// anything else that claims a place in that chain is reported as a problem.
//
// Newer schemas. An event whose payload this build does not know (a newer
// engine added it) is delivered with known() false and payload_name()
// "unknown"; its fields are kept as unknown fields and the chain still
// verifies, since the hash covers the bytes as written.
//
// Run()/Next() from one thread; Stop() from any.
#ifndef INKOOP_PROJECTIONS_SUBSCRIBER_H_
#define INKOOP_PROJECTIONS_SUBSCRIBER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/admission.h"
#include "engine/kafka/kafka.h"
#include "engine/signing.h"

namespace inkoop {

class Position {
 public:
  enum class Kind { kBeginning, kLatest, kTime, kOffsets };
  static Position Beginning() { return Position(Kind::kBeginning); }
  static Position Latest() { return Position(Kind::kLatest); }
  static Position At(absl::Time time);
  // Partitions missing from `offsets` start at the beginning.
  static Position Offsets(std::map<int32_t, int64_t> offsets);
  // "beginning", "latest", an RFC 3339 moment or a day (YYYY-MM-DD, UTC).
  static absl::StatusOr<Position> Parse(absl::string_view text);

  Kind kind() const { return kind_; }
  absl::Time time() const { return time_; }
  const std::map<int32_t, int64_t>& offsets() const { return offsets_; }
  std::string ToString() const;

 private:
  explicit Position(Kind kind) : kind_(kind) {}
  Kind kind_;
  absl::Time time_;
  std::map<int32_t, int64_t> offsets_;
};

struct SubscriberOptions {
  KafkaOptions kafka;
  // The keys trusted to sign the log; with none, no event is delivered.
  KeyRing keys;
  AdmissionLimits limits;
  // A consumer group shares the partitions among its members and keeps
  // their positions on the broker. Empty: manual assignment, nothing
  // committed (the caller keeps its position, e.g. with Position::Offsets).
  std::string group_id;
  // Manual assignment: these partitions (empty: all).
  std::vector<int32_t> partitions;
  // Only this region's events (and, without a group, only its partition).
  std::string region;
  Position from = Position::Beginning();
  // Return from Run() (Next() gives nullopt) once every assigned partition
  // has been read to the end it had when reached.
  bool stop_at_end = false;
  absl::Duration commit_interval = absl::Seconds(1);
  // Extra librdkafka consumer settings (tests; tuning).
  std::map<std::string, std::string> consumer_settings;
};

// An admitted event as delivered.
struct SubscribedEvent {
  RecordAt at;
  v1::Event event;      // `hash` set: SHA-256 of the bytes as written
  bool signed_record = false;  // this record carried the signature itself
  bool known() const { return event.payload_case() != v1::Event::PAYLOAD_NOT_SET; }
  // The payload's field name ("contract_signed"), or "unknown".
  std::string payload_name() const;
};

// A record that was not admitted: undecodable, badly signed, a broken link
// or a conflict (engine/admission.h). Duplicates are skipped silently.
struct SubscriberProblem {
  RecordAt at;
  std::string region;
  uint64_t sequence = 0;
  std::string reason;
  bool conflict = false;
};

class Subscriber {
 public:
  static absl::StatusOr<std::unique_ptr<Subscriber>> Start(SubscriberOptions options);
  // Commits what was processed (group) and leaves the group.
  ~Subscriber();

  // Delivers admitted events until Stop(), the end (stop_at_end), an error
  // of Kafka's that does not heal, or an error `on_event` returns (that
  // event then counts as not processed). `on_problem` defaults to logging.
  absl::Status Run(const std::function<absl::Status(const SubscribedEvent&)>& on_event,
                   const std::function<void(const SubscriberProblem&)>& on_problem = nullptr);

  // The next admitted event, waiting at most `wait`; nullopt when none came
  // (or at the end with stop_at_end, see at_end()). Calling Next again marks
  // the event it returned last as processed.
  absl::StatusOr<std::optional<SubscribedEvent>> Next(absl::Duration wait);

  // For callers that admit records themselves and keep their own offsets
  // (the projector): reads up to `max` records, waiting at most `wait` for
  // the first and `linger` for more, and hands each to `visit` as read.
  // Returns how many were read. Not combined with Run()/Next().
  absl::StatusOr<int> ReadRecords(int max, absl::Duration wait, absl::Duration linger,
                                  const std::function<absl::Status(const RdKafka::Message&)>& visit);

  // Problems found by Next() since the last call (Run() reports them itself).
  std::vector<SubscriberProblem> TakeProblems();

  void Stop() { stop_.store(true); }
  bool stopping() const { return stop_.load(); }
  // With stop_at_end: every assigned partition has been read to its end.
  bool at_end() const;
  // Commits the processed positions now (group only); OK without a group.
  absl::Status Commit();
  // The partitions this member reads now and where (next offset to read).
  std::map<int32_t, int64_t> reading() const;
  int32_t partition_count() const { return partitions_; }
  const std::string& topic() const { return topic_; }

 private:
  class Rebalance;
  struct PartitionState;

  explicit Subscriber(SubscriberOptions options);
  absl::StatusOr<int64_t> StartOffset(int32_t partition);
  absl::Status Assign(const std::vector<int32_t>& partitions);
  void Assigned(std::vector<RdKafka::TopicPartition*>& partitions);
  void Revoked(const std::vector<RdKafka::TopicPartition*>& partitions);
  absl::Status Take(const RdKafka::Message& message);
  absl::Status Offer(PartitionState& state, const RecordAt& at, absl::string_view value);
  void Anchor(PartitionState& state, const std::string& region);
  void MarkProcessed();
  absl::Status CommitNow(bool sync);
  int64_t Committable(int32_t partition, const PartitionState& state) const;

  SubscriberOptions options_;
  std::string topic_;
  int32_t partitions_ = 0;
  std::atomic<bool> stop_{false};
  std::unique_ptr<Rebalance> rebalance_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::map<int32_t, std::unique_ptr<PartitionState>> assigned_;
  std::deque<SubscribedEvent> ready_;
  std::optional<RecordAt> delivered_;  // returned by Next, not yet processed
  std::vector<SubscriberProblem> problems_;
  absl::Time last_commit_ = absl::InfinitePast();
  bool dirty_ = false;  // processed since the last commit
  absl::Status rebalance_error_;
};

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_SUBSCRIBER_H_
