#include "engine/domain/decide.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "engine/domain/assignments.h"
#include "engine/domain/budget.h"
#include "engine/domain/claims.h"
#include "engine/domain/indicators.h"
#include "engine/domain/outcomes.h"
#include "engine/domain/continuity.h"
#include "engine/domain/contract.h"
#include "engine/domain/equalisation.h"
#include "engine/domain/framework.h"
#include "engine/domain/funding.h"
#include "engine/domain/membership.h"
#include "engine/domain/open_house.h"
#include "engine/domain/placement.h"
#include "engine/domain/dates.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"
#include "engine/domain/transition.h"
#include "engine/domain/registry.h"
#include "engine/domain/roles.h"
#include "engine/domain/tender.h"

namespace inkoop {

namespace {

absl::Status CheckEnvelope(const RegionState& state, const v1::Command& command) {
  if (command.region() != state.region) {
    return absl::InvalidArgumentError(
        absl::StrCat("region: expected '", state.region, "', got '", command.region(), "'"));
  }
  if (command.actor().id().empty()) {
    return absl::InvalidArgumentError("actor.id: expected who acts, got ''");
  }
  if (command.actor().role() == v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("actor.role: expected municipality, bureau, provider or auditor for actor '",
                     command.actor().id(), "', got none"));
  }
  if (command.actor().role() == v1::ROLE_AUDITOR) {
    return absl::PermissionDeniedError(absl::StrCat("role rule: auditor '", command.actor().id(),
                                                    "' only reads and may not submit commands"));
  }
  if (command.has_expected_sequence() && command.expected_sequence() != state.sequence.value()) {
    return absl::AbortedError(absl::StrCat("expected_sequence: region '", state.region,
                                           "' is at sequence ", state.sequence.value(),
                                           ", command expected ", command.expected_sequence()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Event>> DecideBody(const RegionState& state,
                                                  const v1::Command& command) {
  const v1::Actor& actor = command.actor();
  switch (command.body_case()) {
    case v1::Command::kAdoptFramework:
      return DecideAdoptFramework(state, actor, command.adopt_framework());
    case v1::Command::kAmendFramework:
      return DecideAmendFramework(state, actor, command.amend_framework());
    case v1::Command::kRegisterKey:
      return DecideRegisterKey(state, command);
    case v1::Command::kRevokeKey:
      return DecideRevokeKey(state, command);
    case v1::Command::kRotateKey:
      return DecideRotateKey(state, command);
    case v1::Command::kAdvanceClock:
      return DecideAdvanceClock(state, command);
    case v1::Command::kAdoptTransitionArrangement:
      return DecideAdoptTransitionArrangement(state, command);
    case v1::Command::kSetBudget:
      return DecideSetBudget(state, actor, command.set_budget());
    case v1::Command::kSubmitLocalPlan:
      return DecideSubmitLocalPlan(state, actor, command.submit_local_plan());
    case v1::Command::kReserveLocalParts:
      return DecideReserveLocalParts(state, actor, command.reserve_local_parts());
    case v1::Command::kIssuePurchaseOrder:
      return DecideIssuePurchaseOrder(state, actor, command.issue_purchase_order());
    case v1::Command::kAmendPurchaseOrder:
      return DecideAmendPurchaseOrder(state, actor, command.amend_purchase_order());
    case v1::Command::kShiftBudget:
      return DecideShiftBudget(state, actor, command.shift_budget());
    case v1::Command::kCloseYear:
      return DecideCloseYear(state, actor, command.close_year());
    case v1::Command::kEqualiseRisk:
      return DecideEqualiseRisk(state, actor, command.equalise_risk());
    case v1::Command::kDepositToFund:
      return DecideDepositToFund(state, actor, command.deposit_to_fund());
    case v1::Command::kDrawFromFund:
      return DecideDrawFromFund(state, actor, command.draw_from_fund());
    case v1::Command::kRegisterProvider:
      return DecideRegisterProvider(state, command);
    case v1::Command::kPublishTender:
      return DecidePublishTender(state, command);
    case v1::Command::kSubmitBid:
      return DecideSubmitBid(state, command);
    case v1::Command::kWithdrawBid:
      return DecideWithdrawBid(state, command);
    case v1::Command::kApplyForAdmission:
      return DecideApplyForAdmission(state, command);
    case v1::Command::kAssessApplication:
      return DecideAssessApplication(state, command);
    case v1::Command::kCloseAdmission:
      return DecideCloseAdmission(state, command);
    case v1::Command::kAwardTender:
      return DecideAwardTender(state, command);
    case v1::Command::kNegotiateAward:
      return DecideNegotiateAward(state, command);
    case v1::Command::kCancelTender:
      return DecideCancelTender(state, command);
    case v1::Command::kSignContract:
      return DecideSignContract(state, command);
    case v1::Command::kAmendContract:
      return DecideAmendContract(state, command);
    case v1::Command::kExtendContract:
      return DecideExtendContract(state, command);
    case v1::Command::kSuspendContract:
      return DecideSuspendContract(state, command);
    case v1::Command::kResumeContract:
      return DecideResumeContract(state, command);
    case v1::Command::kTerminateContract:
      return DecideTerminateContract(state, command);
    case v1::Command::kExpireContract:
      return DecideExpireContract(state, command);
    case v1::Command::kRecordClaim:
      return DecideRecordClaim(state, command);
    case v1::Command::kRecordPayment:
      return DecideRecordPayment(state, command);
    case v1::Command::kPayInstalment:
      return DecidePayInstalment(state, command);
    case v1::Command::kSettleContract:
      return DecideSettleContract(state, command);
    case v1::Command::kDeclareProviderFailure:
      return DecideDeclareProviderFailure(state, command);
    case v1::Command::kTransferClients:
      return DecideTransferClients(state, command);
    case v1::Command::kEscalateCase:
      return DecideEscalateCase(state, command);
    case v1::Command::kCloseCase:
      return DecideCloseCase(state, command);
    case v1::Command::kReportIndicator:
      return DecideReportIndicator(state, command);
    case v1::Command::kCloseOutcomeYear:
      return DecideCloseOutcomeYear(state, command);
    case v1::Command::kRequestAssignment:
      return DecideRequestAssignment(state, command);
    case v1::Command::kAssignCare:
      return DecideAssignCare(state, command);
    case v1::Command::kGrantAssignment:
      return DecideGrantAssignment(state, command);
    case v1::Command::kRefuseAssignment:
      return DecideRefuseAssignment(state, command);
    case v1::Command::kStartCare:
      return DecideStartCare(state, command);
    case v1::Command::kStopCare:
      return DecideStopCare(state, command);
    case v1::Command::kSwitchProvider:
      return DecideSwitchProvider(state, command);
    case v1::Command::kRequestPlacement:
      return DecideRequestPlacement(state, command);
    case v1::Command::kAcceptPlacement:
      return DecideAcceptPlacement(state, command);
    case v1::Command::kRefusePlacement:
      return DecideRefusePlacement(state, command);
    case v1::Command::kReviewPlacements:  // Decide answers it
      break;
    case v1::Command::kRenewMembership:
      return DecideRenewMembership(state, command);
    case v1::Command::kLeaveArrangement:
      return DecideLeaveArrangement(state, command);
    case v1::Command::BODY_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "body: expected a command (adopt_framework, set_budget, sign_contract, ...), got none this "
      "engine knows");
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> Decide(const RegionState& state,
                                              const v1::Command& command) {
  if (absl::Status status = CheckEnvelope(state, command); !status.ok()) return status;
  // The placement guarantee's clock: requests past their escalation days
  // are escalated by whatever command comes next, before its own events.
  std::vector<v1::Event> due = DueEscalations(state, CommandDay(command));
  if (command.has_review_placements()) {
    RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_PLACEMENT_COORDINATOR,
                                "review the placement requests"));
    if (due.empty()) {
      int open = 0;
      for (const auto& [id, placement] : state.placements) {
        open += placement.status() == v1::PLACEMENT_STATUS_OPEN ? 1 : 0;
      }
      return absl::FailedPreconditionError(absl::StrCat(
          "no placement request is due for escalation on ", FormatDate(CommandDay(command)), " (",
          open, " open, each escalated already or within its lot's escalation days)"));
    }
    return due;
  }
  ASSIGN_OR_RETURN(std::vector<v1::Event> events, DecideBody(state, command));
  if (due.empty()) return events;
  due.insert(due.end(), std::make_move_iterator(events.begin()),
             std::make_move_iterator(events.end()));
  return due;
}

}  // namespace inkoop
