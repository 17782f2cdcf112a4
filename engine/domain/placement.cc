#include "engine/domain/placement.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/domain/membership.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

constexpr int32_t kDefaultEscalationDays = 14;

// Whether `contract` is on `lot`, active on `today` and serves
// `municipality` (a ceiling of its own, or region-wide).
bool Serves(const v1::ContractRecord& contract, const std::string& lot,
            const std::string& municipality, const std::string& today) {
  return contract.lot() == lot && contract.status() == v1::CONTRACT_STATUS_ACTIVE &&
         contract.term_start() <= today && today <= contract.term_end() &&
         (HasCeiling(contract, municipality) || contract.region_ceiling_cents() > 0);
}

// The providers a request on `lot` for `municipality` goes to on `day`,
// sorted. Taken anew at every answer: a provider contracted after the
// request may take the client, one whose contract ended may not.
std::vector<std::string> CandidatesOf(const RegionState& state, const std::string& lot,
                                      const std::string& municipality, absl::CivilDay day) {
  const std::string today = FormatDate(day);
  absl::btree_set<std::string> found;
  for (const auto& [id, contract] : state.contracts) {
    if (Serves(contract, lot, municipality, today)) found.insert(contract.provider_id());
  }
  return {found.begin(), found.end()};
}

absl::StatusOr<const v1::PlacementRecord*> FindPlacement(const RegionState& state,
                                                        const std::string& placement_id) {
  RETURN_IF_ERROR(RequireText(placement_id, "placement_id", "a placement request id"));
  auto it = state.placements.find(placement_id);
  if (it == state.placements.end()) {
    return absl::NotFoundError(absl::StrCat("placement_id: '", placement_id,
                                            "' is not a placement request of region '",
                                            state.region, "'"));
  }
  return &it->second;
}

bool HasRefused(const v1::PlacementRecord& placement, const std::string& provider_id) {
  for (const v1::PlacementRefused& refusal : placement.refusals()) {
    if (refusal.provider_id() == provider_id) return true;
  }
  return false;
}

// The acting provider must be a candidate of the open request.
absl::Status RequireOpenCandidate(const RegionState& state, const v1::PlacementRecord& placement,
                                  const v1::Command& command, absl::string_view action) {
  const v1::Actor& actor = command.actor();
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_PROVIDER,
                              absl::StrCat(action, " placement request '",
                                           placement.placement_id(), "'")));
  if (placement.status() != v1::PLACEMENT_STATUS_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat(
        "placement request '", placement.placement_id(), "' is placed already, with '",
        placement.placed().provider_id(), "' from ", placement.placed().start_date()));
  }
  const std::vector<std::string> candidates =
      CandidatesOf(state, placement.lot(), placement.municipality(), CommandDay(command));
  if (std::find(candidates.begin(), candidates.end(), actor.id()) == candidates.end()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role rule: provider '", actor.id(), "' is not a contracted closed-care provider of ",
        "placement request '", placement.placement_id(), "' (its candidates today: ",
        absl::StrJoin(candidates, ", "), ")"));
  }
  return absl::OkStatus();
}

int32_t DaysBetween(const std::string& from, absl::CivilDay to) {
  absl::StatusOr<absl::CivilDay> start = ParseDate(from, "requested_on");
  if (!start.ok()) return 0;
  return static_cast<int32_t>(to - *start);
}

}  // namespace

int32_t EscalationDays(const RegionState& state, const std::string& lot) {
  const auto it = state.framework.rules.find(lot);
  if (it == state.framework.rules.end() || it->second.placement_escalation_days() <= 0) {
    return kDefaultEscalationDays;
  }
  return it->second.placement_escalation_days();
}

absl::StatusOr<std::vector<v1::Event>> DecideRequestPlacement(const RegionState& state,
                                                              const v1::Command& command) {
  const v1::RequestPlacement& request = command.request_placement();
  RETURN_IF_ERROR(RequireText(request.placement_id(), "placement_id", "a new placement request id"));
  if (state.placements.contains(request.placement_id())) {
    return absl::AlreadyExistsError(absl::StrCat("placement_id: '", request.placement_id(),
                                                 "' is a placement request already"));
  }
  const v1::Actor& actor = command.actor();
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_MUNICIPALITY, "request a closed-care placement"));
  RETURN_IF_ERROR(RequireMemberOn(state, actor.id(), CommandDay(command)));
  RETURN_IF_ERROR(RequireText(request.client(), "client", "the client's pseudonym"));
  RETURN_IF_ERROR(RequireText(request.court_order(), "court_order", "the court order's reference"));
  const absl::CivilDay today = CommandDay(command);
  ASSIGN_OR_RETURN(const absl::CivilDay ordered, ParseDate(request.ordered_on(), "ordered_on"));
  if (ordered > today) {
    return absl::InvalidArgumentError(absl::StrCat("ordered_on: expected a date on or before today ",
                                                   FormatDate(today), ", got ",
                                                   request.ordered_on()));
  }
  RETURN_IF_ERROR(RequireText(request.lot(), "lot", "the closed-care lot"));
  RETURN_IF_ERROR(RequireLot(state, request.lot(), "lot", static_cast<int32_t>(today.year())));
  const auto rules = state.framework.rules.find(request.lot());
  if (rules == state.framework.rules.end() || !rules->second.closed_care()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lot: '", request.lot(), "' is not a closed-care lot (its lot_rules do not say closed_care)"));
  }
  std::vector<std::string> candidates = CandidatesOf(state, request.lot(), actor.id(), today);
  if (candidates.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "lot '", request.lot(), "' has no active contract for ", actor.id(), " on ",
        FormatDate(today), "; the region must contract closed care before it can place"));
  }
  v1::Event event;
  v1::PlacementRequested& requested = *event.mutable_placement_requested();
  requested.set_placement_id(request.placement_id());
  requested.set_municipality(actor.id());
  requested.set_client(request.client());
  requested.set_lot(request.lot());
  requested.set_court_order(request.court_order());
  requested.set_ordered_on(request.ordered_on());
  requested.set_requested_on(FormatDate(today));
  requested.set_with_provider(candidates.front());
  for (std::string& provider : candidates) requested.add_candidates(std::move(provider));
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideAcceptPlacement(const RegionState& state,
                                                             const v1::Command& command) {
  const v1::AcceptPlacement& accept = command.accept_placement();
  ASSIGN_OR_RETURN(const v1::PlacementRecord* placement,
                   FindPlacement(state, accept.placement_id()));
  RETURN_IF_ERROR(RequireOpenCandidate(state, *placement, command, "accept"));
  const absl::CivilDay today = CommandDay(command);
  RETURN_IF_ERROR(RequireText(accept.contract_id(), "contract_id", "the provider's contract"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, accept.contract_id()));
  if (contract->provider_id() != command.actor().id() ||
      !Serves(*contract, placement->lot(), placement->municipality(), FormatDate(today))) {
    return absl::FailedPreconditionError(absl::StrCat(
        "contract_id: expected an active contract of '", command.actor().id(), "' on lot '",
        placement->lot(), "' for ", placement->municipality(), " today, got '",
        contract->contract_id(), "' of '", contract->provider_id(), "' on lot '", contract->lot(),
        "' (", ContractStatusName(contract->status()), ", ", contract->term_start(), "..",
        contract->term_end(), ")"));
  }
  ASSIGN_OR_RETURN(const absl::CivilDay start, ParseDate(accept.start_date(), "start_date"));
  ASSIGN_OR_RETURN(const absl::CivilDay requested,
                   ParseDate(placement->requested_on(), "requested_on"));
  if (start < requested || start > today) {
    return absl::InvalidArgumentError(absl::StrCat(
        "start_date: expected a day from the request ", placement->requested_on(),
        " to today ", FormatDate(today), ", got ", accept.start_date()));
  }
  if (!accept.expertise_from().empty()) {
    RETURN_IF_ERROR(FindProvider(state, accept.expertise_from()).status());
    if (accept.expertise_from() == command.actor().id()) {
      return absl::InvalidArgumentError(
          "expertise_from: expected another provider whose expertise is brought in, got the "
          "accepting provider itself");
    }
  }
  v1::Event event;
  v1::PlacementAccepted& accepted = *event.mutable_placement_accepted();
  accepted.set_placement_id(placement->placement_id());
  accepted.set_provider_id(command.actor().id());
  accepted.set_contract_id(contract->contract_id());
  accepted.set_start_date(accept.start_date());
  accepted.set_expertise_from(accept.expertise_from());
  accepted.set_accepted_on(FormatDate(today));
  accepted.set_days_open(static_cast<int32_t>(today - requested));
  accepted.set_refusals(placement->refusals_size());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideRefusePlacement(const RegionState& state,
                                                             const v1::Command& command) {
  const v1::RefusePlacement& refuse = command.refuse_placement();
  ASSIGN_OR_RETURN(const v1::PlacementRecord* placement,
                   FindPlacement(state, refuse.placement_id()));
  const std::string& provider = command.actor().id();
  RETURN_IF_ERROR(RequireOpenCandidate(state, *placement, command, "refuse"));
  if (HasRefused(*placement, provider)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "provider '", provider, "' refused placement request '", placement->placement_id(),
        "' before; it cannot refuse twice"));
  }
  switch (refuse.reason()) {
    case v1::PLACEMENT_REFUSAL_REASON_AGE:
    case v1::PLACEMENT_REFUSAL_REASON_EXPERTISE:
    case v1::PLACEMENT_REFUSAL_REASON_CAPACITY:
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "reason: expected age, expertise or capacity, got ",
          v1::PlacementRefusalReason_Name(refuse.reason()).empty()
              ? absl::StrCat(static_cast<int>(refuse.reason()))
              : v1::PlacementRefusalReason_Name(refuse.reason())));
  }
  RETURN_IF_ERROR(RequireText(refuse.explanation(), "explanation", "why the provider refuses"));
  std::vector<std::string> open;  // candidates that may still take the client
  for (const std::string& candidate :
       CandidatesOf(state, placement->lot(), placement->municipality(), CommandDay(command))) {
    if (candidate != provider && !HasRefused(*placement, candidate)) open.push_back(candidate);
  }
  if (open.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "every other closed-care provider refused placement request '", placement->placement_id(),
        "'; '", provider, "' must accept it, bringing in the expertise it lacks (expertise_from)"));
  }
  if (std::find(open.begin(), open.end(), refuse.arranged_with()) == open.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "arranged_with: a refusing provider must arrange a place at another closed-care provider "
        "that has not refused (expected one of: ",
        absl::StrJoin(open, ", "), "), got '", refuse.arranged_with(), "'"));
  }
  v1::Event event;
  v1::PlacementRefused& refused = *event.mutable_placement_refused();
  refused.set_placement_id(placement->placement_id());
  refused.set_provider_id(provider);
  refused.set_reason(refuse.reason());
  refused.set_explanation(refuse.explanation());
  refused.set_arranged_with(refuse.arranged_with());
  refused.set_refused_on(FormatDate(CommandDay(command)));
  return OneEvent(std::move(event));
}

std::vector<v1::Event> DueEscalations(const RegionState& state, absl::CivilDay today) {
  std::vector<v1::Event> events;
  for (const auto& [id, placement] : state.placements) {
    if (placement.status() != v1::PLACEMENT_STATUS_OPEN || !placement.escalated_on().empty()) {
      continue;
    }
    const int32_t days = EscalationDays(state, placement.lot());
    const int32_t open = DaysBetween(placement.requested_on(), today);
    if (open <= days) continue;
    v1::Event event;
    v1::PlacementEscalated& escalated = *event.mutable_placement_escalated();
    escalated.set_placement_id(id);
    escalated.set_requested_on(placement.requested_on());
    escalated.set_escalated_on(FormatDate(today));
    escalated.set_days_open(open);
    escalated.set_escalation_days(days);
    for (const v1::PlacementRefused& refusal : placement.refusals()) {
      escalated.add_refused_by(refusal.provider_id());
    }
    escalated.set_with_provider(placement.with_provider());
    events.push_back(std::move(event));
  }
  return events;
}

void ApplyPlacementRequested(RegionState& state, const v1::PlacementRequested& event) {
  v1::PlacementRecord& placement = state.placements[event.placement_id()];
  placement.set_placement_id(event.placement_id());
  placement.set_municipality(event.municipality());
  placement.set_client(event.client());
  placement.set_lot(event.lot());
  placement.set_court_order(event.court_order());
  placement.set_ordered_on(event.ordered_on());
  placement.set_requested_on(event.requested_on());
  *placement.mutable_candidates() = event.candidates();
  placement.set_with_provider(event.with_provider());
  placement.set_status(v1::PLACEMENT_STATUS_OPEN);
}

void ApplyPlacementRefused(RegionState& state, const v1::PlacementRefused& event) {
  auto it = state.placements.find(event.placement_id());
  if (it == state.placements.end()) return;
  *it->second.add_refusals() = event;
  it->second.set_with_provider(event.arranged_with());
}

void ApplyPlacementAccepted(RegionState& state, const v1::PlacementAccepted& event) {
  auto it = state.placements.find(event.placement_id());
  if (it == state.placements.end()) return;
  it->second.set_status(v1::PLACEMENT_STATUS_PLACED);
  it->second.set_with_provider(event.provider_id());
  *it->second.mutable_placed() = event;
}

void ApplyPlacementEscalated(RegionState& state, const v1::PlacementEscalated& event) {
  auto it = state.placements.find(event.placement_id());
  if (it == state.placements.end()) return;
  it->second.set_escalated_on(event.escalated_on());
}

}  // namespace inkoop
