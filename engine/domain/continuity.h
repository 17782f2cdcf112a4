// Provider failure and continuity of care: declaring a failure, transferring clients, escalation to
// the continuity authority, closing cases.
#ifndef INKOOP_ENGINE_DOMAIN_CONTINUITY_H_
#define INKOOP_ENGINE_DOMAIN_CONTINUITY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideDeclareProviderFailure(const RegionState& state,
                                                                    const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideTransferClients(const RegionState& state,
                                                             const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideEscalateCase(const RegionState& state,
                                                          const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideCloseCase(const RegionState& state,
                                                       const v1::Command& command);

void ApplyClientsTransferred(RegionState& state, const v1::ClientsTransferred& event);
void ApplyCaseEscalated(RegionState& state, const v1::CaseEscalated& event);
void ApplyCaseClosed(RegionState& state, const v1::CaseClosed& event);
void ApplyProviderFailed(RegionState& state, const v1::ProviderFailed& event);
void ApplyContinuityCaseOpened(RegionState& state, const v1::ContinuityCaseOpened& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_CONTINUITY_H_
