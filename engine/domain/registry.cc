#include "engine/domain/registry.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

bool IsLowerHex(absl::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1'000'000 + t.nanos() / 1000;
}

google::protobuf::Timestamp TimestampOf(int64_t micros) {
  google::protobuf::Timestamp out;
  int64_t seconds = micros / 1'000'000;
  int64_t rest = micros % 1'000'000;
  if (rest < 0) {
    rest += 1'000'000;
    --seconds;
  }
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(rest * 1000));
  return out;
}

absl::StatusOr<const v1::ActorKeyRecord*> FindKey(const RegionState& state,
                                                  absl::string_view key_id,
                                                  absl::string_view field) {
  auto it = state.actor_keys.find(std::string(key_id));
  if (it == state.actor_keys.end()) {
    return absl::NotFoundError(absl::StrCat(field, ": key '", key_id,
                                            "' is not in the registry of region '", state.region,
                                            "'"));
  }
  return &it->second;
}

// Active keys of `role`, other than `except`.
int ActiveKeys(const RegionState& state, v1::Role role, absl::string_view except) {
  int count = 0;
  for (const auto& [id, record] : state.actor_keys) {
    if (!record.revoked() && record.key().role() == role && id != except) ++count;
  }
  return count;
}

v1::Event RevokedEvent(const v1::ActorKeyRecord& record, absl::string_view reason,
                       absl::string_view replaced_by) {
  v1::Event event;
  v1::ActorKeyRevoked& revoked = *event.mutable_actor_key_revoked();
  revoked.set_key_id(record.key().key_id());
  revoked.set_actor_id(record.key().actor_id());
  revoked.set_reason(std::string(reason));
  revoked.set_replaced_by(std::string(replaced_by));
  return event;
}

// The key may be revoked: it is active and it is not the region's last
// active bureau key (without one, nobody could act for the bureau again).
absl::Status RequireRevocable(const RegionState& state, const v1::ActorKeyRecord& record,
                              absl::string_view field) {
  if (record.revoked()) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": key '", record.key().key_id(), "' of actor '",
                     record.key().actor_id(), "' is already revoked (",
                     record.revoked_reason(), ")"));
  }
  if (record.key().role() == v1::ROLE_BUREAU &&
      ActiveKeys(state, v1::ROLE_BUREAU, record.key().key_id()) == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": key '", record.key().key_id(), "' is the last bureau key of region '",
        state.region, "'; register another bureau key first (rotate_key does both)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateActorKey(const v1::ActorKey& key, absl::string_view field) {
  RETURN_IF_ERROR(RequireText(key.actor_id(), absl::StrCat(field, ".actor_id"), "who holds the key"));
  switch (key.role()) {
    case v1::ROLE_MUNICIPALITY:
    case v1::ROLE_BUREAU:
    case v1::ROLE_PROVIDER:
    case v1::ROLE_SYSTEM:
    case v1::ROLE_CLOCK:
    case v1::ROLE_PLACEMENT_COORDINATOR:
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          field,
          ".role: expected municipality, bureau, provider, system, clock or placement coordinator "
          "for actor '",
          key.actor_id(), "', got ", RoleName(key.role()),
          key.role() == v1::ROLE_AUDITOR ? " (auditors read and sign nothing)" : ""));
  }
  if (!IsLowerHex(key.public_key(), 64)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".public_key: expected the raw Ed25519 public key as 64 lower-case hex digits, got '",
        key.public_key(), "'"));
  }
  if (!IsLowerHex(key.key_id(), 16)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".key_id: expected 16 lower-case hex digits (SHA-256 of the public key), got '",
        key.key_id(), "'"));
  }
  return absl::OkStatus();
}

v1::Role RegisteredRole(const RegionState& state, absl::string_view actor_id) {
  for (const auto& [id, record] : state.actor_keys) {
    if (record.key().actor_id() == actor_id) return record.key().role();
  }
  return v1::ROLE_UNSPECIFIED;
}

absl::Status RequireKeyFits(const RegionState& state, const v1::ActorKey& key,
                            absl::string_view field) {
  RETURN_IF_ERROR(ValidateActorKey(key, field));
  if (auto it = state.actor_keys.find(key.key_id()); it != state.actor_keys.end()) {
    return absl::AlreadyExistsError(absl::StrCat(field, ".key_id: key '", key.key_id(),
                                                 "' is already registered, for actor '",
                                                 it->second.key().actor_id(), "'",
                                                 it->second.revoked() ? " (revoked)" : ""));
  }
  switch (key.role()) {
    case v1::ROLE_MUNICIPALITY:
      if (!state.framework.municipalities.contains(key.actor_id())) {
        return absl::NotFoundError(absl::StrCat(field, ".actor_id: '", key.actor_id(),
                                                "' is not a municipality of region '",
                                                state.region, "'"));
      }
      break;
    case v1::ROLE_PROVIDER:
      if (!state.providers.contains(key.actor_id())) {
        return absl::NotFoundError(absl::StrCat(field, ".actor_id: provider '", key.actor_id(),
                                                "' is not registered in region '", state.region,
                                                "'"));
      }
      break;
    default:
      break;
  }
  const v1::Role held = RegisteredRole(state, key.actor_id());
  if (held != v1::ROLE_UNSPECIFIED && held != key.role()) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ".role: actor '", key.actor_id(), "' is registered as ",
                     RoleName(held), ", not ", RoleName(key.role()),
                     "; one actor holds one role"));
  }
  return absl::OkStatus();
}

v1::Event KeyRegisteredEvent(const v1::ActorKey& key) {
  v1::Event event;
  *event.mutable_actor_key_registered()->mutable_key() = key;
  return event;
}

absl::StatusOr<std::vector<v1::Event>> DecideRegisterKey(const RegionState& state,
                                                         const v1::Command& command) {
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "register a key"));
  RETURN_IF_ERROR(RequireFramework(state));
  RETURN_IF_ERROR(RequireKeyFits(state, command.register_key().actor_key(), "actor_key"));
  return OneEvent(KeyRegisteredEvent(command.register_key().actor_key()));
}

absl::StatusOr<std::vector<v1::Event>> DecideRevokeKey(const RegionState& state,
                                                       const v1::Command& command) {
  const v1::RevokeKey& body = command.revoke_key();
  RETURN_IF_ERROR(RequireText(body.key_id(), "key_id", "the key to revoke"));
  RETURN_IF_ERROR(RequireText(body.reason(), "reason", "why the key is revoked"));
  ASSIGN_OR_RETURN(const v1::ActorKeyRecord* record, FindKey(state, body.key_id(), "key_id"));
  const v1::Actor& actor = command.actor();
  if (actor.role() != v1::ROLE_BUREAU && actor.id() != record->key().actor_id()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role rule: only the bureau or actor '", record->key().actor_id(),
        "' itself may revoke key '", body.key_id(), "'; actor '", actor.id(), "' is ",
        RoleName(actor.role())));
  }
  RETURN_IF_ERROR(RequireRevocable(state, *record, "key_id"));
  return OneEvent(RevokedEvent(*record, body.reason(), ""));
}

absl::StatusOr<std::vector<v1::Event>> DecideRotateKey(const RegionState& state,
                                                       const v1::Command& command) {
  const v1::RotateKey& body = command.rotate_key();
  const v1::Actor& actor = command.actor();
  RETURN_IF_ERROR(RequireText(body.replaces_key_id(), "replaces_key_id", "the key it replaces"));
  RETURN_IF_ERROR(RequireText(body.reason(), "reason", "why the key is rotated"));
  ASSIGN_OR_RETURN(const v1::ActorKeyRecord* old,
                   FindKey(state, body.replaces_key_id(), "replaces_key_id"));
  if (old->key().actor_id() != actor.id()) {
    return absl::PermissionDeniedError(
        absl::StrCat("role rule: only actor '", old->key().actor_id(), "' itself may rotate key '",
                     old->key().key_id(), "'; actor '", actor.id(), "' is ",
                     RoleName(actor.role()), " (the bureau uses register_key and revoke_key)"));
  }
  if (old->revoked()) {
    return absl::FailedPreconditionError(absl::StrCat("replaces_key_id: key '", old->key().key_id(),
                                                      "' is already revoked (",
                                                      old->revoked_reason(), ")"));
  }
  v1::ActorKey key = body.new_key();
  if (key.actor_id().empty()) key.set_actor_id(actor.id());
  if (key.role() == v1::ROLE_UNSPECIFIED) key.set_role(old->key().role());
  if (key.actor_id() != actor.id() || key.role() != old->key().role()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "new_key: expected a new key of actor '", actor.id(), "' as ", RoleName(old->key().role()),
        ", got one of '", key.actor_id(), "' as ", RoleName(key.role())));
  }
  RETURN_IF_ERROR(RequireKeyFits(state, key, "new_key"));
  std::vector<v1::Event> events;
  events.push_back(KeyRegisteredEvent(key));
  events.push_back(RevokedEvent(*old, body.reason(), key.key_id()));
  return events;
}

absl::StatusOr<std::vector<v1::Event>> DecideAdvanceClock(const RegionState& state,
                                                          const v1::Command& command) {
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_CLOCK, "advance the region's clock"));
  RETURN_IF_ERROR(RequireFramework(state));
  if (!state.framework.manual_clock) {
    return absl::FailedPreconditionError(absl::StrCat(
        "region '", state.region,
        "' runs on the engine's wall clock (adopted without clock_start); its clock cannot be "
        "advanced by command"));
  }
  if (!command.advance_clock().has_to()) {
    return absl::InvalidArgumentError("to: expected the region's new time, got none");
  }
  const int64_t to = Micros(command.advance_clock().to());
  if (to < state.clock_micros) {
    return absl::FailedPreconditionError(
        absl::StrCat("to: ", FormatTimestamp(command.advance_clock().to()),
                     " is before the region's clock ",
                     FormatTimestamp(TimestampOf(state.clock_micros)), ": a region's time only moves forward"));
  }
  v1::Event event;
  *event.mutable_clock_advanced()->mutable_from() = TimestampOf(state.clock_micros);
  return OneEvent(std::move(event));
}

void ApplyActorKeyRegistered(RegionState& state, const v1::ActorKeyRegistered& event,
                             uint64_t sequence) {
  v1::ActorKeyRecord& record = state.actor_keys[event.key().key_id()];
  record.Clear();
  *record.mutable_key() = event.key();
  record.set_registered_sequence(sequence);
}

void ApplyActorKeyRevoked(RegionState& state, const v1::ActorKeyRevoked& event,
                          uint64_t sequence) {
  auto it = state.actor_keys.find(event.key_id());
  if (it == state.actor_keys.end()) return;
  it->second.set_revoked(true);
  it->second.set_revoked_reason(event.reason());
  it->second.set_revoked_sequence(sequence);
}

}  // namespace inkoop
