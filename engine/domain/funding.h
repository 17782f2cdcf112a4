// Paying lump-sum and population contracts without units: their scheduled
// instalments, and the year-end settlement against the provider's
// production statement.
#ifndef INKOOP_ENGINE_DOMAIN_FUNDING_H_
#define INKOOP_ENGINE_DOMAIN_FUNDING_H_

#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecidePayInstalment(const RegionState& state,
                                                           const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideSettleContract(const RegionState& state,
                                                            const v1::Command& command);

void ApplyInstalmentPaid(RegionState& state, const v1::InstalmentPaid& event);
void ApplyContractSettled(RegionState& state, const v1::ContractSettled& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_FUNDING_H_
