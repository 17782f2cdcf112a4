#include "projections/views.h"

#include "engine/domain/framework.h"

namespace inkoop {

void CollectTouched(const RegionState& state, const v1::Event& event, TouchedViews& touched) {
  switch (event.payload_case()) {
    case v1::Event::kBudgetSet:
      touched.budgets.emplace(event.budget_set().municipality(), event.budget_set().year());
      return;
    case v1::Event::kLocalPlanSubmitted:
      touched.budgets.emplace(event.local_plan_submitted().municipality(),
                              event.local_plan_submitted().year());
      return;
    case v1::Event::kProviderRegistered:
    case v1::Event::kTenderPublished:
    case v1::Event::kBidReceived:
    case v1::Event::kBidWithdrawn:
    case v1::Event::kTenderAwarded:
    case v1::Event::kTenderCancelled:
    case v1::Event::kIndicatorReported:
    case v1::Event::kCaseEscalated:
    case v1::Event::kCaseClosed:
    case v1::Event::PAYLOAD_NOT_SET:
      return;
    default:
      break;
  }
  // Framework changes rename lots; contracts, claims, shifts and closings
  // move money of several municipalities and years. A region has a few dozen
  // budget views, each written once per batch: rewrite them all.
  for (const auto& [name, municipality] : state.municipalities) {
    for (const auto& [year, budget] : municipality.years) touched.budgets.emplace(name, year);
  }
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
  int64_t planned = 0;
  // Every lot of the framework gets a line, in the framework's order.
  for (const LotInfo* info : LotsInOrder(state.framework)) {
    v1::BudgetView::LotLine& line = *view.add_lots();
    line.set_lot(info->code);
    line.set_name(info->name);
    auto lot = budget.lots.find(info->code);
    if (lot != budget.lots.end()) {
      line.set_planned_cents(lot->second.planned_cents);
      line.set_committed_cents(lot->second.committed_cents);
      line.set_uncommitted_cents(lot->second.planned_cents - lot->second.committed_cents);
      planned += lot->second.planned_cents;
    }
  }
  view.set_planned_cents(planned);
  view.set_unplanned_cents(budget.budget_cents - planned);
  return view;
}

}  // namespace inkoop
