// The schema compatibility gate: what a change of proto/ would break for a
// subscriber that reads the events (and commands, results, access records)
// with the descriptors of an earlier version. Fields are added, never
// renumbered, retyped, renamed or moved in or out of a oneof; a field
// removed is `reserved` by number and name; messages and enums keep their
// full names; enum values keep their numbers; a file keeps its package.
//
// The committed baseline is proto/baseline/inkoop-v1.txtpb, the text form
// of the FileDescriptorSet of inkoop/v1/*.proto. Updating it is a
// deliberate step: `build/tools/inkoop-schema-baseline >
// proto/baseline/inkoop-v1.txtpb`, committed with the change it accepts.
#ifndef INKOOP_TOOLS_SCHEMA_COMPATIBILITY_H_
#define INKOOP_TOOLS_SCHEMA_COMPATIBILITY_H_

#include <string>
#include <vector>

#include "google/protobuf/descriptor.pb.h"

namespace inkoop {

// Every break of `current` against `baseline`, one line each naming the
// file, message or enum, field or value, and what changed; empty when
// `current` only adds.
std::vector<std::string> BreakingChanges(const google::protobuf::FileDescriptorSet& baseline,
                                         const google::protobuf::FileDescriptorSet& current);

// The descriptors of inkoop/v1/*.proto compiled into this binary.
google::protobuf::FileDescriptorSet CurrentSchema();

}  // namespace inkoop

#endif  // INKOOP_TOOLS_SCHEMA_COMPATIBILITY_H_
