#include "engine/domain/registration.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/commitment.h"
#include "engine/domain/dates.h"

namespace inkoop {

absl::StatusOr<int32_t> RegistrationDaysOf(int32_t requested) {
  if (requested < 0 || requested > kMaxRegistrationDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("registration_days: expected 1 to ", kMaxRegistrationDays,
                     " days (0 for the default of ", kDefaultRegistrationDays, "), got ",
                     requested));
  }
  return requested == 0 ? kDefaultRegistrationDays : requested;
}

int32_t RegistrationDays(const v1::ContractRecord& contract) {
  return contract.registration_days() > 0 ? contract.registration_days()
                                          : kDefaultRegistrationDays;
}

int32_t DaysLate(absl::CivilDay happened, absl::CivilDay registered, int32_t days) {
  return static_cast<int32_t>(std::max<int64_t>(0, (registered - happened) - days));
}

std::optional<OverdueRegistration> OverdueOf(const v1::AssignmentRecord& assignment,
                                             int32_t days, absl::CivilDay today) {
  OverdueRegistration overdue;
  if (assignment.status() == v1::ASSIGNMENT_STATUS_ASSIGNED) {
    overdue.what = "start";
    overdue.due = StoredDay(assignment.period_start()) + days;
  } else if (assignment.status() == v1::ASSIGNMENT_STATUS_STARTED) {
    overdue.what = "stop";
    overdue.due = StoredDay(assignment.period_end()) + days;
  } else {
    return std::nullopt;
  }
  if (today <= overdue.due) return std::nullopt;
  overdue.days_overdue = today - overdue.due;
  return overdue;
}

std::optional<int32_t> DropOutPermille(const v1::RegistrationYear& year) {
  if (year.stops() <= 0) return std::nullopt;
  const int64_t dropped = year.stopped_by_client() + year.stopped_by_provider();
  return static_cast<int32_t>(dropped * 1000 / year.stops());
}

void AddRegistrations(v1::RegistrationYear& total, const v1::RegistrationYear& year) {
  total.set_starts(total.starts() + year.starts());
  total.set_starts_late(total.starts_late() + year.starts_late());
  total.set_stops(total.stops() + year.stops());
  total.set_stops_late(total.stops_late() + year.stops_late());
  total.set_days_late(total.days_late() + year.days_late());
  total.set_stopped_as_planned(total.stopped_as_planned() + year.stopped_as_planned());
  total.set_stopped_early_by_agreement(total.stopped_early_by_agreement() +
                                       year.stopped_early_by_agreement());
  total.set_stopped_by_client(total.stopped_by_client() + year.stopped_by_client());
  total.set_stopped_by_provider(total.stopped_by_provider() + year.stopped_by_provider());
  total.set_stopped_external(total.stopped_external() + year.stopped_external());
}

v1::RegistrationYear TotalRegistrations(const v1::ContractRecord& contract) {
  v1::RegistrationYear total;
  for (const v1::RegistrationYear& year : contract.registrations()) AddRegistrations(total, year);
  return total;
}

std::vector<v1::RegistrationView> RegistrationViews(
    const std::vector<v1::ContractRecord>& contracts,
    const std::vector<v1::AssignmentRecord>& assignments, absl::CivilDay today,
    bool list_overdue) {
  std::vector<v1::RegistrationView> views;
  absl::flat_hash_map<std::string, size_t> by_contract;
  for (const v1::ContractRecord& contract : contracts) {
    by_contract[contract.contract_id()] = views.size();
    v1::RegistrationView& view = views.emplace_back();
    view.set_provider_id(contract.provider_id());
    view.set_contract_id(contract.contract_id());
    view.set_registration_days(RegistrationDays(contract));
    *view.mutable_total() = TotalRegistrations(contract);
    *view.mutable_years() = contract.registrations();
    if (std::optional<int32_t> drop_out = DropOutPermille(view.total())) {
      view.set_has_drop_out(true);
      view.set_drop_out_permille(*drop_out);
    }
    view.set_as_of(FormatDate(today));
  }
  for (const v1::AssignmentRecord& assignment : assignments) {
    auto at = by_contract.find(assignment.contract_id());
    if (at == by_contract.end()) continue;
    v1::RegistrationView& view = views[at->second];
    std::optional<OverdueRegistration> overdue =
        OverdueOf(assignment, view.registration_days(), today);
    if (!overdue.has_value()) continue;
    if (overdue->what == "start") {
      view.set_overdue_starts(view.overdue_starts() + 1);
    } else {
      view.set_overdue_stops(view.overdue_stops() + 1);
    }
    if (!list_overdue) continue;
    v1::RegistrationView::Overdue& row = *view.add_overdue();
    row.set_assignment_id(assignment.assignment_id());
    row.set_what(overdue->what);
    row.set_due(FormatDate(overdue->due));
    row.set_days_overdue(overdue->days_overdue);
  }
  return views;
}

namespace {

v1::RegistrationYear& YearOf(v1::ContractRecord& contract, const std::string& day) {
  const auto year = static_cast<int32_t>(StoredDay(day).year());
  auto& years = *contract.mutable_registrations();
  for (v1::RegistrationYear& row : years) {
    if (row.year() == year) return row;
  }
  years.Add()->set_year(year);
  int at = years.size() - 1;
  for (; at > 0 && years[at - 1].year() > year; --at) years.SwapElements(at - 1, at);
  return years[at];
}

}  // namespace

void CountStart(v1::ContractRecord& contract, const v1::CareStarted& event) {
  v1::RegistrationYear& year = YearOf(contract, event.start_date());
  year.set_starts(year.starts() + 1);
  if (event.days_late() > 0) {
    year.set_starts_late(year.starts_late() + 1);
    year.set_days_late(year.days_late() + event.days_late());
  }
}

void CountStop(v1::ContractRecord& contract, const v1::CareStopped& event) {
  v1::RegistrationYear& year = YearOf(contract, event.end_date());
  year.set_stops(year.stops() + 1);
  if (event.days_late() > 0) {
    year.set_stops_late(year.stops_late() + 1);
    year.set_days_late(year.days_late() + event.days_late());
  }
  switch (event.reason()) {
    case v1::CARE_END_REASON_AS_PLANNED:
      year.set_stopped_as_planned(year.stopped_as_planned() + 1);
      break;
    case v1::CARE_END_REASON_EARLY_BY_AGREEMENT:
      year.set_stopped_early_by_agreement(year.stopped_early_by_agreement() + 1);
      break;
    case v1::CARE_END_REASON_BY_CLIENT:
      year.set_stopped_by_client(year.stopped_by_client() + 1);
      break;
    case v1::CARE_END_REASON_BY_PROVIDER:
      year.set_stopped_by_provider(year.stopped_by_provider() + 1);
      break;
    default:
      year.set_stopped_external(year.stopped_external() + 1);
      break;
  }
}

}  // namespace inkoop
