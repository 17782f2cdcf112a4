#include "engine/domain/continuity.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideDeclareProviderFailure(const RegionState&,
                                                                    const v1::Command&) {
  return absl::UnimplementedError("declare_provider_failure: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideTransferClients(const RegionState&,
                                                             const v1::Command&) {
  return absl::UnimplementedError("transfer_clients: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideEscalateCase(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("escalate_case: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideCloseCase(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("close_case: not built yet");
}

void ApplyClientsTransferred(RegionState&, const v1::ClientsTransferred&) {}

void ApplyCaseEscalated(RegionState&, const v1::CaseEscalated&) {}

void ApplyCaseClosed(RegionState&, const v1::CaseClosed&) {}

void ApplyProviderFailed(RegionState&, const v1::ProviderFailed&) {}

void ApplyContinuityCaseOpened(RegionState&, const v1::ContinuityCaseOpened&) {}

}  // namespace inkoop
