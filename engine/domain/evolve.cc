#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/assignments.h"
#include "engine/domain/membership.h"
#include "engine/domain/placement.h"
#include "engine/domain/budget.h"
#include "engine/domain/claims.h"
#include "engine/domain/indicators.h"
#include "engine/domain/outcomes.h"
#include "engine/domain/continuity.h"
#include "engine/domain/contract.h"
#include "engine/domain/decide.h"
#include "engine/domain/equalisation.h"
#include "engine/domain/framework.h"
#include "engine/domain/funding.h"
#include "engine/domain/open_house.h"
#include "engine/domain/transition.h"
#include "engine/domain/registry.h"
#include "engine/domain/tender.h"

namespace inkoop {

namespace {

absl::Status CheckChain(const RegionState& state, const v1::Event& event) {
  if (event.region() != state.region) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event ", event.event_id(), ": region '", event.region(), "' is not '", state.region, "'"));
  }
  if (event.sequence() != state.sequence.value() + 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("event ", event.event_id(), ": expected sequence ", state.sequence.value() + 1,
                     " of region '", state.region, "', got ", event.sequence()));
  }
  if (event.previous_hash() != state.last_hash) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event ", event.event_id(), ": previous_hash ",
        absl::BytesToHexString(event.previous_hash()), " does not match the hash of event ",
        state.sequence.value(), " ", absl::BytesToHexString(state.last_hash)));
  }
  return absl::OkStatus();
}

int64_t OccurredMicros(const v1::Event& event) {
  return event.occurred_at().seconds() * 1'000'000 + event.occurred_at().nanos() / 1000;
}

}  // namespace

absl::Status AdvanceChain(RegionState& state, const v1::Event& event) {
  if (absl::Status chained = CheckChain(state, event); !chained.ok()) return chained;
  state.sequence = Sequence(event.sequence());
  state.last_hash = event.hash();
  state.clock_micros = std::max(state.clock_micros, OccurredMicros(event));
  return absl::OkStatus();
}

absl::Status Evolve(RegionState& state, const v1::Event& event) {
  if (absl::Status chained = CheckChain(state, event); !chained.ok()) return chained;
  switch (event.payload_case()) {
    case v1::Event::kFrameworkAdopted:
      ApplyFrameworkAdopted(state, event.framework_adopted(), event.sequence());
      break;
    case v1::Event::kFrameworkAmended:
      ApplyFrameworkAmended(state, event.framework_amended());
      break;
    case v1::Event::kActorKeyRegistered:
      ApplyActorKeyRegistered(state, event.actor_key_registered(), event.sequence());
      break;
    case v1::Event::kActorKeyRevoked:
      ApplyActorKeyRevoked(state, event.actor_key_revoked(), event.sequence());
      break;
    case v1::Event::kClockAdvanced:
      break;  // the envelope's occurred_at moves the clock, below
    case v1::Event::kTransitionArrangementAdopted:
      ApplyTransitionArrangementAdopted(state, event.transition_arrangement_adopted());
      break;
    case v1::Event::kBudgetSet:
      ApplyBudgetSet(state, event.budget_set());
      break;
    case v1::Event::kLocalPlanSubmitted:
      ApplyLocalPlanSubmitted(state, event.local_plan_submitted());
      break;
    case v1::Event::kLocalPartsReserved:
      ApplyLocalPartsReserved(state, event.local_parts_reserved());
      break;
    case v1::Event::kPurchaseOrderIssued:
      ApplyPurchaseOrderIssued(state, event.purchase_order_issued());
      break;
    case v1::Event::kPurchaseOrderAmended:
      ApplyPurchaseOrderAmended(state, event.purchase_order_amended());
      break;
    case v1::Event::kProviderRegistered:
      ApplyProviderRegistered(state, event.provider_registered(), event.sequence());
      break;
    case v1::Event::kTenderPublished:
      ApplyTenderPublished(state, event.tender_published());
      break;
    case v1::Event::kBidReceived:
      ApplyBidReceived(state, event.bid_received());
      break;
    case v1::Event::kBidWithdrawn:
      ApplyBidWithdrawn(state, event.bid_withdrawn());
      break;
    case v1::Event::kTenderAwarded:
      ApplyTenderAwarded(state, event.tender_awarded());
      break;
    case v1::Event::kAdmissionApplied:
      ApplyAdmissionApplied(state, event.admission_applied());
      break;
    case v1::Event::kApplicationAssessed:
      ApplyApplicationAssessed(state, event.application_assessed());
      break;
    case v1::Event::kAdmissionClosed:
      ApplyAdmissionClosed(state, event.admission_closed());
      break;
    case v1::Event::kAwardNegotiated:
      ApplyAwardNegotiated(state, event.award_negotiated());
      break;
    case v1::Event::kTenderCancelled:
      ApplyTenderCancelled(state, event.tender_cancelled());
      break;
    case v1::Event::kContractSigned:
      ApplyContractSigned(state, event.contract_signed());
      break;
    case v1::Event::kContractAmended:
      ApplyContractAmended(state, event.contract_amended());
      break;
    case v1::Event::kContractExtended:
      ApplyContractExtended(state, event.contract_extended());
      break;
    case v1::Event::kContractSuspended:
      ApplyContractSuspended(state, event.contract_suspended());
      break;
    case v1::Event::kContractResumed:
      ApplyContractResumed(state, event.contract_resumed());
      break;
    case v1::Event::kContractTerminated:
      ApplyContractTerminated(state, event.contract_terminated());
      break;
    case v1::Event::kContractExpired:
      ApplyContractExpired(state, event.contract_expired());
      break;
    case v1::Event::kBudgetShifted:
      ApplyBudgetShifted(state, event.budget_shifted());
      break;
    case v1::Event::kClaimRecorded:
      ApplyClaimRecorded(state, event.claim_recorded());
      break;
    case v1::Event::kPaymentRecorded:
      ApplyPaymentRecorded(state, event.payment_recorded());
      break;
    case v1::Event::kInstalmentPaid:
      ApplyInstalmentPaid(state, event.instalment_paid());
      break;
    case v1::Event::kContractSettled:
      ApplyContractSettled(state, event.contract_settled());
      break;
    case v1::Event::kProviderFailed:
      ApplyProviderFailed(state, event.provider_failed());
      break;
    case v1::Event::kContinuityCaseOpened:
      ApplyContinuityCaseOpened(state, event.continuity_case_opened());
      break;
    case v1::Event::kClientsTransferred:
      ApplyClientsTransferred(state, event.clients_transferred());
      break;
    case v1::Event::kCaseEscalated:
      ApplyCaseEscalated(state, event.case_escalated());
      break;
    case v1::Event::kCaseClosed:
      ApplyCaseClosed(state, event.case_closed());
      break;
    case v1::Event::kIndicatorReported:
      ApplyIndicatorReported(state, event.indicator_reported());
      break;
    case v1::Event::kOutcomeAdjusted:
      ApplyOutcomeAdjusted(state, event.outcome_adjusted());
      break;
    case v1::Event::kYearClosed:
      ApplyYearClosed(state, event.year_closed());
      break;
    case v1::Event::kRiskEqualised:
      ApplyRiskEqualised(state, event.risk_equalised());
      break;
    case v1::Event::kFundDeposited:
      ApplyFundDeposited(state, event.fund_deposited());
      break;
    case v1::Event::kFundDrawn:
      ApplyFundDrawn(state, event.fund_drawn());
      break;
    case v1::Event::kAssignmentRequested:
      ApplyAssignmentRequested(state, event.assignment_requested());
      break;
    case v1::Event::kCareAssigned:
      ApplyCareAssigned(state, event.care_assigned());
      break;
    case v1::Event::kAssignmentRefused:
      ApplyAssignmentRefused(state, event.assignment_refused());
      break;
    case v1::Event::kCareStarted:
      ApplyCareStarted(state, event.care_started());
      break;
    case v1::Event::kCareStopped:
      ApplyCareStopped(state, event.care_stopped());
      break;
    case v1::Event::kPlacementRequested:
      ApplyPlacementRequested(state, event.placement_requested());
      break;
    case v1::Event::kPlacementRefused:
      ApplyPlacementRefused(state, event.placement_refused());
      break;
    case v1::Event::kPlacementAccepted:
      ApplyPlacementAccepted(state, event.placement_accepted());
      break;
    case v1::Event::kPlacementEscalated:
      ApplyPlacementEscalated(state, event.placement_escalated());
      break;
    case v1::Event::kMembershipRenewed:
      ApplyMembershipRenewed(state, event.membership_renewed());
      break;
    case v1::Event::kArrangementLeft:
      ApplyArrangementLeft(state, event.arrangement_left());
      break;
    case v1::Event::PAYLOAD_NOT_SET:
      return absl::DataLossError(absl::StrCat(
          "event ", event.event_id(), ": payload unknown to this build (schema_version ",
          event.schema_version(), "); a newer schema may have written it"));
  }
  state.sequence = Sequence(event.sequence());
  state.last_hash = event.hash();
  state.clock_micros = std::max(state.clock_micros, OccurredMicros(event));
  return absl::OkStatus();
}

}  // namespace inkoop
