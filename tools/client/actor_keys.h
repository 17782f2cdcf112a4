// The signing keys a client holds for the actors it sends commands as, and
// the scenario clock that plays dated commands on a region's manual clock.
//
// inkoopctl holds one key (--key FILE). Scenarios that play a whole region
// (the load generator, benchmarks, tests) hold one key per actor, derived
// from a seed and the actor id, so the same seed gives the same keys in
// every process; such keys are for scenarios only, never for a real region.
//
// Not thread-safe.
#ifndef INKOOP_TOOLS_CLIENT_ACTOR_KEYS_H_
#define INKOOP_TOOLS_CLIENT_ACTOR_KEYS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/signing.h"
#include "inkoop/v1/commands.pb.h"

namespace inkoop {

// The actor a scenario's clock commands come from.
inline constexpr absl::string_view kScenarioClockActor = "region-clock";

class ActorKeys {
 public:
  // No keys: commands go out unsigned (and are refused).
  ActorKeys() = default;
  // One key for whichever actor a command names.
  static ActorKeys Single(SigningKey key);
  // A key per actor id, derived from `seed`.
  static ActorKeys Derived(absl::string_view seed);

  ActorKeys(ActorKeys&&) = default;
  ActorKeys& operator=(ActorKeys&&) = default;

  // The key for `actor_id`, nullptr when none.
  const SigningKey* For(absl::string_view actor_id);
  // The registry entry of `actor_id` in `role` with its key (empty public
  // key when there is none).
  v1::ActorKey Entry(absl::string_view actor_id, v1::Role role);

  // Puts this client's keys into a command that registers actors: for
  // adopt_framework the adopting bureau's, every listed municipality's and
  // the `extra` actors' keys (unless listed already); for register_provider
  // the provider's. Other commands stay as they are.
  void Enroll(v1::Command& command,
              const std::vector<std::pair<std::string, v1::Role>>& extra = {});

  // The command as the commands topic carries it: signed with the key of
  // its actor, or unsigned when there is none.
  v1::SignedCommand Sign(const v1::Command& command);

 private:
  std::optional<SigningKey> single_;
  std::string seed_;
  std::map<std::string, SigningKey, std::less<>> derived_;
};

// Plays dated commands on a manual clock: the adoption starts the clock at
// its occurred_at (and registers the clock actor's key); before a command
// dated later than the region's time it puts an advance_clock to that time,
// rounded up to `step` (so a day of claims needs few); every command is
// then sent undated and decided at the region's time. Deterministic: the
// clock commands' ids are "<command id>.clock".
class ScenarioClock {
 public:
  explicit ScenarioClock(ActorKeys& keys, int64_t step_seconds = 3600)
      : keys_(keys), step_seconds_(step_seconds) {}

  // Appends `command`, preceded by what the clock needs, to `out`.
  void Play(v1::Command command, std::vector<v1::Command>& out);

 private:
  ActorKeys& keys_;
  int64_t step_seconds_;
  std::map<std::string, int64_t> region_seconds_;  // by region
};

}  // namespace inkoop

#endif  // INKOOP_TOOLS_CLIENT_ACTOR_KEYS_H_
