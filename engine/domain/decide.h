// The domain's two pure functions.
//
// Decide(state, command) validates a command in full against the region's
// state and returns the events it causes (payload only: the engine fills in
// the envelope), or the rule it breaks. A command yields all its events or
// none. Evolve(state, event) applies one event. Neither does I/O or reads a
// clock: time arrives in the command and in the envelope.
#ifndef INKOOP_ENGINE_DOMAIN_DECIDE_H_
#define INKOOP_ENGINE_DOMAIN_DECIDE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

// Refusals use kInvalidArgument (malformed field), kFailedPrecondition (a rule
// of the domain), kPermissionDenied (the actor's role may not), kNotFound
// (unknown municipality, lot, ...), kAborted (expected sequence differs).
absl::StatusOr<std::vector<v1::Event>> Decide(const RegionState& state, const v1::Command& command);

// Applies `event` to `state`. The event must continue the region's chain
// (sequence = state.sequence + 1, previous_hash = state.last_hash), else
// kFailedPrecondition and `state` is unchanged. An event whose payload this
// build does not know yields kDataLoss and leaves `state` unchanged.
absl::Status Evolve(RegionState& state, const v1::Event& event);

// Advances the region's chain past `event` without applying its payload: for
// readers (the projector) that park an event they cannot apply and go on.
// Same chain checks as Evolve.
absl::Status AdvanceChain(RegionState& state, const v1::Event& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_DECIDE_H_
