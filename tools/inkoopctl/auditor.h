// The auditor's commands: replay, verify, checkpoint, audit, and the
// database behind `show --as-of`. See `inkoopctl help`.
#ifndef INKOOP_TOOLS_INKOOPCTL_AUDITOR_H_
#define INKOOP_TOOLS_INKOOPCTL_AUDITOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/kafka/kafka.h"
#include "engine/signing.h"
#include "tools/inkoopctl/args.h"

namespace inkoop {

// The key file: --keys, else INKOOP_KEYS, else the engine's default
// .run/inkoopd-signing-key.pem.pub. Prints why and returns an error when
// it cannot be read.
absl::StatusOr<KeyRing> KeysFromArgs(Args& args);

// Exit codes: 0 OK, 1 a problem found (named on stdout), 2 bad input,
// 3 Kafka or a database unreachable.
int RunReplay(const KafkaOptions& kafka, Args& args, bool json);
int RunVerify(const KafkaOptions& kafka, const std::string& db, Args& args, bool json);
int RunCheckpoint(const std::string& db, Args& args);
int RunAudit(const KafkaOptions& kafka, Args& args, bool json);
// keygen --out FILE: a new Ed25519 key (PEM, mode 0600) and FILE.pub with
// its key file line; an existing FILE is kept and its line printed.
int RunKeygen(Args& args);

// A database holding `region` replayed up to `as_of` (by when events
// happened), made under `cache` and reused while the region's partition has
// not grown.
absl::StatusOr<std::string> AsOfDatabase(const KafkaOptions& kafka, const KeyRing& keys,
                                         const std::string& region, absl::Time as_of,
                                         const std::string& cache);

// RFC 3339 ("2016-07-01T00:00:00Z") or a date ("2016-07-01", midnight UTC).
absl::StatusOr<absl::Time> ParseMoment(const std::string& text);

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_AUDITOR_H_
