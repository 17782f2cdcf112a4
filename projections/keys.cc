#include "projections/keys.h"

#include "absl/strings/str_cat.h"

namespace inkoop {

std::vector<std::string> ProjectionFamilies() {
  return {kBudgetsFamily, kParkedFamily, kChainFamily, kIndexFamily};
}

std::string ContractIndexPrefix(absl::string_view region, ContractIndex dimension,
                                absl::string_view value) {
  const uint16_t length = static_cast<uint16_t>(value.size());
  return absl::StrCat(RegionPrefix(region), std::string(1, static_cast<char>(dimension)),
                      std::string{static_cast<char>(length >> 8), static_cast<char>(length & 0xff)},
                      value);
}

std::string BudgetKey(absl::string_view region, absl::string_view municipality, int32_t year) {
  return absl::StrCat(RegionPrefix(region), BudgetId(municipality, year));
}

std::string BudgetPrefix(absl::string_view region, absl::string_view municipality) {
  // BudgetId without its year.
  const std::string id = BudgetId(municipality, 0);
  return absl::StrCat(RegionPrefix(region), absl::string_view(id).substr(0, id.size() - 4));
}

std::string ParkedKey(absl::string_view topic, int32_t partition, int64_t offset) {
  return absl::StrCat(topic, absl::string_view("\0", 1),
                      EncodeBigEndian32(static_cast<uint32_t>(partition)),
                      EncodeBigEndian64(static_cast<uint64_t>(offset)));
}

std::string ChainKey(absl::string_view region, uint64_t sequence) {
  return absl::StrCat(RegionPrefix(region), EncodeBigEndian64(sequence));
}

std::string CheckpointKey(absl::string_view region) {
  return absl::StrCat(absl::string_view("checkpoint\0", 11), RegionPrefix(region));
}

}  // namespace inkoop
