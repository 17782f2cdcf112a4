#include "engine/domain/indicators.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/domain/outcomes.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/domain/snapshot.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

constexpr int kGoalAttainmentSubIndicators = 4;
// More cases than any region has clients; keeps N a count, not noise.
constexpr int64_t kMaxCount = 10'000'000;


absl::Status ValidateSubIndicators(const v1::ReportIndicator& command) {
  const std::string indicator_name = v1::Indicator_Name(command.indicator());
  if (command.indicator() != v1::INDICATOR_GOAL_ATTAINMENT) {
    if (!command.sub_indicators().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("sub_indicators: expected none for ",
                                                     indicator_name, ", got ",
                                                     command.sub_indicators_size()));
    }
    return absl::OkStatus();
  }
  if (command.sub_indicators_size() != kGoalAttainmentSubIndicators) {
    return absl::InvalidArgumentError(
        absl::StrCat("sub_indicators: expected exactly ", kGoalAttainmentSubIndicators, " for ",
                     indicator_name, ", got ", command.sub_indicators_size()));
  }
  absl::flat_hash_set<absl::string_view> names;
  for (int i = 0; i < command.sub_indicators_size(); ++i) {
    const v1::SubIndicator& sub = command.sub_indicators(i);
    const std::string field = absl::StrCat("sub_indicators[", i, "]");
    RETURN_IF_ERROR(RequireText(sub.name(), absl::StrCat(field, ".name"), "a sub-indicator name"));
    if (!names.insert(sub.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".name: '", sub.name(), "' appears twice"));
    }
    RETURN_IF_ERROR(
        RequireRange(sub.value_permille(), 0, 1000, absl::StrCat(field, ".value_permille")));
  }
  return absl::OkStatus();
}

// Who reports at case level, and on what: the contract's own provider or
// the bureau; the municipality, when named, one of the contract's.
absl::StatusOr<const v1::ContractRecord*> CheckCaseLevel(const RegionState& state,
                                                         const v1::Actor& actor,
                                                         const v1::ReportIndicator& report) {
  const bool own_provider = actor.role() == v1::ROLE_PROVIDER && actor.id() == report.provider_id();
  if (!own_provider && actor.role() != v1::ROLE_BUREAU) {
    return absl::PermissionDeniedError(
        absl::StrCat("role rule: only provider '", report.provider_id(),
                     "' itself or the bureau may report its indicators; actor '", actor.id(),
                     "' is ", RoleName(actor.role())));
  }
  RETURN_IF_ERROR(RequireText(report.provider_id(), "provider_id", "a provider id"));
  ASSIGN_OR_RETURN(const v1::ProviderRecord* provider, FindProvider(state, report.provider_id()));
  RETURN_IF_ERROR(RequireText(report.contract_id(), "contract_id", "a contract id"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, report.contract_id()));
  if (contract->provider_id() != provider->provider_id()) {
    return absl::FailedPreconditionError(
        absl::StrCat("contract '", contract->contract_id(), "' belongs to provider '",
                     contract->provider_id(), "', not to '", provider->provider_id(), "'"));
  }
  if (report.municipality().empty()) return contract;
  absl::btree_set<std::string> municipalities;
  for (const v1::MunicipalityCeiling& ceiling : contract->ceilings()) {
    municipalities.insert(ceiling.municipality());
  }
  if (!municipalities.contains(report.municipality())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "municipality: '", report.municipality(), "' is not a municipality of contract '",
        contract->contract_id(), "' (expected one of: ", absl::StrJoin(municipalities, ", "),
        ", or none for all of them)"));
  }
  return contract;
}

// Who reports at population level: the municipality itself or the bureau,
// naming no provider or contract.
absl::Status CheckPopulationLevel(const RegionState& state, const v1::Actor& actor,
                                  const v1::ReportIndicator& report) {
  RETURN_IF_ERROR(RequireText(report.municipality(), "municipality",
                              "the municipality whose youth the indicator measures"));
  RETURN_IF_ERROR(RequireMunicipality(state, report.municipality()));
  const bool own = actor.role() == v1::ROLE_MUNICIPALITY && actor.id() == report.municipality();
  if (!own && actor.role() != v1::ROLE_BUREAU) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role rule: only municipality '", report.municipality(),
        "' itself or the bureau may report its population indicators; actor '", actor.id(),
        "' is ", RoleName(actor.role())));
  }
  if (!report.provider_id().empty() || !report.contract_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        report.provider_id().empty() ? "contract_id" : "provider_id",
        ": a population-level indicator measures a municipality's youth and names no provider or "
        "contract, got '",
        report.provider_id().empty() ? report.contract_id() : report.provider_id(), "'"));
  }
  return absl::OkStatus();
}

const v1::IndicatorBaseline* FindBaseline(const RegionState& state,
                                          const v1::ContractRecord* contract,
                                          v1::Indicator indicator,
                                          absl::string_view municipality) {
  if (contract == nullptr) {
    auto it = state.population_baselines.find(PopulationBaselineKey(municipality, indicator));
    return it == state.population_baselines.end() ? nullptr : &it->second;
  }
  for (const v1::IndicatorBaseline& baseline : contract->baselines()) {
    if (baseline.indicator() == indicator && baseline.municipality() == municipality) {
      return &baseline;
    }
  }
  return nullptr;
}

}  // namespace

absl::string_view IndicatorWord(v1::Indicator indicator) {
  switch (indicator) {
    case v1::INDICATOR_DROP_OUT:
      return "drop-out";
    case v1::INDICATOR_SATISFACTION:
      return "satisfaction";
    case v1::INDICATOR_GOAL_ATTAINMENT:
      return "goal attainment";
    default:
      return "unknown";
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideReportIndicator(const RegionState& state,
                                                             const v1::Command& command) {
  const v1::ReportIndicator& report = command.report_indicator();
  if (report.level() != v1::INDICATOR_LEVEL_CASE &&
      report.level() != v1::INDICATOR_LEVEL_POPULATION) {
    return absl::InvalidArgumentError(absl::StrCat(
        "level: expected INDICATOR_LEVEL_CASE (a contract's clients) or "
        "INDICATOR_LEVEL_POPULATION (a municipality's youth), got ",
        report.level() == v1::INDICATOR_LEVEL_UNSPECIFIED ? std::string("none")
                                                          : absl::StrCat(report.level())));
  }
  const v1::ContractRecord* contract = nullptr;
  if (report.level() == v1::INDICATOR_LEVEL_CASE) {
    ASSIGN_OR_RETURN(contract, CheckCaseLevel(state, command.actor(), report));
  } else {
    RETURN_IF_ERROR(CheckPopulationLevel(state, command.actor(), report));
  }
  RETURN_IF_ERROR(ParsePeriod(report.period_start(), report.period_end()).status());
  if (report.indicator() == v1::INDICATOR_UNSPECIFIED ||
      !v1::Indicator_IsValid(report.indicator())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "indicator: expected drop-out, satisfaction or goal attainment, got ",
        report.indicator() == v1::INDICATOR_UNSPECIFIED ? std::string("none")
                                                        : absl::StrCat(report.indicator())));
  }
  RETURN_IF_ERROR(RequireRange(report.value_permille(), 0, 1000, "value_permille"));
  RETURN_IF_ERROR(ValidateSubIndicators(report));
  RETURN_IF_ERROR(RequireRange(report.count(), 1, kMaxCount, "count"));

  v1::Event event;
  v1::IndicatorReported& reported = *event.mutable_indicator_reported();
  const v1::IndicatorBaseline* baseline =
      FindBaseline(state, contract, report.indicator(), report.municipality());
  if (baseline == nullptr || (baseline->period_start() == report.period_start() &&
                              baseline->period_end() == report.period_end())) {
    reported.set_baseline(true);
  } else if (report.period_start() <= baseline->period_end()) {
    const std::string of =
        contract != nullptr
            ? absl::StrCat("contract '", contract->contract_id(), "'",
                           report.municipality().empty() ? ""
                                                         : absl::StrCat(" in ", report.municipality()))
            : absl::StrCat(report.municipality(), "'s youth");
    return absl::FailedPreconditionError(absl::StrCat(
        "indicator ", IndicatorWord(report.indicator()), " of ", of, ": period ",
        report.period_start(), "..", report.period_end(), " does not follow its baseline of ",
        baseline->period_start(), "..", baseline->period_end(),
        "; a report after the baseline measures a later period (or the same one, to correct "
        "the baseline)"));
  } else {
    reported.set_baseline_permille(baseline->value_permille());
    reported.set_change_permille(report.value_permille() - baseline->value_permille());
  }
  reported.set_provider_id(report.provider_id());
  reported.set_contract_id(report.contract_id());
  reported.set_period_start(report.period_start());
  reported.set_period_end(report.period_end());
  reported.set_indicator(report.indicator());
  reported.set_value_permille(report.value_permille());
  *reported.mutable_sub_indicators() = report.sub_indicators();
  reported.set_count(report.count());
  reported.set_municipality(report.municipality());
  reported.set_level(report.level());
  return OneEvent(std::move(event));
}

void ApplyIndicatorReported(RegionState& state, const v1::IndicatorReported& event) {
  v1::IndicatorRecord record;
  record.set_provider_id(event.provider_id());
  record.set_contract_id(event.contract_id());
  record.set_period_start(event.period_start());
  record.set_period_end(event.period_end());
  record.set_indicator(event.indicator());
  record.set_value_permille(event.value_permille());
  *record.mutable_sub_indicators() = event.sub_indicators();
  record.set_count(event.count());
  record.set_municipality(event.municipality());
  record.set_level(event.level());
  record.set_baseline(event.baseline());
  record.set_baseline_permille(event.baseline_permille());
  record.set_change_permille(event.change_permille());
  std::string key = IndicatorKey(record);
  state.indicators[std::move(key)] = std::move(record);
  RecordOutcomeMeasure(state, event);
  if (!event.baseline()) return;
  v1::IndicatorBaseline baseline;
  baseline.set_indicator(event.indicator());
  baseline.set_municipality(event.municipality());
  baseline.set_period_start(event.period_start());
  baseline.set_period_end(event.period_end());
  baseline.set_value_permille(event.value_permille());
  baseline.set_count(event.count());
  if (event.level() == v1::INDICATOR_LEVEL_POPULATION) {
    state.population_baselines[PopulationBaselineKey(event.municipality(), event.indicator())] =
        std::move(baseline);
    return;
  }
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  for (v1::IndicatorBaseline& existing : *contract->second.mutable_baselines()) {
    if (existing.indicator() == event.indicator() &&
        existing.municipality() == event.municipality()) {
      existing = std::move(baseline);
      return;
    }
  }
  *contract->second.add_baselines() = std::move(baseline);
}

}  // namespace inkoop
