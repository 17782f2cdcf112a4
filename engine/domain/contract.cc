#include "engine/domain/contract.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideSignContract(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("sign_contract: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideAmendContract(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("amend_contract: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideExtendContract(const RegionState&,
                                                            const v1::Command&) {
  return absl::UnimplementedError("extend_contract: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideSuspendContract(const RegionState&,
                                                             const v1::Command&) {
  return absl::UnimplementedError("suspend_contract: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideResumeContract(const RegionState&,
                                                            const v1::Command&) {
  return absl::UnimplementedError("resume_contract: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideTerminateContract(const RegionState&,
                                                               const v1::Command&) {
  return absl::UnimplementedError("terminate_contract: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideExpireContract(const RegionState&,
                                                            const v1::Command&) {
  return absl::UnimplementedError("expire_contract: not built yet");
}

void ApplyContractSigned(RegionState&, const v1::ContractSigned&) {}

void ApplyContractAmended(RegionState&, const v1::ContractAmended&) {}

void ApplyContractExtended(RegionState&, const v1::ContractExtended&) {}

void ApplyContractSuspended(RegionState&, const v1::ContractSuspended&) {}

void ApplyContractResumed(RegionState&, const v1::ContractResumed&) {}

void ApplyContractTerminated(RegionState&, const v1::ContractTerminated&) {}

void ApplyContractExpired(RegionState&, const v1::ContractExpired&) {}

}  // namespace inkoop
