// Providers, tenders and bids: registration, publication, bids, award, cancellation.
#ifndef INKOOP_ENGINE_DOMAIN_TENDER_H_
#define INKOOP_ENGINE_DOMAIN_TENDER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideRegisterProvider(const RegionState& state,
                                                              const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecidePublishTender(const RegionState& state,
                                                           const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideSubmitBid(const RegionState& state,
                                                       const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideWithdrawBid(const RegionState& state,
                                                         const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideAwardTender(const RegionState& state,
                                                         const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideCancelTender(const RegionState& state,
                                                          const v1::Command& command);

void ApplyProviderRegistered(RegionState& state, const v1::ProviderRegistered& event);
void ApplyTenderPublished(RegionState& state, const v1::TenderPublished& event);
void ApplyBidReceived(RegionState& state, const v1::BidReceived& event);
void ApplyBidWithdrawn(RegionState& state, const v1::BidWithdrawn& event);
void ApplyTenderAwarded(RegionState& state, const v1::TenderAwarded& event);
void ApplyTenderCancelled(RegionState& state, const v1::TenderCancelled& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_TENDER_H_
