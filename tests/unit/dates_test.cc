#include "engine/domain/dates.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::IsOk;
using ::inkoop::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseDate, ParsesAnExactCalendarDate) {
  absl::StatusOr<absl::CivilDay> day = ParseDate("2016-02-29", "period_start");
  ASSERT_THAT(day, IsOk());
  EXPECT_EQ(*day, absl::CivilDay(2016, 2, 29));
}

TEST(ParseDate, ParsesTheFirstAndLastDayOfAYear) {
  EXPECT_EQ(ParseDate("2016-01-01", "f").value(), absl::CivilDay(2016, 1, 1));
  EXPECT_EQ(ParseDate("2017-12-31", "f").value(), absl::CivilDay(2017, 12, 31));
}

TEST(FormatDate, FormatsAsYearMonthDayWithLeadingZeros) {
  EXPECT_EQ(FormatDate(absl::CivilDay(2016, 3, 7)), "2016-03-07");
  EXPECT_EQ(FormatDate(absl::CivilDay(987, 1, 1)), "0987-01-01");
}

TEST(ParseDate, RoundTripsWithFormatDate) {
  const absl::CivilDay day(2017, 11, 30);
  EXPECT_EQ(ParseDate(FormatDate(day), "f").value(), day);
}

class ParseDateRefusedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseDateRefusedTest, RefusesNamingTheFieldAndTheText) {
  EXPECT_THAT(
      ParseDate(GetParam(), "term_start"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("term_start: expected a date YYYY-MM-DD, got '" + GetParam() + "'")));
}

INSTANTIATE_TEST_SUITE_P(BadDates, ParseDateRefusedTest,
                         ::testing::Values("2016-13-01",        // month 13
                                           "2016-02-30",        // normalised by absl, refused here
                                           "2017-02-29",        // not a leap year
                                           "2016-04-31",        // April has 30 days
                                           "2016-00-10",        // month 0
                                           "2016-01-00",        // day 0
                                           "16-1-1",            // short form
                                           "2016-1-1",          // no leading zeros
                                           "2016/01/01",        // wrong separator
                                           "2016-01-01T00:00",  // a time too
                                           " 2016-01-01",       // leading space
                                           "",                  // empty
                                           "yesterday"));

TEST(ParseDate, ErrorNamesTheFieldGiven) {
  EXPECT_THAT(ParseDate("2016-02-30", "period_end"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period_end:")));
  EXPECT_THAT(ParseDate("2016-02-30", "period_start"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period_start:")));
}

}  // namespace
}  // namespace inkoop
