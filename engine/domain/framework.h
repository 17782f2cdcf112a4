// The regional procurement framework: municipalities, lots, period.
#ifndef INKOOP_ENGINE_DOMAIN_FRAMEWORK_H_
#define INKOOP_ENGINE_DOMAIN_FRAMEWORK_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideAdoptFramework(const RegionState& state,
                                                            const v1::Actor& actor,
                                                            const v1::AdoptFramework& command);
// `sequence`: the event's (the registry remembers where a key came from).
void ApplyFrameworkAdopted(RegionState& state, const v1::FrameworkAdopted& event,
                           uint64_t sequence);
absl::StatusOr<std::vector<v1::Event>> DecideAmendFramework(const RegionState& state,
                                                            const v1::Actor& actor,
                                                            const v1::AmendFramework& command);
void ApplyFrameworkAmended(RegionState& state, const v1::FrameworkAmended& event);

// The framework's lots in the order it lists them.
std::vector<const LotInfo*> LotsInOrder(const Framework& framework);

// Each rule names a lot of `lots` at most once; funding models specified;
// tariffs with a product code (unique per lot), a unit and an amount >= 0.
absl::Status ValidateLotRules(const google::protobuf::RepeatedPtrField<v1::LotRules>& rules,
                              const google::protobuf::RepeatedPtrField<std::string>& lots);

// The framework in force for budget year `year`: the earlier framework
// whose period holds it, else the region's latest (whose own checks then
// name the year as outside its period).
const Framework& FrameworkOfYear(const RegionState& state, int32_t year);

// Lookups other concerns share; each error names the unknown value.
absl::Status RequireFramework(const RegionState& state);
// A member of any of the region's frameworks.
absl::Status RequireMunicipality(const RegionState& state, absl::string_view municipality);
// A lot of the framework in force for `year`.
absl::Status RequireLot(const RegionState& state, absl::string_view lot, absl::string_view field,
                        int32_t year);
// A year of one of the region's frameworks.
absl::Status RequireYearInPeriod(const RegionState& state, int32_t year);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_FRAMEWORK_H_
