// What a contract commits on its lot: per municipality and budget year, the
// year's ceiling in proportion to the days of care the contract gives in that
// year, and never less than what was already claimed.
//
// Every change of a contract (signing, amendment, extension, suspension,
// resumption, termination, a transfer of clients) is the difference between
// the commitments of the record before and after it, so that no change can
// create or lose money on a lot.
#ifndef INKOOP_ENGINE_DOMAIN_COMMITMENT_H_
#define INKOOP_ENGINE_DOMAIN_COMMITMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "engine/domain/state.h"
#include "inkoop/v1/snapshot.pb.h"

namespace inkoop {

// Committed cents of one contract per (municipality, year).
using Commitments = absl::btree_map<std::pair<std::string, int32_t>, int64_t>;

// A stored date (Decide validated it before it was recorded); the default
// day when it is not a date.
absl::CivilDay StoredDay(const std::string& text);

// The ceiling of `municipality` in `year` as written: the row of that year,
// else the yearless row, else 0.
int64_t YearCeilingOf(const v1::ContractRecord& contract, absl::string_view municipality,
                      int32_t year);

// The ceilings of all municipalities in `year` (YearCeilingOf summed over
// the contract's municipalities); an error when the sum overflows.
absl::StatusOr<int64_t> YearCeilingsOf(const v1::ContractRecord& contract, int32_t year);

// Days of the term in `year`, and the days among them the contract gives
// care: not suspended, before ends_on.
int64_t TermDaysIn(const v1::ContractRecord& contract, int32_t year);
int64_t CareDaysIn(const v1::ContractRecord& contract, int32_t year);

// The most the contract pays for `municipality` in `year`: YearCeilingOf x
// CareDaysIn / the days the ceiling is for (the term's days in the year for
// a ceiling written for that year, the calendar year's days for a yearless
// one), rounded down to the cent.
int64_t CapOf(const v1::ContractRecord& contract, absl::string_view municipality, int32_t year);

// A region-wide contract's cap for all members together in `year`: its
// region ceiling x CareDaysIn / the calendar year's days (0 when it is not
// region-wide).
int64_t RegionCapOf(const v1::ContractRecord& contract, int32_t year);

// What the whole contract may pay in `year` as written: the region ceiling
// of a region-wide contract, else YearCeilingsOf.
absl::StatusOr<int64_t> WholeCeilingOf(const v1::ContractRecord& contract, int32_t year);

// A region-wide contract: each year's municipality ceilings within the
// region ceiling (kFailedPrecondition naming the year and both sums).
absl::Status RequireWithinRegionCeiling(const v1::ContractRecord& contract);

// Claimed in `year`, all municipalities together.
int64_t ClaimedIn(const v1::ContractRecord& contract, int32_t year);

// The part of the ceilings of `municipality` for the days from `day` to the
// end of the term (or termination), suspensions not counted out: per year,
// the year's ceiling x those days / the term's days in the year.
int64_t CeilingFrom(const v1::ContractRecord& contract, absl::string_view municipality,
                    absl::CivilDay day);

// The last day of care: the term's end, the day before ends_on, or the day
// before an open suspension began.
absl::CivilDay LastCareDay(const v1::ContractRecord& contract);

// The suspension covering any day of [start, end], if one does.
const v1::Suspension* SuspensionDuring(const v1::ContractRecord& contract, absl::CivilDay start,
                                       absl::CivilDay end);

// max(CapOf, claimed) for every municipality with a ceiling or a claim and
// every budget year of the term; a settled year commits what was produced.
Commitments CommitmentsOf(const v1::ContractRecord& contract);

// after - before, without the zeros.
Commitments CommitmentDeltas(const Commitments& before, const Commitments& after);

// Whether the deltas fit the plans of the lot (CheckCommit for each).
absl::Status CheckCommitments(const RegionState& state, const std::string& lot,
                              const Commitments& deltas);
void ApplyCommitments(RegionState& state, const std::string& lot, const Commitments& deltas);

// Checks and returns the commitment change from `before` to `after` (a
// changed copy of the same contract).
absl::StatusOr<Commitments> CheckChange(const RegionState& state,
                                        const v1::ContractRecord& before,
                                        const v1::ContractRecord& after);
// Replaces `contract` by `changed` and books the difference on the lot.
void ApplyChange(RegionState& state, v1::ContractRecord& contract, v1::ContractRecord changed);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_COMMITMENT_H_
