// Read models derived from a region's state, and which of them an event
// touches. Views are always recomputed from state (never patched by event),
// so a view cannot disagree with the state Evolve built.
#ifndef INKOOP_PROJECTIONS_VIEWS_H_
#define INKOOP_PROJECTIONS_VIEWS_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/container/btree_set.h"
#include "engine/domain/state.h"
#include "inkoop/v1/events.pb.h"
#include "inkoop/v1/views.pb.h"

namespace inkoop {

// The views of one region that need rewriting.
struct TouchedViews {
  absl::btree_set<std::pair<std::string, int32_t>> budgets;  // (municipality, year)
  absl::btree_set<std::string> providers;
  absl::btree_set<std::string> tenders;
  absl::btree_set<std::string> contracts;
  absl::btree_set<std::string> cases;
};

// Adds what `event` changes to `touched`; `state` is the state after it.
void CollectTouched(const RegionState& state, const v1::Event& event, TouchedViews& touched);

v1::BudgetView MakeBudgetView(const RegionState& state, const std::string& municipality,
                              int32_t year);

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_VIEWS_H_
