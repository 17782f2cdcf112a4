// Civil dates travel as "YYYY-MM-DD" strings in commands and events; the
// domain works with absl::CivilDay.
#ifndef INKOOP_ENGINE_DOMAIN_DATES_H_
#define INKOOP_ENGINE_DOMAIN_DATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/timestamp.pb.h"

namespace inkoop {

// Parses an exact "YYYY-MM-DD" calendar date; `field` names the field in the
// error ("term_start: expected a date YYYY-MM-DD, got '2016-13-01'").
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view field);

std::string FormatDate(absl::CivilDay day);

// The days [start, end] of a report or claim.
struct Period {
  absl::CivilDay start;
  absl::CivilDay end;
};

// period_start / period_end: valid dates, start <= end.
absl::StatusOr<Period> ParsePeriod(absl::string_view start_text, absl::string_view end_text);

// A protobuf timestamp as RFC 3339 in UTC with as many fraction digits as
// it needs: "2015-09-01T12:00:00Z", "2026-12-03T11:44:34.63662942Z".
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_DATES_H_
