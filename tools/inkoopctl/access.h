// Who looked at a client's case (proto/inkoop/v1/access.proto).
//
// A read of client-level data names its reader by a signing key of the
// region's registry of actors (--key, env INKOOP_KEY) and states its
// purpose (--purpose). A municipality sees its own clients, a provider its
// own assignments and the placement requests it holds or answered; the
// bureau, the auditor and the placement coordinator see the region's. The
// reader signs one AccessRecorded naming every client shown, and the data
// is printed only after the access topic has acknowledged it.
#ifndef INKOOP_TOOLS_INKOOPCTL_ACCESS_H_
#define INKOOP_TOOLS_INKOOPCTL_ACCESS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/kafka/kafka.h"
#include "engine/signing.h"
#include "inkoop/v1/access.pb.h"
#include "inkoop/v1/common.pb.h"
#include "projections/reader.h"
#include "tools/inkoopctl/args.h"

namespace inkoop {

// Where access records go: the access topic, or a test's list.
class AccessSink {
 public:
  virtual ~AccessSink() = default;
  // OK once the record is durably written; otherwise nothing may be shown.
  virtual absl::Status Write(const std::string& region, const v1::SignedAccess& access) = 0;
};

// Writes to `kafka`'s access topic (idempotent, acks=all), waiting up to
// `timeout` for the acknowledgement. Connects on the first write.
std::unique_ptr<AccessSink> KafkaAccessSink(const KafkaOptions& kafka, absl::Duration timeout);

// The reader of client-level data, as the region's registry knows it.
struct ClientReader {
  SigningKey key;
  v1::ActorKey actor;  // from the registry: who and in what role
  std::string purpose;
};

// The reader of `what` in `region` by --key (`key_path`) and --purpose.
// Errors say what is missing: no key (kInvalidArgument), no purpose, a key
// the registry does not hold or revoked (kPermissionDenied).
absl::StatusOr<ClientReader> IdentifyReader(const std::string& key_path,
                                            const std::optional<std::string>& purpose,
                                            ProjectionReader& reader, const std::string& region,
                                            absl::string_view what);

// Whether `reader` may see data of `municipality` held by `provider_ids`.
bool MaySee(const ClientReader& reader, const std::string& municipality,
            const std::vector<std::string>& provider_ids);

// The bytes a reader signs: "inkoop.v1.access" 0x00 <record>.
std::string AccessStatement(absl::string_view record);

// Signs and writes the record of one read; not OK: show nothing.
absl::Status RecordAccess(AccessSink& sink, const ClientReader& reader, const std::string& region,
                          absl::string_view what, absl::string_view filter,
                          const std::vector<std::string>& clients);

// inkoopctl access-log --client X [--region R]: every recorded read that
// showed client X, oldest first, each with whether its signature verifies
// against the region's registry.
int RunAccessLog(const KafkaOptions& kafka, const std::string& db, Args& args, bool json);

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_ACCESS_H_
