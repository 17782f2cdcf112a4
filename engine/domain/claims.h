// Money during the year and outcomes: claims against contract ceilings, payments, outcome
// indicators.
#ifndef INKOOP_ENGINE_DOMAIN_CLAIMS_H_
#define INKOOP_ENGINE_DOMAIN_CLAIMS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideRecordClaim(const RegionState& state,
                                                         const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideRecordPayment(const RegionState& state,
                                                           const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideReportIndicator(const RegionState& state,
                                                             const v1::Command& command);

void ApplyClaimRecorded(RegionState& state, const v1::ClaimRecorded& event);
void ApplyPaymentRecorded(RegionState& state, const v1::PaymentRecorded& event);
void ApplyIndicatorReported(RegionState& state, const v1::IndicatorReported& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_CLAIMS_H_
