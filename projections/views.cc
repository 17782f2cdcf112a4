#include "projections/views.h"

#include "engine/domain/framework.h"

namespace inkoop {

namespace {

void TouchAllBudgets(const RegionState& state, TouchedViews& touched) {
  for (const auto& [name, municipality] : state.municipalities) {
    for (const auto& [year, budget] : municipality.years) touched.budgets.emplace(name, year);
  }
}

}  // namespace

void CollectTouched(const RegionState& state, const v1::Event& event, TouchedViews& touched) {
  // Events that move money of several municipalities and years (contracts,
  // claims, transfers) rewrite all budget views of the region: a region has
  // a few dozen, each written at most once per batch.
  switch (event.payload_case()) {
    case v1::Event::kFrameworkAdopted:
    case v1::Event::kFrameworkAmended:
    case v1::Event::kPurchaseOrderIssued:
    case v1::Event::kRiskEqualised:
      TouchAllBudgets(state, touched);
      break;
    case v1::Event::kBudgetSet:
      touched.budgets.emplace(event.budget_set().municipality(), event.budget_set().year());
      break;
    case v1::Event::kLocalPlanSubmitted:
      touched.budgets.emplace(event.local_plan_submitted().municipality(),
                              event.local_plan_submitted().year());
      break;
    case v1::Event::kLocalPartsReserved:
      touched.budgets.emplace(event.local_parts_reserved().municipality(),
                              event.local_parts_reserved().year());
      break;
    case v1::Event::kBudgetShifted:
      touched.budgets.emplace(event.budget_shifted().municipality(), event.budget_shifted().year());
      break;
    case v1::Event::kYearClosed:
      touched.budgets.emplace(event.year_closed().municipality(), event.year_closed().year());
      break;
    case v1::Event::kProviderRegistered:
      touched.providers.insert(event.provider_registered().provider_id());
      break;
    case v1::Event::kProviderFailed:
      touched.providers.insert(event.provider_failed().provider_id());
      break;
    case v1::Event::kTenderPublished:
      touched.tenders.insert(event.tender_published().tender_id());
      break;
    case v1::Event::kBidReceived:
      touched.tenders.insert(event.bid_received().tender_id());
      break;
    case v1::Event::kBidWithdrawn:
      touched.tenders.insert(event.bid_withdrawn().tender_id());
      break;
    case v1::Event::kTenderAwarded:
      touched.tenders.insert(event.tender_awarded().tender_id());
      break;
    case v1::Event::kTenderCancelled:
      touched.tenders.insert(event.tender_cancelled().tender_id());
      break;
    case v1::Event::kContractSigned:
      touched.contracts.insert(event.contract_signed().contract_id());
      TouchAllBudgets(state, touched);
      break;
    case v1::Event::kContractAmended:
      touched.contracts.insert(event.contract_amended().contract_id());
      TouchAllBudgets(state, touched);
      break;
    case v1::Event::kContractExtended:
      touched.contracts.insert(event.contract_extended().contract_id());
      TouchAllBudgets(state, touched);
      break;
    case v1::Event::kContractSuspended:
      touched.contracts.insert(event.contract_suspended().contract_id());
      break;
    case v1::Event::kContractResumed:
      touched.contracts.insert(event.contract_resumed().contract_id());
      break;
    case v1::Event::kContractTerminated:
      touched.contracts.insert(event.contract_terminated().contract_id());
      TouchAllBudgets(state, touched);
      break;
    case v1::Event::kContractExpired:
      touched.contracts.insert(event.contract_expired().contract_id());
      TouchAllBudgets(state, touched);
      break;
    case v1::Event::kClaimRecorded:
      touched.contracts.insert(event.claim_recorded().contract_id());
      break;
    case v1::Event::kPaymentRecorded: {
      auto claim = state.claims.find(event.payment_recorded().claim_id());
      if (claim != state.claims.end()) touched.contracts.insert(claim->second.contract_id());
      break;
    }
    case v1::Event::kContinuityCaseOpened:
      touched.cases.insert(event.continuity_case_opened().case_id());
      break;
    case v1::Event::kClientsTransferred:
      touched.cases.insert(event.clients_transferred().case_id());
      touched.contracts.insert(event.clients_transferred().from_contract_id());
      touched.contracts.insert(event.clients_transferred().to_contract_id());
      TouchAllBudgets(state, touched);
      break;
    case v1::Event::kCaseEscalated:
      touched.cases.insert(event.case_escalated().case_id());
      break;
    case v1::Event::kCaseClosed:
      touched.cases.insert(event.case_closed().case_id());
      break;
    case v1::Event::kIndicatorReported:
    case v1::Event::PAYLOAD_NOT_SET:
      break;
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
