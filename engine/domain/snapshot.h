// RegionState <-> RegionSnapshot (proto/inkoop/v1/snapshot.proto).
// ToSnapshot is deterministic: the same state gives the same bytes.
#ifndef INKOOP_ENGINE_DOMAIN_SNAPSHOT_H_
#define INKOOP_ENGINE_DOMAIN_SNAPSHOT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/domain/state.h"
#include "inkoop/v1/snapshot.pb.h"

namespace inkoop {

v1::RegionSnapshot ToSnapshot(const RegionState& state);

// The key of an indicator report in RegionState::indicators.
std::string IndicatorKey(const v1::IndicatorRecord& record);
// The key of RegionState::population_baselines.
std::string PopulationBaselineKey(absl::string_view municipality, v1::Indicator indicator);
// kDataLoss when the snapshot holds a value the state cannot (a bad date).
absl::StatusOr<RegionState> FromSnapshot(const v1::RegionSnapshot& snapshot);

// The parts the state store keeps under keys of their own.
v1::FrameworkSnapshot FrameworkToSnapshot(const Framework& framework);
absl::Status FrameworkFromSnapshot(const v1::FrameworkSnapshot& snapshot, absl::string_view region,
                                   Framework& framework);
v1::YearBudgetSnapshot YearBudgetToSnapshot(int32_t year, const YearBudget& budget);
YearBudget YearBudgetFromSnapshot(const v1::YearBudgetSnapshot& snapshot);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_SNAPSHOT_H_
