#include "engine/envelope.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace inkoop {

std::string EventHash(const v1::Event& event) {
  v1::Event unsealed = event;
  unsealed.clear_hash();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    unsealed.SerializeToCodedStream(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

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

absl::Status CheckReadable(const v1::Event& event) {
  if (event.region().empty()) return absl::InvalidArgumentError("event has no region");
  if (event.region().size() > 0xffff) {
    return absl::InvalidArgumentError(
        absl::StrCat("region: expected at most 65535 bytes, got ", event.region().size()));
  }
  if (event.sequence() == 0) {
    return absl::InvalidArgumentError("sequence: expected 1 or more, got 0");
  }
  return VerifySeal(event);
}

std::string ConflictReason(const v1::Event& event, const std::optional<std::string>& held) {
  return absl::StrCat(
      "conflict: region '", event.region(), "' already holds sequence ", event.sequence(),
      held.has_value() ? absl::StrCat(" with hash ", absl::BytesToHexString(*held))
                       : std::string(" (its hash is not kept here)"),
      "; this event claims it with hash ", absl::BytesToHexString(event.hash()));
}

}  // namespace inkoop
