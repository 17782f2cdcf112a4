#include "engine/command_handler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/authentication.h"
#include "engine/domain/dates.h"
#include "engine/domain/decide.h"
#include "engine/envelope.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

google::protobuf::Timestamp ToProto(absl::Time time) {
  google::protobuf::Timestamp out;
  // Seconds rounded down, so nanos stay in [0, 1e9) also before 1970.
  const int64_t seconds = absl::ToUnixSeconds(time);
  out.set_seconds(seconds);
  out.set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return out;
}

}  // namespace

std::string CutEchoes(absl::string_view message) {
  constexpr size_t kEcho = 200;
  constexpr size_t kWhole = 2000;
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    const size_t open = message.find('\'', i);
    if (open == absl::string_view::npos) {
      absl::StrAppend(&out, message.substr(i));
      break;
    }
    const size_t close = message.find('\'', open + 1);
    const size_t end = close == absl::string_view::npos ? message.size() : close;
    absl::StrAppend(&out, message.substr(i, open + 1 - i));
    const absl::string_view quoted = message.substr(open + 1, end - open - 1);
    if (quoted.size() > kEcho) {
      absl::StrAppend(&out, quoted.substr(0, kEcho), "...[", quoted.size() - kEcho, " bytes cut]");
    } else {
      absl::StrAppend(&out, quoted);
    }
    if (close == absl::string_view::npos) break;
    out.push_back('\'');
    i = close + 1;
  }
  if (out.size() > kWhole) {
    const size_t cut = out.size() - kWhole;
    out.resize(kWhole);
    absl::StrAppend(&out, "...[", cut, " bytes cut]");
  }
  return out;
}

std::string CommandType(const v1::Command& command) {
  const google::protobuf::FieldDescriptor* field =
      command.GetDescriptor()->FindFieldByNumber(command.body_case());
  return field == nullptr ? "command without body" : field->name();
}

std::string CommandDigest(const v1::Command& command) {
  return Sha256(DeterministicBytes(command));
}

v1::CommandResult RefusedResult(const v1::Command& command, const absl::Status& status) {
  v1::CommandResult result;
  result.set_command_id(command.command_id());
  result.set_region(command.region());
  result.set_accepted(false);
  result.set_code(static_cast<int32_t>(status.code()));
  result.set_message(CutEchoes(status.message()));
  result.set_command_type(CommandType(command));
  return result;
}

CommandHandler::CommandHandler(KeyRing founders)
    : owned_cache_(std::make_unique<RegionCache>(nullptr, 0)),
      cache_(owned_cache_.get()),
      founders_(std::move(founders)) {}

CommandHandler::CommandHandler(RegionCache* cache, KeyRing founders)
    : cache_(cache), founders_(std::move(founders)) {}

const RegionState& CommandHandler::State(const std::string& region) {
  absl::StatusOr<RegionState*> state = cache_->Region(region);
  if (state.ok()) return **state;
  static const RegionState* const kNone = new RegionState();
  return *kNone;
}

namespace {

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// How far a client's clock may run ahead of the engine's in a region on the
// wall clock.
constexpr absl::Duration kClientClockSkew = absl::Minutes(5);

}  // namespace

std::optional<Outcome> CommandHandler::Precheck(const v1::Command& command) {
  Outcome outcome;
  if (command.command_id().empty()) {
    outcome.result = RefusedResult(
        command, absl::InvalidArgumentError("command_id: expected a client-chosen id, got ''"));
    return outcome;
  }
  if (command.region().empty()) {
    outcome.result =
        RefusedResult(command, absl::InvalidArgumentError("region: expected a region id, got ''"));
    return outcome;
  }
  if (command.region().size() > kMaxRegionIdBytes) {
    v1::Command named;
    named.set_command_id(command.command_id());
    outcome.result = RefusedResult(
        named, absl::InvalidArgumentError(absl::StrCat("region: expected at most ",
                                                       kMaxRegionIdBytes, " bytes, got ",
                                                       command.region().size())));
    return outcome;
  }
  return std::nullopt;
}

absl::StatusOr<RegionState*> CommandHandler::LoadFor(const v1::Command& command) {
  ASSIGN_OR_RETURN(RegionState * state, cache_->Region(command.region()));
  RETURN_IF_ERROR(cache_->Prefetch(*state, command));
  return state;
}

Outcome CommandHandler::Handle(const v1::SignedCommand& signed_command,
                               const v1::Command& command, absl::Time now,
                               const CheckedSignature* checked) {
  return Run(&signed_command, command, now, checked);
}

Outcome CommandHandler::HandleAuthenticated(const v1::Command& command, absl::Time now) {
  return Run(nullptr, command, now, nullptr);
}

std::string CommandHandler::ExpectedSigner(const v1::SignedCommand& signed_command,
                                           const v1::Command& command) {
  if (command.region().empty() || command.region().size() > kMaxRegionIdBytes) return "";
  absl::StatusOr<RegionState*> state = cache_->Region(command.region());
  if (!state.ok()) return "";
  return inkoop::ExpectedSigner(**state, founders_, signed_command, command);
}

Outcome CommandHandler::Run(const v1::SignedCommand* signed_command, const v1::Command& command,
                            absl::Time now, const CheckedSignature* checked) {
  if (std::optional<Outcome> refused = Precheck(command)) return *std::move(refused);
  Outcome outcome;
  absl::StatusOr<RegionState*> loaded = LoadFor(command);
  if (!loaded.ok()) {
    outcome.failure = loaded.status();
    return outcome;
  }
  v1::Command decided = command;
  if (signed_command != nullptr) {
    absl::StatusOr<v1::Actor> actor =
        Authenticate(**loaded, founders_, *signed_command, command, checked);
    if (!actor.ok()) {
      // Not remembered: whoever cannot sign for the actor cannot take the
      // command id from it either.
      outcome.result = RefusedResult(command, actor.status());
      return outcome;
    }
    *decided.mutable_actor() = *actor;
  }
  return DecideAt(command, std::move(decided), **loaded, now);
}

Outcome CommandHandler::DecideAt(const v1::Command& command, v1::Command decided_command,
                                 RegionState& state, absl::Time now) {
  Outcome outcome;
  absl::StatusOr<std::optional<v1::CommandResult>> seen =
      cache_->Result(command.region(), command.command_id());
  if (!seen.ok()) {
    outcome.failure = seen.status();
    return outcome;
  }
  const std::string digest = CommandDigest(command);
  if (seen->has_value()) {
    const v1::CommandResult& first = **seen;
    if (!first.command_digest().empty() && first.command_digest() != digest) {
      // Not remembered: the id stays the first command's.
      outcome.result = RefusedResult(
          command,
          absl::AlreadyExistsError(absl::StrCat(
              "command_id '", command.command_id(), "' was first used for a ",
              first.command_type(), " (",
              first.accepted() ? absl::StrCat("accepted, events ", absl::StrJoin(first.sequences(), ", "))
                               : absl::StrCat("refused: ", first.message()),
              "); this ", CommandType(command),
              " with the same id and another body is a conflicting repeat, not decided")));
      outcome.result.set_conflicting_repeat(true);
      return outcome;
    }
    outcome.result = first;
    outcome.result.set_duplicate(true);
    return outcome;
  }
  auto refuse = [&](const absl::Status& status) {
    outcome.result = RefusedResult(command, status);
    outcome.result.set_command_digest(digest);
    cache_->RememberResult(outcome.result);
    return outcome;
  };
  if (absl::Status keys = CompleteKeyIds(decided_command); !keys.ok()) return refuse(keys);

  // The region's time. The domain reads no clock: the command is decided at
  // this time, which only moves forward: the engine's wall clock, or on a
  // manual clock the time the clock role advanced it to.
  const absl::Time clock = absl::FromUnixMicros(state.clock_micros);
  absl::Time region_time = state.framework.manual_clock ? clock : std::max(now, clock);
  absl::Duration skew = state.framework.manual_clock ? absl::ZeroDuration() : kClientClockSkew;
  if (command.has_adopt_framework() && command.adopt_framework().has_clock_start() &&
      !state.framework.adopted) {
    region_time = std::max(clock, FromProto(command.adopt_framework().clock_start()));
    skew = absl::ZeroDuration();
  } else if (command.has_advance_clock() && state.framework.manual_clock) {
    // Decide refuses a time before the clock.
    region_time = FromProto(command.advance_clock().to());
    skew = absl::InfiniteDuration();
  }
  if (command.has_occurred_at()) {
    const absl::Time occurred = FromProto(command.occurred_at());
    if (occurred < clock) {
      // A command dated before the region's latest event cannot take effect
      // then (a late bid sent as an early one).
      return refuse(absl::FailedPreconditionError(absl::StrCat(
          "occurred_at ", FormatTimestamp(ToProto(occurred)), " is before the region's clock ",
          FormatTimestamp(ToProto(clock)),
          " (the latest time of its events): a region's time only moves forward")));
    }
    if (occurred > region_time + skew) {
      return refuse(absl::FailedPreconditionError(absl::StrCat(
          "occurred_at ", FormatTimestamp(ToProto(occurred)), " is after the region's time ",
          FormatTimestamp(ToProto(region_time)),
          state.framework.manual_clock
              ? ": the region runs on a manual clock, which only the clock role moves "
                "(advance_clock)"
              : ": a command cannot be dated ahead of the engine's clock")));
    }
  }
  *decided_command.mutable_occurred_at() = ToProto(region_time);
  const google::protobuf::Timestamp recorded_at = ToProto(now);

  absl::StatusOr<std::vector<v1::Event>> decided = Decide(state, decided_command);
  if (!decided.ok()) return refuse(decided.status());

  outcome.result.set_command_type(CommandType(command));
  outcome.result.set_command_digest(digest);
  outcome.result.set_command_id(command.command_id());
  outcome.result.set_region(command.region());
  outcome.result.set_accepted(true);
  for (v1::Event& event : *decided) {
    event.set_region(command.region());
    event.set_sequence(state.sequence.value() + 1);
    event.set_event_id(absl::StrCat(command.region(), "/", event.sequence()));
    *event.mutable_occurred_at() = decided_command.occurred_at();
    *event.mutable_recorded_at() = recorded_at;
    *event.mutable_actor() = decided_command.actor();
    event.set_command_id(command.command_id());
    event.set_correlation_id(command.correlation_id().empty() ? command.command_id()
                                                              : command.correlation_id());
    event.set_schema_version(kSchemaVersion);
    event.set_previous_hash(state.last_hash);
    Seal(event);
    // Decide validated the command against this very state, so Evolve
    // accepts its events; a failure here is a defect, reported as such.
    if (absl::Status applied = Evolve(state, event); !applied.ok()) {
      outcome.events.clear();
      outcome.result = RefusedResult(
          command, absl::InternalError(absl::StrCat("engine defect: ", applied.message())));
      return outcome;
    }
    outcome.result.add_sequences(event.sequence());
    outcome.events.push_back(std::move(event));
  }
  cache_->RememberResult(outcome.result);
  return outcome;
}

absl::Status CommandHandler::Replay(const v1::Event& event) {
  ASSIGN_OR_RETURN(RegionState * state, cache_->Region(event.region()));
  RETURN_IF_ERROR(cache_->Prefetch(*state, event));
  return Evolve(*state, event);
}

absl::Status CommandHandler::SkipPayload(const v1::Event& event) {
  ASSIGN_OR_RETURN(RegionState * state, cache_->Region(event.region()));
  return AdvanceChain(*state, event);
}

void CommandHandler::RememberResult(const v1::CommandResult& result) {
  if (result.command_id().empty() || result.duplicate()) return;
  cache_->RememberResult(result);
}

}  // namespace inkoop
