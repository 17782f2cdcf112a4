// Civil dates travel as "YYYY-MM-DD" strings in commands and events; the
// domain works with absl::CivilDay.
#ifndef INKOOP_ENGINE_DOMAIN_DATES_H_
#define INKOOP_ENGINE_DOMAIN_DATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace inkoop {

// Parses an exact "YYYY-MM-DD" calendar date; `field` names the field in the
// error ("term_start: expected a date YYYY-MM-DD, got '2016-13-01'").
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view field);

std::string FormatDate(absl::CivilDay day);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_DATES_H_
