// Membership of the joint arrangement. The municipalities of a region's
// framework join it for a term (three years unless the framework says
// otherwise), renewable from the term's end; a municipality leaves only
// after its term, and from the day it leaves it has no budgets, plans,
// assignments or placement requests in the region.
#ifndef INKOOP_ENGINE_DOMAIN_MEMBERSHIP_H_
#define INKOOP_ENGINE_DOMAIN_MEMBERSHIP_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

inline constexpr int32_t kDefaultMembershipYears = 3;

// The memberships an adopted framework starts: every listed municipality
// that is no member on `start` joins from it for `years`.
std::vector<v1::Membership> JoiningMembers(const RegionState& state,
                                           const google::protobuf::RepeatedPtrField<std::string>& municipalities,
                                           absl::CivilDay start, int32_t years);

absl::StatusOr<std::vector<v1::Event>> DecideRenewMembership(const RegionState& state,
                                                             const v1::Command& command);
absl::StatusOr<std::vector<v1::Event>> DecideLeaveArrangement(const RegionState& state,
                                                              const v1::Command& command);

// A municipality of the region that is a member on `day`; the refusal
// names the membership's dates.
absl::Status RequireMemberOn(const RegionState& state, absl::string_view municipality,
                             absl::CivilDay day);
// ... on some day of `year`.
absl::Status RequireMemberInYear(const RegionState& state, absl::string_view municipality,
                                 int32_t year);

void ApplyMembershipRenewed(RegionState& state, const v1::MembershipRenewed& event);
void ApplyArrangementLeft(RegionState& state, const v1::ArrangementLeft& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_MEMBERSHIP_H_
