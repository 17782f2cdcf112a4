// Read models derived from a region's state. Views are always recomputed
// from state (never patched by event), so a view cannot disagree with the
// state Evolve built.
#ifndef INKOOP_PROJECTIONS_VIEWS_H_
#define INKOOP_PROJECTIONS_VIEWS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/domain/state.h"
#include "inkoop/v1/views.pb.h"

namespace inkoop {

// The (municipality, year) budget views to rewrite: those whose budget
// changed since the state was last staged, or all of them when `all` (the
// framework, and so the lot lines, changed). Call before staging.
std::vector<std::pair<std::string, int32_t>> ChangedBudgets(const RegionState& state, bool all);

v1::BudgetView MakeBudgetView(const RegionState& state, const std::string& municipality,
                              int32_t year);

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_VIEWS_H_
