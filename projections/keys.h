// Keys and column families of the projection database.
//
//   default  "offset\0<topic>\0<partition BE32>" -> next offset to read (BE64)
//            "metric\0<name>" -> counter (BE64)
//   regions  "<region>" -> RegionSnapshot
//   budgets  "<municipality>\0<year %04d>" -> BudgetView
//   parked   "<topic>\0<partition BE32><offset BE64>" -> ParkedEvent
//   providers / tenders / contracts / cases   "<id>" -> the entity's record
#ifndef INKOOP_PROJECTIONS_KEYS_H_
#define INKOOP_PROJECTIONS_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace inkoop {

inline constexpr char kRegionsFamily[] = "regions";
inline constexpr char kBudgetsFamily[] = "budgets";
inline constexpr char kParkedFamily[] = "parked";
inline constexpr char kProvidersFamily[] = "providers";
inline constexpr char kTendersFamily[] = "tenders";
inline constexpr char kContractsFamily[] = "contracts";
inline constexpr char kCasesFamily[] = "cases";

// Positions of the column families in ProjectionFamilies().
enum Family { kMeta = 0, kRegions, kBudgets, kParked, kProviders, kTenders, kContracts, kCases };

std::string EncodeBigEndian64(uint64_t value);
uint64_t DecodeBigEndian64(absl::string_view bytes);  // bytes.size() must be 8

std::string OffsetKey(absl::string_view topic, int32_t partition);
std::string MetricKey(absl::string_view name);
std::string BudgetKey(absl::string_view municipality, int32_t year);
std::string BudgetPrefix(absl::string_view municipality);
std::string ParkedKey(absl::string_view topic, int32_t partition, int64_t offset);

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_KEYS_H_
