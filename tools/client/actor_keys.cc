#include "tools/client/actor_keys.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/authentication.h"
#include "engine/envelope.h"

namespace inkoop {

ActorKeys ActorKeys::Single(SigningKey key) {
  ActorKeys keys;
  keys.single_.emplace(std::move(key));
  return keys;
}

ActorKeys ActorKeys::Derived(absl::string_view seed) {
  ActorKeys keys;
  keys.seed_ = absl::StrCat("inkoop scenario actor key\n", seed);
  return keys;
}

const SigningKey* ActorKeys::For(absl::string_view actor_id) {
  if (single_.has_value()) return &*single_;
  if (seed_.empty()) return nullptr;
  auto it = derived_.find(actor_id);
  if (it == derived_.end()) {
    absl::StatusOr<SigningKey> key =
        SigningKey::FromSeed(Sha256(absl::StrCat(seed_, "\n", actor_id)));
    if (!key.ok()) return nullptr;
    it = derived_.emplace(std::string(actor_id), *std::move(key)).first;
  }
  return &it->second;
}

v1::ActorKey ActorKeys::Entry(absl::string_view actor_id, v1::Role role) {
  v1::ActorKey entry;
  entry.set_actor_id(std::string(actor_id));
  entry.set_role(role);
  if (const SigningKey* key = For(actor_id)) {
    entry.set_public_key(absl::BytesToHexString(key->public_key()));
    entry.set_key_id(key->key_id());
  }
  return entry;
}

void ActorKeys::Enroll(v1::Command& command,
                       const std::vector<std::pair<std::string, v1::Role>>& extra) {
  if (command.has_adopt_framework()) {
    v1::AdoptFramework& adopt = *command.mutable_adopt_framework();
    auto add = [&](const std::string& actor, v1::Role role) {
      for (const v1::ActorKey& listed : adopt.actor_keys()) {
        if (listed.actor_id() == actor) return;
      }
      v1::ActorKey entry = Entry(actor, role);
      if (!entry.public_key().empty()) *adopt.add_actor_keys() = std::move(entry);
    };
    add(command.actor().id(), v1::ROLE_BUREAU);
    for (const std::string& municipality : adopt.municipalities()) {
      add(municipality, v1::ROLE_MUNICIPALITY);
    }
    for (const auto& [actor, role] : extra) add(actor, role);
  } else if (command.has_register_provider() && !command.register_provider().has_actor_key()) {
    v1::ActorKey entry = Entry(command.register_provider().provider_id(), v1::ROLE_PROVIDER);
    if (!entry.public_key().empty()) {
      *command.mutable_register_provider()->mutable_actor_key() = std::move(entry);
    }
  }
}

v1::SignedCommand ActorKeys::Sign(const v1::Command& command) {
  if (const SigningKey* key = For(command.actor().id())) return SignCommand(command, *key);
  v1::SignedCommand unsigned_command;
  unsigned_command.set_command(DeterministicBytes(command));
  return unsigned_command;
}

void ScenarioClock::Play(v1::Command command, std::vector<v1::Command>& out) {
  if (!command.has_occurred_at()) {
    out.push_back(std::move(command));
    return;
  }
  const int64_t at = command.occurred_at().seconds();
  if (command.has_adopt_framework()) {
    keys_.Enroll(command, {{std::string(kScenarioClockActor), v1::ROLE_CLOCK}});
    if (!command.adopt_framework().has_clock_start()) {
      command.mutable_adopt_framework()->mutable_clock_start()->set_seconds(at);
    }
    region_seconds_[command.region()] = command.adopt_framework().clock_start().seconds();
    command.clear_occurred_at();
    out.push_back(std::move(command));
    return;
  }
  auto it = region_seconds_.find(command.region());
  if (it != region_seconds_.end() && at > it->second) {
    const int64_t to = (at + step_seconds_ - 1) / step_seconds_ * step_seconds_;
    v1::Command clock;
    clock.set_command_id(absl::StrCat(command.command_id(), ".clock"));
    clock.set_region(command.region());
    clock.mutable_actor()->set_id(std::string(kScenarioClockActor));
    clock.mutable_advance_clock()->mutable_to()->set_seconds(to);
    out.push_back(std::move(clock));
    it->second = to;
  }
  if (it != region_seconds_.end()) command.clear_occurred_at();
  keys_.Enroll(command);
  out.push_back(std::move(command));
}

}  // namespace inkoop
