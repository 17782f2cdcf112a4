// The regional procurement framework: municipalities, lots, period.
#ifndef INKOOP_ENGINE_DOMAIN_FRAMEWORK_H_
#define INKOOP_ENGINE_DOMAIN_FRAMEWORK_H_

#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideAdoptFramework(const RegionState& state,
                                                            const v1::Actor& actor,
                                                            const v1::AdoptFramework& command);
void ApplyFrameworkAdopted(RegionState& state, const v1::FrameworkAdopted& event);

// The framework's lots in the order it lists them.
std::vector<const LotInfo*> LotsInOrder(const Framework& framework);

// Lookups other concerns share; each error names the unknown value.
absl::Status RequireFramework(const RegionState& state);
absl::Status RequireMunicipality(const RegionState& state, absl::string_view municipality);
absl::Status RequireLot(const RegionState& state, absl::string_view lot, absl::string_view field);
absl::Status RequireYearInPeriod(const RegionState& state, int32_t year);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_FRAMEWORK_H_
