// Open house: the admission procedure. Every provider meeting the quality
// requirements is admitted at the framework's harmonised tariffs; providers
// apply while the window is open (it may be open-ended, until the bureau
// closes the admission), the bureau assesses
// each application against the procedure's checklist, and each admitted
// provider gets a contract on the region's standard terms: per unit, at the
// harmonised tariffs, its ceilings within the money the procedure draws on
// the purchase order together with the other admitted providers' contracts.
#ifndef INKOOP_ENGINE_DOMAIN_OPEN_HOUSE_H_
#define INKOOP_ENGINE_DOMAIN_OPEN_HOUSE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"
#include "inkoop/v1/snapshot.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideApplyForAdmission(const RegionState& state,
                                                               const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideAssessApplication(const RegionState& state,
                                                               const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideCloseAdmission(const RegionState& state,
                                                            const v1::Command& command);

void ApplyAdmissionApplied(RegionState& state, const v1::AdmissionApplied& event);
void ApplyApplicationAssessed(RegionState& state, const v1::ApplicationAssessed& event);
void ApplyAdmissionClosed(RegionState& state, const v1::AdmissionClosed& event);

bool IsOpenHouse(const v1::TenderRecord& tender);

// What publish_tender asks of an open-house procedure: per-unit funding, a
// lot with harmonised tariffs, a checklist of distinct requirements.
absl::Status RequireAdmissionProcedure(const RegionState& state, const v1::PublishTender& body);

// A contract carrying out admitted `application` of `tender`: per unit, a
// term starting in the procedure's year, exactly the lot's harmonised
// tariffs, and each year's ceilings, with those of the procedure's other
// contracts, within the procedure's ceiling.
absl::Status RequireAdmissionTerms(const RegionState& state, const v1::ContractRecord& contract,
                                   const v1::TenderRecord& tender,
                                   const v1::BidRecord& application);

// The lot's harmonised tariff for `product_code`, or null.
const v1::Tariff* HarmonisedTariff(const Framework& framework, absl::string_view lot,
                                   absl::string_view product_code);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_OPEN_HOUSE_H_
