#include "engine/domain/claims.h"

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/assignments.h"
#include "engine/domain/budget.h"
#include "engine/domain/commitment.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/domain/money.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/domain/snapshot.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

// The contract's provider has failed (a contract whose provider is unknown
// counts as not failed).
const v1::ProviderRecord* FailedProvider(const RegionState& state,
                                         const v1::ContractRecord& contract) {
  auto it = state.providers.find(contract.provider_id());
  if (it == state.providers.end() || !it->second.failed()) return nullptr;
  return &it->second;
}

// Care may be claimed when it was given: inside the term, before the
// contract ended, not while it was suspended, before the provider failed,
// not after `today`; and once care ended, within the framework's claim
// window after its last day.
absl::Status RequireClaimable(const RegionState& state, const v1::ContractRecord& contract,
                              const Period& period, absl::CivilDay today) {
  const std::string what = absl::StrCat("period ", FormatDate(period.start), "..",
                                        FormatDate(period.end));
  const std::string of = absl::StrCat(" of contract '", contract.contract_id(), "'");
  if (period.start < StoredDay(contract.term_start()) ||
      period.end > StoredDay(contract.term_end())) {
    return absl::FailedPreconditionError(absl::StrCat(what, " lies outside the term ",
                                                      contract.term_start(), "..",
                                                      contract.term_end(), of));
  }
  if (period.end > today) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " ends after today (", FormatDate(today), "); care is claimed once it is given"));
  }
  if (!contract.ends_on().empty() && period.end >= StoredDay(contract.ends_on())) {
    return absl::FailedPreconditionError(absl::StrCat(what, " reaches ", contract.ends_on(),
                                                      ", when the termination", of,
                                                      " took effect; care ended the day before"));
  }
  if (const v1::ProviderRecord* failed = FailedProvider(state, contract);
      failed != nullptr && period.end >= StoredDay(failed->failed_on())) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " reaches ", failed->failed_on(), ", when provider '",
                     failed->provider_id(), "'", of, " failed; care before that day stays claimable"));
  }
  if (const v1::Suspension* suspension = SuspensionDuring(contract, period.start, period.end)) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " overlaps the suspension", of, " from ", suspension->from(),
        suspension->resumed_on().empty() ? std::string()
                                         : absl::StrCat(" until ", suspension->resumed_on())));
  }
  const absl::CivilDay last_care = LastCareDay(contract);
  // The window of the framework the contract runs under.
  const int32_t window =
      FrameworkOfYear(state, static_cast<int32_t>(StoredDay(contract.term_start()).year()))
          .claim_window_days;
  if (last_care < today && today > last_care + window) {
    return absl::FailedPreconditionError(absl::StrCat(
        "claim window", of, " closed on ", FormatDate(last_care + window), ": care ended ",
        FormatDate(last_care), " and the framework allows ", window, " days to claim it"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> DecideRecordClaim(const RegionState& state,
                                                         const v1::Command& command) {
  const v1::Actor& actor = command.actor();
  const v1::RecordClaim& claim = command.record_claim();
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_PROVIDER, "record a claim"));
  RETURN_IF_ERROR(RequireText(claim.claim_id(), "claim_id", "a claim id"));
  if (state.claims.contains(claim.claim_id())) {
    return absl::AlreadyExistsError(
        absl::StrCat("claim_id: '", claim.claim_id(), "' is already recorded"));
  }
  RETURN_IF_ERROR(RequireText(claim.contract_id(), "contract_id", "a contract id"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, claim.contract_id()));
  if (actor.id() != contract->provider_id()) {
    return absl::PermissionDeniedError(
        absl::StrCat("role rule: a provider claims only on its own contracts; contract '",
                     contract->contract_id(), "' belongs to provider '", contract->provider_id(),
                     "', actor is provider '", actor.id(), "'"));
  }
  RETURN_IF_ERROR(RequireText(claim.municipality(), "municipality", "a municipality"));
  const bool region_wide = contract->region_ceiling_cents() > 0;
  const bool own_ceiling = HasCeiling(*contract, claim.municipality());
  if (region_wide && !own_ceiling) {
    // Any member may claim on a region-wide contract.
    RETURN_IF_ERROR(RequireMunicipality(state, claim.municipality()));
  } else if (!own_ceiling) {
    return absl::FailedPreconditionError(absl::StrCat("municipality: '", claim.municipality(),
                                                      "' has no ceiling on contract '",
                                                      contract->contract_id(), "'"));
  }
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(claim.period_start(), claim.period_end()));
  if (period.start.year() != period.end.year()) {
    return absl::InvalidArgumentError(
        absl::StrCat("period ", claim.period_start(), "..", claim.period_end(),
                     ": expected one calendar year; claim each year separately"));
  }
  RETURN_IF_ERROR(RequireClaimable(state, *contract, period, CommandDay(command)));
  const auto year = static_cast<int32_t>(period.start.year());
  if (const YearBudget* budget = FindYearBudget(state, claim.municipality(), year);
      budget != nullptr && budget->closed) {
    return absl::FailedPreconditionError(absl::StrCat(
        claim.municipality(), " ", year, ": the year is closed; it takes no more claims"));
  }
  RETURN_IF_ERROR(RequireText(claim.product_code(), "product_code", "a product code"));
  const v1::Tariff* tariff = FindTariff(*contract, claim.product_code());
  if (tariff == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("product '", claim.product_code(),
                                                      "' has no tariff in contract '",
                                                      contract->contract_id(), "'"));
  }
  if (claim.units() <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("units: expected a number of units > 0, got ", claim.units()));
  }
  if (claim.amount_cents() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("amount_cents: expected an amount > 0.00, got ",
                                                   FormatCents(claim.amount_cents())));
  }
  if (contract->funding_model() == v1::FUNDING_MODEL_PER_UNIT) {
    int64_t expected = 0;
    if (__builtin_mul_overflow(claim.units(), tariff->tariff_cents(), &expected)) {
      return absl::InvalidArgumentError(absl::StrCat("units: ", claim.units(), " units x ",
                                                     FormatCents(tariff->tariff_cents()),
                                                     " overflows the cent range"));
    }
    if (claim.amount_cents() != expected) {
      return absl::FailedPreconditionError(
          absl::StrCat("amount_cents: amount ", FormatCents(claim.amount_cents()), " is not ",
                       claim.units(), " units x ", FormatCents(tariff->tariff_cents()), " = ",
                       FormatCents(expected), " (per-unit tariff of product '",
                       claim.product_code(), "' in contract '", contract->contract_id(), "')"));
    }
  }
  // Then the care itself: under an assignment, after its start, within its
  // volume.
  if (contract->funding_model() == v1::FUNDING_MODEL_PER_UNIT) {
    RETURN_IF_ERROR(RequireText(
        claim.assignment_id(), "assignment_id",
        "the assignment the care was given under (iJw JW301; required on a per-unit contract)"));
  }
  if (!claim.assignment_id().empty()) {
    RETURN_IF_ERROR(RequireClaimableUnder(state, *contract, claim.assignment_id(),
                                          claim.municipality(), claim.product_code(), period,
                                          claim.units()));
  }
  const v1::ClaimedYear* claimed = ClaimedOf(*contract, claim.municipality(), year);
  const int64_t claimed_so_far = claimed == nullptr ? 0 : claimed->claimed_cents();
  const int64_t ceiling = CapOf(*contract, claim.municipality(), year);
  ASSIGN_OR_RETURN(const int64_t total,
                   AddCents(claimed_so_far, claim.amount_cents(), "claimed money"));
  if (region_wide) {
    const int64_t region_cap = RegionCapOf(*contract, year);
    const int64_t region_claimed = ClaimedIn(*contract, year);
    if (claim.amount_cents() > region_cap - region_claimed) {
      return absl::FailedPreconditionError(absl::StrCat(
          "claim of ", FormatCents(claim.amount_cents()), " on region-wide contract '",
          contract->contract_id(), "' in ", year, " would exceed its region ceiling ",
          FormatCents(region_cap), " (claimed so far by all members ",
          FormatCents(region_claimed), ")"));
    }
    // A member without a ceiling of its own commits each claim on its plan
    // as it comes.
    if (!own_ceiling) {
      if (absl::Status room = CheckCommit(state, claim.municipality(), year, contract->lot(),
                                          claim.amount_cents());
          !room.ok()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "claim of ", FormatCents(claim.amount_cents()), " by ", claim.municipality(),
            " on region-wide contract '", contract->contract_id(),
            "' commits on its own plan, which has no room: ", room.message()));
      }
    }
  }
  if (own_ceiling && total > ceiling) {
    return absl::FailedPreconditionError(absl::StrCat(
        "claim of ", FormatCents(claim.amount_cents()), " on contract '", contract->contract_id(),
        "' for ", claim.municipality(), " ", year, " would exceed the ceiling ",
        FormatCents(ceiling), " (claimed so far ", FormatCents(claimed_so_far), ")"));
  }

  v1::Event event;
  v1::ClaimRecorded& recorded = *event.mutable_claim_recorded();
  recorded.set_claim_id(claim.claim_id());
  recorded.set_contract_id(claim.contract_id());
  recorded.set_provider_id(contract->provider_id());
  recorded.set_municipality(claim.municipality());
  recorded.set_period_start(claim.period_start());
  recorded.set_period_end(claim.period_end());
  recorded.set_product_code(claim.product_code());
  recorded.set_units(claim.units());
  recorded.set_amount_cents(claim.amount_cents());
  recorded.set_assignment_id(claim.assignment_id());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideRecordPayment(const RegionState& state,
                                                           const v1::Command& command) {
  const v1::RecordPayment& payment = command.record_payment();
  RETURN_IF_ERROR(RequireText(payment.claim_id(), "claim_id", "a claim id"));
  auto it = state.claims.find(payment.claim_id());
  if (it == state.claims.end()) {
    return absl::NotFoundError(absl::StrCat("claim_id: '", payment.claim_id(),
                                            "' is not a claim of region '", state.region, "'"));
  }
  const v1::ClaimRecord& claim = it->second;
  RETURN_IF_ERROR(
      RequireOwnMunicipality(command.actor(), claim.municipality(),
                             absl::StrCat("record a payment on claim '", claim.claim_id(), "'")));
  if (payment.amount_cents() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("amount_cents: expected an amount > 0.00, got ",
                                                   FormatCents(payment.amount_cents())));
  }
  ASSIGN_OR_RETURN(const int64_t total,
                   AddCents(claim.paid_cents(), payment.amount_cents(), "paid money"));
  if (total > claim.amount_cents()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "payment of ", FormatCents(payment.amount_cents()), " on claim '", claim.claim_id(),
        "' would exceed its amount ", FormatCents(claim.amount_cents()), " (paid so far ",
        FormatCents(claim.paid_cents()), ")"));
  }
  RETURN_IF_ERROR(ParseDate(payment.paid_on(), "paid_on").status());

  v1::Event event;
  v1::PaymentRecorded& recorded = *event.mutable_payment_recorded();
  recorded.set_claim_id(payment.claim_id());
  recorded.set_amount_cents(payment.amount_cents());
  recorded.set_paid_on(payment.paid_on());
  return OneEvent(std::move(event));
}

v1::ClaimedYear& MutableClaimed(v1::ContractRecord& contract, const std::string& municipality,
                                int32_t year) {
  for (v1::ClaimedYear& claimed : *contract.mutable_claimed()) {
    if (claimed.municipality() == municipality && claimed.year() == year) return claimed;
  }
  v1::ClaimedYear& added = *contract.add_claimed();
  added.set_municipality(municipality);
  added.set_year(year);
  return added;
}

void ApplyClaimRecorded(RegionState& state, const v1::ClaimRecorded& event) {
  // Decide validated the period; a bad date from elsewhere books on year 0
  // rather than failing replay.
  const auto year = static_cast<int32_t>(
      ParseDate(event.period_start(), "period_start").value_or(absl::CivilDay(0, 1, 1)).year());
  v1::ClaimRecord& claim = state.claims[event.claim_id()];
  claim.set_claim_id(event.claim_id());
  claim.set_contract_id(event.contract_id());
  claim.set_provider_id(event.provider_id());
  claim.set_municipality(event.municipality());
  claim.set_year(year);
  claim.set_amount_cents(event.amount_cents());
  claim.set_paid_cents(0);
  claim.set_product_code(event.product_code());
  claim.set_units(event.units());
  claim.set_assignment_id(event.assignment_id());
  ApplyClaimOnAssignment(state, event);
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  // A claim commits money only where no ceiling did: a member without one
  // on a region-wide contract (commitment = max(cap, claimed), cap 0).
  const bool commits = contract->second.region_ceiling_cents() > 0 &&
                       !HasCeiling(contract->second, event.municipality());
  v1::ClaimedYear& claimed = MutableClaimed(contract->second, event.municipality(), year);
  claimed.set_claimed_cents(claimed.claimed_cents() + event.amount_cents());
  if (commits) {
    ApplyCommit(state, event.municipality(), year, contract->second.lot(), event.amount_cents());
  }
  if (event.period_end() > contract->second.last_claimed_day()) {
    contract->second.set_last_claimed_day(event.period_end());
  }
}

void ApplyPaymentRecorded(RegionState& state, const v1::PaymentRecorded& event) {
  auto claim = state.claims.find(event.claim_id());
  if (claim == state.claims.end()) return;
  claim->second.set_paid_cents(claim->second.paid_cents() + event.amount_cents());
  auto contract = state.contracts.find(claim->second.contract_id());
  if (contract == state.contracts.end()) return;
  v1::ClaimedYear& claimed =
      MutableClaimed(contract->second, claim->second.municipality(), claim->second.year());
  claimed.set_paid_cents(claimed.paid_cents() + event.amount_cents());
}

}  // namespace inkoop
