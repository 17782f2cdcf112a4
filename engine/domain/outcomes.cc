#include "engine/domain/outcomes.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/claims.h"
#include "engine/domain/commitment.h"
#include "engine/domain/dates.h"
#include "engine/domain/indicators.h"
#include "engine/domain/money.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

constexpr int64_t kBasisPointsPerWhole = 10'000;

bool LowerIsBetter(v1::Indicator indicator) { return indicator == v1::INDICATOR_DROP_OUT; }

const v1::OutcomeMeasure* MeasureOf(const v1::ContractRecord& contract, int32_t year,
                                    v1::Indicator indicator) {
  for (const v1::OutcomeMeasure& measure : contract.outcome_measures()) {
    if (measure.year() == year && measure.indicator() == indicator) return &measure;
  }
  return nullptr;
}

bool NamesIndicator(const v1::ContractRecord& contract, v1::Indicator indicator) {
  for (const v1::OutcomeTerm& term : contract.outcome_terms()) {
    if (term.indicator() == indicator) return true;
  }
  return false;
}

}  // namespace

absl::Status ValidateOutcomeTerms(
    const google::protobuf::RepeatedPtrField<v1::OutcomeTerm>& terms) {
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < terms.size(); ++i) {
    const v1::OutcomeTerm& term = terms[i];
    const std::string field = absl::StrCat("outcome_terms[", i, "]");
    if (term.indicator() == v1::INDICATOR_UNSPECIFIED || !v1::Indicator_IsValid(term.indicator())) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".indicator: expected drop_out, satisfaction or goal_attainment, got ",
          term.indicator() == v1::INDICATOR_UNSPECIFIED ? std::string("none")
                                                        : absl::StrCat(term.indicator())));
    }
    if (!seen.insert(term.indicator()).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".indicator: ",
                                                     IndicatorWord(term.indicator()),
                                                     " has a term already"));
    }
    if (term.target_permille() < 0 || term.target_permille() > 1000) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".target_permille: expected 0..1000, got ", term.target_permille()));
    }
    for (const auto& [name, value] :
         {std::pair<const char*, int32_t>{"bonus_basis_points", term.bonus_basis_points()},
          std::pair<const char*, int32_t>{"malus_basis_points", term.malus_basis_points()}}) {
      if (value < 0 || value > kMaxOutcomeBasisPoints) {
        return absl::InvalidArgumentError(absl::StrCat(field, ".", name, ": expected 0..",
                                                       kMaxOutcomeBasisPoints,
                                                       " (100 = 1%), got ", value));
      }
    }
    if (term.bonus_basis_points() == 0 && term.malus_basis_points() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": expected a bonus or a malus (basis points), got neither"));
    }
  }
  return absl::OkStatus();
}

int32_t BasisPointsOf(const v1::OutcomeTerm& term, int32_t value_permille) {
  if (value_permille == term.target_permille()) return 0;
  const bool better = LowerIsBetter(term.indicator()) ? value_permille < term.target_permille()
                                                      : value_permille > term.target_permille();
  return better ? term.bonus_basis_points() : -term.malus_basis_points();
}

absl::StatusOr<std::vector<v1::Event>> DecideCloseOutcomeYear(const RegionState& state,
                                                              const v1::Command& command) {
  const v1::CloseOutcomeYear& close = command.close_outcome_year();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "close a contract's outcome year"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, close.contract_id()));
  const std::string named = absl::StrCat("contract '", contract->contract_id(), "'");
  if (contract->outcome_terms().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(named, " has no outcome terms (sign_contract.outcome_terms)"));
  }
  const int32_t first = static_cast<int32_t>(StoredDay(contract->term_start()).year());
  const int32_t last = static_cast<int32_t>(StoredDay(contract->term_end()).year());
  if (close.year() < first || close.year() > last) {
    return absl::InvalidArgumentError(absl::StrCat("year: expected a year of the term of ", named,
                                                   " (", first, "..", last, "), got ",
                                                   close.year()));
  }
  const absl::CivilDay today = CommandDay(command);
  if (today.year() <= close.year()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "year: ", close.year(), " has not ended (today is ", FormatDate(today),
        "); its outcome is closed from ", close.year() + 1, "-01-01"));
  }
  for (const v1::OutcomeYear& done : contract->outcome_years()) {
    if (done.year() == close.year()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "year: the outcome of ", named, " in ", close.year(), " is closed already (",
          done.basis_points(), " basis points, ", FormatCents(done.adjustment_cents()), ")"));
    }
  }
  v1::Event event;
  v1::OutcomeAdjusted& adjusted = *event.mutable_outcome_adjusted();
  adjusted.set_contract_id(contract->contract_id());
  adjusted.set_provider_id(contract->provider_id());
  adjusted.set_year(close.year());
  int32_t basis_points = 0;
  for (const v1::OutcomeTerm& term : contract->outcome_terms()) {
    const v1::OutcomeMeasure* measure = MeasureOf(*contract, close.year(), term.indicator());
    if (measure == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          named, " has no ", IndicatorWord(term.indicator()), " report over all its clients for ",
          close.year(), " (a case-level report_indicator with its period in the year)"));
    }
    v1::OutcomeAdjusted::Input& input = *adjusted.add_inputs();
    *input.mutable_term() = term;
    input.set_period_start(measure->period_start());
    input.set_period_end(measure->period_end());
    input.set_value_permille(measure->value_permille());
    input.set_count(measure->count());
    input.set_basis_points(BasisPointsOf(term, measure->value_permille()));
    basis_points += input.basis_points();
  }
  adjusted.set_basis_points(basis_points);
  int64_t total = 0;
  for (const v1::ClaimedYear& row : contract->claimed()) {
    if (row.year() != close.year() || row.claimed_cents() == 0) continue;
    v1::OutcomeAdjusted::Line& line = *adjusted.add_lines();
    line.set_municipality(row.municipality());
    line.set_claimed_cents(row.claimed_cents());
    line.set_adjustment_cents(row.claimed_cents() * basis_points / kBasisPointsPerWhole);
    total += line.adjustment_cents();
  }
  adjusted.set_adjustment_cents(total);
  return OneEvent(std::move(event));
}

void RecordOutcomeMeasure(RegionState& state, const v1::IndicatorReported& event) {
  if (event.level() == v1::INDICATOR_LEVEL_POPULATION || !event.municipality().empty()) return;
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end() || !NamesIndicator(contract->second, event.indicator())) {
    return;
  }
  const absl::CivilDay start = StoredDay(event.period_start());
  const absl::CivilDay end = StoredDay(event.period_end());
  if (start.year() != end.year()) return;
  const auto year = static_cast<int32_t>(end.year());
  v1::ContractRecord& record = contract->second;
  v1::OutcomeMeasure* measure = nullptr;
  for (v1::OutcomeMeasure& existing : *record.mutable_outcome_measures()) {
    if (existing.year() == year && existing.indicator() == event.indicator()) measure = &existing;
  }
  if (measure != nullptr && event.period_end() < measure->period_end()) return;
  if (measure == nullptr) measure = record.add_outcome_measures();
  measure->set_year(year);
  measure->set_indicator(event.indicator());
  measure->set_period_start(event.period_start());
  measure->set_period_end(event.period_end());
  measure->set_value_permille(event.value_permille());
  measure->set_count(event.count());
}

void ApplyOutcomeAdjusted(RegionState& state, const v1::OutcomeAdjusted& event) {
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  v1::OutcomeYear& year = *contract->second.add_outcome_years();
  year.set_year(event.year());
  year.set_basis_points(event.basis_points());
  year.set_adjustment_cents(event.adjustment_cents());
  for (const v1::OutcomeAdjusted::Line& line : event.lines()) {
    v1::ClaimedYear& row = MutableClaimed(contract->second, line.municipality(), event.year());
    row.set_outcome_cents(row.outcome_cents() + line.adjustment_cents());
  }
}

}  // namespace inkoop
