// Builds an inkoop.v1.Command from inkoopctl's words: either a JSON file in
// protobuf's JSON mapping, or a command name (a field of Command.body, e.g.
// "set_budget" or "set-budget") with one --option per field of its body.
//
// Option values: numbers and strings as written; enums by full name
// (BUDGET_SOURCE_MAY_CIRCULAR) or its last words (may_circular); repeated
// scalars comma-separated; messages and repeated messages as JSON; a money
// field "x_cents" also as "--x <euros>" ("--amount 1200000.50").
#ifndef INKOOP_TOOLS_INKOOPCTL_COMMAND_BUILDER_H_
#define INKOOP_TOOLS_INKOOPCTL_COMMAND_BUILDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/timestamp.pb.h"
#include "inkoop/v1/commands.pb.h"
#include "tools/inkoopctl/args.h"

namespace inkoop {

// Parses a JSON file holding one Command. kInvalidArgument names the file
// and what the JSON parser found.
absl::StatusOr<v1::Command> CommandFromJsonFile(const std::string& path);

// Fills command.body from `name` and the options in `args` (taking them).
absl::Status FillBody(const std::string& name, Args& args, v1::Command& command);

// Parses an enum value as described above; `field` names it in errors.
// A date YYYY-MM-DD (that day at noon UTC) or an RFC 3339 time; errors name
// --`option`.
absl::StatusOr<google::protobuf::Timestamp> ParseWhen(const std::string& text,
                                                     const std::string& option);

absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor& type, const std::string& text,
                              const std::string& field);

// The names of all command bodies, for help and errors.
std::vector<std::string> CommandNames();

// A new command id: "<host>-<pid>-<time>-<counter>".
std::string NewCommandId();

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_COMMAND_BUILDER_H_
