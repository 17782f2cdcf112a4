#include "engine/command_handler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

CommandHandler::CommandHandler()
    : owned_cache_(std::make_unique<RegionCache>(nullptr, 0)), cache_(owned_cache_.get()) {}

CommandHandler::CommandHandler(RegionCache* cache) : cache_(cache) {}

const RegionState& CommandHandler::State(const std::string& region) {
  absl::StatusOr<RegionState*> state = cache_->Region(region);
  if (state.ok()) return **state;
  static const RegionState* const kNone = new RegionState();
  return *kNone;
}

Outcome CommandHandler::Handle(const v1::Command& command, absl::Time now) {
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

  absl::StatusOr<RegionState*> loaded = cache_->Region(command.region());
  if (loaded.ok()) {
    if (absl::Status prefetched = cache_->Prefetch(**loaded, command); !prefetched.ok()) {
      loaded = prefetched;
    }
  }
  if (!loaded.ok()) {
    outcome.failure = loaded.status();
    return outcome;
  }
  RegionState& state = **loaded;
  const google::protobuf::Timestamp recorded_at = ToProto(now);
  // The domain reads no clock: a command without occurred_at happened now.
  const v1::Command* decided_command = &command;
  v1::Command dated;
  const absl::Time clock = absl::FromUnixMicros(state.clock_micros);
  if (!command.has_occurred_at()) {
    dated = command;
    *dated.mutable_occurred_at() = ToProto(std::max(now, clock));
    decided_command = &dated;
  } else if (const absl::Time occurred = absl::FromUnixSeconds(command.occurred_at().seconds()) +
                                         absl::Nanoseconds(command.occurred_at().nanos());
             absl::ToUnixMicros(occurred) < state.clock_micros) {
    // The region's time only moves forward: a command dated before its
    // latest event cannot take effect then (a late bid sent as an early one).
    outcome.result = RefusedResult(
        command, absl::FailedPreconditionError(absl::StrCat(
                     "occurred_at ", absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", occurred, absl::UTCTimeZone()),
                     " is before the region's clock ",
                     absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", clock, absl::UTCTimeZone()),
                     " (the latest time of its events): a region's time only moves forward")));
    outcome.result.set_command_digest(digest);
    cache_->RememberResult(outcome.result);
    return outcome;
  }
  absl::StatusOr<std::vector<v1::Event>> decided = Decide(state, *decided_command);
  if (!decided.ok()) {
    outcome.result = RefusedResult(command, decided.status());
    outcome.result.set_command_digest(digest);
    cache_->RememberResult(outcome.result);
    return outcome;
  }

  outcome.result.set_command_type(CommandType(command));
  outcome.result.set_command_digest(digest);
  outcome.result.set_command_id(command.command_id());
  outcome.result.set_region(command.region());
  outcome.result.set_accepted(true);
  for (v1::Event& event : *decided) {
    event.set_region(command.region());
    event.set_sequence(state.sequence.value() + 1);
    event.set_event_id(absl::StrCat(command.region(), "/", event.sequence()));
    *event.mutable_occurred_at() = decided_command->occurred_at();
    *event.mutable_recorded_at() = recorded_at;
    *event.mutable_actor() = command.actor();
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
