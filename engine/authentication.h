// Who sends a command: the actor whose registered key signed it.
//
// A command arrives as a SignedCommand (commands.proto): the Command's
// bytes, a key id, and an Ed25519 signature over CommandStatement(bytes)
// (engine/signing.h). The key must be in the region's registry of actors
// (engine/domain/registry.h), not revoked, and belong to Command.actor.id;
// the actor's role is the registry's. A command that states another role is
// refused: the role comes from the registry, never from the command.
//
// A region without a framework has no registry yet: only adopt_framework
// can start it, signed by one of the engine's founding keys (inkoopd
// --founders, a key file as in engine/signing.h, region= limiting a key to
// one region), and that key must be among the command's actor_keys as the
// adopting actor's bureau key.
//
// Pure: reads only the state and the keys it is given.
#ifndef INKOOP_ENGINE_AUTHENTICATION_H_
#define INKOOP_ENGINE_AUTHENTICATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "engine/signing.h"
#include "inkoop/v1/commands.pb.h"

namespace inkoop {

// A signature verified ahead of deciding (the engine verifies a batch's
// signatures on several threads): whether it is valid for `public_key`.
struct CheckedSignature {
  std::string public_key;  // raw; empty: nothing checked
  bool valid = false;
};

// The raw public key Authenticate would verify `signed_command` with in
// `state` (empty when there is none to try).
std::string ExpectedSigner(const RegionState& state, const KeyRing& founders,
                           const v1::SignedCommand& signed_command, const v1::Command& command);

// Verifies `signed_command` against `public_key` (what `checked` holds).
CheckedSignature CheckSignature(const v1::SignedCommand& signed_command, std::string public_key);

// The actor (id and role from the registry) that signed `command`, whose
// bytes are `signed_command.command`. kUnauthenticated when unsigned, when
// the key is unknown or revoked, or when the signature does not verify;
// kPermissionDenied when the key belongs to another actor or the command
// states another role. Every message names the actor and the key id.
// `checked`, when given and for the key the registry names, stands for
// verifying the signature again.
absl::StatusOr<v1::Actor> Authenticate(const RegionState& state, const KeyRing& founders,
                                       const v1::SignedCommand& signed_command,
                                       const v1::Command& command,
                                       const CheckedSignature* checked = nullptr);

// Fills the key id of every ActorKey in `command` left without one, and
// refuses (kInvalidArgument, naming the field) one that is not the id of
// its public key, or a public key that is not 64 hex digits.
absl::Status CompleteKeyIds(v1::Command& command);

// A SignedCommand of `command` signed by `key` (clients).
v1::SignedCommand SignCommand(const v1::Command& command, const SigningKey& key);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_AUTHENTICATION_H_
