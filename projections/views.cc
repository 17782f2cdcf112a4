#include "projections/views.h"

#include "engine/domain/framework.h"

namespace inkoop {

std::vector<std::pair<std::string, int32_t>> ChangedBudgets(const RegionState& state, bool all) {
  std::vector<std::pair<std::string, int32_t>> changed;
  for (const auto& [name, municipality] : state.municipalities) {
    if (all) {
      for (const auto& [year, budget] : municipality.years) changed.emplace_back(name, year);
    } else {
      for (int32_t year : municipality.years.dirty()) changed.emplace_back(name, year);
    }
  }
  return changed;
}

v1::BudgetView MakeBudgetView(const RegionState& state, const std::string& municipality,
                              int32_t year) {
  v1::BudgetView view;
  view.set_region(state.region);
  view.set_municipality(municipality);
  view.set_year(year);
  view.set_as_of_sequence(state.sequence.value());
  auto m = state.municipalities.find(municipality);
  if (m == state.municipalities.end()) return view;
  auto y = m->second.years.find(year);
  if (y == m->second.years.end()) return view;
  const YearBudget& budget = y->second;
  view.set_source(budget.source);
  view.set_budget_cents(budget.budget_cents);
  view.set_plan_submitted(budget.plan_submitted);
  view.set_closed(budget.closed);
  int64_t planned = 0;
  // Every lot of the framework gets a line, in the framework's order.
  for (const LotInfo* info : LotsInOrder(FrameworkOfYear(state, year))) {
    v1::BudgetView::LotLine& line = *view.add_lots();
    line.set_lot(info->code);
    line.set_name(info->name);
    line.set_scope(info->scope);
    auto lot = budget.lots.find(info->code);
    if (lot != budget.lots.end()) {
      line.set_planned_cents(lot->second.planned_cents);
      line.set_committed_cents(lot->second.committed_cents);
      line.set_uncommitted_cents(lot->second.planned_cents - lot->second.committed_cents);
      planned += lot->second.planned_cents;
    }
  }
  int64_t reserved = 0;
  for (const auto& [kind, cents] : budget.reservations) {
    v1::Reservation& reservation = *view.add_reservations();
    reservation.set_kind(static_cast<v1::ReservationKind>(kind));
    reservation.set_amount_cents(cents);
    reserved += cents;
  }
  view.set_reserved_cents(reserved);
  view.set_planned_cents(planned);
  view.set_unplanned_cents(budget.budget_cents - reserved - budget.fund_deposited_cents - planned);
  view.set_closed_cost_cents(budget.closed_cost_cents);
  view.set_equalisation_cents(budget.equalisation_cents);
  view.set_fund_deposited_cents(budget.fund_deposited_cents);
  view.set_fund_drawn_cents(budget.fund_drawn_cents);
  view.set_fund_balance_cents(state.fund_balance_cents);
  return view;
}

}  // namespace inkoop
