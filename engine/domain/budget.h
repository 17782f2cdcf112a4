// Municipal budgets and local procurement plans.
#ifndef INKOOP_ENGINE_DOMAIN_BUDGET_H_
#define INKOOP_ENGINE_DOMAIN_BUDGET_H_

#include <string>
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

absl::StatusOr<std::vector<v1::Event>> DecideReserveLocalParts(
    const RegionState& state, const v1::Actor& actor, const v1::ReserveLocalParts& command);
absl::StatusOr<std::vector<v1::Event>> DecideIssuePurchaseOrder(
    const RegionState& state, const v1::Actor& actor, const v1::IssuePurchaseOrder& command);
absl::StatusOr<std::vector<v1::Event>> DecideAmendPurchaseOrder(
    const RegionState& state, const v1::Actor& actor, const v1::AmendPurchaseOrder& command);
absl::StatusOr<std::vector<v1::Event>> DecideShiftBudget(const RegionState& state,
                                                         const v1::Actor& actor,
                                                         const v1::ShiftBudget& command);
absl::StatusOr<std::vector<v1::Event>> DecideCloseYear(const RegionState& state,
                                                       const v1::Actor& actor,
                                                       const v1::CloseYear& command);

void ApplyLocalPartsReserved(RegionState& state, const v1::LocalPartsReserved& event);
void ApplyPurchaseOrderIssued(RegionState& state, const v1::PurchaseOrderIssued& event);
void ApplyPurchaseOrderAmended(RegionState& state, const v1::PurchaseOrderAmended& event);
void ApplyBudgetShifted(RegionState& state, const v1::BudgetShifted& event);
void ApplyYearClosed(RegionState& state, const v1::YearClosed& event);

// The budget of `municipality` in `year`, or nullptr when none was set.
const YearBudget* FindYearBudget(const RegionState& state, absl::string_view municipality,
                                 int32_t year);

// "<what> of <municipality> <year>", the subject refusals name.
std::string Subject(absl::string_view what, absl::string_view municipality, int32_t year);

// The year's budget, refused (naming `subject`) when none was set or the
// year is closed.
absl::StatusOr<const YearBudget*> OpenYearBudget(const RegionState& state,
                                                 absl::string_view subject,
                                                 absl::string_view municipality, int32_t year);

int64_t PlannedTotal(const YearBudget& budget);
int64_t CommittedTotal(const YearBudget& budget);
int64_t ReservedTotal(const YearBudget& budget);
// Reserved plus deposited in the fluctuation fund: money of the year that
// no plan may take.
int64_t SetAsideTotal(const YearBudget& budget);

// Whether `delta` cents more (or, negative, fewer) can be committed to
// contracts on `lot` of `municipality` in `year`: the year needs a budget and
// a plan, must not be closed, and committed + delta may not exceed the
// planned money of the lot. The refusal reads like
//   lot 'ambulatory' of Delft 2016: ceiling 1,200,000.00 would exceed the
//   uncommitted budget 950,000.00
// Lowering (delta <= 0) is always allowed.
absl::Status CheckCommit(const RegionState& state, absl::string_view municipality, int32_t year,
                         absl::string_view lot, int64_t delta);
// Applies what CheckCommit allowed.
void ApplyCommit(RegionState& state, const std::string& municipality, int32_t year,
                 const std::string& lot, int64_t delta);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_BUDGET_H_
