// inkoopctl lag: how far the projection is behind the events topic.
#ifndef INKOOP_TOOLS_INKOOPCTL_LAG_H_
#define INKOOP_TOOLS_INKOOPCTL_LAG_H_

#include <string>

#include "engine/kafka/kafka.h"
#include "tools/inkoopctl/args.h"

namespace inkoop {

// Per partition the broker's end offset against the projection's applied
// offset, whether a committed event still waits, and per region the age of
// the latest signed event applied. Exit code: 0 caught up, 1 behind, 2 bad
// input, 3 broker or database unreachable.
int RunLag(const KafkaOptions& kafka, const std::string& db, Args& args, bool json);

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_LAG_H_
