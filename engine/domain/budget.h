// Municipal budgets and local procurement plans.
#ifndef INKOOP_ENGINE_DOMAIN_BUDGET_H_
#define INKOOP_ENGINE_DOMAIN_BUDGET_H_

#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideSetBudget(const RegionState& state,
                                                       const v1::Actor& actor,
                                                       const v1::SetBudget& command);
absl::StatusOr<std::vector<v1::Event>> DecideSubmitLocalPlan(const RegionState& state,
                                                             const v1::Actor& actor,
                                                             const v1::SubmitLocalPlan& command);

void ApplyBudgetSet(RegionState& state, const v1::BudgetSet& event);
void ApplyLocalPlanSubmitted(RegionState& state, const v1::LocalPlanSubmitted& event);

// The budget of `municipality` in `year`, or nullptr when none was set.
const YearBudget* FindYearBudget(const RegionState& state, absl::string_view municipality,
                                 int32_t year);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_BUDGET_H_
