// The region's registry of actors: who may sign commands, in which role.
//
// Every key in it belongs to one actor in one role: the bureau's keys come
// with the framework's adoption, municipalities' with their membership,
// providers' with their registration; register_key adds one later,
// revoke_key and rotate_key take one out. The engine reads the role of a
// command's actor from here (engine/command_handler.h), never from the
// command. A key id is the first 16 hex digits of SHA-256 over the raw
// public key (engine/signing.h); the engine checks that relation before
// Decide, the domain checks the form.
//
// And the region's clock: a region adopted with clock_start runs on a
// manual clock that only advance_clock moves.
#ifndef INKOOP_ENGINE_DOMAIN_REGISTRY_H_
#define INKOOP_ENGINE_DOMAIN_REGISTRY_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

// actor_id, a role that signs commands (not auditor), 64 hex digits of
// public key and 16 of key id; errors name `field`.
absl::Status ValidateActorKey(const v1::ActorKey& key, absl::string_view field);

// The key may join the registry of `state`: its id and public key are new,
// its actor fits its role (a member municipality, a registered provider,
// or an actor not yet registered in another role).
absl::Status RequireKeyFits(const RegionState& state, const v1::ActorKey& key,
                            absl::string_view field);

// The event registering `key`.
v1::Event KeyRegisteredEvent(const v1::ActorKey& key);

// The role `actor_id` holds in the registry (any of its keys, revoked or
// not), ROLE_UNSPECIFIED when it has none.
v1::Role RegisteredRole(const RegionState& state, absl::string_view actor_id);

absl::StatusOr<std::vector<v1::Event>> DecideRegisterKey(const RegionState& state,
                                                         const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideRevokeKey(const RegionState& state,
                                                       const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideRotateKey(const RegionState& state,
                                                       const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideAdvanceClock(const RegionState& state,
                                                          const v1::Command& command);

void ApplyActorKeyRegistered(RegionState& state, const v1::ActorKeyRegistered& event,
                             uint64_t sequence);
void ApplyActorKeyRevoked(RegionState& state, const v1::ActorKeyRevoked& event,
                          uint64_t sequence);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_REGISTRY_H_
