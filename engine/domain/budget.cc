#include "engine/domain/budget.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/framework.h"
#include "engine/domain/money.h"
#include "engine/domain/roles.h"
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
    const int64_t planned = PlannedTotal(*current) + ReservedTotal(*current);
    const int64_t committed = CommittedTotal(*current);
    if (command.amount_cents() < planned) {
      return absl::FailedPreconditionError(absl::StrCat(
          "budget of ", command.municipality(), " ", command.year(), ": new amount ",
          FormatCents(command.amount_cents()), " would be below the planned and reserved ",
          FormatCents(planned), "; revise the local plan first"));
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
  return std::vector<v1::Event>{std::move(event)};
}

absl::StatusOr<std::vector<v1::Event>> DecideSubmitLocalPlan(const RegionState& state,
                                                             const v1::Actor& actor,
                                                             const v1::SubmitLocalPlan& command) {
  RETURN_IF_ERROR(RequireMunicipality(state, command.municipality()));
  RETURN_IF_ERROR(
      RequireOwnMunicipality(actor, command.municipality(), "submit its local procurement plan"));
  RETURN_IF_ERROR(RequireYearInPeriod(state, command.year()));
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
    RETURN_IF_ERROR(RequireLot(state, lot.lot(), absl::StrCat(field, ".lot")));
    if (!seen.insert(lot.lot()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".lot: '", lot.lot(), "' appears twice in the plan"));
    }
    RETURN_IF_ERROR(RequireNonNegative(lot.amount_cents(), absl::StrCat(field, ".amount_cents")));
    ASSIGN_OR_RETURN(total, AddCents(total, lot.amount_cents(), "lots"));
  }
  const int64_t reserved = ReservedTotal(*budget);
  if (total > budget->budget_cents - reserved) {
    return absl::FailedPreconditionError(absl::StrCat(
        "local plan of ", command.municipality(), " ", command.year(), ": lots sum to ",
        FormatCents(total), ", which exceeds the budget ", FormatCents(budget->budget_cents),
        reserved > 0 ? absl::StrCat(" less the reserved ", FormatCents(reserved)) : ""));
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
  return std::vector<v1::Event>{std::move(event)};
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

absl::StatusOr<std::vector<v1::Event>> DecideReserveLocalParts(const RegionState&, const v1::Actor&,
                                                               const v1::ReserveLocalParts&) {
  return absl::UnimplementedError("reserve_local_parts: not built yet");
}
absl::StatusOr<std::vector<v1::Event>> DecideIssuePurchaseOrder(const RegionState&,
                                                                const v1::Actor&,
                                                                const v1::IssuePurchaseOrder&) {
  return absl::UnimplementedError("issue_purchase_order: not built yet");
}
absl::StatusOr<std::vector<v1::Event>> DecideShiftBudget(const RegionState&, const v1::Actor&,
                                                         const v1::ShiftBudget&) {
  return absl::UnimplementedError("shift_budget: not built yet");
}
absl::StatusOr<std::vector<v1::Event>> DecideCloseYear(const RegionState&, const v1::Actor&,
                                                       const v1::CloseYear&) {
  return absl::UnimplementedError("close_year: not built yet");
}
absl::StatusOr<std::vector<v1::Event>> DecideEqualiseRisk(const RegionState&, const v1::Actor&,
                                                          const v1::EqualiseRisk&) {
  return absl::UnimplementedError("equalise_risk: not built yet");
}
void ApplyLocalPartsReserved(RegionState&, const v1::LocalPartsReserved&) {}
void ApplyPurchaseOrderIssued(RegionState&, const v1::PurchaseOrderIssued&) {}
void ApplyBudgetShifted(RegionState&, const v1::BudgetShifted&) {}
void ApplyYearClosed(RegionState&, const v1::YearClosed&) {}
void ApplyRiskEqualised(RegionState&, const v1::RiskEqualised&) {}

}  // namespace inkoop
