// Sealing events into their region's hash chain, signing the chain, and
// reading records of the events topic back.
//
// A record of the events topic is a SealedEvent: the event's serialized bytes
// (its `hash` field unset) and, on the last event of each region in an
// engine transaction, an Ed25519 signature over the region's chain
// statement (engine/signing.h). The event's hash is SHA-256 of those bytes
// exactly as stored, so a reader verifies what the writer wrote, fields it
// does not know included. Each event carries its predecessor's hash
// (previous_hash), so a hash covers the whole history of the region before
// it, and a signature on it vouches for all of that history.
#ifndef INKOOP_ENGINE_ENVELOPE_H_
#define INKOOP_ENGINE_ENVELOPE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/signing.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

// 2: records are SealedEvents, hashes cover the stored bytes.
inline constexpr uint32_t kSchemaVersion = 2;

// `message` serialized deterministically (map entries in key order): the
// same bytes for the same content within a build.
std::string DeterministicBytes(const google::protobuf::Message& message);

// The bytes the engine stores of `event`: its deterministic serialization
// without `hash`.
std::string EventBytes(const v1::Event& event);
// SHA-256 (32 raw bytes) of `bytes`.
std::string Sha256(absl::string_view bytes);
// SHA-256 of EventBytes(event); its own `hash` field is ignored.
std::string EventHash(const v1::Event& event);

// Sets event.hash from the rest of the event.
void Seal(v1::Event& event);

// kDataLoss when event.hash is not the hash of the event's content (for
// events made in memory; records read from the log get their hash from
// their bytes).
absl::Status VerifySeal(const v1::Event& event);

// The record of a sealed `event` for the events topic, signed with `key`
// when given.
std::string SealedRecord(const v1::Event& event, const SigningKey* key);
// The same for event bytes made elsewhere (e.g. with fields this build does
// not know): the hash is of `event_bytes`, the statement names `event`'s
// region, sequence and recorded_at.
std::string SealedRecordOfBytes(absl::string_view event_bytes, const v1::Event& event,
                                const SigningKey* key);

// A record of the commands topic: a SignedCommand in its binary form, or in
// the protobuf JSON mapping ({"command": "<base64 of the Command's bytes>",
// "keyId": ..., "signature": "<base64>"}) for clients that send text only,
// such as Kafka's console producer. The signature covers the Command's
// bytes either way. JSON is tried only for records of at most
// `max_json_bytes` (larger ones are refused for their size anyway). False
// when it is neither, or `command` does not parse.
bool DecodeCommandRecord(absl::string_view value, size_t max_json_bytes,
                         v1::SignedCommand& signed_command, v1::Command& command);

// A record read from the events topic.
struct ReadEvent {
  v1::Event event;  // `hash` set to SHA-256 of the stored bytes
  std::string key_id;
  std::string signature;
  bool is_signed() const { return !signature.empty() || !key_id.empty(); }
};

// Decodes a record; kDataLoss when it is not a SealedEvent holding an Event.
absl::StatusOr<ReadEvent> OpenRecord(absl::string_view value);

// What an event read from the log must be before its region's chain is
// consulted: a region of 1..65535 bytes, a sequence of 1 or more. The error
// names what is wrong.
absl::Status CheckReadable(const v1::Event& event);

// OK when `read` carries a signature that `keys` trusts for its region and
// sequence; kDataLoss naming the event otherwise.
absl::Status VerifyRecordSignature(const ReadEvent& read, const KeyRing& keys);

// Why `event` conflicts with its region, which already holds its sequence
// with hash `held` (nullopt when that hash is not known).
std::string ConflictReason(const v1::Event& event, const std::optional<std::string>& held);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_ENVELOPE_H_
