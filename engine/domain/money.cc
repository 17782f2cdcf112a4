#include "engine/domain/money.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace inkoop {

absl::StatusOr<int64_t> AddCents(int64_t a, int64_t b, absl::string_view what) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": sum of ", FormatCents(a), " and ",
                                                   FormatCents(b), " overflows the cent range"));
  }
  return sum;
}

absl::Status RequireNonNegative(int64_t cents, absl::string_view field) {
  if (cents < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": expected an amount >= 0.00, got ", FormatCents(cents)));
  }
  return absl::OkStatus();
}

std::string FormatCents(int64_t cents) {
  // Work in unsigned so INT64_MIN formats too.
  const bool negative = cents < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  const uint64_t euros = magnitude / 100;
  const uint64_t rest = magnitude % 100;
  std::string digits = absl::StrCat(euros);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return absl::StrCat(negative ? "-" : "", grouped, ".", rest < 10 ? "0" : "", rest);
}

absl::StatusOr<int64_t> ParseEuros(absl::string_view text) {
  const absl::string_view original = text;
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected an amount in euros like 1200000.50, got '", original, "' (", why, ")"));
  };
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  absl::string_view whole = text.substr(0, dot);
  absl::string_view fraction = dot == absl::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty()) return invalid("no digits before the decimal point");
  if (dot != absl::string_view::npos && fraction.empty())
    return invalid("no digits after the decimal point");
  if (fraction.size() > 2) return invalid("more than two decimals");
  for (char c : whole) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return invalid("not a plain number");
  }
  for (char c : fraction) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return invalid("not a plain number");
  }
  int64_t cents = 0;
  for (char c : whole) {
    if (__builtin_mul_overflow(cents, 10, &cents) ||
        __builtin_add_overflow(cents, c - '0', &cents)) {
      return invalid("too large");
    }
  }
  int64_t fraction_cents = 0;
  if (fraction.size() >= 1) fraction_cents += (fraction[0] - '0') * 10;
  if (fraction.size() == 2) fraction_cents += fraction[1] - '0';
  if (__builtin_mul_overflow(cents, 100, &cents) ||
      __builtin_add_overflow(cents, fraction_cents, &cents)) {
    return invalid("too large");
  }
  return negative ? -cents : cents;
}

}  // namespace inkoop
