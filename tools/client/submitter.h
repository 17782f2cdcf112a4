// Puts commands on inkoop.commands and waits for their results on
// inkoop.results (read_committed). Used by inkoopctl, the demo generator,
// benchmarks and tests.
//
// Not thread-safe.
#ifndef INKOOP_TOOLS_CLIENT_SUBMITTER_H_
#define INKOOP_TOOLS_CLIENT_SUBMITTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/kafka/kafka.h"
#include "tools/client/actor_keys.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/results.pb.h"

namespace inkoop {

class Submitter {
 public:
  // kUnavailable "no Kafka broker reachable at ..." when nothing answers
  // within `connect_timeout`; kNotFound when the topics do not exist (the
  // engine creates them).
  static absl::StatusOr<std::unique_ptr<Submitter>> Connect(const KafkaOptions& options,
                                                            absl::Duration connect_timeout);
  ~Submitter();

  // Submits one command and waits up to `timeout` for its result.
  absl::StatusOr<v1::CommandResult> Submit(const v1::Command& command, absl::Duration timeout);

  // Submits all, in order, then waits up to `timeout` for every result.
  // Results come back in the order of `commands`. Each command must have a
  // distinct command id.
  absl::StatusOr<std::vector<v1::CommandResult>> SubmitAll(const std::vector<v1::Command>& commands,
                                                           absl::Duration timeout);

  // Only produces (waits for the broker's acknowledgement, not the result).
  absl::Status Send(const std::vector<v1::Command>& commands);
  // Produces records as they are, each keyed by its region (tests of what
  // the engine does with a bad signature).
  absl::Status SendSigned(const std::vector<std::pair<std::string, v1::SignedCommand>>& records);

  // Waits until the result of every id in `command_ids` arrived (each id
  // with its region), reading results produced after Connect().
  absl::StatusOr<std::vector<v1::CommandResult>> AwaitResults(
      const std::vector<std::pair<std::string, std::string>>& region_and_ids,
      absl::Duration timeout);

  int32_t partitions() const { return partitions_; }

  // Commands are signed with these keys (engine/authentication.h); without
  // them, or for an actor they hold no key of, they go out unsigned, and
  // the engine refuses them. Not owned; must outlive the submitter.
  void set_keys(ActorKeys* keys) { keys_ = keys; }

 private:
  Submitter() = default;

  KafkaOptions options_;
  ActorKeys* keys_ = nullptr;
  int32_t partitions_ = 0;
  std::unique_ptr<RdKafka::DeliveryReportCb> delivery_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::unique_ptr<RdKafka::KafkaConsumer> results_;
  // Results read so far, by region + '\0' + command id.
  absl::flat_hash_map<std::string, v1::CommandResult> seen_;
};

}  // namespace inkoop

#endif  // INKOOP_TOOLS_CLIENT_SUBMITTER_H_
