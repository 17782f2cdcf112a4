#include "tools/inkoopctl/submit.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/command_handler.h"
#include "engine/environment.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "engine/signing.h"
#include "tools/client/actor_keys.h"
#include "tools/client/submitter.h"
#include "tools/inkoopctl/command_builder.h"

namespace inkoop {

namespace {

// Envelope options override what a JSON file says.
absl::Status FillEnvelope(Args& args, v1::Command& command) {
  if (auto id = args.Take("command_id")) command.set_command_id(*id);
  if (command.command_id().empty()) command.set_command_id(NewCommandId());
  if (auto region = args.Take("region")) command.set_region(*region);
  if (command.region().empty()) command.set_region(EnvironmentOr("INKOOP_REGION", ""));
  if (command.region().empty()) {
    return absl::InvalidArgumentError(
        "--region: expected the region id (or INKOOP_REGION), got none");
  }
  if (auto actor = args.Take("actor")) command.mutable_actor()->set_id(*actor);
  if (auto role = args.Take("role")) {
    ASSIGN_OR_RETURN(int value, ParseEnum(*v1::Role_descriptor(), *role, "role"));
    command.mutable_actor()->set_role(static_cast<v1::Role>(value));
  }
  if (auto correlation = args.Take("correlation_id")) command.set_correlation_id(*correlation);
  if (auto when = args.Take("occurred_at")) {
    ASSIGN_OR_RETURN(*command.mutable_occurred_at(), ParseWhen(*when, "occurred-at"));
  }
  if (auto expected = args.Take("expected_sequence")) {
    uint64_t value = 0;
    if (!absl::SimpleAtoi(*expected, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--expected-sequence: expected a whole number >= 0, got '", *expected, "'"));
    }
    command.set_expected_sequence(value);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Command> BuildSubmittedCommand(Args& args) {
  v1::Command command;
  if (auto file = args.Take("file")) {
    if (!args.positional().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("submit: give either a command name or --file, not both (got '",
                       args.positional()[0], "')"));
    }
    ASSIGN_OR_RETURN(command, CommandFromJsonFile(*file));
  }
  RETURN_IF_ERROR(FillEnvelope(args, command));
  if (command.body_case() == v1::Command::BODY_NOT_SET) {
    if (args.positional().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("submit: expected a command name (",
                                                     absl::StrJoin(CommandNames(), ", "),
                                                     ") or --file FILE"));
    }
    RETURN_IF_ERROR(FillBody(args.positional()[0], args, command));
  }
  RETURN_IF_ERROR(args.RequireAllTaken("submit"));
  return command;
}

int RunSubmit(const KafkaOptions& kafka, Args& args, absl::Duration timeout, bool json) {
  const std::string limit_text = args.TakeOr(
      "max_command_bytes", EnvironmentOr("INKOOP_MAX_COMMAND_BYTES", absl::StrCat(kMaxCommandBytes)));
  size_t limit = 0;
  if (!absl::SimpleAtoi(limit_text, &limit) || limit == 0) {
    std::cerr << "inkoopctl: --max-command-bytes: expected a number of bytes, got '" << limit_text
              << "'\n";
    return 2;
  }
  const std::string key_path = args.TakeOr("key", EnvironmentOr("INKOOP_KEY", ""));
  absl::StatusOr<v1::Command> command = BuildSubmittedCommand(args);
  if (!command.ok()) {
    std::cerr << "inkoopctl: " << command.status().message() << "\n";
    return 2;
  }
  if (const size_t size = command->ByteSizeLong(); size > limit) {
    std::cerr << "inkoopctl: command of " << size << " bytes: expected at most " << limit
              << " bytes (--max-command-bytes; the engine refuses larger ones); not sent\n";
    return 2;
  }
  if (key_path.empty()) {
    std::cerr << "inkoopctl: submit: expected --key FILE (or INKOOP_KEY): the Ed25519 key of actor '"
              << command->actor().id()
              << "', which signs the command (inkoopctl keygen writes one)\n";
    return 2;
  }
  absl::StatusOr<SigningKey> key = SigningKey::Load(key_path);
  if (!key.ok()) {
    std::cerr << "inkoopctl: --key: " << key.status().message() << "\n";
    return 2;
  }
  ActorKeys keys = ActorKeys::Single(*std::move(key));
  absl::StatusOr<std::unique_ptr<Submitter>> submitter =
      Submitter::Connect(kafka, absl::Seconds(5));
  if (!submitter.ok()) {
    std::cerr << "inkoopctl: " << submitter.status().message() << "\n";
    return 3;
  }
  (*submitter)->set_keys(&keys);
  absl::StatusOr<v1::CommandResult> result = (*submitter)->Submit(*command, timeout);
  if (!result.ok()) {
    std::cerr << "inkoopctl: " << result.status().message() << "\n";
    return 3;
  }
  // A repeat is answered with the first command's result, and named by it.
  const std::string what = result->duplicate() && !result->command_type().empty()
                               ? result->command_type()
                               : CommandType(*command);
  if (json) {
    std::string out;
    google::protobuf::util::JsonPrintOptions options;
    (void)google::protobuf::util::MessageToJsonString(*result, &out, options);
    std::cout << out << "\n";
  } else if (result->accepted()) {
    std::cout << "accepted " << what << " (command " << result->command_id() << ")"
              << (result->duplicate() ? ", a repeat: this is its first result" : "") << ": events "
              << absl::StrJoin(result->sequences(), ", ") << " of region " << result->region()
              << "\n";
  } else {
    std::cerr << "rejected " << what << " (command " << result->command_id() << ")"
              << (result->duplicate() ? ", a repeat" : "") << ": " << result->message() << "\n";
  }
  return result->accepted() ? 0 : 1;
}

}  // namespace inkoop
