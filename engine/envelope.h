// Sealing events into their region's hash chain.
//
// An event's hash is SHA-256 over its deterministic protobuf serialization
// with the `hash` field cleared. Because that serialization includes
// `previous_hash`, each hash covers the whole history of the region before it.
#ifndef INKOOP_ENGINE_ENVELOPE_H_
#define INKOOP_ENGINE_ENVELOPE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

inline constexpr uint32_t kSchemaVersion = 1;

// SHA-256 (32 raw bytes) of `event` as described above; its own `hash` field
// is ignored.
std::string EventHash(const v1::Event& event);

// Sets event.hash from the rest of the event.
void Seal(v1::Event& event);

// kDataLoss when event.hash is not the hash of the event's content.
absl::Status VerifySeal(const v1::Event& event);

// What an event read from the log must be before its region's chain is
// consulted, for the engine's rebuild and the projector alike: a region of
// 1..65535 bytes, a sequence of 1 or more, a seal that verifies. The error
// names what is wrong.
absl::Status CheckReadable(const v1::Event& event);

// Why `event` conflicts with its region, which already holds its sequence
// with hash `held` (nullopt when that hash is not known).
std::string ConflictReason(const v1::Event& event, const std::optional<std::string>& held);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_ENVELOPE_H_
