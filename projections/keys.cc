#include "projections/keys.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace inkoop {

namespace {
constexpr absl::string_view kSeparator("\0", 1);

std::string BigEndian32(uint32_t value) {
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i, value >>= 8) out[i] = static_cast<char>(value & 0xff);
  return out;
}
}  // namespace

std::string EncodeBigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, value >>= 8) out[i] = static_cast<char>(value & 0xff);
  return out;
}

uint64_t DecodeBigEndian64(absl::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes.substr(0, 8)) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

std::string OffsetKey(absl::string_view topic, int32_t partition) {
  return absl::StrCat("offset", kSeparator, topic, kSeparator,
                      BigEndian32(static_cast<uint32_t>(partition)));
}

std::string MetricKey(absl::string_view name) { return absl::StrCat("metric", kSeparator, name); }

std::string BudgetKey(absl::string_view municipality, int32_t year) {
  return absl::StrCat(municipality, kSeparator, absl::StrFormat("%04d", year));
}

std::string BudgetPrefix(absl::string_view municipality) {
  return absl::StrCat(municipality, kSeparator);
}

std::string ParkedKey(absl::string_view topic, int32_t partition, int64_t offset) {
  return absl::StrCat(topic, kSeparator, BigEndian32(static_cast<uint32_t>(partition)),
                      EncodeBigEndian64(static_cast<uint64_t>(offset)));
}

}  // namespace inkoop
