#include "engine/domain/commitment.h"

#include <algorithm>
#include <limits>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/dates.h"
#include "engine/domain/money.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

// Days of [from, to], 0 when empty.
int64_t DaysOf(absl::CivilDay from, absl::CivilDay to) { return to < from ? 0 : to - from + 1; }

// The term's days in `year`: [first, last].
std::pair<absl::CivilDay, absl::CivilDay> TermIn(const v1::ContractRecord& contract,
                                                 int32_t year) {
  const absl::CivilDay first = std::max(StoredDay(contract.term_start()), absl::CivilDay(year, 1, 1));
  const absl::CivilDay last = std::min(StoredDay(contract.term_end()), absl::CivilDay(year, 12, 31));
  return {first, last};
}

// The term's last day, or the day before a termination took effect.
absl::CivilDay LastTermDay(const v1::ContractRecord& contract) {
  absl::CivilDay last = StoredDay(contract.term_end());
  if (!contract.ends_on().empty()) last = std::min(last, StoredDay(contract.ends_on()) - 1);
  return last;
}

// The last day a suspension covers; far in the future while it lasts.
absl::CivilDay SuspendedUntil(const v1::Suspension& suspension) {
  if (suspension.resumed_on().empty()) return absl::CivilDay(9999, 12, 31);
  return StoredDay(suspension.resumed_on()) - 1;
}

// The days a ceiling of `year` is spread over: the term's days in that year
// for a ceiling written for the year, the whole calendar year for a yearless
// one (so that half a year of term commits half of it).
int64_t BasisDays(const v1::ContractRecord& contract, absl::string_view municipality,
                  int32_t year) {
  for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
    if (ceiling.municipality() == municipality && ceiling.year() == year) {
      return TermDaysIn(contract, year);
    }
  }
  return DaysOf(absl::CivilDay(year, 1, 1), absl::CivilDay(year, 12, 31));
}

}  // namespace

absl::CivilDay StoredDay(const std::string& text) {
  return ParseDate(text, "date").value_or(absl::CivilDay());
}

int64_t YearCeilingOf(const v1::ContractRecord& contract, absl::string_view municipality,
                      int32_t year) {
  std::optional<int64_t> yearless;
  for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
    if (ceiling.municipality() != municipality) continue;
    if (ceiling.year() == year) return ceiling.ceiling_cents();
    if (ceiling.year() == 0) yearless = ceiling.ceiling_cents();
  }
  return yearless.value_or(0);
}

absl::StatusOr<int64_t> YearCeilingsOf(const v1::ContractRecord& contract, int32_t year) {
  int64_t sum = 0;
  absl::flat_hash_set<absl::string_view> municipalities;
  for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
    if (!municipalities.insert(ceiling.municipality()).second) continue;
    ASSIGN_OR_RETURN(sum,
                     AddCents(sum, YearCeilingOf(contract, ceiling.municipality(), year), "ceilings"));
  }
  return sum;
}

int64_t TermDaysIn(const v1::ContractRecord& contract, int32_t year) {
  const auto [first, last] = TermIn(contract, year);
  return DaysOf(first, last);
}

int64_t CareDaysIn(const v1::ContractRecord& contract, int32_t year) {
  auto [first, last] = TermIn(contract, year);
  last = std::min(last, LastTermDay(contract));
  int64_t days = DaysOf(first, last);
  for (const v1::Suspension& suspension : contract.suspensions()) {
    const absl::CivilDay from = std::max(first, StoredDay(suspension.from()));
    const absl::CivilDay until = std::min(last, SuspendedUntil(suspension));
    days -= DaysOf(from, until);
  }
  return std::max<int64_t>(days, 0);
}

int64_t CapOf(const v1::ContractRecord& contract, absl::string_view municipality, int32_t year) {
  const int64_t ceiling = YearCeilingOf(contract, municipality, year);
  const int64_t per_days = BasisDays(contract, municipality, year);
  if (ceiling <= 0 || per_days == 0) return 0;
  const int64_t care_days = CareDaysIn(contract, year);
  if (care_days >= per_days) return ceiling;
  return static_cast<int64_t>(static_cast<__int128>(ceiling) * care_days / per_days);
}

int64_t RegionCapOf(const v1::ContractRecord& contract, int32_t year) {
  const int64_t ceiling = contract.region_ceiling_cents();
  if (ceiling <= 0) return 0;
  const int64_t per_days = DaysOf(absl::CivilDay(year, 1, 1), absl::CivilDay(year, 12, 31));
  const int64_t care_days = CareDaysIn(contract, year);
  if (care_days >= per_days) return ceiling;
  return static_cast<int64_t>(static_cast<__int128>(ceiling) * care_days / per_days);
}

absl::StatusOr<int64_t> WholeCeilingOf(const v1::ContractRecord& contract, int32_t year) {
  if (contract.region_ceiling_cents() > 0) return contract.region_ceiling_cents();
  return YearCeilingsOf(contract, year);
}

int64_t ClaimedIn(const v1::ContractRecord& contract, int32_t year) {
  int64_t total = 0;
  // Each row is within the region's cap, so the sum cannot overflow.
  for (const v1::ClaimedYear& claimed : contract.claimed()) {
    if (claimed.year() == year) total += claimed.claimed_cents();
  }
  return total;
}

absl::Status RequireWithinRegionCeiling(const v1::ContractRecord& contract) {
  if (contract.region_ceiling_cents() <= 0) return absl::OkStatus();
  for (int32_t year : ContractYears(contract)) {
    ASSIGN_OR_RETURN(const int64_t sum, YearCeilingsOf(contract, year));
    if (sum > contract.region_ceiling_cents()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ceilings: the municipalities' ceilings of ", year, " sum to ", FormatCents(sum),
          ", above the region ceiling ", FormatCents(contract.region_ceiling_cents()),
          " of contract '", contract.contract_id(), "'"));
    }
  }
  return absl::OkStatus();
}

int64_t CeilingFrom(const v1::ContractRecord& contract, absl::string_view municipality,
                    absl::CivilDay day) {
  const absl::CivilDay last_care = LastTermDay(contract);
  int64_t total = 0;
  for (int64_t y = day.year(); y <= last_care.year(); ++y) {
    const auto year = static_cast<int32_t>(y);
    auto [first, last] = TermIn(contract, year);
    first = std::max(first, day);
    last = std::min(last, last_care);
    const int64_t per_days = BasisDays(contract, municipality, year);
    const int64_t days = DaysOf(first, last);
    if (per_days == 0 || days == 0) continue;
    total += static_cast<int64_t>(
        static_cast<__int128>(YearCeilingOf(contract, municipality, year)) * days / per_days);
  }
  return total;
}

absl::CivilDay LastCareDay(const v1::ContractRecord& contract) {
  absl::CivilDay last = LastTermDay(contract);
  for (const v1::Suspension& suspension : contract.suspensions()) {
    if (suspension.resumed_on().empty()) last = std::min(last, StoredDay(suspension.from()) - 1);
  }
  return last;
}

const v1::Suspension* SuspensionDuring(const v1::ContractRecord& contract, absl::CivilDay start,
                                       absl::CivilDay end) {
  for (const v1::Suspension& suspension : contract.suspensions()) {
    if (StoredDay(suspension.from()) <= end && SuspendedUntil(suspension) >= start) {
      return &suspension;
    }
  }
  return nullptr;
}

Commitments CommitmentsOf(const v1::ContractRecord& contract) {
  Commitments commitments;
  const absl::CivilDay start = StoredDay(contract.term_start());
  const absl::CivilDay end = StoredDay(contract.term_end());
  if (end < start) return commitments;
  absl::btree_set<std::string> municipalities;
  for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
    municipalities.insert(ceiling.municipality());
  }
  for (const std::string& municipality : municipalities) {
    for (int64_t y = start.year(); y <= end.year(); ++y) {
      const auto year = static_cast<int32_t>(y);
      const int64_t cap = CapOf(contract, municipality, year);
      if (cap != 0) commitments[{municipality, year}] = cap;
    }
  }
  for (const v1::ClaimedYear& claimed : contract.claimed()) {
    int64_t& committed = commitments[{claimed.municipality(), claimed.year()}];
    // A settled year costs what the production statement says, no more.
    committed = claimed.settled() ? claimed.claimed_cents()
                                  : std::max(committed, claimed.claimed_cents());
  }
  absl::erase_if(commitments, [](const auto& entry) { return entry.second == 0; });
  return commitments;
}

Commitments CommitmentDeltas(const Commitments& before, const Commitments& after) {
  Commitments deltas;
  for (const auto& [key, cents] : after) deltas[key] += cents;
  for (const auto& [key, cents] : before) deltas[key] -= cents;
  absl::erase_if(deltas, [](const auto& entry) { return entry.second == 0; });
  return deltas;
}

absl::Status CheckCommitments(const RegionState& state, const std::string& lot,
                              const Commitments& deltas) {
  for (const auto& [key, delta] : deltas) {
    RETURN_IF_ERROR(CheckCommit(state, key.first, key.second, lot, delta));
  }
  return absl::OkStatus();
}

void ApplyCommitments(RegionState& state, const std::string& lot, const Commitments& deltas) {
  for (const auto& [key, delta] : deltas) ApplyCommit(state, key.first, key.second, lot, delta);
}

absl::StatusOr<Commitments> CheckChange(const RegionState& state,
                                        const v1::ContractRecord& before,
                                        const v1::ContractRecord& after) {
  Commitments deltas = CommitmentDeltas(CommitmentsOf(before), CommitmentsOf(after));
  RETURN_IF_ERROR(CheckCommitments(state, after.lot(), deltas));
  return deltas;
}

void ApplyChange(RegionState& state, v1::ContractRecord& contract, v1::ContractRecord changed) {
  const Commitments deltas = CommitmentDeltas(CommitmentsOf(contract), CommitmentsOf(changed));
  contract = std::move(changed);
  ApplyCommitments(state, contract.lot(), deltas);
}

}  // namespace inkoop
