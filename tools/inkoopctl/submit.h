// inkoopctl submit: build a command from words or a JSON file, put it on
// inkoop.commands and print its result.
#ifndef INKOOP_TOOLS_INKOOPCTL_SUBMIT_H_
#define INKOOP_TOOLS_INKOOPCTL_SUBMIT_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/kafka/kafka.h"
#include "inkoop/v1/commands.pb.h"
#include "tools/inkoopctl/args.h"

namespace inkoop {

// The command the words in `args` describe (taking the options it uses).
absl::StatusOr<v1::Command> BuildSubmittedCommand(Args& args);

// Exit code: 0 accepted, 1 rejected by the engine, 2 bad input, 3 Kafka
// unreachable or no result in time.
int RunSubmit(const KafkaOptions& kafka, Args& args, absl::Duration timeout, bool json);

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_SUBMIT_H_
