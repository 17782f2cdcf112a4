#include "engine/domain/snapshot.h"

#include "absl/strings/str_cat.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/status_macros.h"

namespace inkoop {

std::string IndicatorKey(const v1::IndicatorRecord& record) {
  const absl::string_view separator("\0", 1);
  std::string key = absl::StrCat(record.contract_id(), separator,
                                 static_cast<int>(record.indicator()), separator,
                                 record.period_start());
  // A contract's whole-contract reports keep the key they always had; a
  // municipality's part, or a population-level report, has its own.
  if (!record.municipality().empty() || record.level() == v1::INDICATOR_LEVEL_POPULATION) {
    absl::StrAppend(&key, separator, record.municipality(), separator,
                    static_cast<int>(record.level()));
  }
  return key;
}

std::string PopulationBaselineKey(absl::string_view municipality, v1::Indicator indicator) {
  return absl::StrCat(municipality, absl::string_view("\0", 1), static_cast<int>(indicator));
}

v1::FrameworkSnapshot FrameworkToSnapshot(const Framework& framework) {
  v1::FrameworkSnapshot f;
  f.set_adopted(framework.adopted);
  f.set_id(framework.id);
  if (framework.adopted) {
    f.set_period_start(FormatDate(framework.period_start));
    f.set_period_end(FormatDate(framework.period_end));
  }
  for (const std::string& m : framework.municipalities) f.add_municipalities(m);
  for (const auto& [code, rules] : framework.rules) *f.add_lot_rules() = rules;
  for (const std::string& indicator : framework.quality_indicators)
    f.add_quality_indicators(indicator);
  f.set_manual_clock(framework.manual_clock);
  f.set_claim_window_days(framework.claim_window_days);
  *f.mutable_equalisation() = framework.equalisation;
  for (const LotInfo* lot : LotsInOrder(framework)) {
    v1::Lot& l = *f.add_lots();
    l.set_code(lot->code);
    l.set_name(lot->name);
    l.set_scope(lot->scope);
  }
  for (const Framework& earlier : framework.predecessors) {
    *f.add_predecessors() = FrameworkToSnapshot(earlier);
  }
  for (const auto& [id, arrangement] : framework.arrangements) *f.add_arrangements() = arrangement;
  return f;
}

v1::YearBudgetSnapshot YearBudgetToSnapshot(int32_t year, const YearBudget& budget) {
  v1::YearBudgetSnapshot y;
  y.set_year(year);
  y.set_budget_set(budget.budget_set);
  y.set_source(budget.source);
  y.set_budget_cents(budget.budget_cents);
  y.set_plan_submitted(budget.plan_submitted);
  for (const auto& [code, lot] : budget.lots) {
    v1::LotBudgetSnapshot& l = *y.add_lots();
    l.set_lot(code);
    l.set_planned_cents(lot.planned_cents);
    l.set_committed_cents(lot.committed_cents);
  }
  for (const std::string& p : budget.priorities) y.add_priorities(p);
  for (const auto& [kind, cents] : budget.reservations) {
    v1::Reservation& r = *y.add_reservations();
    r.set_kind(static_cast<v1::ReservationKind>(kind));
    r.set_amount_cents(cents);
  }
  y.set_closed(budget.closed);
  y.set_equalisation_cents(budget.equalisation_cents);
  y.set_closed_cost_cents(budget.closed_cost_cents);
  y.set_fund_deposited_cents(budget.fund_deposited_cents);
  y.set_fund_drawn_cents(budget.fund_drawn_cents);
  return y;
}

v1::RegionSnapshot ToSnapshot(const RegionState& state) {
  v1::RegionSnapshot out;
  out.set_region(state.region);
  out.set_sequence(state.sequence.value());
  out.set_last_hash(state.last_hash);
  out.set_clock_micros(state.clock_micros);
  *out.mutable_framework() = FrameworkToSnapshot(state.framework);
  for (const auto& [name, municipality] : state.municipalities) {
    // A municipality is stored by its years; one without any is no state.
    if (municipality.years.empty()) continue;
    v1::MunicipalitySnapshot& m = *out.add_municipalities();
    m.set_name(name);
    for (const auto& [year, budget] : municipality.years) {
      *m.add_years() = YearBudgetToSnapshot(year, budget);
    }
  }
  for (const auto& [id, record] : state.providers) *out.add_providers() = record;
  for (const auto& [id, record] : state.tenders) *out.add_tenders() = record;
  for (const auto& [id, record] : state.contracts) *out.add_contracts() = record;
  for (const auto& [id, record] : state.claims) *out.add_claims() = record;
  for (const auto& [id, record] : state.assignments) *out.add_assignments() = record;
  for (const auto& [id, record] : state.placements) *out.add_placements() = record;
  for (const auto& [id, record] : state.cases) *out.add_cases() = record;
  for (const auto& [year, record] : state.purchase_orders) *out.add_purchase_orders() = record;
  for (const auto& [key, record] : state.indicators) *out.add_indicators() = record;
  for (int32_t year : state.equalised_years) out.add_equalised_years(year);
  out.set_fund_balance_cents(state.fund_balance_cents);
  for (const auto& [name, membership] : state.memberships) *out.add_memberships() = membership;
  for (const auto& [key, baseline] : state.population_baselines) {
    *out.add_population_baselines() = baseline;
  }
  for (const auto& [id, record] : state.actor_keys) *out.add_actor_keys() = record;
  return out;
}

absl::Status FrameworkFromSnapshot(const v1::FrameworkSnapshot& f, absl::string_view region,
                                   Framework& framework) {
  framework = Framework();
  framework.adopted = f.adopted();
  framework.id = f.id();
  if (f.adopted()) {
    absl::StatusOr<absl::CivilDay> start = ParseDate(f.period_start(), "framework.period_start");
    absl::StatusOr<absl::CivilDay> end = ParseDate(f.period_end(), "framework.period_end");
    if (!start.ok() || !end.ok()) {
      return absl::DataLossError(absl::StrCat("snapshot of region ", region, ": ",
                                              (start.ok() ? end : start).status().message()));
    }
    framework.period_start = *start;
    framework.period_end = *end;
  }
  framework.municipalities.insert(f.municipalities().begin(), f.municipalities().end());
  int position = 0;
  for (const v1::Lot& lot : f.lots()) {
    framework.lots[lot.code()] = LotInfo{lot.code(), lot.name(), position++, lot.scope()};
  }
  for (const v1::LotRules& rules : f.lot_rules()) framework.rules[rules.lot()] = rules;
  framework.quality_indicators.assign(f.quality_indicators().begin(), f.quality_indicators().end());
  framework.manual_clock = f.manual_clock();
  framework.claim_window_days =
      f.claim_window_days() > 0 ? f.claim_window_days() : kDefaultClaimWindowDays;
  framework.equalisation = f.equalisation();
  for (const v1::FrameworkSnapshot& earlier : f.predecessors()) {
    RETURN_IF_ERROR(
        FrameworkFromSnapshot(earlier, region, framework.predecessors.emplace_back()));
    // Only the latest framework holds predecessors and arrangements.
    framework.predecessors.back().predecessors.clear();
    framework.predecessors.back().arrangements.clear();
  }
  for (const v1::TransitionArrangementAdopted& arrangement : f.arrangements()) {
    framework.arrangements[arrangement.arrangement_id()] = arrangement;
  }
  return absl::OkStatus();
}

YearBudget YearBudgetFromSnapshot(const v1::YearBudgetSnapshot& y) {
  YearBudget budget;
  budget.budget_set = y.budget_set();
  budget.source = y.source();
  budget.budget_cents = y.budget_cents();
  budget.plan_submitted = y.plan_submitted();
  for (const v1::LotBudgetSnapshot& l : y.lots()) {
    budget.lots[l.lot()] = LotBudget{l.planned_cents(), l.committed_cents()};
  }
  budget.priorities.assign(y.priorities().begin(), y.priorities().end());
  for (const v1::Reservation& r : y.reservations()) budget.reservations[r.kind()] = r.amount_cents();
  budget.closed = y.closed();
  budget.equalisation_cents = y.equalisation_cents();
  budget.closed_cost_cents = y.closed_cost_cents();
  budget.fund_deposited_cents = y.fund_deposited_cents();
  budget.fund_drawn_cents = y.fund_drawn_cents();
  return budget;
}

absl::StatusOr<RegionState> FromSnapshot(const v1::RegionSnapshot& snapshot) {
  RegionState state;
  state.region = snapshot.region();
  state.sequence = Sequence(snapshot.sequence());
  state.last_hash = snapshot.last_hash();
  state.clock_micros = snapshot.clock_micros();
  RETURN_IF_ERROR(FrameworkFromSnapshot(snapshot.framework(), snapshot.region(), state.framework));
  for (const v1::MunicipalitySnapshot& m : snapshot.municipalities()) {
    Municipality& municipality = state.municipalities[m.name()];
    for (const v1::YearBudgetSnapshot& y : m.years()) {
      municipality.years.Load(y.year(), YearBudgetFromSnapshot(y));
    }
  }
  for (const v1::ProviderRecord& r : snapshot.providers()) state.providers.Load(r.provider_id(), r);
  for (const v1::TenderRecord& r : snapshot.tenders()) state.tenders.Load(r.tender_id(), r);
  for (const v1::ContractRecord& r : snapshot.contracts()) state.contracts.Load(r.contract_id(), r);
  for (const v1::ClaimRecord& r : snapshot.claims()) state.claims.Load(r.claim_id(), r);
  for (const v1::AssignmentRecord& r : snapshot.assignments())
    state.assignments.Load(r.assignment_id(), r);
  for (const v1::PlacementRecord& r : snapshot.placements())
    state.placements.Load(r.placement_id(), r);
  for (const v1::ContinuityCaseRecord& r : snapshot.cases()) state.cases.Load(r.case_id(), r);
  for (const v1::PurchaseOrderRecord& r : snapshot.purchase_orders())
    state.purchase_orders.Load(r.year(), r);
  for (const v1::IndicatorRecord& r : snapshot.indicators())
    state.indicators.Load(IndicatorKey(r), r);
  state.equalised_years.insert(snapshot.equalised_years().begin(),
                               snapshot.equalised_years().end());
  state.fund_balance_cents = snapshot.fund_balance_cents();
  for (const v1::Membership& membership : snapshot.memberships()) {
    state.memberships[membership.municipality()] = membership;
  }
  for (const v1::IndicatorBaseline& baseline : snapshot.population_baselines()) {
    state.population_baselines[PopulationBaselineKey(baseline.municipality(),
                                                     baseline.indicator())] = baseline;
  }
  for (const v1::ActorKeyRecord& r : snapshot.actor_keys()) state.actor_keys.Load(r.key().key_id(), r);
  return state;
}

}  // namespace inkoop
