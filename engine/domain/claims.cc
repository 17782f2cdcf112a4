#include "engine/domain/claims.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideRecordClaim(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("record_claim: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideRecordPayment(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("record_payment: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideReportIndicator(const RegionState&,
                                                             const v1::Command&) {
  return absl::UnimplementedError("report_indicator: not built yet");
}

void ApplyClaimRecorded(RegionState&, const v1::ClaimRecorded&) {}

void ApplyPaymentRecorded(RegionState&, const v1::PaymentRecorded&) {}

void ApplyIndicatorReported(RegionState&, const v1::IndicatorReported&) {}

}  // namespace inkoop
