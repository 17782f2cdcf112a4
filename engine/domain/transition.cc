#include "engine/domain/transition.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

// A non-empty list of non-empty, distinct names.
absl::Status RequireNames(const google::protobuf::RepeatedPtrField<std::string>& names,
                          absl::string_view field, absl::string_view noun) {
  if (names.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected at least one ", noun,
                                                   ", got none"));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < names.size(); ++i) {
    RETURN_IF_ERROR(
        RequireText(names[i], absl::StrCat(field, "[", i, "]"), absl::StrCat("a ", noun)));
    if (!seen.insert(names[i]).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: '", names[i], "' appears twice"));
    }
  }
  return absl::OkStatus();
}

bool Holds(const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

absl::StatusOr<const v1::TransitionArrangementAdopted*> FindArrangement(const RegionState& state,
                                                                        absl::string_view id) {
  auto it = state.framework.arrangements.find(id);
  if (it != state.framework.arrangements.end()) return &it->second;
  std::vector<absl::string_view> known;
  for (const auto& [known_id, arrangement] : state.framework.arrangements) known.push_back(known_id);
  return absl::NotFoundError(absl::StrCat(
      "arrangement_id: '", id, "' is not a transition arrangement of region '", state.region, "'",
      known.empty() ? std::string(" (it has none)")
                    : absl::StrCat(" (expected one of: ", absl::StrJoin(known, ", "), ")")));
}

absl::StatusOr<std::vector<v1::Event>> DecideAdoptTransitionArrangement(
    const RegionState& state, const v1::Command& command) {
  const v1::AdoptTransitionArrangement& body = command.adopt_transition_arrangement();
  RETURN_IF_ERROR(
      RequireRole(command.actor(), v1::ROLE_BUREAU, "adopt a transition arrangement"));
  RETURN_IF_ERROR(RequireFramework(state));
  RETURN_IF_ERROR(RequireText(body.arrangement_id(), "arrangement_id", "an arrangement id"));
  if (state.framework.arrangements.contains(body.arrangement_id())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "arrangement_id: '", body.arrangement_id(), "' is already adopted in region '",
        state.region, "'"));
  }
  RETURN_IF_ERROR(RequireText(body.purpose(), "purpose", "what the arrangement continues"));
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(body.period_start(), body.period_end()));
  // It starts in a year of one of the region's frameworks, and each of its
  // lots is a lot of every framework in force during its period (later
  // years may get theirs later; a contract under it needs one for each year
  // of its term, to commit on the members' plans like any other).
  RETURN_IF_ERROR(RequireNames(body.lots(), "lots", "lot code"));
  RETURN_IF_ERROR(RequireYearInPeriod(state, static_cast<int32_t>(period.start.year())));
  for (int64_t y = period.start.year(); y <= period.end.year(); ++y) {
    const auto year = static_cast<int32_t>(y);
    if (!RequireYearInPeriod(state, year).ok()) continue;
    for (int i = 0; i < body.lots_size(); ++i) {
      RETURN_IF_ERROR(RequireLot(state, body.lots(i), absl::StrCat("lots[", i, "]"), year));
    }
  }
  RETURN_IF_ERROR(RequireNames(body.focus_providers(), "focus_providers", "provider id"));
  for (const std::string& provider : body.focus_providers()) {
    RETURN_IF_ERROR(FindProvider(state, provider).status());
  }
  v1::Event event;
  v1::TransitionArrangementAdopted& adopted = *event.mutable_transition_arrangement_adopted();
  adopted.set_arrangement_id(body.arrangement_id());
  adopted.set_period_start(body.period_start());
  adopted.set_period_end(body.period_end());
  *adopted.mutable_focus_providers() = body.focus_providers();
  *adopted.mutable_lots() = body.lots();
  adopted.set_purpose(body.purpose());
  return OneEvent(std::move(event));
}

void ApplyTransitionArrangementAdopted(RegionState& state,
                                       const v1::TransitionArrangementAdopted& event) {
  state.framework.arrangements[event.arrangement_id()] = event;
}

absl::Status RequireArrangementTerms(const v1::TransitionArrangementAdopted& arrangement,
                                     const v1::ContractRecord& contract) {
  const std::string of = absl::StrCat(" of transition arrangement '", arrangement.arrangement_id(),
                                      "'");
  if (!contract.tender_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tender_id: a contract under transition arrangement '", arrangement.arrangement_id(),
        "' continues existing care without a tender, got '", contract.tender_id(), "'"));
  }
  if (!Holds(arrangement.focus_providers(), contract.provider_id())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "provider_id: '", contract.provider_id(), "' is not a focus provider", of,
        " (expected one of: ", absl::StrJoin(arrangement.focus_providers(), ", "), ")"));
  }
  if (!Holds(arrangement.lots(), contract.lot())) {
    return absl::FailedPreconditionError(
        absl::StrCat("lot: '", contract.lot(), "' is not a lot", of,
                     " (expected one of: ", absl::StrJoin(arrangement.lots(), ", "), ")"));
  }
  // Stored dates compare as text (YYYY-MM-DD).
  if (contract.term_start() < arrangement.period_start() ||
      contract.term_end() > arrangement.period_end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "term: ", contract.term_start(), " to ", contract.term_end(), " is not within the period",
        of, " (", arrangement.period_start(), " to ", arrangement.period_end(), ")"));
  }
  return absl::OkStatus();
}

}  // namespace inkoop
