// Outcome-linked tariffs ("bekostiging op resultaat"): a contract's outcome
// terms (OutcomeTerm, at most one per indicator) raise or lower its claims
// of a year by basis points, decided by the year's reported indicators.
//
// The contract keeps, per year, the latest case-level report over all its
// clients of each indicator a term names (an OutcomeMeasure); the bureau's
// close_outcome_year, after the year has ended, turns the measures into an
// OutcomeAdjusted with every input, once per contract and year.
#ifndef INKOOP_ENGINE_DOMAIN_OUTCOMES_H_
#define INKOOP_ENGINE_DOMAIN_OUTCOMES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/domain/state.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

inline constexpr int32_t kMaxOutcomeBasisPoints = 2000;  // 20%

absl::Status ValidateOutcomeTerms(const google::protobuf::RepeatedPtrField<v1::OutcomeTerm>& terms);

// Basis points a term gives for a measured value: + bonus when better than
// the target (lower for drop-out, higher otherwise), - malus when worse.
int32_t BasisPointsOf(const v1::OutcomeTerm& term, int32_t value_permille);

absl::StatusOr<std::vector<v1::Event>> DecideCloseOutcomeYear(const RegionState& state,
                                                              const v1::Command& command);

// Evolve: a report becomes its contract's measure of the year when a term
// names its indicator, it covers all the contract's clients and its period
// lies in one year and ends no earlier than the measure it replaces.
void RecordOutcomeMeasure(RegionState& state, const v1::IndicatorReported& event);
void ApplyOutcomeAdjusted(RegionState& state, const v1::OutcomeAdjusted& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_OUTCOMES_H_
