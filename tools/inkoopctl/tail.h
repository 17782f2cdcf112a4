// inkoopctl tail: prints the committed events of inkoop.events, oldest first.
#ifndef INKOOP_TOOLS_INKOOPCTL_TAIL_H_
#define INKOOP_TOOLS_INKOOPCTL_TAIL_H_

#include <string>

#include "engine/kafka/kafka.h"
#include "inkoop/v1/events.pb.h"
#include "tools/inkoopctl/args.h"

namespace inkoop {

// "<region> #<seq> <occurred day> <payload name> by <actor> (<role>): <payload JSON>"
std::string FormatEvent(const v1::Event& event);

// Exit code: 0 printed, 2 bad input, 3 Kafka unreachable or unreadable.
int RunTail(const KafkaOptions& kafka, Args& args, bool json);

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_TAIL_H_
