#include "engine/domain/membership.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/domain/commitment.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

// The last day of a term of `years` from `first`.
absl::CivilDay TermEnd(absl::CivilDay first, int32_t years) {
  return absl::CivilDay(first.year() + years, first.month(), first.day()) - 1;
}

bool MemberOn(const v1::Membership& membership, absl::CivilDay day) {
  return StoredDay(membership.joined_on()) <= day &&
         (membership.leaves_on().empty() || day < StoredDay(membership.leaves_on()));
}

std::string Dates(const v1::Membership& membership) {
  return absl::StrCat("joined on ", membership.joined_on(),
                      membership.leaves_on().empty()
                          ? absl::StrCat(", term to ", membership.term_end())
                          : absl::StrCat(", left on ", membership.leaves_on()));
}

// The acting municipality's own, current membership.
absl::StatusOr<const v1::Membership*> OwnMembership(const RegionState& state,
                                                   const v1::Command& command,
                                                   const std::string& municipality,
                                                   absl::string_view action) {
  RETURN_IF_ERROR(RequireText(municipality, "municipality", "the municipality"));
  RETURN_IF_ERROR(RequireOwnMunicipality(command.actor(), municipality, action));
  RETURN_IF_ERROR(RequireMunicipality(state, municipality));
  auto it = state.memberships.find(municipality);
  if (it == state.memberships.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "municipality: '", municipality,
        "' joined before terms were recorded and has no term to renew or serve; a successor "
        "framework records one"));
  }
  if (!it->second.leaves_on().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "municipality: '", municipality, "' leaves the joint arrangement on ",
        it->second.leaves_on(), " (", Dates(it->second), ")"));
  }
  return &it->second;
}

}  // namespace

std::vector<v1::Membership> JoiningMembers(
    const RegionState& state, const google::protobuf::RepeatedPtrField<std::string>& municipalities,
    absl::CivilDay start, int32_t years) {
  std::vector<v1::Membership> joining;
  for (const std::string& municipality : municipalities) {
    auto it = state.memberships.find(municipality);
    if (it != state.memberships.end() && MemberOn(it->second, start)) continue;
    // A municipality of an earlier framework without a recorded term stays
    // a member without one.
    if (it == state.memberships.end() && state.framework.adopted &&
        RequireMunicipality(state, municipality).ok()) {
      continue;
    }
    v1::Membership membership;
    membership.set_municipality(municipality);
    membership.set_joined_on(FormatDate(start));
    membership.set_term_end(FormatDate(TermEnd(start, years)));
    membership.set_term_years(years);
    joining.push_back(std::move(membership));
  }
  return joining;
}

absl::StatusOr<std::vector<v1::Event>> DecideRenewMembership(const RegionState& state,
                                                             const v1::Command& command) {
  const std::string& municipality = command.renew_membership().municipality();
  ASSIGN_OR_RETURN(const v1::Membership* membership,
                   OwnMembership(state, command, municipality, "renew its membership"));
  v1::Event event;
  v1::MembershipRenewed& renewed = *event.mutable_membership_renewed();
  renewed.set_municipality(municipality);
  renewed.set_term_end(FormatDate(
      TermEnd(StoredDay(membership->term_end()) + 1, membership->term_years())));
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideLeaveArrangement(const RegionState& state,
                                                              const v1::Command& command) {
  const v1::LeaveArrangement& leave = command.leave_arrangement();
  ASSIGN_OR_RETURN(const v1::Membership* membership,
                   OwnMembership(state, command, leave.municipality(),
                                 "leave the joint arrangement"));
  ASSIGN_OR_RETURN(const absl::CivilDay day, ParseDate(leave.effective_on(), "effective_on"));
  const absl::CivilDay first_free = StoredDay(membership->term_end()) + 1;
  if (day < first_free) {
    return absl::FailedPreconditionError(absl::StrCat(
        "effective_on: ", leave.municipality(), "'s term in the joint arrangement runs to ",
        membership->term_end(), "; it may leave from ", FormatDate(first_free), ", got ",
        leave.effective_on()));
  }
  const absl::CivilDay today = CommandDay(command);
  if (day <= today) {
    return absl::InvalidArgumentError(absl::StrCat(
        "effective_on: expected a day after today ", FormatDate(today), ", got ",
        leave.effective_on()));
  }
  RETURN_IF_ERROR(RequireText(leave.reason(), "reason", "the council's decision"));
  v1::Event event;
  v1::ArrangementLeft& left = *event.mutable_arrangement_left();
  left.set_municipality(leave.municipality());
  left.set_leaves_on(leave.effective_on());
  left.set_term_end(membership->term_end());
  left.set_reason(leave.reason());
  return OneEvent(std::move(event));
}

absl::Status RequireMemberOn(const RegionState& state, absl::string_view municipality,
                             absl::CivilDay day) {
  RETURN_IF_ERROR(RequireMunicipality(state, municipality));
  auto it = state.memberships.find(municipality);
  if (it == state.memberships.end() || MemberOn(it->second, day)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "municipality: '", municipality, "' is no member of the joint arrangement on ",
      FormatDate(day), " (", Dates(it->second), ")"));
}

absl::Status RequireMemberInYear(const RegionState& state, absl::string_view municipality,
                                 int32_t year) {
  RETURN_IF_ERROR(RequireMunicipality(state, municipality));
  auto it = state.memberships.find(municipality);
  if (it == state.memberships.end()) return absl::OkStatus();
  const v1::Membership& membership = it->second;
  const bool joined = StoredDay(membership.joined_on()) <= absl::CivilDay(year, 12, 31);
  const bool stays = membership.leaves_on().empty() ||
                     absl::CivilDay(year, 1, 1) < StoredDay(membership.leaves_on());
  if (joined && stays) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "municipality: '", municipality, "' is no member of the joint arrangement in ", year, " (",
      Dates(membership), ")"));
}

void ApplyMembershipRenewed(RegionState& state, const v1::MembershipRenewed& event) {
  auto it = state.memberships.find(event.municipality());
  if (it == state.memberships.end()) return;
  it->second.set_term_end(event.term_end());
}

void ApplyArrangementLeft(RegionState& state, const v1::ArrangementLeft& event) {
  auto it = state.memberships.find(event.municipality());
  if (it == state.memberships.end()) return;
  it->second.set_leaves_on(event.leaves_on());
}

}  // namespace inkoop
