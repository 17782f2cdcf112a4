// Providers, tenders and bids: registration, publication, bids, award, cancellation.
#ifndef INKOOP_ENGINE_DOMAIN_TENDER_H_
#define INKOOP_ENGINE_DOMAIN_TENDER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"
#include "inkoop/v1/snapshot.pb.h"

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
absl::StatusOr<std::vector<v1::Event>> DecideNegotiateAward(const RegionState& state,
                                                            const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideCancelTender(const RegionState& state,
                                                          const v1::Command& command);

void ApplyProviderRegistered(RegionState& state, const v1::ProviderRegistered& event,
                             uint64_t sequence);
void ApplyTenderPublished(RegionState& state, const v1::TenderPublished& event);
void ApplyBidReceived(RegionState& state, const v1::BidReceived& event);
void ApplyBidWithdrawn(RegionState& state, const v1::BidWithdrawn& event);
void ApplyTenderAwarded(RegionState& state, const v1::TenderAwarded& event);
void ApplyAwardNegotiated(RegionState& state, const v1::AwardNegotiated& event);
void ApplyTenderCancelled(RegionState& state, const v1::TenderCancelled& event);

// Lowercase names for messages: "per_unit", "hour".
std::string FundingModelName(v1::FundingModel model);
std::string UnitName(v1::Unit unit);
// "85.00 per hour"
std::string TariffText(const v1::Tariff& tariff);
absl::string_view TenderStatusName(v1::TenderStatus status);

// A lot the bureau buys for the region (scope regional or unspecified).
bool IsRegionalLot(const Framework& framework, absl::string_view lot);
// kFailedPrecondition naming the lot's scope unless it is regional. `lot`
// must be a lot of the framework.
absl::Status RequireRegionalLot(const Framework& framework, absl::string_view lot,
                                absl::string_view field);

// The purchase order's amount for `lot` (0 when it has none).
int64_t OrderedFor(const v1::PurchaseOrderRecord& order, absl::string_view lot);
// The ceilings of the tenders and admission procedures of `year` on `lot`
// that are not cancelled:
// what they draw on the purchase order. Tenders are few (tens a year), so
// the scan is cheap.
int64_t DrawnOn(const RegionState& state, absl::string_view lot, int32_t year);

// kInvalidArgument when `model` is unspecified; kFailedPrecondition unless the
// framework's rules of `lot` allow it (an empty list allows none). `lot` must
// be a lot of the framework.
absl::Status RequireFundingModelAllowed(const Framework& framework, absl::string_view lot,
                                        v1::FundingModel model, absl::string_view field);

// Every tariff names a product (unique in `tariffs`) of the lot's
// max_tariffs, with the same unit and 0 <= tariff <= that maximum. `lot` must
// be a lot of the framework.
absl::Status RequireTariffsWithinLot(const Framework& framework, absl::string_view lot,
                                     const google::protobuf::RepeatedPtrField<v1::Tariff>& tariffs,
                                     absl::string_view field);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_TENDER_H_
