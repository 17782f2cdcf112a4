#include "engine/domain/contract.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/domain/money.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/domain/tender.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

using Ceilings = google::protobuf::RepeatedPtrField<v1::MunicipalityCeiling>;
using Tariffs = google::protobuf::RepeatedPtrField<v1::Tariff>;
// Committed money of one contract per (municipality, year).
using Commitments = absl::btree_map<std::pair<std::string, int32_t>, int64_t>;

// A stored date; Decide validated it before it was recorded.
absl::CivilDay StoredDay(const std::string& text) {
  return ParseDate(text, "date").value_or(absl::CivilDay());
}

// What a contract with `ceilings` over [start, end] commits: each ceiling in
// each budget year of the term.
Commitments CommitmentsOf(const Ceilings& ceilings, absl::CivilDay start, absl::CivilDay end) {
  Commitments commitments;
  for (const v1::MunicipalityCeiling& ceiling : ceilings) {
    for (int32_t year : TermYears(start, end)) {
      commitments[{ceiling.municipality(), year}] = ceiling.ceiling_cents();
    }
  }
  return commitments;
}

// `ceilings` with the rows of `changes` replacing (or added to) them.
Ceilings MergeCeilings(const Ceilings& ceilings, const Ceilings& changes) {
  Ceilings merged = ceilings;
  for (const v1::MunicipalityCeiling& change : changes) {
    auto row = std::find_if(merged.begin(), merged.end(), [&](const v1::MunicipalityCeiling& c) {
      return c.municipality() == change.municipality();
    });
    if (row == merged.end()) {
      *merged.Add() = change;
    } else {
      row->set_ceiling_cents(change.ceiling_cents());
    }
  }
  return merged;
}

// New commitments minus old, per (municipality, year), without the zeros.
// Both sides are ceilings >= 0, so the difference cannot overflow.
Commitments CommitmentDeltas(const Commitments& before, const Commitments& after) {
  Commitments deltas;
  for (const auto& [key, cents] : after) deltas[key] += cents;
  for (const auto& [key, cents] : before) deltas[key] -= cents;
  absl::erase_if(deltas, [](const auto& entry) { return entry.second == 0; });
  return deltas;
}

absl::Status CheckCommitments(const RegionState& state, const std::string& lot,
                              const Commitments& deltas) {
  for (const auto& [key, delta] : deltas) {
    RETURN_IF_ERROR(CheckCommit(state, key.first, key.second, lot, delta));
  }
  return absl::OkStatus();
}

void ApplyCommitments(RegionState& state, const std::string& lot, const Commitments& deltas) {
  for (const auto& [key, delta] : deltas) ApplyCommit(state, key.first, key.second, lot, delta);
}

absl::Status RequireStatus(const v1::ContractRecord& contract, bool active_ok, bool suspended_ok) {
  const v1::ContractStatus status = contract.status();
  if ((active_ok && status == v1::CONTRACT_STATUS_ACTIVE) ||
      (suspended_ok && status == v1::CONTRACT_STATUS_SUSPENDED)) {
    return absl::OkStatus();
  }
  const char* expected = active_ok && suspended_ok ? "active or suspended"
                         : active_ok               ? "active"
                                                   : "suspended";
  return absl::FailedPreconditionError(absl::StrCat("contract '", contract.contract_id(), "' is ",
                                                    ContractStatusName(status), "; expected ",
                                                    expected));
}

absl::Status RequireInFrameworkPeriod(const RegionState& state, absl::CivilDay day,
                                      absl::string_view field) {
  RETURN_IF_ERROR(RequireFramework(state));
  const Framework& framework = state.framework;
  if (day < framework.period_start || day > framework.period_end) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": expected a day within framework '", framework.id, "' (",
                     FormatDate(framework.period_start), " to ", FormatDate(framework.period_end),
                     "), got ", FormatDate(day)));
  }
  return absl::OkStatus();
}

// Municipalities of the region, each once, ceilings >= 0; `at_least_one`
// refuses an empty list.
absl::Status ValidateCeilings(const RegionState& state, const Ceilings& ceilings,
                              bool at_least_one) {
  if (at_least_one && ceilings.empty()) {
    return absl::InvalidArgumentError(
        "ceilings: expected a ceiling for at least one municipality, got none");
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < ceilings.size(); ++i) {
    const v1::MunicipalityCeiling& ceiling = ceilings[i];
    const std::string field = absl::StrCat("ceilings[", i, "]");
    RETURN_IF_ERROR(RequireText(ceiling.municipality(), absl::StrCat(field, ".municipality"),
                                "a municipality"));
    RETURN_IF_ERROR(RequireMunicipality(state, ceiling.municipality()));
    if (!seen.insert(ceiling.municipality()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".municipality: '", ceiling.municipality(), "' appears twice"));
    }
    RETURN_IF_ERROR(
        RequireNonNegative(ceiling.ceiling_cents(), absl::StrCat(field, ".ceiling_cents")));
  }
  return absl::OkStatus();
}

// Tariffs of the lot's rules; a per-unit contract needs at least one.
absl::Status ValidateContractTariffs(const RegionState& state, const std::string& lot,
                                     v1::FundingModel model, const Tariffs& tariffs) {
  RETURN_IF_ERROR(RequireTariffsWithinLot(state, lot, tariffs, "tariffs"));
  if (model == v1::FUNDING_MODEL_PER_UNIT && tariffs.empty()) {
    return absl::InvalidArgumentError(
        "tariffs: a per_unit contract expected at least one tariff, got none");
  }
  return absl::OkStatus();
}

// The contract's record, for Apply (Decide made sure it exists).
v1::ContractRecord* MutableContract(RegionState& state, const std::string& contract_id) {
  auto it = state.contracts.find(contract_id);
  return it == state.contracts.end() ? nullptr : &it->second;
}

// Terminated or expired: committed money of each (municipality, year) of the
// term falls from the ceiling to what was claimed.
void ReleaseUnclaimed(RegionState& state, const v1::ContractRecord& contract) {
  const absl::CivilDay start = StoredDay(contract.term_start());
  const absl::CivilDay end = StoredDay(contract.term_end());
  for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
    for (int32_t year : TermYears(start, end)) {
      const v1::ClaimedYear* claimed = ClaimedOf(contract, ceiling.municipality(), year);
      const int64_t claimed_cents = claimed == nullptr ? 0 : claimed->claimed_cents();
      const int64_t delta = claimed_cents - ceiling.ceiling_cents();
      if (delta != 0) ApplyCommit(state, ceiling.municipality(), year, contract.lot(), delta);
    }
  }
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> DecideSignContract(const RegionState& state,
                                                          const v1::Command& command) {
  const v1::SignContract& body = command.sign_contract();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "sign a contract"));
  RETURN_IF_ERROR(RequireText(body.contract_id(), "contract_id", "a contract id"));
  if (state.contracts.contains(body.contract_id())) {
    return absl::FailedPreconditionError(
        absl::StrCat("contract_id: '", body.contract_id(), "' is already signed"));
  }
  RETURN_IF_ERROR(RequireText(body.provider_id(), "provider_id", "the provider's id"));
  ASSIGN_OR_RETURN(const v1::ProviderRecord* provider, FindProvider(state, body.provider_id()));
  if (provider->failed()) {
    return absl::FailedPreconditionError(absl::StrCat("provider '", provider->provider_id(),
                                                      "' failed on ", provider->failed_on(),
                                                      "; it cannot sign a contract"));
  }
  RETURN_IF_ERROR(RequireLot(state, body.lot(), "lot"));
  RETURN_IF_ERROR(
      RequireFundingModelAllowed(state, body.lot(), body.funding_model(), "funding_model"));
  ASSIGN_OR_RETURN(absl::CivilDay start, ParseDate(body.term_start(), "term_start"));
  ASSIGN_OR_RETURN(absl::CivilDay end, ParseDate(body.term_end(), "term_end"));
  if (end < start) {
    return absl::InvalidArgumentError(absl::StrCat("term_end: expected a day on or after ",
                                                   body.term_start(), ", got ", body.term_end()));
  }
  RETURN_IF_ERROR(RequireInFrameworkPeriod(state, start, "term_start"));
  RETURN_IF_ERROR(RequireInFrameworkPeriod(state, end, "term_end"));
  if (!body.tender_id().empty()) {
    ASSIGN_OR_RETURN(const v1::TenderRecord* tender, FindTender(state, body.tender_id()));
    if (tender->status() != v1::TENDER_STATUS_AWARDED) {
      return absl::FailedPreconditionError(absl::StrCat("tender '", tender->tender_id(), "' is ",
                                                        TenderStatusName(tender->status()),
                                                        "; expected awarded"));
    }
    if (tender->lot() != body.lot()) {
      return absl::FailedPreconditionError(absl::StrCat("lot: tender '", tender->tender_id(),
                                                        "' is for lot '", tender->lot(), "', got '",
                                                        body.lot(), "'"));
    }
    const auto& awarded = tender->awarded_provider_ids();
    if (std::find(awarded.begin(), awarded.end(), body.provider_id()) == awarded.end()) {
      return absl::FailedPreconditionError(absl::StrCat("provider '", body.provider_id(),
                                                        "' was not awarded tender '",
                                                        tender->tender_id(), "'"));
    }
  }
  RETURN_IF_ERROR(ValidateCeilings(state, body.ceilings(), /*at_least_one=*/true));
  RETURN_IF_ERROR(ValidateContractTariffs(state, body.lot(), body.funding_model(), body.tariffs()));
  RETURN_IF_ERROR(CheckCommitments(state, body.lot(), CommitmentsOf(body.ceilings(), start, end)));
  v1::Event event;
  v1::ContractSigned& signed_event = *event.mutable_contract_signed();
  signed_event.set_contract_id(body.contract_id());
  signed_event.set_provider_id(body.provider_id());
  signed_event.set_lot(body.lot());
  signed_event.set_tender_id(body.tender_id());
  signed_event.set_funding_model(body.funding_model());
  signed_event.set_term_start(body.term_start());
  signed_event.set_term_end(body.term_end());
  *signed_event.mutable_ceilings() = body.ceilings();
  *signed_event.mutable_tariffs() = body.tariffs();
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideAmendContract(const RegionState& state,
                                                           const v1::Command& command) {
  const v1::AmendContract& body = command.amend_contract();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "amend a contract"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, body.contract_id()));
  RETURN_IF_ERROR(RequireStatus(*contract, /*active_ok=*/true, /*suspended_ok=*/true));
  RETURN_IF_ERROR(RequireText(body.reason(), "reason", "why the contract is amended"));
  if (body.ceilings().empty() && !body.replace_tariffs() && body.term_end().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("amend_contract of '", contract->contract_id(),
                     "': expected new ceilings, replace_tariffs or a new term_end, got no change"));
  }
  if (!body.replace_tariffs() && !body.tariffs().empty()) {
    return absl::InvalidArgumentError(
        "tariffs: given without replace_tariffs; set replace_tariffs to replace the list");
  }
  RETURN_IF_ERROR(ValidateCeilings(state, body.ceilings(), /*at_least_one=*/false));
  for (int i = 0; i < body.ceilings_size(); ++i) {
    const v1::MunicipalityCeiling& ceiling = body.ceilings(i);
    for (const v1::ClaimedYear& claimed : contract->claimed()) {
      if (claimed.municipality() != ceiling.municipality()) continue;
      if (ceiling.ceiling_cents() < claimed.claimed_cents()) {
        return absl::FailedPreconditionError(
            absl::StrCat("ceilings[", i, "]: ceiling ", FormatCents(ceiling.ceiling_cents()),
                         " of ", ceiling.municipality(), " would be below the ",
                         FormatCents(claimed.claimed_cents()), " already claimed in ",
                         claimed.year(), " on contract '", contract->contract_id(), "'"));
      }
    }
  }
  if (body.replace_tariffs()) {
    RETURN_IF_ERROR(
        ValidateContractTariffs(state, contract->lot(), contract->funding_model(), body.tariffs()));
  }
  const absl::CivilDay start = StoredDay(contract->term_start());
  const absl::CivilDay old_end = StoredDay(contract->term_end());
  absl::CivilDay new_end = old_end;
  if (!body.term_end().empty()) {
    ASSIGN_OR_RETURN(new_end, ParseDate(body.term_end(), "term_end"));
    if (new_end < start) {
      return absl::FailedPreconditionError(
          absl::StrCat("term_end: expected a day on or after the term start ",
                       contract->term_start(), ", got ", body.term_end()));
    }
    RETURN_IF_ERROR(RequireInFrameworkPeriod(state, new_end, "term_end"));
    for (const v1::ClaimedYear& claimed : contract->claimed()) {
      if (claimed.year() > new_end.year() && claimed.claimed_cents() > 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "term_end: ", body.term_end(), " would drop ", claimed.year(), ", in which ",
            claimed.municipality(), " already claimed ", FormatCents(claimed.claimed_cents()),
            " on contract '", contract->contract_id(), "'"));
      }
    }
  }
  const Commitments before = CommitmentsOf(contract->ceilings(), start, old_end);
  const Commitments after =
      CommitmentsOf(MergeCeilings(contract->ceilings(), body.ceilings()), start, new_end);
  RETURN_IF_ERROR(CheckCommitments(state, contract->lot(), CommitmentDeltas(before, after)));
  v1::Event event;
  v1::ContractAmended& amended = *event.mutable_contract_amended();
  amended.set_contract_id(body.contract_id());
  *amended.mutable_ceilings() = body.ceilings();
  *amended.mutable_tariffs() = body.tariffs();
  amended.set_replace_tariffs(body.replace_tariffs());
  amended.set_term_end(body.term_end());
  amended.set_reason(body.reason());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideExtendContract(const RegionState& state,
                                                            const v1::Command& command) {
  const v1::ExtendContract& body = command.extend_contract();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "extend a contract"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, body.contract_id()));
  RETURN_IF_ERROR(RequireStatus(*contract, /*active_ok=*/true, /*suspended_ok=*/true));
  ASSIGN_OR_RETURN(absl::CivilDay new_end, ParseDate(body.term_end(), "term_end"));
  const absl::CivilDay start = StoredDay(contract->term_start());
  const absl::CivilDay old_end = StoredDay(contract->term_end());
  if (new_end <= old_end) {
    return absl::FailedPreconditionError(
        absl::StrCat("term_end: expected a day after the current term end ", contract->term_end(),
                     " of contract '", contract->contract_id(), "', got ", body.term_end()));
  }
  RETURN_IF_ERROR(RequireInFrameworkPeriod(state, new_end, "term_end"));
  RETURN_IF_ERROR(
      CheckCommitments(state, contract->lot(),
                       CommitmentDeltas(CommitmentsOf(contract->ceilings(), start, old_end),
                                        CommitmentsOf(contract->ceilings(), start, new_end))));
  v1::Event event;
  v1::ContractExtended& extended = *event.mutable_contract_extended();
  extended.set_contract_id(body.contract_id());
  extended.set_term_end(body.term_end());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideSuspendContract(const RegionState& state,
                                                             const v1::Command& command) {
  const v1::SuspendContract& body = command.suspend_contract();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "suspend a contract"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, body.contract_id()));
  RETURN_IF_ERROR(RequireStatus(*contract, /*active_ok=*/true, /*suspended_ok=*/false));
  RETURN_IF_ERROR(RequireText(body.reason(), "reason", "why the contract is suspended"));
  v1::Event event;
  v1::ContractSuspended& suspended = *event.mutable_contract_suspended();
  suspended.set_contract_id(body.contract_id());
  suspended.set_reason(body.reason());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideResumeContract(const RegionState& state,
                                                            const v1::Command& command) {
  const v1::ResumeContract& body = command.resume_contract();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "resume a contract"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, body.contract_id()));
  RETURN_IF_ERROR(RequireStatus(*contract, /*active_ok=*/false, /*suspended_ok=*/true));
  auto provider = state.providers.find(contract->provider_id());
  if (provider != state.providers.end() && provider->second.failed()) {
    return absl::FailedPreconditionError(absl::StrCat("provider '", contract->provider_id(),
                                                      "' failed on ", provider->second.failed_on(),
                                                      "; its contracts cannot resume"));
  }
  v1::Event event;
  event.mutable_contract_resumed()->set_contract_id(body.contract_id());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideTerminateContract(const RegionState& state,
                                                               const v1::Command& command) {
  const v1::TerminateContract& body = command.terminate_contract();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "terminate a contract"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, body.contract_id()));
  RETURN_IF_ERROR(RequireStatus(*contract, /*active_ok=*/true, /*suspended_ok=*/true));
  RETURN_IF_ERROR(RequireText(body.reason(), "reason", "why the contract is terminated"));
  ASSIGN_OR_RETURN(absl::CivilDay effective_on, ParseDate(body.effective_on(), "effective_on"));
  if (effective_on < StoredDay(contract->term_start()) ||
      effective_on > StoredDay(contract->term_end())) {
    return absl::FailedPreconditionError(
        absl::StrCat("effective_on: expected a day within the term of contract '",
                     contract->contract_id(), "' (", contract->term_start(), " to ",
                     contract->term_end(), "), got ", body.effective_on()));
  }
  v1::Event event;
  v1::ContractTerminated& terminated = *event.mutable_contract_terminated();
  terminated.set_contract_id(body.contract_id());
  terminated.set_reason(body.reason());
  terminated.set_effective_on(body.effective_on());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideExpireContract(const RegionState& state,
                                                            const v1::Command& command) {
  const v1::ExpireContract& body = command.expire_contract();
  const v1::Actor& actor = command.actor();
  if (actor.role() != v1::ROLE_BUREAU && actor.role() != v1::ROLE_SYSTEM) {
    return absl::PermissionDeniedError(
        absl::StrCat("role rule: only the bureau or the system may expire a contract; actor '",
                     actor.id(), "' is ", RoleName(actor.role())));
  }
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, body.contract_id()));
  RETURN_IF_ERROR(RequireStatus(*contract, /*active_ok=*/true, /*suspended_ok=*/true));
  const absl::CivilDay today = CommandDay(command);
  if (today <= StoredDay(contract->term_end())) {
    return absl::FailedPreconditionError(absl::StrCat("contract '", contract->contract_id(),
                                                      "' runs until ", contract->term_end(),
                                                      "; it cannot expire on ", FormatDate(today)));
  }
  v1::Event event;
  event.mutable_contract_expired()->set_contract_id(body.contract_id());
  return OneEvent(std::move(event));
}

void ApplyContractSigned(RegionState& state, const v1::ContractSigned& event) {
  v1::ContractRecord& contract = state.contracts[event.contract_id()];
  contract.Clear();
  contract.set_contract_id(event.contract_id());
  contract.set_provider_id(event.provider_id());
  contract.set_lot(event.lot());
  contract.set_tender_id(event.tender_id());
  contract.set_funding_model(event.funding_model());
  contract.set_term_start(event.term_start());
  contract.set_term_end(event.term_end());
  contract.set_status(v1::CONTRACT_STATUS_ACTIVE);
  *contract.mutable_ceilings() = event.ceilings();
  *contract.mutable_tariffs() = event.tariffs();
  ApplyCommitments(
      state, event.lot(),
      CommitmentsOf(event.ceilings(), StoredDay(event.term_start()), StoredDay(event.term_end())));
}

void ApplyContractAmended(RegionState& state, const v1::ContractAmended& event) {
  v1::ContractRecord* contract = MutableContract(state, event.contract_id());
  if (contract == nullptr) return;
  const absl::CivilDay start = StoredDay(contract->term_start());
  const std::string new_end_text =
      event.term_end().empty() ? contract->term_end() : event.term_end();
  const Commitments before =
      CommitmentsOf(contract->ceilings(), start, StoredDay(contract->term_end()));
  *contract->mutable_ceilings() = MergeCeilings(contract->ceilings(), event.ceilings());
  if (event.replace_tariffs()) *contract->mutable_tariffs() = event.tariffs();
  contract->set_term_end(new_end_text);
  const Commitments after = CommitmentsOf(contract->ceilings(), start, StoredDay(new_end_text));
  ApplyCommitments(state, contract->lot(), CommitmentDeltas(before, after));
}

void ApplyContractExtended(RegionState& state, const v1::ContractExtended& event) {
  v1::ContractRecord* contract = MutableContract(state, event.contract_id());
  if (contract == nullptr) return;
  const absl::CivilDay start = StoredDay(contract->term_start());
  const Commitments before =
      CommitmentsOf(contract->ceilings(), start, StoredDay(contract->term_end()));
  contract->set_term_end(event.term_end());
  const Commitments after = CommitmentsOf(contract->ceilings(), start, StoredDay(event.term_end()));
  ApplyCommitments(state, contract->lot(), CommitmentDeltas(before, after));
}

void ApplyContractSuspended(RegionState& state, const v1::ContractSuspended& event) {
  v1::ContractRecord* contract = MutableContract(state, event.contract_id());
  if (contract == nullptr) return;
  contract->set_status(v1::CONTRACT_STATUS_SUSPENDED);
  contract->set_status_reason(event.reason());
}

void ApplyContractResumed(RegionState& state, const v1::ContractResumed& event) {
  v1::ContractRecord* contract = MutableContract(state, event.contract_id());
  if (contract == nullptr) return;
  contract->set_status(v1::CONTRACT_STATUS_ACTIVE);
  contract->clear_status_reason();
}

void ApplyContractTerminated(RegionState& state, const v1::ContractTerminated& event) {
  v1::ContractRecord* contract = MutableContract(state, event.contract_id());
  if (contract == nullptr) return;
  contract->set_status(v1::CONTRACT_STATUS_TERMINATED);
  contract->set_status_reason(event.reason());
  ReleaseUnclaimed(state, *contract);
}

void ApplyContractExpired(RegionState& state, const v1::ContractExpired& event) {
  v1::ContractRecord* contract = MutableContract(state, event.contract_id());
  if (contract == nullptr) return;
  contract->set_status(v1::CONTRACT_STATUS_EXPIRED);
  contract->clear_status_reason();
  ReleaseUnclaimed(state, *contract);
}

}  // namespace inkoop
