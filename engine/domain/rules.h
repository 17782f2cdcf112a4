// Small validations every concern shares; each error names the field, what
// was expected and what arrived.
#ifndef INKOOP_ENGINE_DOMAIN_RULES_H_
#define INKOOP_ENGINE_DOMAIN_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "engine/domain/state.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

// The result of a command that causes exactly `event`. (Moves it; a braced
// vector{event} would copy it out of the initializer list.)
std::vector<v1::Event> OneEvent(v1::Event event);

// The budget years of a contract's stored term; none when the stored term
// is not a pair of dates.
std::vector<int32_t> ContractYears(const v1::ContractRecord& contract);

// kInvalidArgument "<field>: expected <what>, got ''" when `value` is empty.
absl::Status RequireText(absl::string_view value, absl::string_view field, absl::string_view what);

// kInvalidArgument unless `value` is within [low, high].
absl::Status RequireRange(int64_t value, int64_t low, int64_t high, absl::string_view field);

// The civil day the command happened on (its occurred_at, UTC). The engine
// fills occurred_at before deciding, so this is always set there.
absl::CivilDay CommandDay(const v1::Command& command);

// Every budget year a term [start, end] touches, in order.
std::vector<int32_t> TermYears(absl::CivilDay start, absl::CivilDay end);

// Lookups that fail with kNotFound naming the id.
absl::StatusOr<const v1::ProviderRecord*> FindProvider(const RegionState& state,
                                                       absl::string_view provider_id);
absl::StatusOr<const v1::TenderRecord*> FindTender(const RegionState& state,
                                                   absl::string_view tender_id);
// The contract's tariff of `product_code`; nullptr when it has none.
const v1::Tariff* FindTariff(const v1::ContractRecord& contract, absl::string_view product_code);
absl::StatusOr<const v1::ContractRecord*> FindContract(const RegionState& state,
                                                       absl::string_view contract_id);
absl::StatusOr<const v1::ContinuityCaseRecord*> FindCase(const RegionState& state,
                                                         absl::string_view case_id);

// Whether the contract has a ceiling row (of any year) for `municipality`.
bool HasCeiling(const v1::ContractRecord& contract, absl::string_view municipality);
// Claimed / paid money of the contract for `municipality` in `year`.
const v1::ClaimedYear* ClaimedOf(const v1::ContractRecord& contract, absl::string_view municipality,
                                 int32_t year);

absl::string_view ContractStatusName(v1::ContractStatus status);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_RULES_H_
