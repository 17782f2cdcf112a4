// Sealing events into their region's hash chain.
//
// An event's hash is SHA-256 over its deterministic protobuf serialization
// with the `hash` field cleared. Because that serialization includes
// `previous_hash`, each hash covers the whole history of the region before it.
#ifndef INKOOP_ENGINE_ENVELOPE_H_
#define INKOOP_ENGINE_ENVELOPE_H_

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

}  // namespace inkoop

#endif  // INKOOP_ENGINE_ENVELOPE_H_
