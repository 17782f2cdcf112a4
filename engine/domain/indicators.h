// Outcome indicators of the national set (drop-out, satisfaction, goal
// attainment), each with the number of cases it measures (N), at case level
// (a contract's clients, all or one municipality's) or at population level
// (a municipality's youth).
//
// The first report of a key (contract or population, indicator,
// municipality) is its baseline (nulmeting); a report for the same period
// corrects it. Every later report must measure a period after the
// baseline's, and its event carries the baseline and the change against it,
// so a reader needs no history to see the trend.
#ifndef INKOOP_ENGINE_DOMAIN_INDICATORS_H_
#define INKOOP_ENGINE_DOMAIN_INDICATORS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

absl::StatusOr<std::vector<v1::Event>> DecideReportIndicator(const RegionState& state,
                                                             const v1::Command& command);

// "drop-out", "satisfaction", "goal attainment".
absl::string_view IndicatorWord(v1::Indicator indicator);

void ApplyIndicatorReported(RegionState& state, const v1::IndicatorReported& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_INDICATORS_H_
