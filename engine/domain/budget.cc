#include "engine/domain/budget.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/framework.h"
#include "engine/domain/membership.h"
#include "engine/domain/money.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/domain/tender.h"
#include "engine/status_macros.h"

namespace inkoop {

const YearBudget* FindYearBudget(const RegionState& state, absl::string_view municipality,
                                 int32_t year) {
  auto m = state.municipalities.find(municipality);
  if (m == state.municipalities.end()) return nullptr;
  auto y = m->second.years.find(year);
  if (y == m->second.years.end() || !y->second.budget_set) return nullptr;
  return &y->second;
}

// Planned, committed and reserved money are each bounded by the budget, so
// their sums cannot overflow.
int64_t PlannedTotal(const YearBudget& budget) {
  int64_t total = 0;
  for (const auto& [code, lot] : budget.lots) total += lot.planned_cents;
  return total;
}

int64_t CommittedTotal(const YearBudget& budget) {
  int64_t total = 0;
  for (const auto& [code, lot] : budget.lots) total += lot.committed_cents;
  return total;
}

int64_t ReservedTotal(const YearBudget& budget) {
  int64_t total = 0;
  for (const auto& [kind, cents] : budget.reservations) total += cents;
  return total;
}

int64_t SetAsideTotal(const YearBudget& budget) {
  return ReservedTotal(budget) + budget.fund_deposited_cents;
}

namespace {

// " (of which 1,000.00 in the fluctuation fund)" when some is.
std::string InFund(const YearBudget& budget) {
  if (budget.fund_deposited_cents == 0) return "";
  return absl::StrCat(" (of which ", FormatCents(budget.fund_deposited_cents),
                      " in the fluctuation fund)");
}

}  // namespace

absl::Status CheckCommit(const RegionState& state, absl::string_view municipality, int32_t year,
                         absl::string_view lot, int64_t delta) {
  if (delta <= 0) return absl::OkStatus();
  const YearBudget* budget = FindYearBudget(state, municipality, year);
  if (budget == nullptr || !budget->plan_submitted) {
    return absl::FailedPreconditionError(
        absl::StrCat("lot '", lot, "' of ", municipality, " ", year,
                     ": no local procurement plan for that year, so nothing can be committed"));
  }
  if (budget->closed) {
    return absl::FailedPreconditionError(
        absl::StrCat("lot '", lot, "' of ", municipality, " ", year, ": the year is closed"));
  }
  auto it = budget->lots.find(lot);
  const int64_t planned = it == budget->lots.end() ? 0 : it->second.planned_cents;
  const int64_t committed = it == budget->lots.end() ? 0 : it->second.committed_cents;
  if (delta > planned - committed) {
    return absl::FailedPreconditionError(absl::StrCat(
        "lot '", lot, "' of ", municipality, " ", year, ": ceiling ", FormatCents(delta),
        " would exceed the uncommitted budget ", FormatCents(planned - committed)));
  }
  return absl::OkStatus();
}

void ApplyCommit(RegionState& state, const std::string& municipality, int32_t year,
                 const std::string& lot, int64_t delta) {
  state.municipalities[municipality].years[year].lots[lot].committed_cents += delta;
}

absl::StatusOr<std::vector<v1::Event>> DecideSetBudget(const RegionState& state,
                                                       const v1::Actor& actor,
                                                       const v1::SetBudget& command) {
  RETURN_IF_ERROR(RequireMunicipality(state, command.municipality()));
  RETURN_IF_ERROR(RequireOwnMunicipality(actor, command.municipality(), "set its budget"));
  RETURN_IF_ERROR(RequireYearInPeriod(state, command.year()));
  RETURN_IF_ERROR(RequireMemberInYear(state, command.municipality(), command.year()));
  if (command.source() == v1::BUDGET_SOURCE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "source: expected where the budget comes from (e.g. BUDGET_SOURCE_MAY_CIRCULAR), got none");
  }
  RETURN_IF_ERROR(RequireNonNegative(command.amount_cents(), "amount_cents"));
  if (const YearBudget* current = FindYearBudget(state, command.municipality(), command.year())) {
    if (current->closed) {
      return absl::FailedPreconditionError(absl::StrCat("budget of ", command.municipality(), " ",
                                                        command.year(), ": the year is closed"));
    }
    const int64_t planned = PlannedTotal(*current) + SetAsideTotal(*current);
    const int64_t committed = CommittedTotal(*current);
    if (command.amount_cents() < planned) {
      return absl::FailedPreconditionError(absl::StrCat(
          "budget of ", command.municipality(), " ", command.year(), ": new amount ",
          FormatCents(command.amount_cents()), " would be below the planned and reserved ",
          FormatCents(planned), InFund(*current), "; revise the local plan first"));
    }
    if (command.amount_cents() < committed) {
      return absl::FailedPreconditionError(
          absl::StrCat("budget of ", command.municipality(), " ", command.year(), ": new amount ",
                       FormatCents(command.amount_cents()), " would be below the committed ",
                       FormatCents(committed)));
    }
  }
  v1::Event event;
  v1::BudgetSet& set = *event.mutable_budget_set();
  set.set_municipality(command.municipality());
  set.set_year(command.year());
  set.set_source(command.source());
  set.set_amount_cents(command.amount_cents());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideSubmitLocalPlan(const RegionState& state,
                                                             const v1::Actor& actor,
                                                             const v1::SubmitLocalPlan& command) {
  RETURN_IF_ERROR(RequireMunicipality(state, command.municipality()));
  RETURN_IF_ERROR(
      RequireOwnMunicipality(actor, command.municipality(), "submit its local procurement plan"));
  RETURN_IF_ERROR(RequireYearInPeriod(state, command.year()));
  RETURN_IF_ERROR(RequireMemberInYear(state, command.municipality(), command.year()));
  const YearBudget* budget = FindYearBudget(state, command.municipality(), command.year());
  if (budget == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("local plan of ", command.municipality(), " ", command.year(),
                     ": no budget set for that year; set_budget first"));
  }
  if (budget->closed) {
    return absl::FailedPreconditionError(absl::StrCat("local plan of ", command.municipality(), " ",
                                                      command.year(), ": the year is closed"));
  }
  if (command.lots().empty()) {
    return absl::InvalidArgumentError("lots: expected at least one lot amount, got none");
  }
  absl::flat_hash_set<absl::string_view> seen;
  int64_t total = 0;
  for (int i = 0; i < command.lots_size(); ++i) {
    const v1::LotAmount& lot = command.lots(i);
    const std::string field = absl::StrCat("lots[", i, "]");
    RETURN_IF_ERROR(RequireLot(state, lot.lot(), absl::StrCat(field, ".lot"), command.year()));
    if (!seen.insert(lot.lot()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".lot: '", lot.lot(), "' appears twice in the plan"));
    }
    RETURN_IF_ERROR(RequireNonNegative(lot.amount_cents(), absl::StrCat(field, ".amount_cents")));
    ASSIGN_OR_RETURN(total, AddCents(total, lot.amount_cents(), "lots"));
  }
  const int64_t reserved = SetAsideTotal(*budget);
  if (total > budget->budget_cents - reserved) {
    return absl::FailedPreconditionError(absl::StrCat(
        "local plan of ", command.municipality(), " ", command.year(), ": lots sum to ",
        FormatCents(total), ", which exceeds the budget ", FormatCents(budget->budget_cents),
        reserved > 0 ? absl::StrCat(" less the reserved ", FormatCents(reserved), InFund(*budget))
                     : ""));
  }
  // A plan may not take away money already committed to contracts.
  for (const auto& [code, lot] : budget->lots) {
    if (lot.committed_cents == 0) continue;
    int64_t planned = 0;
    for (const v1::LotAmount& amount : command.lots()) {
      if (amount.lot() == code) planned = amount.amount_cents();
    }
    if (planned < lot.committed_cents) {
      return absl::FailedPreconditionError(
          absl::StrCat("local plan of ", command.municipality(), " ", command.year(), ": lot '",
                       code, "' planned ", FormatCents(planned), " is below its committed ",
                       FormatCents(lot.committed_cents)));
    }
  }
  v1::Event event;
  v1::LocalPlanSubmitted& plan = *event.mutable_local_plan_submitted();
  plan.set_municipality(command.municipality());
  plan.set_year(command.year());
  *plan.mutable_lots() = command.lots();
  *plan.mutable_priorities() = command.priorities();
  return OneEvent(std::move(event));
}

void ApplyBudgetSet(RegionState& state, const v1::BudgetSet& event) {
  YearBudget& budget = state.municipalities[event.municipality()].years[event.year()];
  budget.budget_set = true;
  budget.source = event.source();
  budget.budget_cents = event.amount_cents();
}

void ApplyLocalPlanSubmitted(RegionState& state, const v1::LocalPlanSubmitted& event) {
  YearBudget& budget = state.municipalities[event.municipality()].years[event.year()];
  budget.plan_submitted = true;
  for (auto& [code, lot] : budget.lots) lot.planned_cents = 0;
  for (const v1::LotAmount& amount : event.lots()) {
    budget.lots[amount.lot()].planned_cents = amount.amount_cents();
  }
  budget.priorities.assign(event.priorities().begin(), event.priorities().end());
}

std::string Subject(absl::string_view what, absl::string_view municipality, int32_t year) {
  return absl::StrCat(what, " of ", municipality, " ", year);
}

// The year's budget, refused when none was set or the year is closed.
absl::StatusOr<const YearBudget*> OpenYearBudget(const RegionState& state,
                                                 absl::string_view subject,
                                                 absl::string_view municipality, int32_t year) {
  const YearBudget* budget = FindYearBudget(state, municipality, year);
  if (budget == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(subject, ": no budget set for that year; set_budget first"));
  }
  if (budget->closed) {
    return absl::FailedPreconditionError(absl::StrCat(subject, ": the year is closed"));
  }
  return budget;
}

absl::StatusOr<std::vector<v1::Event>> DecideReserveLocalParts(
    const RegionState& state, const v1::Actor& actor, const v1::ReserveLocalParts& command) {
  RETURN_IF_ERROR(RequireMunicipality(state, command.municipality()));
  RETURN_IF_ERROR(
      RequireOwnMunicipality(actor, command.municipality(), "reserve parts of its budget"));
  RETURN_IF_ERROR(RequireYearInPeriod(state, command.year()));
  RETURN_IF_ERROR(RequireMemberInYear(state, command.municipality(), command.year()));
  absl::flat_hash_set<int> kinds;
  int64_t reserved = 0;
  for (int i = 0; i < command.reservations_size(); ++i) {
    const v1::Reservation& reservation = command.reservations(i);
    const std::string field = absl::StrCat("reservations[", i, "]");
    if (reservation.kind() == v1::RESERVATION_KIND_UNSPECIFIED ||
        !v1::ReservationKind_IsValid(reservation.kind())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field,
                       ".kind: expected a reservation kind (e.g. "
                       "RESERVATION_KIND_PERSONAL_BUDGETS), got ",
                       reservation.kind() == v1::RESERVATION_KIND_UNSPECIFIED
                           ? std::string("unspecified")
                           : absl::StrCat(static_cast<int>(reservation.kind()))));
    }
    if (!kinds.insert(reservation.kind()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".kind: ", v1::ReservationKind_Name(reservation.kind()),
                       " appears twice in the reservations"));
    }
    RETURN_IF_ERROR(
        RequireNonNegative(reservation.amount_cents(), absl::StrCat(field, ".amount_cents")));
    ASSIGN_OR_RETURN(reserved, AddCents(reserved, reservation.amount_cents(), "reservations"));
  }
  const std::string subject = Subject("reservations", command.municipality(), command.year());
  ASSIGN_OR_RETURN(const YearBudget* budget,
                   OpenYearBudget(state, subject, command.municipality(), command.year()));
  const int64_t planned = PlannedTotal(*budget) + budget->fund_deposited_cents;
  ASSIGN_OR_RETURN(const int64_t total, AddCents(reserved, planned, "reservations"));
  if (total > budget->budget_cents) {
    return absl::FailedPreconditionError(absl::StrCat(
        subject, ": ", FormatCents(reserved), " reserved plus ", FormatCents(planned), " planned",
        budget->fund_deposited_cents > 0 ? " and in the fluctuation fund" : "",
        " would exceed the budget ", FormatCents(budget->budget_cents)));
  }
  v1::Event event;
  v1::LocalPartsReserved& reserved_event = *event.mutable_local_parts_reserved();
  reserved_event.set_municipality(command.municipality());
  reserved_event.set_year(command.year());
  *reserved_event.mutable_reservations() = command.reservations();
  return OneEvent(std::move(event));
}

namespace {

using Exclusions = google::protobuf::RepeatedPtrField<v1::PlanExclusion>;

// The purchase order of `year` from the local plans: every member
// municipality has a plan or an exclusion with a reason; the regional lots'
// plans summed.
absl::Status SumPlans(const RegionState& state, int32_t year, const Exclusions& exclusions,
                      google::protobuf::RepeatedPtrField<v1::LotAmount>& lots,
                      google::protobuf::RepeatedPtrField<std::string>& municipalities) {
  const std::string subject = absl::StrCat("purchase order ", year);
  absl::flat_hash_set<std::string> excluded;
  for (int i = 0; i < exclusions.size(); ++i) {
    const v1::PlanExclusion& exclusion = exclusions[i];
    const std::string field = absl::StrCat("exclusions[", i, "]");
    if (absl::Status known = RequireMunicipality(state, exclusion.municipality()); !known.ok()) {
      return absl::Status(known.code(), absl::StrCat(field, ".", known.message()));
    }
    RETURN_IF_ERROR(RequireText(exclusion.reason(), absl::StrCat(field, ".reason"),
                                absl::StrCat("why ", exclusion.municipality(),
                                             " is left out of the purchase order")));
    if (!excluded.insert(exclusion.municipality()).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".municipality: '",
                                                     exclusion.municipality(), "' appears twice"));
    }
  }
  std::vector<const YearBudget*> plans;
  std::vector<std::string> missing;
  // The members and lots of the year's framework; its municipalities are
  // ordered by name, so the lists come out sorted.
  const Framework& framework = FrameworkOfYear(state, year);
  for (const std::string& name : framework.municipalities) {
    if (excluded.contains(name)) continue;
    const YearBudget* budget = FindYearBudget(state, name, year);
    if (budget == nullptr || !budget->plan_submitted) {
      missing.push_back(name);
      continue;
    }
    plans.push_back(budget);
    municipalities.Add(std::string(name));
  }
  if (!missing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        subject, ": no local plan of ", absl::StrJoin(missing, ", "), " for ", year,
        "; every member municipality submits its plan or is excluded with a reason"));
  }
  if (plans.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(subject, ": every municipality is excluded; there is nothing to buy"));
  }
  for (const LotInfo* lot : LotsInOrder(framework)) {
    if (!IsRegionalLot(framework, lot->code)) continue;
    int64_t total = 0;
    for (const YearBudget* budget : plans) {
      auto it = budget->lots.find(lot->code);
      if (it == budget->lots.end()) continue;
      ASSIGN_OR_RETURN(total, AddCents(total, it->second.planned_cents,
                                       absl::StrCat(subject, " lot '", lot->code, "'")));
    }
    v1::LotAmount& amount = *lots.Add();
    amount.set_lot(lot->code);
    amount.set_amount_cents(total);
  }
  return absl::OkStatus();
}

// A tender of `year` that is not cancelled, if any: it draws on the order.
const v1::TenderRecord* TenderDrawingOn(const RegionState& state, int32_t year) {
  for (const auto& [id, tender] : state.tenders) {
    if (tender.year() == year && tender.status() != v1::TENDER_STATUS_CANCELLED) return &tender;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> DecideIssuePurchaseOrder(
    const RegionState& state, const v1::Actor& actor, const v1::IssuePurchaseOrder& command) {
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_BUREAU, "issue a purchase order"));
  RETURN_IF_ERROR(RequireYearInPeriod(state, command.year()));
  if (state.purchase_orders.contains(command.year())) {
    if (const v1::TenderRecord* tender = TenderDrawingOn(state, command.year())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "purchase order ", command.year(), " is frozen: tender '", tender->tender_id(),
          "' draws on it; change it with amend_purchase_order"));
    }
  }
  v1::Event event;
  v1::PurchaseOrderIssued& order = *event.mutable_purchase_order_issued();
  order.set_year(command.year());
  RETURN_IF_ERROR(SumPlans(state, command.year(), command.exclusions(), *order.mutable_lots(),
                           *order.mutable_municipalities()));
  *order.mutable_exclusions() = command.exclusions();
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideAmendPurchaseOrder(
    const RegionState& state, const v1::Actor& actor, const v1::AmendPurchaseOrder& command) {
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_BUREAU, "amend a purchase order"));
  RETURN_IF_ERROR(RequireYearInPeriod(state, command.year()));
  if (!state.purchase_orders.contains(command.year())) {
    return absl::FailedPreconditionError(absl::StrCat("year: no purchase order issued for ",
                                                      command.year(), "; issue_purchase_order first"));
  }
  RETURN_IF_ERROR(RequireText(command.reason(), "reason", "why the purchase order changes"));
  v1::Event event;
  v1::PurchaseOrderAmended& order = *event.mutable_purchase_order_amended();
  order.set_year(command.year());
  RETURN_IF_ERROR(SumPlans(state, command.year(), command.exclusions(), *order.mutable_lots(),
                           *order.mutable_municipalities()));
  for (const v1::LotAmount& amount : order.lots()) {
    const int64_t drawn = DrawnOn(state, amount.lot(), command.year());
    if (amount.amount_cents() < drawn) {
      return absl::FailedPreconditionError(absl::StrCat(
          "purchase order ", command.year(), " lot '", amount.lot(), "': the plans now sum to ",
          FormatCents(amount.amount_cents()), ", below the ", FormatCents(drawn),
          " its tenders draw"));
    }
  }
  *order.mutable_exclusions() = command.exclusions();
  order.set_reason(command.reason());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideShiftBudget(const RegionState& state,
                                                         const v1::Actor& actor,
                                                         const v1::ShiftBudget& command) {
  RETURN_IF_ERROR(RequireMunicipality(state, command.municipality()));
  RETURN_IF_ERROR(RequireOwnMunicipality(actor, command.municipality(), "shift its budget"));
  RETURN_IF_ERROR(RequireYearInPeriod(state, command.year()));
  RETURN_IF_ERROR(RequireLot(state, command.from_lot(), "from_lot", command.year()));
  RETURN_IF_ERROR(RequireLot(state, command.to_lot(), "to_lot", command.year()));
  if (command.from_lot() == command.to_lot()) {
    return absl::InvalidArgumentError(absl::StrCat("to_lot: expected a lot other than from_lot '",
                                                   command.from_lot(), "', got '", command.to_lot(),
                                                   "'"));
  }
  if (command.amount_cents() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("amount_cents: expected an amount > 0.00, got ",
                                                   FormatCents(command.amount_cents())));
  }
  RETURN_IF_ERROR(RequireText(command.reason(), "reason", "why the budget shifts"));
  const std::string subject = Subject("budget shift", command.municipality(), command.year());
  ASSIGN_OR_RETURN(const YearBudget* budget,
                   OpenYearBudget(state, subject, command.municipality(), command.year()));
  if (!budget->plan_submitted) {
    return absl::FailedPreconditionError(absl::StrCat(
        subject, ": no local procurement plan for that year; submit_local_plan first"));
  }
  // Only uncommitted money moves: committed money backs signed contracts.
  auto from = budget->lots.find(command.from_lot());
  const int64_t planned = from == budget->lots.end() ? 0 : from->second.planned_cents;
  const int64_t committed = from == budget->lots.end() ? 0 : from->second.committed_cents;
  const int64_t uncommitted = planned - committed;
  if (command.amount_cents() > uncommitted) {
    return absl::FailedPreconditionError(
        absl::StrCat("shift of ", FormatCents(command.amount_cents()), " from lot '",
                     command.from_lot(), "' of ", command.municipality(), " ", command.year(),
                     ": only ", FormatCents(uncommitted), " is uncommitted (planned ",
                     FormatCents(planned), ", committed ", FormatCents(committed), ")"));
  }
  v1::Event event;
  v1::BudgetShifted& shifted = *event.mutable_budget_shifted();
  shifted.set_municipality(command.municipality());
  shifted.set_year(command.year());
  shifted.set_from_lot(command.from_lot());
  shifted.set_to_lot(command.to_lot());
  shifted.set_amount_cents(command.amount_cents());
  shifted.set_reason(command.reason());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideCloseYear(const RegionState& state,
                                                       const v1::Actor& actor,
                                                       const v1::CloseYear& command) {
  RETURN_IF_ERROR(RequireMunicipality(state, command.municipality()));
  RETURN_IF_ERROR(RequireOwnMunicipality(actor, command.municipality(), "close its year"));
  const std::string subject = Subject("year close", command.municipality(), command.year());
  const YearBudget* budget = FindYearBudget(state, command.municipality(), command.year());
  if (budget == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(subject, ": no budget set for that year, so there is nothing to close"));
  }
  if (budget->closed) {
    return absl::FailedPreconditionError(absl::StrCat(subject, ": the year is already closed"));
  }
  int64_t claimed = 0;
  int64_t paid = 0;
  int64_t cost = 0;
  for (const auto& [id, contract] : state.contracts) {
    for (const v1::ClaimedYear& row : contract.claimed()) {
      if (row.municipality() != command.municipality() || row.year() != command.year()) continue;
      ASSIGN_OR_RETURN(claimed, AddCents(claimed, row.claimed_cents(), "claimed_cents"));
      ASSIGN_OR_RETURN(paid, AddCents(paid, row.paid_cents(), "paid_cents"));
      // A settled year costs its production: paid plus the settlement.
      ASSIGN_OR_RETURN(const int64_t row_cost,
                       AddCents(row.paid_cents(), row.settled() ? row.settlement_cents() : 0,
                                "settlement_cents"));
      ASSIGN_OR_RETURN(cost, AddCents(cost, row_cost, "cost_cents"));
    }
  }
  v1::Event event;
  v1::YearClosed& closed = *event.mutable_year_closed();
  closed.set_municipality(command.municipality());
  closed.set_year(command.year());
  closed.set_budget_cents(budget->budget_cents);
  closed.set_planned_cents(PlannedTotal(*budget));
  closed.set_committed_cents(CommittedTotal(*budget));
  closed.set_claimed_cents(claimed);
  closed.set_paid_cents(paid);
  closed.set_cost_cents(cost);
  return OneEvent(std::move(event));
}

void ApplyLocalPartsReserved(RegionState& state, const v1::LocalPartsReserved& event) {
  YearBudget& budget = state.municipalities[event.municipality()].years[event.year()];
  budget.reservations.clear();
  for (const v1::Reservation& reservation : event.reservations()) {
    budget.reservations[static_cast<int>(reservation.kind())] = reservation.amount_cents();
  }
}

void ApplyPurchaseOrderIssued(RegionState& state, const v1::PurchaseOrderIssued& event) {
  v1::PurchaseOrderRecord& record = state.purchase_orders[event.year()];
  record.Clear();
  record.set_year(event.year());
  *record.mutable_lots() = event.lots();
  *record.mutable_municipalities() = event.municipalities();
  *record.mutable_exclusions() = event.exclusions();
}

void ApplyPurchaseOrderAmended(RegionState& state, const v1::PurchaseOrderAmended& event) {
  v1::PurchaseOrderRecord& record = state.purchase_orders[event.year()];
  record.set_year(event.year());
  *record.mutable_lots() = event.lots();
  *record.mutable_municipalities() = event.municipalities();
  *record.mutable_exclusions() = event.exclusions();
  record.set_amendments(record.amendments() + 1);
}

void ApplyBudgetShifted(RegionState& state, const v1::BudgetShifted& event) {
  YearBudget& budget = state.municipalities[event.municipality()].years[event.year()];
  budget.lots[event.from_lot()].planned_cents -= event.amount_cents();
  budget.lots[event.to_lot()].planned_cents += event.amount_cents();
}

void ApplyYearClosed(RegionState& state, const v1::YearClosed& event) {
  YearBudget& budget = state.municipalities[event.municipality()].years[event.year()];
  budget.closed = true;
  budget.closed_cost_cents = event.cost_cents();
}

}  // namespace inkoop
