// Transition arrangements: beside the frameworks, focus providers continue
// the care of existing clients on some lots for a period that may span
// frameworks, under contracts that name the arrangement.
#ifndef INKOOP_ENGINE_DOMAIN_TRANSITION_H_
#define INKOOP_ENGINE_DOMAIN_TRANSITION_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideAdoptTransitionArrangement(
    const RegionState& state, const v1::Command& command);
void ApplyTransitionArrangementAdopted(RegionState& state,
                                       const v1::TransitionArrangementAdopted& event);

// The arrangement `id`, or kNotFound naming the region's arrangements.
absl::StatusOr<const v1::TransitionArrangementAdopted*> FindArrangement(const RegionState& state,
                                                                        absl::string_view id);

// A contract under `arrangement`: without a tender, with one of its focus
// providers, on one of its lots, its term within the arrangement's period.
absl::Status RequireArrangementTerms(const v1::TransitionArrangementAdopted& arrangement,
                                     const v1::ContractRecord& contract);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_TRANSITION_H_
