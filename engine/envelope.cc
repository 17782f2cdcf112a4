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

}  // namespace inkoop
