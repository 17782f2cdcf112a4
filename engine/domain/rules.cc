#include "engine/domain/rules.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/domain/dates.h"

namespace inkoop {

std::vector<v1::Event> OneEvent(v1::Event event) {
  std::vector<v1::Event> events;
  events.push_back(std::move(event));
  return events;
}

std::vector<int32_t> ContractYears(const v1::ContractRecord& contract) {
  absl::StatusOr<absl::CivilDay> start = ParseDate(contract.term_start(), "term_start");
  absl::StatusOr<absl::CivilDay> end = ParseDate(contract.term_end(), "term_end");
  if (!start.ok() || !end.ok()) return {};
  return TermYears(*start, *end);
}

absl::Status RequireText(absl::string_view value, absl::string_view field, absl::string_view what) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected ", what, ", got ''"));
  }
  return absl::OkStatus();
}

absl::Status RequireRange(int64_t value, int64_t low, int64_t high, absl::string_view field) {
  if (value < low || value > high) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": expected a value from ", low, " to ", high, ", got ", value));
  }
  return absl::OkStatus();
}

absl::CivilDay CommandDay(const v1::Command& command) {
  const absl::Time time = absl::FromUnixSeconds(command.occurred_at().seconds());
  return absl::ToCivilDay(time, absl::UTCTimeZone());
}

std::vector<int32_t> TermYears(absl::CivilDay start, absl::CivilDay end) {
  std::vector<int32_t> years;
  for (int64_t y = start.year(); y <= end.year(); ++y) years.push_back(static_cast<int32_t>(y));
  return years;
}

absl::StatusOr<const v1::ProviderRecord*> FindProvider(const RegionState& state,
                                                       absl::string_view provider_id) {
  auto it = state.providers.find(provider_id);
  if (it == state.providers.end()) {
    return absl::NotFoundError(absl::StrCat("provider_id: '", provider_id,
                                            "' is not a registered provider of region '",
                                            state.region, "'"));
  }
  return &it->second;
}

absl::StatusOr<const v1::TenderRecord*> FindTender(const RegionState& state,
                                                   absl::string_view tender_id) {
  auto it = state.tenders.find(tender_id);
  if (it == state.tenders.end()) {
    return absl::NotFoundError(absl::StrCat("tender_id: '", tender_id,
                                            "' is not a tender of region '", state.region, "'"));
  }
  return &it->second;
}

const v1::Tariff* FindTariff(const v1::ContractRecord& contract, absl::string_view product_code) {
  for (const v1::Tariff& tariff : contract.tariffs()) {
    if (tariff.product_code() == product_code) return &tariff;
  }
  return nullptr;
}

absl::StatusOr<const v1::ContractRecord*> FindContract(const RegionState& state,
                                                       absl::string_view contract_id) {
  auto it = state.contracts.find(contract_id);
  if (it == state.contracts.end()) {
    return absl::NotFoundError(absl::StrCat("contract_id: '", contract_id,
                                            "' is not a contract of region '", state.region, "'"));
  }
  return &it->second;
}

absl::StatusOr<const v1::ContinuityCaseRecord*> FindCase(const RegionState& state,
                                                         absl::string_view case_id) {
  auto it = state.cases.find(case_id);
  if (it == state.cases.end()) {
    return absl::NotFoundError(absl::StrCat(
        "case_id: '", case_id, "' is not a continuity case of region '", state.region, "'"));
  }
  return &it->second;
}

bool HasCeiling(const v1::ContractRecord& contract, absl::string_view municipality) {
  for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
    if (ceiling.municipality() == municipality) return true;
  }
  return false;
}

const v1::ClaimedYear* ClaimedOf(const v1::ContractRecord& contract, absl::string_view municipality,
                                 int32_t year) {
  for (const v1::ClaimedYear& claimed : contract.claimed()) {
    if (claimed.municipality() == municipality && claimed.year() == year) return &claimed;
  }
  return nullptr;
}

absl::string_view ContractStatusName(v1::ContractStatus status) {
  switch (status) {
    case v1::CONTRACT_STATUS_ACTIVE:
      return "active";
    case v1::CONTRACT_STATUS_SUSPENDED:
      return "suspended";
    case v1::CONTRACT_STATUS_TERMINATED:
      return "terminated";
    case v1::CONTRACT_STATUS_EXPIRED:
      return "expired";
    default:
      return "unspecified";
  }
}

}  // namespace inkoop
