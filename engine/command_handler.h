// CommandHandler turns commands into sealed events and results. It works on
// the region states and command results of a RegionCache: a repeated command
// id is answered with its first result and causes no events. It does no I/O
// of its own; with a store behind the cache, the cache reads what a command
// needs before it is decided. The engine feeds it commands and the history
// it rebuilds from, and ships what it returns.
//
// Not thread-safe; used by one thread.
#ifndef INKOOP_ENGINE_COMMAND_HANDLER_H_
#define INKOOP_ENGINE_COMMAND_HANDLER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/authentication.h"
#include "engine/domain/state.h"
#include "engine/signing.h"
#include "engine/store/region_cache.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"
#include "inkoop/v1/results.pb.h"

namespace inkoop {

struct Outcome {
  std::vector<v1::Event> events;  // sealed, in sequence order; empty when refused
  v1::CommandResult result;
  // Not OK when the command could not be decided for a reason outside it
  // (the state store could not be read): nothing was decided or remembered,
  // and the caller drops the batch.
  absl::Status failure;
};

// The default most bytes of a command (inkoopd --max_command_bytes,
// inkoopctl --max-command-bytes).
inline constexpr size_t kMaxCommandBytes = 256u << 10;

// The longest region id the engine accepts; longer ones are refused.
inline constexpr size_t kMaxRegionIdBytes = 256;

class CommandHandler {
 public:
  // All in memory: every state and result stays. `founders`: the keys that
  // may adopt a region's framework (engine/authentication.h).
  explicit CommandHandler(KeyRing founders = KeyRing());
  // On `cache` (not owned; must outlive the handler).
  explicit CommandHandler(RegionCache* cache, KeyRing founders = KeyRing());

  // Authenticates `command` (the bytes of `signed_command`) against the
  // region's registry, then decides it as HandleAuthenticated does. A
  // command that fails authentication is refused and not remembered.
  // `checked`: its signature verified ahead (engine/authentication.h).
  Outcome Handle(const v1::SignedCommand& signed_command, const v1::Command& command,
                 absl::Time now, const CheckedSignature* checked = nullptr);

  // The raw public key Handle would verify `signed_command` with in the
  // region's current state (empty: none, or the state cannot be read).
  std::string ExpectedSigner(const v1::SignedCommand& signed_command, const v1::Command& command);

  // Decides `command`, whose actor (id and role) the caller vouches for, at
  // the region's time: `now` on the wall clock (never before the region's
  // latest event), or the manual clock's time. A command's own occurred_at
  // must lie between the region's latest event and that time (plus five
  // minutes of client clock skew on the wall clock); the events are dated
  // at the region's time. Applies the events to the region's state and
  // remembers the result.
  Outcome HandleAuthenticated(const v1::Command& command, absl::Time now);

  // Rebuilding from the log: applies an event the engine produced earlier.
  absl::Status Replay(const v1::Event& event);
  // Rebuilding from the log: keeps the chain going past an event whose
  // payload this build does not know (Replay returned kDataLoss).
  absl::Status SkipPayload(const v1::Event& event);
  // Rebuilding from the log: remembers a result produced earlier, so its
  // command id is known as seen.
  void RememberResult(const v1::CommandResult& result);

  // The state of `region` (empty state for a region with no events yet).
  // In-memory handlers only: a store that cannot be read aborts.
  const RegionState& State(const std::string& region);
  const absl::flat_hash_map<std::string, RegionState>& regions() const { return cache_->regions(); }
  RegionCache& cache() { return *cache_; }
  size_t results_remembered() const { return cache_->results_held(); }

 private:
  // A refusal when the command has no id or region, or too long a region.
  static std::optional<Outcome> Precheck(const v1::Command& command);
  absl::StatusOr<RegionState*> LoadFor(const v1::Command& command);
  // Handle (authenticating `signed_command`) or, without it,
  // HandleAuthenticated.
  Outcome Run(const v1::SignedCommand* signed_command, const v1::Command& command,
              absl::Time now, const CheckedSignature* checked);
  // `command` as it arrived (for its result and digest), decided as
  // `decided_command` (the authenticated actor).
  Outcome DecideAt(const v1::Command& command, v1::Command decided_command, RegionState& state,
                   absl::Time now);

  std::unique_ptr<RegionCache> owned_cache_;
  RegionCache* cache_;
  KeyRing founders_;
};

// The result for a command that could not be decoded or routed: it carries
// `status` (echoed values cut, see CutEchoes) and is not remembered (there
// is no command id to remember).
v1::CommandResult RefusedResult(const v1::Command& command, const absl::Status& status);

// `message` with every quoted value ('...') longer than 200 bytes cut to its
// first 200 and "...[N bytes cut]", and the whole at most 2,000 bytes: a
// refusal never carries a client's megabyte back.
std::string CutEchoes(absl::string_view message);

// The command's type as its body field is named ("set_budget"), and SHA-256
// of its deterministic serialization.
std::string CommandType(const v1::Command& command);
std::string CommandDigest(const v1::Command& command);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_COMMAND_HANDLER_H_
