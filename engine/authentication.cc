#include "engine/authentication.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/roles.h"
#include "engine/envelope.h"

namespace inkoop {

namespace {

absl::Status Refuse(absl::StatusCode code, const v1::Command& command, absl::string_view why) {
  return absl::Status(code, absl::StrCat("authentication: command '", command.command_id(),
                                         "' of actor '", command.actor().id(), "': ", why));
}

// The raw public key of founding key `key_id`, empty when it is none.
std::string FoundingKey(const KeyRing& founders, absl::string_view key_id) {
  for (const TrustedKey& trusted : founders.keys()) {
    if (trusted.key_id == key_id) return trusted.public_key;
  }
  return "";
}

}  // namespace

std::string ExpectedSigner(const RegionState& state, const KeyRing& founders,
                           const v1::SignedCommand& signed_command, const v1::Command& command) {
  if (signed_command.key_id().empty() || signed_command.signature().empty()) return "";
  if (!state.framework.adopted) {
    if (command.body_case() != v1::Command::kAdoptFramework) return "";
    return FoundingKey(founders, signed_command.key_id());
  }
  auto it = state.actor_keys.find(signed_command.key_id());
  if (it == state.actor_keys.end()) return "";
  return PublicKeyFromHex(it->second.key().public_key()).value_or("");
}

CheckedSignature CheckSignature(const v1::SignedCommand& signed_command, std::string public_key) {
  CheckedSignature checked;
  checked.valid = !public_key.empty() &&
                  VerifySignature(public_key, CommandStatement(signed_command.command()),
                                  signed_command.signature())
                      .ok();
  checked.public_key = std::move(public_key);
  return checked;
}

absl::StatusOr<v1::Actor> Authenticate(const RegionState& state, const KeyRing& founders,
                                       const v1::SignedCommand& signed_command,
                                       const v1::Command& command,
                                       const CheckedSignature* checked) {
  const std::string& key_id = signed_command.key_id();
  if (key_id.empty() || signed_command.signature().empty()) {
    return Refuse(absl::StatusCode::kUnauthenticated, command,
                  "unsigned: expected an Ed25519 signature by a key of the actor in region '" +
                      state.region + "''s registry (key_id and signature of SignedCommand)");
  }
  v1::Actor actor;
  actor.set_id(command.actor().id());
  std::string public_key;
  if (!state.framework.adopted) {
    if (command.body_case() != v1::Command::kAdoptFramework) {
      return Refuse(absl::StatusCode::kUnauthenticated, command,
                    absl::StrCat("region '", state.region,
                                 "' has no framework and so no registry of actors yet: only "
                                 "adopt_framework, signed with a founding key, can start it"));
    }
    if (!founders.Trusts(key_id, state.region, state.sequence.value() + 1)) {
      return Refuse(absl::StatusCode::kUnauthenticated, command,
                    absl::StrCat("key '", key_id,
                                 "' is not a founding key of the engine for region '",
                                 state.region, "' (inkoopd --founders)"));
    }
    public_key = FoundingKey(founders, key_id);
    bool listed = false;
    for (const v1::ActorKey& key : command.adopt_framework().actor_keys()) {
      // (The key id may be left for the engine to fill in.)
      listed = listed || ((key.key_id().empty() || key.key_id() == key_id) &&
                          key.actor_id() == actor.id() &&
                          key.role() == v1::ROLE_BUREAU &&
                          PublicKeyFromHex(key.public_key()) == public_key);
    }
    if (!listed) {
      return Refuse(absl::StatusCode::kInvalidArgument, command,
                    absl::StrCat("actor_keys: expected the founding key '", key_id,
                                 "' that signs the adoption as a bureau key of actor '",
                                 actor.id(), "', got none"));
    }
    actor.set_role(v1::ROLE_BUREAU);
  } else {
    auto it = state.actor_keys.find(key_id);
    if (it == state.actor_keys.end()) {
      return Refuse(absl::StatusCode::kUnauthenticated, command,
                    absl::StrCat("key '", key_id, "' is not in the registry of region '",
                                 state.region, "'"));
    }
    const v1::ActorKeyRecord& record = it->second;
    if (record.revoked()) {
      return Refuse(absl::StatusCode::kUnauthenticated, command,
                    absl::StrCat("key '", key_id, "' of actor '", record.key().actor_id(),
                                 "' was revoked by event ", record.revoked_sequence(), " (",
                                 record.revoked_reason(), ")"));
    }
    if (record.key().actor_id() != actor.id()) {
      return Refuse(absl::StatusCode::kPermissionDenied, command,
                    absl::StrCat("key '", key_id, "' belongs to actor '", record.key().actor_id(),
                                 "', not to the actor the command names"));
    }
    public_key = PublicKeyFromHex(record.key().public_key()).value_or("");
    actor.set_role(record.key().role());
  }
  if (command.actor().role() != v1::ROLE_UNSPECIFIED && command.actor().role() != actor.role()) {
    return Refuse(absl::StatusCode::kPermissionDenied, command,
                  absl::StrCat("the command says role ", RoleName(command.actor().role()),
                               ", the registry of region '", state.region, "' holds actor '",
                               actor.id(), "' as ", RoleName(actor.role()),
                               ": the role comes from the registry"));
  }
  absl::Status verified =
      checked != nullptr && !checked->public_key.empty() && checked->public_key == public_key
          ? (checked->valid ? absl::OkStatus() : absl::DataLossError("signature does not verify"))
          : VerifySignature(public_key, CommandStatement(signed_command.command()),
                            signed_command.signature());
  if (!verified.ok()) {
    return Refuse(absl::StatusCode::kUnauthenticated, command,
                  absl::StrCat("the signature by key '", key_id,
                               "' does not verify over the command's bytes (",
                               verified.message(), ")"));
  }
  return actor;
}

absl::Status CompleteKeyIds(v1::Command& command) {
  std::vector<std::pair<v1::ActorKey*, std::string>> keys;
  switch (command.body_case()) {
    case v1::Command::kAdoptFramework:
      for (int i = 0; i < command.adopt_framework().actor_keys_size(); ++i) {
        keys.emplace_back(command.mutable_adopt_framework()->mutable_actor_keys(i),
                          absl::StrCat("actor_keys[", i, "]"));
      }
      break;
    case v1::Command::kRegisterKey:
      keys.emplace_back(command.mutable_register_key()->mutable_actor_key(), "actor_key");
      break;
    case v1::Command::kRotateKey:
      keys.emplace_back(command.mutable_rotate_key()->mutable_new_key(), "new_key");
      break;
    case v1::Command::kRegisterProvider:
      if (command.register_provider().has_actor_key()) {
        keys.emplace_back(command.mutable_register_provider()->mutable_actor_key(), "actor_key");
      }
      break;
    default:
      break;
  }
  for (auto& [key, field] : keys) {
    key->set_public_key(absl::AsciiStrToLower(key->public_key()));
    std::optional<std::string> raw = PublicKeyFromHex(key->public_key());
    if (!raw.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".public_key: expected the raw Ed25519 public key as 64 hex digits, got '",
          key->public_key(), "'"));
    }
    const std::string id = KeyId(*raw);
    if (key->key_id().empty()) key->set_key_id(id);
    if (key->key_id() != id) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".key_id: expected '", id,
                                                     "' (SHA-256 of the public key), got '",
                                                     key->key_id(), "'"));
    }
  }
  return absl::OkStatus();
}

v1::SignedCommand SignCommand(const v1::Command& command, const SigningKey& key) {
  v1::SignedCommand out;
  out.set_command(DeterministicBytes(command));
  out.set_key_id(key.key_id());
  out.set_signature(key.Sign(CommandStatement(out.command())));
  return out;
}

}  // namespace inkoop
