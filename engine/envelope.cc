#include "engine/envelope.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"

namespace inkoop {

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

std::string EventBytes(const v1::Event& event) {
  v1::Event unsealed = event;
  unsealed.clear_hash();
  return DeterministicBytes(unsealed);
}

std::string Sha256(absl::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

std::string EventHash(const v1::Event& event) { return Sha256(EventBytes(event)); }

void Seal(v1::Event& event) { event.set_hash(EventHash(event)); }

absl::Status VerifySeal(const v1::Event& event) {
  const std::string expected = EventHash(event);
  if (expected != event.hash()) {
    return absl::DataLossError(absl::StrCat(
        "event ", event.event_id(), ": hash ", absl::BytesToHexString(event.hash()),
        " does not match its content (expected ", absl::BytesToHexString(expected), ")"));
  }
  return absl::OkStatus();
}

std::string SealedRecordOfBytes(absl::string_view event_bytes, const v1::Event& event,
                                const SigningKey* key) {
  v1::SealedEvent sealed;
  sealed.set_event(std::string(event_bytes));
  if (key != nullptr) {
    sealed.set_key_id(key->key_id());
    sealed.set_signature(key->Sign(
        ChainStatement(event.region(), event.sequence(), Sha256(event_bytes), event.recorded_at())));
  }
  return sealed.SerializeAsString();
}

std::string SealedRecord(const v1::Event& event, const SigningKey* key) {
  return SealedRecordOfBytes(EventBytes(event), event, key);
}

bool DecodeCommandRecord(absl::string_view value, size_t max_json_bytes,
                         v1::SignedCommand& signed_command, v1::Command& command) {
  // Binary first: its first byte is a field tag, and a length that happens
  // to be '{' must not send it down the JSON path. JSON text ('{' = field
  // 15, start group) never parses as a SignedCommand.
  if (!signed_command.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    if (value.empty() || value.front() != '{' || value.size() > max_json_bytes) return false;
    signed_command.Clear();
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    if (!google::protobuf::util::JsonStringToMessage(
             google::protobuf::StringPiece(value.data(), value.size()), &signed_command, options)
             .ok()) {
      return false;
    }
  }
  return command.ParseFromString(signed_command.command());
}

absl::StatusOr<ReadEvent> OpenRecord(absl::string_view value) {
  v1::SealedEvent sealed;
  ReadEvent read;
  if (!sealed.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
      !read.event.ParseFromString(sealed.event())) {
    return absl::DataLossError("not a decodable inkoop.v1.SealedEvent holding an inkoop.v1.Event");
  }
  if (sealed.event().empty()) {
    return absl::DataLossError("SealedEvent.event: expected the bytes of an event, got none");
  }
  read.event.set_hash(Sha256(sealed.event()));
  read.key_id = sealed.key_id();
  read.signature = sealed.signature();
  return read;
}

absl::Status CheckReadable(const v1::Event& event) {
  if (event.region().empty()) return absl::InvalidArgumentError("event has no region");
  if (event.region().size() > 0xffff) {
    return absl::InvalidArgumentError(
        absl::StrCat("region: expected at most 65535 bytes, got ", event.region().size()));
  }
  if (event.sequence() == 0) {
    return absl::InvalidArgumentError("sequence: expected 1 or more, got 0");
  }
  return absl::OkStatus();
}

absl::Status VerifyRecordSignature(const ReadEvent& read, const KeyRing& keys) {
  const v1::Event& event = read.event;
  absl::Status verified =
      keys.Verify(read.key_id, event.region(), event.sequence(),
                  ChainStatement(event.region(), event.sequence(), event.hash(), event.recorded_at()),
                  read.signature);
  if (verified.ok()) return verified;
  return absl::DataLossError(absl::StrCat("event ", event.region(), "/", event.sequence(), ": ",
                                          verified.message()));
}

std::string ConflictReason(const v1::Event& event, const std::optional<std::string>& held) {
  return absl::StrCat(
      "conflict: region '", event.region(), "' already holds sequence ", event.sequence(),
      held.has_value() ? absl::StrCat(" with hash ", absl::BytesToHexString(*held))
                       : std::string(" (its hash is not kept here)"),
      "; this event claims it with hash ", absl::BytesToHexString(event.hash()));
}

}  // namespace inkoop
