#include "engine/domain/funding.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/claims.h"
#include "engine/domain/commitment.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/domain/money.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/domain/tender.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

// A contract paid without units: lump sum or population.
absl::StatusOr<const v1::ContractRecord*> FindFundedContract(const RegionState& state,
                                                             const std::string& contract_id,
                                                             absl::string_view action) {
  RETURN_IF_ERROR(RequireText(contract_id, "contract_id", "a contract id"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, contract_id));
  if (contract->funding_model() != v1::FUNDING_MODEL_LUMP_SUM &&
      contract->funding_model() != v1::FUNDING_MODEL_POPULATION) {
    return absl::FailedPreconditionError(absl::StrCat(
        "contract '", contract_id, "' is funded ", FundingModelName(contract->funding_model()),
        "; only lump-sum and population contracts ", action));
  }
  return contract;
}

absl::Status RequireOpenYear(const RegionState& state, const std::string& municipality,
                             int32_t year) {
  if (const YearBudget* budget = FindYearBudget(state, municipality, year);
      budget != nullptr && budget->closed) {
    return absl::FailedPreconditionError(
        absl::StrCat(municipality, " ", year, ": the year is closed"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> DecidePayInstalment(const RegionState& state,
                                                           const v1::Command& command) {
  const v1::PayInstalment& body = command.pay_instalment();
  RETURN_IF_ERROR(RequireMunicipality(state, body.municipality()));
  RETURN_IF_ERROR(RequireOwnMunicipality(command.actor(), body.municipality(), "pay an instalment"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract,
                   FindFundedContract(state, body.contract_id(), "are paid in instalments"));
  ASSIGN_OR_RETURN(const absl::CivilDay due, ParseDate(body.due_on(), "due_on"));
  RETURN_IF_ERROR(ParseDate(body.paid_on(), "paid_on").status());
  const v1::InstalmentRecord* found = nullptr;
  for (const v1::InstalmentRecord& record : contract->instalments()) {
    if (record.instalment().municipality() == body.municipality() &&
        record.instalment().due_on() == body.due_on()) {
      found = &record;
    }
  }
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrCat("due_on: contract '", contract->contract_id(),
                                            "' has no instalment of ", body.municipality(),
                                            " due on ", body.due_on()));
  }
  if (found->paid()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "instalment of ", body.municipality(), " due on ", body.due_on(), " on contract '",
        contract->contract_id(), "' was paid on ", found->paid_on()));
  }
  const absl::CivilDay today = CommandDay(command);
  if (due > today) {
    return absl::FailedPreconditionError(absl::StrCat(
        "instalment due on ", body.due_on(), " is not due yet (today is ", FormatDate(today),
        ")"));
  }
  if (due > LastCareDay(*contract)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "instalment due on ", body.due_on(), ": contract '", contract->contract_id(),
        "' gives no care after ", FormatDate(LastCareDay(*contract)), "; settle the year instead"));
  }
  const auto year = static_cast<int32_t>(due.year());
  RETURN_IF_ERROR(RequireOpenYear(state, body.municipality(), year));
  const v1::ClaimedYear* claimed = ClaimedOf(*contract, body.municipality(), year);
  if (claimed != nullptr && claimed->settled()) {
    return absl::FailedPreconditionError(absl::StrCat(body.municipality(), " ", year,
                                                      " of contract '", contract->contract_id(),
                                                      "' is settled"));
  }
  const int64_t so_far = claimed == nullptr ? 0 : claimed->claimed_cents();
  const int64_t amount = found->instalment().amount_cents();
  const int64_t cap = CapOf(*contract, body.municipality(), year);
  ASSIGN_OR_RETURN(const int64_t total, AddCents(so_far, amount, "paid money"));
  if (total > cap) {
    return absl::FailedPreconditionError(absl::StrCat(
        "instalment of ", FormatCents(amount), " would bring ", body.municipality(), " ", year,
        " of contract '", contract->contract_id(), "' to ", FormatCents(total),
        ", above its ceiling ", FormatCents(cap)));
  }
  v1::Event event;
  v1::InstalmentPaid& paid = *event.mutable_instalment_paid();
  paid.set_contract_id(contract->contract_id());
  paid.set_provider_id(contract->provider_id());
  paid.set_municipality(body.municipality());
  paid.set_due_on(body.due_on());
  paid.set_amount_cents(amount);
  paid.set_paid_on(body.paid_on());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideSettleContract(const RegionState& state,
                                                            const v1::Command& command) {
  const v1::SettleContract& body = command.settle_contract();
  RETURN_IF_ERROR(RequireMunicipality(state, body.municipality()));
  RETURN_IF_ERROR(RequireOwnMunicipality(command.actor(), body.municipality(), "settle a contract"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract,
                   FindFundedContract(state, body.contract_id(), "are settled"));
  const std::vector<int32_t> years = ContractYears(*contract);
  if (std::find(years.begin(), years.end(), body.year()) == years.end()) {
    return absl::InvalidArgumentError(absl::StrCat("year: expected a year of the term ",
                                                   contract->term_start(), " to ",
                                                   contract->term_end(), ", got ", body.year()));
  }
  if (!HasCeiling(*contract, body.municipality())) {
    return absl::FailedPreconditionError(absl::StrCat("municipality: '", body.municipality(),
                                                      "' has no ceiling on contract '",
                                                      contract->contract_id(), "'"));
  }
  const absl::CivilDay last_care =
      std::min(LastCareDay(*contract), absl::CivilDay(body.year(), 12, 31));
  const absl::CivilDay today = CommandDay(command);
  if (today <= last_care) {
    return absl::FailedPreconditionError(absl::StrCat(
        "contract '", contract->contract_id(), "' gives care in ", body.year(), " until ",
        FormatDate(last_care), "; settle it after that, not on ", FormatDate(today)));
  }
  RETURN_IF_ERROR(RequireOpenYear(state, body.municipality(), body.year()));
  const v1::ClaimedYear* claimed = ClaimedOf(*contract, body.municipality(), body.year());
  if (claimed != nullptr && claimed->settled()) {
    return absl::FailedPreconditionError(absl::StrCat(body.municipality(), " ", body.year(),
                                                      " of contract '", contract->contract_id(),
                                                      "' is already settled"));
  }
  RETURN_IF_ERROR(RequireText(body.statement(), "statement",
                              "the reference of the provider's production statement"));
  RETURN_IF_ERROR(RequireNonNegative(body.produced_cents(), "produced_cents"));
  const int64_t cap = CapOf(*contract, body.municipality(), body.year());
  if (body.produced_cents() > cap) {
    return absl::FailedPreconditionError(absl::StrCat(
        "produced_cents: the production ", FormatCents(body.produced_cents()), " exceeds the "
        "ceiling ", FormatCents(cap), " of ", body.municipality(), " ", body.year(),
        " on contract '", contract->contract_id(), "'"));
  }
  const int64_t paid = claimed == nullptr ? 0 : claimed->paid_cents();
  v1::Event event;
  v1::ContractSettled& settled = *event.mutable_contract_settled();
  settled.set_contract_id(contract->contract_id());
  settled.set_provider_id(contract->provider_id());
  settled.set_municipality(body.municipality());
  settled.set_year(body.year());
  settled.set_paid_cents(paid);
  settled.set_produced_cents(body.produced_cents());
  settled.set_settlement_cents(body.produced_cents() - paid);
  settled.set_statement(body.statement());
  return OneEvent(std::move(event));
}

void ApplyInstalmentPaid(RegionState& state, const v1::InstalmentPaid& event) {
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  v1::ContractRecord after = contract->second;
  for (v1::InstalmentRecord& record : *after.mutable_instalments()) {
    if (record.instalment().municipality() == event.municipality() &&
        record.instalment().due_on() == event.due_on()) {
      record.set_paid(true);
      record.set_paid_on(event.paid_on());
    }
  }
  const auto year = static_cast<int32_t>(StoredDay(event.due_on()).year());
  v1::ClaimedYear& row = MutableClaimed(after, event.municipality(), year);
  row.set_claimed_cents(row.claimed_cents() + event.amount_cents());
  row.set_paid_cents(row.paid_cents() + event.amount_cents());
  ApplyChange(state, contract->second, std::move(after));
}

void ApplyContractSettled(RegionState& state, const v1::ContractSettled& event) {
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  v1::ContractRecord after = contract->second;
  v1::ClaimedYear& row = MutableClaimed(after, event.municipality(), event.year());
  row.set_claimed_cents(event.produced_cents());
  row.set_settled(true);
  row.set_settlement_cents(event.settlement_cents());
  ApplyChange(state, contract->second, std::move(after));
}

}  // namespace inkoop
