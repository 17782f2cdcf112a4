#include "engine/domain/dates.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace inkoop {

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view field) {
  absl::CivilDay day;
  // ParseCivilTime normalises "2016-02-30"; formatting back catches that.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) || FormatDate(day) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": expected a date YYYY-MM-DD, got '", text, "'"));
  }
  return day;
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  const absl::Time time =
      absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", time, absl::UTCTimeZone());
}

absl::StatusOr<Period> ParsePeriod(absl::string_view start_text, absl::string_view end_text) {
  absl::StatusOr<absl::CivilDay> start = ParseDate(start_text, "period_start");
  if (!start.ok()) return start.status();
  absl::StatusOr<absl::CivilDay> end = ParseDate(end_text, "period_end");
  if (!end.ok()) return end.status();
  if (*end < *start) {
    return absl::InvalidArgumentError(
        absl::StrCat("period_end: expected a date on or after ", start_text, ", got ", end_text));
  }
  return Period{*start, *end};
}

}  // namespace inkoop
