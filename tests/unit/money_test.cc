#include "engine/domain/money.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::IsOk;
using ::inkoop::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(AddCents, SumsWithinRange) {
  absl::StatusOr<int64_t> sum = AddCents(120000050, 50, "budget");
  ASSERT_THAT(sum, IsOk());
  EXPECT_EQ(*sum, 120000100);
}

TEST(AddCents, SumsUpToTheLargestAmount) {
  absl::StatusOr<int64_t> sum = AddCents(kMax - 1, 1, "budget");
  ASSERT_THAT(sum, IsOk());
  EXPECT_EQ(*sum, kMax);
}

TEST(AddCents, RefusedWhenTheSumOverflowsUpwards) {
  EXPECT_THAT(AddCents(kMax, 1, "lots"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lots: sum of")));
  EXPECT_THAT(AddCents(kMax, 1, "lots"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("overflows the cent range")));
}

TEST(AddCents, RefusedWhenTheSumOverflowsDownwards) {
  EXPECT_THAT(AddCents(kMin, -1, "ceilings"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ceilings: sum of")));
}

TEST(RequireNonNegative, AcceptsZeroAndPositiveAmounts) {
  EXPECT_THAT(RequireNonNegative(0, "amount_cents"), IsOk());
  EXPECT_THAT(RequireNonNegative(kMax, "amount_cents"), IsOk());
}

TEST(RequireNonNegative, RefusesANegativeAmountNamingTheFieldAndTheValue) {
  absl::Status status = RequireNonNegative(-150, "lots[2].amount_cents");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("lots[2].amount_cents: expected an amount >= 0.00")));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("got -1.50")));
}

struct FormatCase {
  int64_t cents;
  std::string text;
};

class FormatCentsTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(FormatCentsTest, FormatsEurosWithGroupedThousandsAndTwoDecimals) {
  EXPECT_EQ(FormatCents(GetParam().cents), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(Amounts, FormatCentsTest,
                         ::testing::Values(FormatCase{0, "0.00"}, FormatCase{5, "0.05"},
                                           FormatCase{10, "0.10"}, FormatCase{99, "0.99"},
                                           FormatCase{100, "1.00"}, FormatCase{100000, "1,000.00"},
                                           FormatCase{99999999, "999,999.99"},
                                           FormatCase{120000050, "1,200,000.50"},
                                           FormatCase{-5, "-0.05"},
                                           FormatCase{-120000050, "-1,200,000.50"},
                                           FormatCase{kMax, "92,233,720,368,547,758.07"}));

TEST(FormatCents, FormatsTheSmallestInt64WithoutCrashing) {
  EXPECT_EQ(FormatCents(kMin), "-92,233,720,368,547,758.08");
}

struct ParseCase {
  std::string text;
  int64_t cents;
};

class ParseEurosValidTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseEurosValidTest, ParsesPlainDecimalEurosToCents) {
  absl::StatusOr<int64_t> cents = ParseEuros(GetParam().text);
  ASSERT_THAT(cents, IsOk()) << GetParam().text;
  EXPECT_EQ(*cents, GetParam().cents) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ParseEurosValidTest,
    ::testing::Values(ParseCase{"0", 0}, ParseCase{"0.05", 5}, ParseCase{"1200000", 120000000},
                      ParseCase{"1200000.5", 120000050}, ParseCase{"1200000.50", 120000050},
                      ParseCase{"-3.25", -325}, ParseCase{"+7", 700}, ParseCase{"007.10", 710},
                      ParseCase{"92233720368547758.07", kMax}));

struct RefusalCase {
  std::string text;
  std::string reason;
};

class ParseEurosRefusedTest : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(ParseEurosRefusedTest, RefusesNamingTheTextAndTheReason) {
  absl::StatusOr<int64_t> cents = ParseEuros(GetParam().text);
  EXPECT_THAT(cents, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("got '" + GetParam().text + "'")));
  EXPECT_THAT(cents, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(GetParam().reason)));
}

INSTANTIATE_TEST_SUITE_P(BadForms, ParseEurosRefusedTest,
                         ::testing::Values(RefusalCase{"1.005", "more than two decimals"},
                                           RefusalCase{"1,200,000.50", "not a plain number"},
                                           RefusalCase{"1.200.000", "more than two decimals"},
                                           RefusalCase{"1 200", "not a plain number"},
                                           RefusalCase{"12e3", "not a plain number"},
                                           RefusalCase{"1.5x", "not a plain number"},
                                           RefusalCase{"", "no digits before the decimal point"},
                                           RefusalCase{"-", "no digits before the decimal point"},
                                           RefusalCase{".50", "no digits before the decimal point"},
                                           RefusalCase{"12.", "no digits after the decimal point"},
                                           RefusalCase{"92233720368547758.08", "too large"},
                                           RefusalCase{"99999999999999999999", "too large"},
                                           RefusalCase{"--5", "not a plain number"}));

}  // namespace
}  // namespace inkoop
