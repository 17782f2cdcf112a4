// inkoopctl tail: prints the events of inkoop.events as the subscriber
// library delivers them (projections/subscriber.h): admitted, in each
// region's order, from a chosen position; to the end, or on with --follow.
#ifndef INKOOP_TOOLS_INKOOPCTL_TAIL_H_
#define INKOOP_TOOLS_INKOOPCTL_TAIL_H_

#include <set>
#include <string>

#include "engine/kafka/kafka.h"
#include "inkoop/v1/events.pb.h"
#include "projections/subscriber.h"
#include "tools/inkoopctl/args.h"

namespace inkoop {

// "<region> #<seq> <occurred day> <payload name> by <actor> (<role>): <payload JSON>"
std::string FormatEvent(const v1::Event& event);

// The JSON line of an event: {"partition":P,"offset":O,"signed":B,
// "payload":"<payload name or unknown>","event":{<the Event in the protobuf
// JSON mapping, envelope included>}}.
std::string EventLine(const SubscribedEvent& delivered);

// "contract_signed,claim_approved" -> the payload names; kInvalidArgument
// naming a word that is not a payload of inkoop.v1.Event ("unknown" is).
absl::StatusOr<std::set<std::string>> ParseEventTypes(absl::string_view text);

// Exit code: 0 printed, 2 bad input, 3 Kafka unreachable or unreadable.
int RunTail(const KafkaOptions& kafka, Args& args, bool json);

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_TAIL_H_
