// inkoopctl export ocds: a region's contracting processes as Open
// Contracting Data Standard packages (tools/ocds/ocds.h), built from the
// events the subscriber library admits (projections/subscriber.h).
#ifndef INKOOP_TOOLS_INKOOPCTL_EXPORT_H_
#define INKOOP_TOOLS_INKOOPCTL_EXPORT_H_

#include "engine/kafka/kafka.h"
#include "tools/inkoopctl/args.h"

namespace inkoop {

// export ocds --region R [--as-of T] [--releases | --records] [--follow]
//   --releases (default) prints the release package, --records the record
//   package, once the region's log is read to its end. --follow instead
//   prints each new release as one JSON line as its event is committed,
//   from the region's first release on, until interrupted.
// Exit code: 0 printed, 2 bad input, 3 Kafka unreachable, 1 the region has
// no events.
int RunExport(const KafkaOptions& kafka, Args& args);

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_EXPORT_H_
