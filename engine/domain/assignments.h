// The client's path through care, as the iJw messages carry it: a provider
// asks for an assignment (JW315), the municipality assigns care (JW301) or
// refuses, the provider registers the start (JW305) and the stop (JW307),
// and per-unit claims (JW303) are made under an assignment
// (RequireClaimableUnder).
//
// An assignment is for one client, one product of one contract, one
// calendar year inside the contract's term. On a per-unit contract its
// value (volume x the contract's tariff) counts against the contract's
// ceiling for the municipality in that year; a stop frees the value of
// what was not claimed.
#ifndef INKOOP_ENGINE_DOMAIN_ASSIGNMENTS_H_
#define INKOOP_ENGINE_DOMAIN_ASSIGNMENTS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "engine/domain/dates.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideRequestAssignment(const RegionState& state,
                                                               const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideAssignCare(const RegionState& state,
                                                        const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideGrantAssignment(const RegionState& state,
                                                             const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideRefuseAssignment(const RegionState& state,
                                                              const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideStartCare(const RegionState& state,
                                                       const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideStopCare(const RegionState& state,
                                                      const v1::Command& command);
// Switching provider freely: stop here, assign and start there (with the
// volume left), one command.
absl::StatusOr<std::vector<v1::Event>> DecideSwitchProvider(const RegionState& state,
                                                            const v1::Command& command);

void ApplyAssignmentRequested(RegionState& state, const v1::AssignmentRequested& event);
void ApplyCareAssigned(RegionState& state, const v1::CareAssigned& event);
void ApplyAssignmentRefused(RegionState& state, const v1::AssignmentRefused& event);
void ApplyCareStarted(RegionState& state, const v1::CareStarted& event);
void ApplyCareStopped(RegionState& state, const v1::CareStopped& event);

// Whether a claim of `units` units of `product_code` for `municipality`
// in `period` on `contract` may be made under assignment `assignment_id`:
// the assignment is of that contract, municipality and product, care
// started on or before the period's first day, the period lies inside the
// assignment's period (and before its stop), and the units fit the volume
// left. The refusal names the assignment, its period and the volume left.
absl::Status RequireClaimableUnder(const RegionState& state, const v1::ContractRecord& contract,
                                   const std::string& assignment_id,
                                   const std::string& municipality,
                                   const std::string& product_code, const Period& period,
                                   int64_t units);

// Books a recorded claim on its assignment (claimed units, last day).
void ApplyClaimOnAssignment(RegionState& state, const v1::ClaimRecorded& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_ASSIGNMENTS_H_
