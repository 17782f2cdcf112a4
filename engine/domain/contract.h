// Contracts: signing, amendment, extension, suspension, resumption, termination, expiry; their
// ceilings are the money committed on a lot.
#ifndef INKOOP_ENGINE_DOMAIN_CONTRACT_H_
#define INKOOP_ENGINE_DOMAIN_CONTRACT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideSignContract(const RegionState& state,
                                                          const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideAmendContract(const RegionState& state,
                                                           const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideExtendContract(const RegionState& state,
                                                            const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideSuspendContract(const RegionState& state,
                                                             const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideResumeContract(const RegionState& state,
                                                            const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideTerminateContract(const RegionState& state,
                                                               const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideExpireContract(const RegionState& state,
                                                            const v1::Command& command);

void ApplyContractSigned(RegionState& state, const v1::ContractSigned& event);
void ApplyContractAmended(RegionState& state, const v1::ContractAmended& event);
void ApplyContractExtended(RegionState& state, const v1::ContractExtended& event);
void ApplyContractSuspended(RegionState& state, const v1::ContractSuspended& event);
void ApplyContractResumed(RegionState& state, const v1::ContractResumed& event);
void ApplyContractTerminated(RegionState& state, const v1::ContractTerminated& event);
void ApplyContractExpired(RegionState& state, const v1::ContractExpired& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_CONTRACT_H_
