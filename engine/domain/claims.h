// Money during the year: claims against contract ceilings and payments
// (outcome indicators: indicators.h).
#ifndef INKOOP_ENGINE_DOMAIN_CLAIMS_H_
#define INKOOP_ENGINE_DOMAIN_CLAIMS_H_

#include <cstdint>
#include <string>
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

void ApplyClaimRecorded(RegionState& state, const v1::ClaimRecorded& event);
void ApplyPaymentRecorded(RegionState& state, const v1::PaymentRecorded& event);

// The contract's claimed/paid row of (municipality, year), created when
// missing.
v1::ClaimedYear& MutableClaimed(v1::ContractRecord& contract, const std::string& municipality,
                                int32_t year);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_CLAIMS_H_
