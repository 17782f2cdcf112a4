#include "engine/domain/equalisation.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/framework.h"
#include "engine/domain/money.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

absl::string_view KeyName(v1::EqualisationKey key) {
  switch (key) {
    case v1::EQUALISATION_KEY_BUDGET:
      return "budget";
    case v1::EQUALISATION_KEY_POPULATION:
      return "population";
    case v1::EQUALISATION_KEY_REALISED_USE:
      return "realised use";
    default:
      return "none";
  }
}

// The most residents a municipality can have, far above any real one; keeps
// every weight sum far from overflow.
constexpr int64_t kMaxResidents = 1'000'000'000;

}  // namespace

absl::Status ValidateEqualisation(const v1::EqualisationAgreement& agreement,
                                  const absl::btree_set<std::string>& members,
                                  absl::string_view field) {
  if (!v1::EqualisationKey_IsValid(agreement.key())) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".key: expected EQUALISATION_KEY_BUDGET, _POPULATION or _REALISED_USE, got ",
        static_cast<int>(agreement.key())));
  }
  if (agreement.key() != v1::EQUALISATION_KEY_POPULATION) {
    if (!agreement.population().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".population: only the population key takes figures, got ",
                       agreement.population_size(), " with the key '", KeyName(agreement.key()),
                       "'"));
    }
    return absl::OkStatus();
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < agreement.population_size(); ++i) {
    const v1::PopulationFigure& figure = agreement.population(i);
    const std::string at = absl::StrCat(field, ".population[", i, "]");
    if (!members.contains(figure.municipality())) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".municipality: '", figure.municipality(),
                                                     "' is not a member of the framework"));
    }
    if (!seen.insert(figure.municipality()).second) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".municipality: '", figure.municipality(),
                                                     "' appears twice"));
    }
    RETURN_IF_ERROR(RequireRange(figure.residents(), 1, kMaxResidents, absl::StrCat(at, ".residents")));
  }
  for (const std::string& member : members) {
    if (!seen.contains(member)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".population: expected a figure for every member, got none for '", member, "'"));
    }
  }
  return absl::OkStatus();
}

std::vector<int64_t> ShareByWeight(int64_t total, const std::vector<int64_t>& weights) {
  __int128 weight_sum = 0;
  for (int64_t w : weights) weight_sum += w;
  std::vector<int64_t> shares(weights.size(), 0);
  if (weight_sum <= 0) return shares;
  std::vector<std::pair<__int128, size_t>> remainders;
  remainders.reserve(weights.size());
  __int128 given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const __int128 product = static_cast<__int128>(total) * weights[i];
    // Floor division, also for a negative total.
    __int128 quotient = product / weight_sum;
    __int128 remainder = product % weight_sum;
    if (remainder < 0) {
      quotient -= 1;
      remainder += weight_sum;
    }
    shares[i] = static_cast<int64_t>(quotient);
    given += quotient;
    remainders.emplace_back(remainder, i);
  }
  // Largest remainder first; the earlier entry wins a tie.
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  const auto left = static_cast<size_t>(static_cast<__int128>(total) - given);
  for (size_t k = 0; k < left && k < remainders.size(); ++k) shares[remainders[k].second] += 1;
  return shares;
}

absl::StatusOr<std::vector<v1::Event>> DecideEqualiseRisk(const RegionState& state,
                                                          const v1::Actor& actor,
                                                          const v1::EqualiseRisk& command) {
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_BUREAU, "equalise risk"));
  RETURN_IF_ERROR(RequireYearInPeriod(state, command.year()));
  // The year's framework: its members and its agreed key.
  const Framework& framework = FrameworkOfYear(state, command.year());
  const int32_t year = command.year();
  const std::string subject = absl::StrCat("risk equalisation ", year);
  if (!command.shares().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "shares: the engine computes the shares from the framework's key; expected none, got ",
        command.shares_size()));
  }
  if (state.equalised_years.contains(year)) {
    return absl::FailedPreconditionError(absl::StrCat(subject, ": already done for ", year));
  }
  const v1::EqualisationKey key = framework.equalisation.key();
  if (key == v1::EQUALISATION_KEY_UNSPECIFIED) {
    return absl::FailedPreconditionError(
        absl::StrCat(subject, ": framework '", framework.id,
                     "' agrees no equalisation key; amend_framework with one first"));
  }
  std::vector<std::string> members(framework.municipalities.begin(),
                                   framework.municipalities.end());
  std::vector<int64_t> costs;
  std::vector<int64_t> weights;
  int64_t total_cost = 0;
  int64_t total_weight = 0;
  for (const std::string& member : members) {
    const YearBudget* budget = FindYearBudget(state, member, year);
    if (budget == nullptr || !budget->closed) {
      return absl::FailedPreconditionError(
          absl::StrCat(subject, ": ", member, " has not closed ", year,
                       " (the key shares the year of every member); close_year first"));
    }
    if (budget->closed_cost_cents < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(subject, ": ", member, "'s cost for ", year, " is negative (",
                       FormatCents(budget->closed_cost_cents), "); nothing to share by the key"));
    }
    int64_t weight = 0;
    switch (key) {
      case v1::EQUALISATION_KEY_BUDGET:
        weight = budget->budget_cents;
        break;
      case v1::EQUALISATION_KEY_POPULATION:
        for (const v1::PopulationFigure& figure : framework.equalisation.population()) {
          if (figure.municipality() == member) weight = figure.residents();
        }
        break;
      case v1::EQUALISATION_KEY_REALISED_USE: {
        const YearBudget* before = FindYearBudget(state, member, year - 1);
        if (before == nullptr || !before->closed) {
          return absl::FailedPreconditionError(
              absl::StrCat(subject, ": ", member, " has not closed ", year - 1,
                           ", whose cost is the key for ", year, "; close_year ", year - 1,
                           " first"));
        }
        weight = std::max<int64_t>(before->closed_cost_cents, 0);
        break;
      }
      default:
        break;
    }
    costs.push_back(budget->closed_cost_cents);
    weights.push_back(weight);
    ASSIGN_OR_RETURN(total_cost, AddCents(total_cost, budget->closed_cost_cents, "cost_cents"));
    ASSIGN_OR_RETURN(total_weight, AddCents(total_weight, weight, "weight"));
  }
  if (total_weight <= 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        subject, ": the key '", KeyName(key), "' gives every member weight 0; nothing to share by"));
  }
  const std::vector<int64_t> key_shares = ShareByWeight(total_cost, weights);
  v1::Event event;
  v1::RiskEqualised& equalised = *event.mutable_risk_equalised();
  equalised.set_year(year);
  equalised.set_key(key);
  equalised.set_total_cost_cents(total_cost);
  equalised.set_total_weight(total_weight);
  for (size_t i = 0; i < members.size(); ++i) {
    v1::EqualisationShare& share = *equalised.add_shares();
    share.set_municipality(members[i]);
    share.set_cost_cents(costs[i]);
    share.set_weight(weights[i]);
    share.set_key_share_cents(key_shares[i]);
    // Both within [0, total_cost]: the difference cannot overflow.
    share.set_amount_cents(costs[i] - key_shares[i]);
  }
  return OneEvent(std::move(event));
}

namespace {

// What deposit and draw both check: a member, a positive amount, a reason.
absl::Status CheckFundMove(const RegionState& state, absl::string_view municipality,
                           int64_t amount_cents, absl::string_view reason) {
  RETURN_IF_ERROR(RequireMunicipality(state, municipality));
  if (amount_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount_cents: expected an amount above 0, got ", FormatCents(amount_cents)));
  }
  return RequireText(reason, "reason", "why the money moves");
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> DecideDepositToFund(const RegionState& state,
                                                           const v1::Actor& actor,
                                                           const v1::DepositToFund& command) {
  RETURN_IF_ERROR(
      CheckFundMove(state, command.municipality(), command.amount_cents(), command.reason()));
  RETURN_IF_ERROR(RequireOwnMunicipality(actor, command.municipality(),
                                         "deposit into the fluctuation fund"));
  const std::string subject =
      Subject("fluctuation fund deposit", command.municipality(), command.year());
  ASSIGN_OR_RETURN(const YearBudget* budget,
                   OpenYearBudget(state, subject, command.municipality(), command.year()));
  const int64_t unplanned = budget->budget_cents - SetAsideTotal(*budget) - PlannedTotal(*budget);
  if (command.amount_cents() > unplanned) {
    return absl::FailedPreconditionError(absl::StrCat(
        subject, ": ", FormatCents(command.amount_cents()), " would exceed the unplanned ",
        FormatCents(unplanned), " (budget ", FormatCents(budget->budget_cents), " less planned ",
        FormatCents(PlannedTotal(*budget)), " and set aside ", FormatCents(SetAsideTotal(*budget)),
        ")"));
  }
  // The balance is bounded by the members' budgets: it cannot overflow.
  ASSIGN_OR_RETURN(const int64_t balance,
                   AddCents(state.fund_balance_cents, command.amount_cents(), "amount_cents"));
  v1::Event event;
  v1::FundDeposited& deposited = *event.mutable_fund_deposited();
  deposited.set_municipality(command.municipality());
  deposited.set_year(command.year());
  deposited.set_amount_cents(command.amount_cents());
  deposited.set_reason(command.reason());
  deposited.set_balance_cents(balance);
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideDrawFromFund(const RegionState& state,
                                                          const v1::Actor& actor,
                                                          const v1::DrawFromFund& command) {
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_BUREAU, "draw from the fluctuation fund"));
  RETURN_IF_ERROR(
      CheckFundMove(state, command.municipality(), command.amount_cents(), command.reason()));
  const std::string subject =
      Subject("fluctuation fund draw", command.municipality(), command.year());
  if (FindYearBudget(state, command.municipality(), command.year()) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(subject, ": no budget set for that year; set_budget first"));
  }
  if (command.amount_cents() > state.fund_balance_cents) {
    return absl::FailedPreconditionError(
        absl::StrCat(subject, ": ", FormatCents(command.amount_cents()),
                     " would exceed the fund's balance ", FormatCents(state.fund_balance_cents)));
  }
  v1::Event event;
  v1::FundDrawn& drawn = *event.mutable_fund_drawn();
  drawn.set_municipality(command.municipality());
  drawn.set_year(command.year());
  drawn.set_amount_cents(command.amount_cents());
  drawn.set_reason(command.reason());
  drawn.set_balance_cents(state.fund_balance_cents - command.amount_cents());
  return OneEvent(std::move(event));
}

void ApplyRiskEqualised(RegionState& state, const v1::RiskEqualised& event) {
  for (const v1::EqualisationShare& share : event.shares()) {
    state.municipalities[share.municipality()].years[event.year()].equalisation_cents +=
        share.amount_cents();
  }
  state.equalised_years.insert(event.year());
}

void ApplyFundDeposited(RegionState& state, const v1::FundDeposited& event) {
  state.municipalities[event.municipality()].years[event.year()].fund_deposited_cents +=
      event.amount_cents();
  state.fund_balance_cents += event.amount_cents();
}

void ApplyFundDrawn(RegionState& state, const v1::FundDrawn& event) {
  state.municipalities[event.municipality()].years[event.year()].fund_drawn_cents +=
      event.amount_cents();
  state.fund_balance_cents -= event.amount_cents();
}

}  // namespace inkoop
