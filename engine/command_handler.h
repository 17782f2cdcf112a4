// CommandHandler turns commands into sealed events and results for the
// regions of one partition. It holds their states and the first result of
// every command id it has seen, so a repeated command id is answered with
// that result and causes no events. No I/O: the engine feeds it commands and
// the history it rebuilds from, and ships what it returns.
//
// Not thread-safe; one handler per partition, used by one thread.
#ifndef INKOOP_ENGINE_COMMAND_HANDLER_H_
#define INKOOP_ENGINE_COMMAND_HANDLER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"
#include "inkoop/v1/results.pb.h"

namespace inkoop {

struct Outcome {
  std::vector<v1::Event> events;  // sealed, in sequence order; empty when refused
  v1::CommandResult result;
};

class CommandHandler {
 public:
  // Decides `command` at time `now` (the command's occurred_at when it has
  // one), applies the events to the region's state and remembers the result.
  Outcome Handle(const v1::Command& command, absl::Time now);

  // Rebuilding from the log: applies an event the engine produced earlier.
  absl::Status Replay(const v1::Event& event);
  // Rebuilding from the log: keeps the chain going past an event whose
  // payload this build does not know (Replay returned kDataLoss).
  absl::Status SkipPayload(const v1::Event& event);
  // Rebuilding from the log: remembers a result produced earlier, so its
  // command id is known as seen.
  void RememberResult(const v1::CommandResult& result);

  // The state of `region` (empty state for a region with no events yet).
  const RegionState& State(const std::string& region);
  const absl::flat_hash_map<std::string, RegionState>& regions() const { return regions_; }
  size_t results_remembered() const { return results_.size(); }

 private:
  RegionState& MutableState(const std::string& region);

  absl::flat_hash_map<std::string, RegionState> regions_;
  // Key: region + '\0' + command id.
  absl::flat_hash_map<std::string, v1::CommandResult> results_;
};

// The result for a command that could not be decoded or routed: it carries
// `status` and is not remembered (there is no command id to remember).
v1::CommandResult RefusedResult(const v1::Command& command, const absl::Status& status);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_COMMAND_HANDLER_H_
