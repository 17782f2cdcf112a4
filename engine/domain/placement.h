// The placement guarantee for closed youth care. A court order for closed
// care becomes a placement request with every provider contracted for the
// closed-care lot (for the municipality, or region-wide; taken anew on
// every answer, so a provider whose contract ended drops out and a newly
// contracted one comes in). A provider accepts, or refuses with a reason
// and arranges a place at another candidate that has not refused; the
// last candidate cannot refuse, so a request never ends without a place. A request open longer than its
// lot's escalation days is escalated to the placement coordinator when the
// region's next command (or the coordinator's review) arrives: no timer
// runs inside the domain.
#ifndef INKOOP_ENGINE_DOMAIN_PLACEMENT_H_
#define INKOOP_ENGINE_DOMAIN_PLACEMENT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideRequestPlacement(const RegionState& state,
                                                              const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideAcceptPlacement(const RegionState& state,
                                                             const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideRefusePlacement(const RegionState& state,
                                                             const v1::Command& command);

// The escalations due on `today`: one per open request older than its
// lot's escalation days and not escalated before, in id order.
std::vector<v1::Event> DueEscalations(const RegionState& state, absl::CivilDay today);

// The days after which an open request on `lot` is escalated.
int32_t EscalationDays(const RegionState& state, const std::string& lot);

void ApplyPlacementRequested(RegionState& state, const v1::PlacementRequested& event);
void ApplyPlacementRefused(RegionState& state, const v1::PlacementRefused& event);
void ApplyPlacementAccepted(RegionState& state, const v1::PlacementAccepted& event);
void ApplyPlacementEscalated(RegionState& state, const v1::PlacementEscalated& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_PLACEMENT_H_
