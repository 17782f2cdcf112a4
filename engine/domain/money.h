// Money is integer euro cents (int64). These helpers add without silent
// overflow, parse plain decimal euros ("1200000.50"), and
// format cents as "1,200,000.50".
#ifndef INKOOP_ENGINE_DOMAIN_MONEY_H_
#define INKOOP_ENGINE_DOMAIN_MONEY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace inkoop {

// a + b, or kInvalidArgument naming `what` when the sum leaves int64.
absl::StatusOr<int64_t> AddCents(int64_t a, int64_t b, absl::string_view what);

// Refuses a negative amount: `field` must be >= 0.
absl::Status RequireNonNegative(int64_t cents, absl::string_view field);

// "1,200,000.50" (negative amounts get a leading '-').
std::string FormatCents(int64_t cents);

// Parses plain decimal euros: "1200000", "1200000.5", "1200000.50",
// optionally negative. Refuses more than two decimals, separators and
// anything that does not fit in int64 cents.
absl::StatusOr<int64_t> ParseEuros(absl::string_view text);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_MONEY_H_
