#include "engine/domain/tender.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideRegisterProvider(const RegionState&,
                                                              const v1::Command&) {
  return absl::UnimplementedError("register_provider: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecidePublishTender(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("publish_tender: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideSubmitBid(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("submit_bid: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideWithdrawBid(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("withdraw_bid: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideAwardTender(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("award_tender: not built yet");
}

absl::StatusOr<std::vector<v1::Event>> DecideCancelTender(const RegionState&, const v1::Command&) {
  return absl::UnimplementedError("cancel_tender: not built yet");
}

void ApplyProviderRegistered(RegionState&, const v1::ProviderRegistered&) {}

void ApplyTenderPublished(RegionState&, const v1::TenderPublished&) {}

void ApplyBidReceived(RegionState&, const v1::BidReceived&) {}

void ApplyBidWithdrawn(RegionState&, const v1::BidWithdrawn&) {}

void ApplyTenderAwarded(RegionState&, const v1::TenderAwarded&) {}

void ApplyTenderCancelled(RegionState&, const v1::TenderCancelled&) {}

}  // namespace inkoop
