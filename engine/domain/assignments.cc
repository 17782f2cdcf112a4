#include "engine/domain/assignments.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/claims.h"
#include "engine/domain/commitment.h"
#include "engine/domain/framework.h"
#include "engine/domain/membership.h"
#include "engine/domain/money.h"
#include "engine/domain/registration.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

// What an assignment (or a request for one) asks for, as checked.
struct Terms {
  std::string assignment_id;
  const v1::ContractRecord* contract = nullptr;
  std::string municipality;
  std::string client;
  std::string product_code;
  int64_t volume = 0;
  v1::Unit unit = v1::UNIT_UNSPECIFIED;
  std::string period_start;
  std::string period_end;
  int32_t year = 0;
  int64_t tariff_cents = 0;
  int64_t value_cents = 0;
};

absl::string_view StatusName(v1::AssignmentStatus status) {
  switch (status) {
    case v1::ASSIGNMENT_STATUS_REQUESTED:
      return "requested";
    case v1::ASSIGNMENT_STATUS_REFUSED:
      return "refused";
    case v1::ASSIGNMENT_STATUS_ASSIGNED:
      return "assigned";
    case v1::ASSIGNMENT_STATUS_STARTED:
      return "started";
    case v1::ASSIGNMENT_STATUS_STOPPED:
      return "stopped";
    default:
      return "unknown";
  }
}

absl::StatusOr<const v1::AssignmentRecord*> FindAssignment(const RegionState& state,
                                                          const std::string& assignment_id) {
  RETURN_IF_ERROR(RequireText(assignment_id, "assignment_id", "an assignment id"));
  auto it = state.assignments.find(assignment_id);
  if (it == state.assignments.end()) {
    return absl::NotFoundError(absl::StrCat("assignment_id: '", assignment_id,
                                            "' is not an assignment of region '", state.region,
                                            "'"));
  }
  return &it->second;
}

// The value of `units` at the assignment's tariff.
int64_t ValueOf(const v1::AssignmentRecord& assignment, int64_t units) {
  int64_t value = 0;
  // Volumes and tariffs were checked against overflow when assigned.
  if (__builtin_mul_overflow(units, assignment.tariff_cents(), &value)) return 0;
  return value;
}

int64_t AssignedOf(const v1::ContractRecord& contract, absl::string_view municipality,
                   int32_t year) {
  const v1::ClaimedYear* row = ClaimedOf(contract, municipality, year);
  return row == nullptr ? 0 : row->assigned_cents();
}

int64_t AssignedIn(const v1::ContractRecord& contract, int32_t year) {
  int64_t total = 0;
  for (const v1::ClaimedYear& row : contract.claimed()) {
    if (row.year() == year) total += row.assigned_cents();
  }
  return total;
}

// Checks what an assignment asks for against the contract, its ceiling
// and the municipality's plan. `fresh`: the id must be new.
absl::StatusOr<Terms> CheckTerms(const RegionState& state, Terms terms, bool fresh) {
  RETURN_IF_ERROR(RequireText(terms.assignment_id, "assignment_id", "an assignment id"));
  if (fresh && state.assignments.contains(terms.assignment_id)) {
    return absl::AlreadyExistsError(
        absl::StrCat("assignment_id: '", terms.assignment_id, "' is already used in region '",
                     state.region, "'"));
  }
  const v1::ContractRecord& contract = *terms.contract;
  const std::string of = absl::StrCat(" on contract '", contract.contract_id(), "'");
  if (contract.status() != v1::CONTRACT_STATUS_ACTIVE) {
    return absl::FailedPreconditionError(absl::StrCat(
        "contract '", contract.contract_id(), "' is ", ContractStatusName(contract.status()),
        "; care is assigned only on an active contract"));
  }
  if (auto provider = state.providers.find(contract.provider_id());
      provider != state.providers.end() && provider->second.failed()) {
    return absl::FailedPreconditionError(
        absl::StrCat("provider '", contract.provider_id(), "' of contract '",
                     contract.contract_id(), "' failed on ", provider->second.failed_on(),
                     "; assign the client to a contract that continues the care"));
  }
  RETURN_IF_ERROR(RequireText(terms.municipality, "municipality", "a municipality"));
  if (absl::StatusOr<absl::CivilDay> first = ParseDate(terms.period_start, "period_start");
      first.ok()) {
    RETURN_IF_ERROR(RequireMemberOn(state, terms.municipality, *first));
  }
  const bool own_ceiling = HasCeiling(contract, terms.municipality);
  const bool region_wide = contract.region_ceiling_cents() > 0;
  if (region_wide && !own_ceiling) {
    RETURN_IF_ERROR(RequireMunicipality(state, terms.municipality));
  } else if (!own_ceiling) {
    return absl::FailedPreconditionError(absl::StrCat("municipality: '", terms.municipality,
                                                      "' has no ceiling", of));
  }
  RETURN_IF_ERROR(RequireText(terms.client, "client", "the client's pseudonym"));
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(terms.period_start, terms.period_end));
  if (period.start.year() != period.end.year()) {
    return absl::InvalidArgumentError(
        absl::StrCat("period ", terms.period_start, "..", terms.period_end,
                     ": expected one calendar year; assign each year separately"));
  }
  if (period.start < StoredDay(contract.term_start()) ||
      period.end > StoredDay(contract.term_end())) {
    return absl::FailedPreconditionError(
        absl::StrCat("period ", terms.period_start, "..", terms.period_end,
                     " lies outside the term ", contract.term_start(), "..", contract.term_end(),
                     of));
  }
  if (!contract.ends_on().empty() && period.end >= StoredDay(contract.ends_on())) {
    return absl::FailedPreconditionError(
        absl::StrCat("period ", terms.period_start, "..", terms.period_end, " reaches ",
                     contract.ends_on(), ", when contract '", contract.contract_id(), "' ends"));
  }
  terms.year = static_cast<int32_t>(period.start.year());
  if (const YearBudget* budget = FindYearBudget(state, terms.municipality, terms.year);
      budget != nullptr && budget->closed) {
    return absl::FailedPreconditionError(absl::StrCat(
        terms.municipality, " ", terms.year, ": the year is closed; no care is assigned in it"));
  }
  RETURN_IF_ERROR(RequireText(terms.product_code, "product_code", "a product code"));
  const v1::Tariff* tariff = FindTariff(contract, terms.product_code);
  const bool per_unit = contract.funding_model() == v1::FUNDING_MODEL_PER_UNIT;
  if (tariff == nullptr && (per_unit || !contract.tariffs().empty())) {
    return absl::FailedPreconditionError(absl::StrCat("product_code: '", terms.product_code,
                                                      "' has no tariff", of));
  }
  if (tariff != nullptr) {
    if (terms.unit == v1::UNIT_UNSPECIFIED) {
      terms.unit = tariff->unit();
    } else if (tariff->unit() != v1::UNIT_UNSPECIFIED && terms.unit != tariff->unit()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unit: product '", terms.product_code, "' is contracted in ",
          v1::Unit_Name(tariff->unit()), ", got ", v1::Unit_Name(terms.unit)));
    }
  }
  if (per_unit) {
    if (terms.volume <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "volume: expected the units assigned (> 0) on per-unit contract '",
          contract.contract_id(), "', got ", terms.volume));
    }
    terms.tariff_cents = tariff->tariff_cents();
    if (__builtin_mul_overflow(terms.volume, terms.tariff_cents, &terms.value_cents)) {
      return absl::InvalidArgumentError(absl::StrCat("volume: ", terms.volume, " units x ",
                                                     FormatCents(terms.tariff_cents),
                                                     " overflows the cent range"));
    }
  } else if (terms.volume < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("volume: expected 0 or more units, got ", terms.volume));
  }
  if (terms.value_cents == 0) return terms;
  if (own_ceiling) {
    const int64_t ceiling = CapOf(contract, terms.municipality, terms.year);
    const int64_t assigned = AssignedOf(contract, terms.municipality, terms.year);
    if (terms.value_cents > ceiling - assigned) {
      return absl::FailedPreconditionError(absl::StrCat(
          "volume: ", terms.volume, " units x ", FormatCents(terms.tariff_cents), " = ",
          FormatCents(terms.value_cents), " exceeds what the ceiling ", FormatCents(ceiling),
          " of ", terms.municipality, " ", terms.year, of, " has left after ",
          FormatCents(assigned), " assigned (", FormatCents(ceiling - assigned), ")"));
    }
  }
  if (region_wide) {
    const int64_t region_cap = RegionCapOf(contract, terms.year);
    const int64_t assigned = AssignedIn(contract, terms.year);
    if (terms.value_cents > region_cap - assigned) {
      return absl::FailedPreconditionError(absl::StrCat(
          "volume: ", FormatCents(terms.value_cents), " exceeds what the region ceiling ",
          FormatCents(region_cap), " in ", terms.year, of, " has left after ",
          FormatCents(assigned), " assigned by all members"));
    }
    if (!own_ceiling) {
      if (absl::Status room =
              CheckCommit(state, terms.municipality, terms.year, contract.lot(), terms.value_cents);
          !room.ok()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "volume: ", FormatCents(terms.value_cents), " for ", terms.municipality,
            " on region-wide contract '", contract.contract_id(),
            "' does not fit its plan: ", room.message()));
      }
    }
  }
  return terms;
}

template <typename Body>
Terms TermsOf(const Body& body, const v1::ContractRecord* contract) {
  Terms terms;
  terms.assignment_id = body.assignment_id();
  terms.contract = contract;
  terms.municipality = body.municipality();
  terms.client = body.client();
  terms.product_code = body.product_code();
  terms.volume = body.volume();
  terms.unit = body.unit();
  terms.period_start = body.period_start();
  terms.period_end = body.period_end();
  return terms;
}

v1::Event Assigned(const Terms& terms, bool answers_request) {
  v1::Event event;
  v1::CareAssigned& assigned = *event.mutable_care_assigned();
  assigned.set_assignment_id(terms.assignment_id);
  assigned.set_contract_id(terms.contract->contract_id());
  assigned.set_provider_id(terms.contract->provider_id());
  assigned.set_municipality(terms.municipality);
  assigned.set_client(terms.client);
  assigned.set_lot(terms.contract->lot());
  assigned.set_product_code(terms.product_code);
  assigned.set_volume(terms.volume);
  assigned.set_unit(terms.unit);
  assigned.set_period_start(terms.period_start);
  assigned.set_period_end(terms.period_end);
  assigned.set_tariff_cents(terms.tariff_cents);
  assigned.set_value_cents(terms.value_cents);
  assigned.set_answers_request(answers_request);
  return event;
}

// The provider of the assignment itself acts.
absl::Status RequireOwnAssignment(const v1::Actor& actor, const v1::AssignmentRecord& assignment,
                                  absl::string_view action) {
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_PROVIDER, action));
  if (actor.id() != assignment.provider_id()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role rule: only provider '", assignment.provider_id(), "' of assignment '",
        assignment.assignment_id(), "' may ", action, "; actor is provider '", actor.id(), "'"));
  }
  return absl::OkStatus();
}

absl::Status RequireStatus(const v1::AssignmentRecord& assignment, v1::AssignmentStatus status,
                           absl::string_view action) {
  if (assignment.status() == status) return absl::OkStatus();
  std::string detail;
  if (assignment.status() == v1::ASSIGNMENT_STATUS_STARTED) {
    detail = absl::StrCat(" (care started on ", assignment.started_on(), ")");
  } else if (assignment.status() == v1::ASSIGNMENT_STATUS_STOPPED) {
    detail = absl::StrCat(" (care ended on ", assignment.stopped_on(), ")");
  }
  return absl::FailedPreconditionError(
      absl::StrCat("assignment '", assignment.assignment_id(), "' is ",
                   StatusName(assignment.status()), detail, "; to ", action, " it must be ",
                   StatusName(status)));
}

absl::StatusOr<absl::CivilDay> DayInPeriod(const v1::AssignmentRecord& assignment,
                                           const std::string& text, absl::string_view field,
                                           absl::CivilDay today) {
  ASSIGN_OR_RETURN(const absl::CivilDay day, ParseDate(text, field));
  if (day < StoredDay(assignment.period_start()) || day > StoredDay(assignment.period_end())) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": ", text, " lies outside the period ", assignment.period_start(), "..",
        assignment.period_end(), " of assignment '", assignment.assignment_id(), "'"));
  }
  if (day > today) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": ", text, " is after today (", FormatDate(today),
        "); a start or stop is registered once it happened"));
  }
  return day;
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> DecideRequestAssignment(const RegionState& state,
                                                               const v1::Command& command) {
  const v1::RequestAssignment& request = command.request_assignment();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_PROVIDER, "request an assignment"));
  RETURN_IF_ERROR(RequireText(request.contract_id(), "contract_id", "a contract id"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, request.contract_id()));
  if (command.actor().id() != contract->provider_id()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role rule: a provider requests assignments only on its own contracts; contract '",
        contract->contract_id(), "' belongs to provider '", contract->provider_id(),
        "', actor is provider '", command.actor().id(), "'"));
  }
  ASSIGN_OR_RETURN(const Terms terms, CheckTerms(state, TermsOf(request, contract), true));
  v1::Event event;
  v1::AssignmentRequested& requested = *event.mutable_assignment_requested();
  requested.set_assignment_id(terms.assignment_id);
  requested.set_contract_id(contract->contract_id());
  requested.set_provider_id(contract->provider_id());
  requested.set_municipality(terms.municipality);
  requested.set_client(terms.client);
  requested.set_lot(contract->lot());
  requested.set_product_code(terms.product_code);
  requested.set_volume(terms.volume);
  requested.set_unit(terms.unit);
  requested.set_period_start(terms.period_start);
  requested.set_period_end(terms.period_end);
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideAssignCare(const RegionState& state,
                                                        const v1::Command& command) {
  const v1::AssignCare& assign = command.assign_care();
  RETURN_IF_ERROR(RequireText(assign.municipality(), "municipality", "a municipality"));
  RETURN_IF_ERROR(RequireOwnMunicipality(command.actor(), assign.municipality(), "assign care"));
  RETURN_IF_ERROR(RequireText(assign.contract_id(), "contract_id", "a contract id"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, assign.contract_id()));
  ASSIGN_OR_RETURN(const Terms terms, CheckTerms(state, TermsOf(assign, contract), true));
  return OneEvent(Assigned(terms, /*answers_request=*/false));
}

absl::StatusOr<std::vector<v1::Event>> DecideGrantAssignment(const RegionState& state,
                                                             const v1::Command& command) {
  ASSIGN_OR_RETURN(const v1::AssignmentRecord* request,
                   FindAssignment(state, command.grant_assignment().assignment_id()));
  RETURN_IF_ERROR(
      RequireOwnMunicipality(command.actor(), request->municipality(),
                             absl::StrCat("grant the request '", request->assignment_id(), "'")));
  RETURN_IF_ERROR(RequireStatus(*request, v1::ASSIGNMENT_STATUS_REQUESTED, "grant"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract,
                   FindContract(state, request->contract_id()));
  ASSIGN_OR_RETURN(const Terms terms, CheckTerms(state, TermsOf(*request, contract), false));
  return OneEvent(Assigned(terms, /*answers_request=*/true));
}

absl::StatusOr<std::vector<v1::Event>> DecideRefuseAssignment(const RegionState& state,
                                                              const v1::Command& command) {
  const v1::RefuseAssignment& refuse = command.refuse_assignment();
  ASSIGN_OR_RETURN(const v1::AssignmentRecord* request,
                   FindAssignment(state, refuse.assignment_id()));
  RETURN_IF_ERROR(
      RequireOwnMunicipality(command.actor(), request->municipality(),
                             absl::StrCat("refuse the request '", request->assignment_id(), "'")));
  RETURN_IF_ERROR(RequireStatus(*request, v1::ASSIGNMENT_STATUS_REQUESTED, "refuse"));
  RETURN_IF_ERROR(RequireText(refuse.reason(), "reason", "why the request is refused"));
  v1::Event event;
  v1::AssignmentRefused& refused = *event.mutable_assignment_refused();
  refused.set_assignment_id(request->assignment_id());
  refused.set_municipality(request->municipality());
  refused.set_provider_id(request->provider_id());
  refused.set_reason(refuse.reason());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideStartCare(const RegionState& state,
                                                       const v1::Command& command) {
  const v1::StartCare& start = command.start_care();
  ASSIGN_OR_RETURN(const v1::AssignmentRecord* assignment,
                   FindAssignment(state, start.assignment_id()));
  RETURN_IF_ERROR(RequireOwnAssignment(command.actor(), *assignment, "register its start"));
  RETURN_IF_ERROR(RequireStatus(*assignment, v1::ASSIGNMENT_STATUS_ASSIGNED, "start care on"));
  ASSIGN_OR_RETURN(const absl::CivilDay day, DayInPeriod(*assignment, start.start_date(),
                                                        "start_date", CommandDay(command)));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, assignment->contract_id()));
  v1::Event event;
  v1::CareStarted& started = *event.mutable_care_started();
  started.set_assignment_id(assignment->assignment_id());
  started.set_contract_id(assignment->contract_id());
  started.set_provider_id(assignment->provider_id());
  started.set_product_code(assignment->product_code());
  started.set_start_date(start.start_date());
  started.set_registered_on(FormatDate(CommandDay(command)));
  started.set_days_late(DaysLate(day, CommandDay(command), RegistrationDays(*contract)));
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideStopCare(const RegionState& state,
                                                      const v1::Command& command) {
  const v1::StopCare& stop = command.stop_care();
  ASSIGN_OR_RETURN(const v1::AssignmentRecord* assignment,
                   FindAssignment(state, stop.assignment_id()));
  RETURN_IF_ERROR(RequireOwnAssignment(command.actor(), *assignment, "register its stop"));
  RETURN_IF_ERROR(RequireStatus(*assignment, v1::ASSIGNMENT_STATUS_STARTED, "stop care on"));
  ASSIGN_OR_RETURN(const absl::CivilDay end,
                   DayInPeriod(*assignment, stop.end_date(), "end_date", CommandDay(command)));
  if (end < StoredDay(assignment->started_on())) {
    return absl::FailedPreconditionError(
        absl::StrCat("end_date: ", stop.end_date(), " is before the start ",
                     assignment->started_on(), " of assignment '", assignment->assignment_id(),
                     "'"));
  }
  if (!assignment->last_claimed_day().empty() &&
      end < StoredDay(assignment->last_claimed_day())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "end_date: ", stop.end_date(), " is before ", assignment->last_claimed_day(),
        ", the last day already claimed under assignment '", assignment->assignment_id(), "'"));
  }
  if (stop.reason() == v1::CARE_END_REASON_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "reason: expected why care ended (as_planned, early_by_agreement, by_client, "
        "by_provider, external), got none");
  }
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, assignment->contract_id()));
  v1::Event event;
  v1::CareStopped& stopped = *event.mutable_care_stopped();
  stopped.set_assignment_id(assignment->assignment_id());
  stopped.set_contract_id(assignment->contract_id());
  stopped.set_provider_id(assignment->provider_id());
  stopped.set_product_code(assignment->product_code());
  stopped.set_start_date(assignment->started_on());
  stopped.set_end_date(stop.end_date());
  stopped.set_reason(stop.reason());
  stopped.set_released_cents(
      ValueOf(*assignment, std::max<int64_t>(0, assignment->volume() - assignment->claimed_units())));
  stopped.set_registered_on(FormatDate(CommandDay(command)));
  stopped.set_days_late(DaysLate(end, CommandDay(command), RegistrationDays(*contract)));
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideSwitchProvider(const RegionState& state,
                                                            const v1::Command& command) {
  const v1::SwitchProvider& to = command.switch_provider();
  ASSIGN_OR_RETURN(const v1::AssignmentRecord* from, FindAssignment(state, to.assignment_id()));
  RETURN_IF_ERROR(RequireOwnMunicipality(
      command.actor(), from->municipality(),
      absl::StrCat("switch the provider of assignment '", from->assignment_id(), "'")));
  RETURN_IF_ERROR(RequireStatus(*from, v1::ASSIGNMENT_STATUS_STARTED, "switch provider on"));
  RETURN_IF_ERROR(RequireText(to.to_contract_id(), "to_contract_id", "the contract to move to"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* target, FindContract(state, to.to_contract_id()));
  if (target->contract_id() == from->contract_id()) {
    return absl::InvalidArgumentError(absl::StrCat("to_contract_id: the client of '",
                                                   from->assignment_id(), "' is on contract '",
                                                   target->contract_id(), "' already"));
  }
  if (target->lot() != from->lot() ||
      (!HasCeiling(*target, from->municipality()) && target->region_ceiling_cents() == 0)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "to_contract_id: contract '", target->contract_id(), "' of provider '",
        target->provider_id(), "' is not a contract for lot '", from->lot(), "' and ",
        from->municipality(), " (its lot is '", target->lot(), "'",
        HasCeiling(*target, from->municipality()) ? "" : ", with no ceiling for the municipality",
        ")"));
  }
  ASSIGN_OR_RETURN(const absl::CivilDay day,
                   DayInPeriod(*from, to.switch_date(), "switch_date", CommandDay(command)));
  const absl::CivilDay last = day - 1;
  if (last < StoredDay(from->started_on())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "switch_date: ", to.switch_date(), " is not after the start ", from->started_on(),
        " of assignment '", from->assignment_id(), "'"));
  }
  if (!from->last_claimed_day().empty() && last < StoredDay(from->last_claimed_day())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "switch_date: care up to ", from->last_claimed_day(), " is claimed under assignment '",
        from->assignment_id(), "'; the switch takes effect after that"));
  }
  const int64_t left = std::max<int64_t>(0, from->volume() - from->claimed_units());
  if (from->volume() > 0 && left == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "assignment '", from->assignment_id(), "' has no volume left to move (", from->volume(),
        " claimed); assign new care instead"));
  }
  Terms terms;
  terms.assignment_id = to.new_assignment_id();
  terms.contract = target;
  terms.municipality = from->municipality();
  terms.client = from->client();
  terms.product_code = from->product_code();
  terms.volume = left;
  terms.unit = from->unit();
  terms.period_start = FormatDate(day);
  terms.period_end = from->period_end();
  ASSIGN_OR_RETURN(terms, CheckTerms(state, std::move(terms), /*fresh=*/true));

  std::vector<v1::Event> events(3);
  v1::CareStopped& stopped = *events[0].mutable_care_stopped();
  stopped.set_assignment_id(from->assignment_id());
  stopped.set_contract_id(from->contract_id());
  stopped.set_provider_id(from->provider_id());
  stopped.set_product_code(from->product_code());
  stopped.set_start_date(from->started_on());
  stopped.set_end_date(FormatDate(last));
  stopped.set_reason(v1::CARE_END_REASON_BY_CLIENT);
  stopped.set_released_cents(ValueOf(*from, left));
  // The municipality registers both with the switch: no duty of a provider.
  stopped.set_registered_on(FormatDate(CommandDay(command)));
  events[1] = Assigned(terms, /*answers_request=*/false);
  events[1].mutable_care_assigned()->set_switched_from(from->assignment_id());
  v1::CareStarted& started = *events[2].mutable_care_started();
  started.set_assignment_id(terms.assignment_id);
  started.set_contract_id(target->contract_id());
  started.set_provider_id(target->provider_id());
  started.set_product_code(terms.product_code);
  started.set_start_date(terms.period_start);
  started.set_registered_on(FormatDate(CommandDay(command)));
  return events;
}

absl::Status RequireClaimableUnder(const RegionState& state, const v1::ContractRecord& contract,
                                   const std::string& assignment_id,
                                   const std::string& municipality,
                                   const std::string& product_code, const Period& period,
                                   int64_t units) {
  ASSIGN_OR_RETURN(const v1::AssignmentRecord* assignment, FindAssignment(state, assignment_id));
  const std::string named = absl::StrCat("assignment '", assignment_id, "'");
  if (assignment->contract_id() != contract.contract_id() ||
      assignment->municipality() != municipality || assignment->product_code() != product_code) {
    return absl::FailedPreconditionError(absl::StrCat(
        named, " is for product '", assignment->product_code(), "' of contract '",
        assignment->contract_id(), "' for ", assignment->municipality(), "; the claim is for '",
        product_code, "' of contract '", contract.contract_id(), "' for ", municipality));
  }
  if (assignment->status() != v1::ASSIGNMENT_STATUS_STARTED &&
      assignment->status() != v1::ASSIGNMENT_STATUS_STOPPED) {
    return absl::FailedPreconditionError(absl::StrCat(
        named, " is ", StatusName(assignment->status()),
        ": care is claimed after its start is registered (start_care, iJw JW305)"));
  }
  const std::string what =
      absl::StrCat("period ", FormatDate(period.start), "..", FormatDate(period.end));
  if (period.start < StoredDay(assignment->started_on()) ||
      period.end > StoredDay(assignment->period_end())) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " lies outside ", named, ": care from its start ", assignment->started_on(),
        " to ", assignment->period_end()));
  }
  if (assignment->status() == v1::ASSIGNMENT_STATUS_STOPPED &&
      period.end > StoredDay(assignment->stopped_on())) {
    return absl::FailedPreconditionError(absl::StrCat(what, " reaches past the stop of ", named,
                                                      ": care ended on ",
                                                      assignment->stopped_on()));
  }
  const int64_t left = assignment->volume() - assignment->claimed_units();
  if (assignment->volume() > 0 && units > left) {
    return absl::FailedPreconditionError(absl::StrCat(
        "units: ", units, " exceed the volume left on ", named, " (",
        assignment->period_start(), "..", assignment->period_end(), "): ", left, " of ",
        assignment->volume(), " ", v1::Unit_Name(assignment->unit())));
  }
  return absl::OkStatus();
}

namespace {

// The terms both a request and an assignment carry, by the same names.
template <typename Event>
void SetTerms(v1::AssignmentRecord& record, const Event& event) {
  record.set_assignment_id(event.assignment_id());
  record.set_contract_id(event.contract_id());
  record.set_provider_id(event.provider_id());
  record.set_municipality(event.municipality());
  record.set_client(event.client());
  record.set_lot(event.lot());
  record.set_product_code(event.product_code());
  record.set_volume(event.volume());
  record.set_unit(event.unit());
  record.set_period_start(event.period_start());
  record.set_period_end(event.period_end());
}

// Adds `cents` (may be negative) to what is assigned on the assignment's
// contract row.
void AddAssigned(RegionState& state, const v1::AssignmentRecord& assignment, int64_t cents) {
  if (cents == 0) return;
  auto contract = state.contracts.find(assignment.contract_id());
  if (contract == state.contracts.end()) return;
  const auto year = static_cast<int32_t>(
      ParseDate(assignment.period_start(), "period_start").value_or(absl::CivilDay(0, 1, 1)).year());
  v1::ClaimedYear& row = MutableClaimed(contract->second, assignment.municipality(), year);
  row.set_assigned_cents(row.assigned_cents() + cents);
}

}  // namespace

void ApplyAssignmentRequested(RegionState& state, const v1::AssignmentRequested& event) {
  v1::AssignmentRecord& record = state.assignments[event.assignment_id()];
  record.Clear();
  SetTerms(record, event);
  record.set_requested(true);
  record.set_status(v1::ASSIGNMENT_STATUS_REQUESTED);
}

void ApplyCareAssigned(RegionState& state, const v1::CareAssigned& event) {
  v1::AssignmentRecord& record = state.assignments[event.assignment_id()];
  SetTerms(record, event);
  record.set_tariff_cents(event.tariff_cents());
  record.set_value_cents(event.value_cents());
  record.set_requested(event.answers_request());
  record.set_status(v1::ASSIGNMENT_STATUS_ASSIGNED);
  record.set_switched_from(event.switched_from());
  AddAssigned(state, record, event.value_cents());
}

void ApplyAssignmentRefused(RegionState& state, const v1::AssignmentRefused& event) {
  auto it = state.assignments.find(event.assignment_id());
  if (it == state.assignments.end()) return;
  it->second.set_status(v1::ASSIGNMENT_STATUS_REFUSED);
  it->second.set_refusal_reason(event.reason());
}

void ApplyCareStarted(RegionState& state, const v1::CareStarted& event) {
  auto it = state.assignments.find(event.assignment_id());
  if (it == state.assignments.end()) return;
  it->second.set_status(v1::ASSIGNMENT_STATUS_STARTED);
  it->second.set_started_on(event.start_date());
  auto contract = state.contracts.find(event.contract_id());
  if (contract != state.contracts.end()) CountStart(contract->second, event);
}

void ApplyCareStopped(RegionState& state, const v1::CareStopped& event) {
  auto it = state.assignments.find(event.assignment_id());
  if (it == state.assignments.end()) return;
  it->second.set_status(v1::ASSIGNMENT_STATUS_STOPPED);
  it->second.set_stopped_on(event.end_date());
  it->second.set_end_reason(event.reason());
  AddAssigned(state, it->second, -event.released_cents());
  auto contract = state.contracts.find(event.contract_id());
  if (contract != state.contracts.end()) CountStop(contract->second, event);
}

void ApplyClaimOnAssignment(RegionState& state, const v1::ClaimRecorded& event) {
  if (event.assignment_id().empty()) return;
  auto it = state.assignments.find(event.assignment_id());
  if (it == state.assignments.end()) return;
  v1::AssignmentRecord& assignment = it->second;
  assignment.set_claimed_units(assignment.claimed_units() + event.units());
  if (event.period_end() > assignment.last_claimed_day()) {
    assignment.set_last_claimed_day(event.period_end());
  }
  // What the stop freed is taken again by a late claim for care before it.
  if (assignment.status() == v1::ASSIGNMENT_STATUS_STOPPED && assignment.volume() > 0) {
    AddAssigned(state, assignment, ValueOf(assignment, event.units()));
  }
}

}  // namespace inkoop
