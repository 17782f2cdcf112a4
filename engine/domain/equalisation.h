// Risk equalisation and the fluctuation fund: how the members of a region
// share the cost of regional care at year close.
//
// The framework agrees a key (budget, population or realised use). Once
// every member has closed a year, the bureau equalises it: the engine adds
// up the members' costs as recorded at their closes, divides the total by
// the key, and records each member's cost, weight, key share and the
// difference (cost - key share) in one RiskEqualised event. The differences
// sum to zero: no money is created or lost.
//
// The fluctuation fund takes deposits from members' year budgets (set aside
// like reservations, out of their plans) and pays draws the bureau decides,
// never more than its balance.
#ifndef INKOOP_ENGINE_DOMAIN_EQUALISATION_H_
#define INKOOP_ENGINE_DOMAIN_EQUALISATION_H_

#include <vector>

#include "absl/container/btree_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

// A key that is a known value; population figures for every member of
// `members` (once, residents > 0) with the population key and none
// without. Errors name `field`.
absl::Status ValidateEqualisation(const v1::EqualisationAgreement& agreement,
                                  const absl::btree_set<std::string>& members,
                                  absl::string_view field);

// Shares `total` in proportion to `weights` (all >= 0, summing to > 0),
// rounded down, the remaining cents going to the largest remainders (ties:
// the earlier entry). The result sums to `total` exactly.
std::vector<int64_t> ShareByWeight(int64_t total, const std::vector<int64_t>& weights);

absl::StatusOr<std::vector<v1::Event>> DecideEqualiseRisk(const RegionState& state,
                                                          const v1::Actor& actor,
                                                          const v1::EqualiseRisk& command);
absl::StatusOr<std::vector<v1::Event>> DecideDepositToFund(const RegionState& state,
                                                           const v1::Actor& actor,
                                                           const v1::DepositToFund& command);
absl::StatusOr<std::vector<v1::Event>> DecideDrawFromFund(const RegionState& state,
                                                          const v1::Actor& actor,
                                                          const v1::DrawFromFund& command);

void ApplyRiskEqualised(RegionState& state, const v1::RiskEqualised& event);
void ApplyFundDeposited(RegionState& state, const v1::FundDeposited& event);
void ApplyFundDrawn(RegionState& state, const v1::FundDrawn& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_EQUALISATION_H_
