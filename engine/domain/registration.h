// The registration duty: a contract obliges its provider to register the
// start (iJw JW305) and the stop (JW307) of each assignment within the
// contract's registration days of the day care started or ended. Each
// CareStarted and CareStopped carries the day it was registered and the days
// it was late; the contract counts them per year, with the stops by reason,
// from which drop-out follows (stops by the client or by the provider over
// all stops). What is overdue now is read from the assignments against the
// region's clock: a start not registered that many days into the period, a
// stop not registered that many days after it.
#ifndef INKOOP_ENGINE_DOMAIN_REGISTRATION_H_
#define INKOOP_ENGINE_DOMAIN_REGISTRATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "inkoop/v1/events.pb.h"
#include "inkoop/v1/snapshot.pb.h"
#include "inkoop/v1/views.pb.h"

namespace inkoop {

inline constexpr int32_t kDefaultRegistrationDays = 7;
inline constexpr int32_t kMaxRegistrationDays = 90;

// SignContract.registration_days as the contract takes it (0: the default);
// kInvalidArgument outside 0..kMaxRegistrationDays.
absl::StatusOr<int32_t> RegistrationDaysOf(int32_t requested);
// The contract's days (a contract signed before the duty: the default).
int32_t RegistrationDays(const v1::ContractRecord& contract);

// Days a registration on `registered` of what happened on `happened` is
// past the duty of `days` (0: in time).
int32_t DaysLate(absl::CivilDay happened, absl::CivilDay registered, int32_t days);

struct OverdueRegistration {
  std::string what;      // "start" or "stop"
  absl::CivilDay due;    // the last day it was due
  int64_t days_overdue;  // today - due
};
// What `assignment` owes on `today` under a duty of `days`: nothing, its
// start (assigned and `days` past the period's start) or its stop (started
// and `days` past the period's end).
std::optional<OverdueRegistration> OverdueOf(const v1::AssignmentRecord& assignment,
                                             int32_t days, absl::CivilDay today);

// Drop-out of a year in permille (stops by the client or the provider over
// all stops); nullopt when nothing stopped.
std::optional<int32_t> DropOutPermille(const v1::RegistrationYear& year);
// All years of a contract added up (year 0).
v1::RegistrationYear TotalRegistrations(const v1::ContractRecord& contract);
void AddRegistrations(v1::RegistrationYear& total, const v1::RegistrationYear& year);

// The registration view of each of `contracts` on `today`, what is overdue
// taken from `assignments` (any order, any contracts); with `list_overdue`
// each overdue assignment is named (client-level), else only counted.
std::vector<v1::RegistrationView> RegistrationViews(
    const std::vector<v1::ContractRecord>& contracts,
    const std::vector<v1::AssignmentRecord>& assignments, absl::CivilDay today, bool list_overdue);

// Evolve: counts a registration on its contract.
void CountStart(v1::ContractRecord& contract, const v1::CareStarted& event);
void CountStop(v1::ContractRecord& contract, const v1::CareStopped& event);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_REGISTRATION_H_
