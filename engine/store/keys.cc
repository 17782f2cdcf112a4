#include "engine/store/keys.h"

#include "absl/strings/str_cat.h"

namespace inkoop {

namespace {
constexpr absl::string_view kSeparator("\0", 1);

std::string Length16(absl::string_view text) {
  const size_t size = text.size() > 0xffff ? 0xffff : text.size();
  return std::string{static_cast<char>((size >> 8) & 0xff), static_cast<char>(size & 0xff)};
}
}  // namespace

std::string EncodeBigEndian32(uint32_t value) {
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i, value >>= 8) out[i] = static_cast<char>(value & 0xff);
  return out;
}

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

std::string RegionPrefix(absl::string_view region) {
  // Region ids longer than 64 KiB are refused long before they get here;
  // the length is capped so a key is always well formed.
  return absl::StrCat(Length16(region), region.substr(0, 0xffff));
}

std::string KindPrefix(absl::string_view region, EntityKind kind) {
  std::string prefix = RegionPrefix(region);
  prefix.push_back(static_cast<char>(kind));
  return prefix;
}

std::string EntityKey(absl::string_view region, EntityKind kind, absl::string_view id) {
  return absl::StrCat(KindPrefix(region, kind), id);
}

std::string YearId(int32_t year) {
  // Sign bit flipped, so years sort as numbers.
  return EncodeBigEndian32(static_cast<uint32_t>(year) ^ 0x80000000u);
}

std::string BudgetId(absl::string_view municipality, int32_t year) {
  return absl::StrCat(Length16(municipality), municipality.substr(0, 0xffff), YearId(year));
}

std::optional<std::string> RegionOfKey(absl::string_view key) {
  if (key.size() < 2) return std::nullopt;
  const size_t size = (static_cast<unsigned char>(key[0]) << 8) | static_cast<unsigned char>(key[1]);
  if (key.size() < 2 + size) return std::nullopt;
  return std::string(key.substr(2, size));
}

std::string OffsetKey(absl::string_view topic, int32_t partition) {
  return absl::StrCat("offset", kSeparator, topic, kSeparator,
                      EncodeBigEndian32(static_cast<uint32_t>(partition)));
}

std::string HeldKey(absl::string_view admission_key) {
  return absl::StrCat(kHeldPrefix, admission_key);
}

std::string MetricKey(absl::string_view name) { return absl::StrCat("metric", kSeparator, name); }

}  // namespace inkoop
