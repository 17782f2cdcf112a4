// The "region-year" load profile: the procurement years of a region like
// Haaglanden as the commands its bureau, municipalities and providers would
// submit, ending right after a chosen number of claims.
//
// Once: the bureau adopts the framework (the ten Haaglanden municipalities,
// six lots with funding models and maximum tariffs, a period covering every
// contract year) and registers 160 providers. For each contract year Y,
// during Y-1: budgets (about EUR 198 mln for the region, Den Haag the
// largest), reservations, local plans, the purchase order, one tender per
// lot, a bid of every provider of the lot, the awards and one per-unit
// contract per provider with a ceiling per municipality. During Y: every
// client is assigned the year's care and its start is registered, then it
// claims monthly under the assignment (units x tariff, recorded in the following month,
// claim ids "<client pseudonym>-YYYY-MM"), about one claim in ten is paid a
// month later, providers report indicators each quarter, each municipality
// shifts uncommitted money once. Early in Y+1: the contracts of Y expire,
// the municipalities close Y and the bureau equalises risk. Ceilings are
// sized from the claims they will carry, so no claim exceeds its ceiling and
// no ceiling exceeds the plan.
//
// Deterministic: the same options give the same commands byte for byte
// (command ids "<region>-<n>", n = 1, 2, ...). occurred_at never decreases.
// Memory is bounded by one year's schedule (a few thousand commands, one
// plan per year in flight), never by the number of claims.
//
// Pure: no Kafka, no clock. Not thread-safe.
#ifndef INKOOP_TOOLS_LOADGEN_REGION_YEAR_H_
#define INKOOP_TOOLS_LOADGEN_REGION_YEAR_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "inkoop/v1/commands.pb.h"

namespace inkoop {

// 20,834 clients x 12 months = 250,008 claims a year, as in a real region.
inline constexpr int32_t kRealClientsPerYear = 20'834;
// Beyond this the smallest municipalities' money per client per month falls
// below the cheapest tariff of a lot.
inline constexpr int32_t kMaxClientsPerYear = 50'000;

struct RegionYearOptions {
  std::string region = "haaglanden";
  uint64_t seed = 1;
  // record_claim commands in all; the stream ends right after the last one.
  int64_t claims = 12 * int64_t{kRealClientsPerYear};
  // Clients of the region; each claims every month of every year.
  int32_t clients_per_year = kRealClientsPerYear;
  // The first contract year; the framework is adopted in the year before.
  int32_t first_year = 2016;
};

struct YearPlan;  // one contract year's money, clients and contracts

class RegionYearProfile {
 public:
  // kInvalidArgument naming the option: an empty region, claims < 1,
  // clients_per_year outside [1, kMaxClientsPerYear], first_year outside
  // [1971, 9000].
  static absl::StatusOr<std::unique_ptr<RegionYearProfile>> Create(
      const RegionYearOptions& options);
  ~RegionYearProfile();

  // Replaces *command with the next command and returns true; false once the
  // last claim was returned.
  bool Next(v1::Command& command);

  // Contract years the claims span.
  int32_t years() const { return years_; }
  int64_t claims_per_year() const { return 12 * int64_t{options_.clients_per_year}; }
  // Commands scheduled but not yet returned (at most about one year's
  // procurement, independent of the number of claims).
  size_t pending() const { return schedule_.size(); }

 private:
  struct Scheduled {
    int64_t at;  // unix seconds
    v1::Command command;
  };
  // A client's claim of one month, as the plan of its year makes it.
  struct Claim {
    int municipality;
    int contract;  // index into YearPlan::contracts
    int product;
    int64_t units;
    int64_t amount_cents;
  };

  explicit RegionYearProfile(const RegionYearOptions& options);

  std::unique_ptr<YearPlan> MakePlan(int32_t year) const;
  Claim ClaimOf(const YearPlan& plan, int64_t client, int month) const;
  uint64_t ClientAt(int64_t index) const;  // the client claiming index-th each month
  // "<client pseudonym>-YYYY-MM"
  std::string ClaimId(uint64_t client, int32_t year, int month) const;
  std::string AssignmentId(uint64_t client, int32_t year) const;

  // A command at `at` by `actor`, added to the schedule, for the caller to fill in.
  v1::Command& Add(int64_t at, const std::string& actor, v1::Role role);
  void Stamp(v1::Command& command, int64_t at, const std::string& actor, v1::Role role) const;
  void ScheduleFramework();
  void ScheduleProcurement(const YearPlan& plan);  // of plan.year, during the year before
  void ScheduleYear(int32_t year);                 // during the year and just after it
  void SortSchedule();

  int64_t ClaimAt() const;  // occurred_at of the claim at the cursor
  bool NextPayment(v1::Command& command, int64_t at);
  void NextClaim(v1::Command& command, int64_t at);
  // The client's assignment for the year (JW301) and the start of its care
  // (JW305), just before its January claim.
  void NextAssignment(v1::Command& command, int64_t at);
  void NextStart(v1::Command& command, int64_t at);
  void Emit(v1::Command& command);

  RegionYearOptions options_;
  uint64_t key_ = 0;  // from region and seed
  uint64_t stride_ = 1;
  int32_t years_ = 0;
  std::map<int32_t, std::unique_ptr<YearPlan>> plans_;  // the years in flight
  std::deque<Scheduled> schedule_;                      // by `at`
  int32_t scheduled_year_ = 0;                          // last year ScheduleYear ran for
  // The claim cursor: year, month (1-12) and client index of the next claim.
  int32_t year_ = 0;
  int month_ = 1;
  int64_t index_ = 0;
  bool payment_checked_ = false;
  int path_step_ = 0;  // of the current client's January: 0 assign, 1 start, 2 claim
  int64_t claims_ = 0;    // record_claim commands returned
  uint64_t sequence_ = 0;  // commands returned
};

}  // namespace inkoop

#endif  // INKOOP_TOOLS_LOADGEN_REGION_YEAR_H_
