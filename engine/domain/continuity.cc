#include "engine/domain/continuity.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/commitment.h"
#include "engine/domain/dates.h"
#include "engine/domain/money.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

constexpr size_t kMinClientIdLength = 6;
constexpr size_t kMaxClientIdLength = 64;

absl::string_view FailureReasonName(v1::FailureReason reason) {
  switch (reason) {
    case v1::FAILURE_REASON_BANKRUPTCY:
      return "bankruptcy";
    case v1::FAILURE_REASON_SUSPENSION_OF_PAYMENTS:
      return "suspension of payments";
    case v1::FAILURE_REASON_QUALITY:
      return "quality";
    case v1::FAILURE_REASON_OTHER:
      return "other";
    default:
      return "unspecified";
  }
}

absl::string_view CaseStatusName(v1::CaseStatus status) {
  switch (status) {
    case v1::CASE_STATUS_OPEN:
      return "open";
    case v1::CASE_STATUS_ESCALATED:
      return "escalated";
    case v1::CASE_STATUS_CLOSED:
      return "closed";
    default:
      return "unspecified";
  }
}

// Nine digits passing the eleven test of the citizen service number (BSN):
// 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11.
bool IsBsnShaped(absl::string_view id) {
  if (id.size() != 9 || !std::all_of(id.begin(), id.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return false;
  }
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (9 - i) * (id[i] - '0');
  sum -= id[8] - '0';
  return sum % 11 == 0;
}

// Letters, digits and '-', 6 to 64 characters, at least one digit (a word
// or a name is not a pseudonym), and never shaped like a BSN.
bool IsPseudonymousId(absl::string_view id) {
  if (id.size() < kMinClientIdLength || id.size() > kMaxClientIdLength) return false;
  if (IsBsnShaped(id)) return false;
  if (std::none_of(id.begin(), id.end(),
                   [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); })) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

absl::Status RequireTerm(const v1::ContractRecord& contract) {
  const std::string subject = absl::StrCat("contract '", contract.contract_id(), "' term");
  RETURN_IF_ERROR(ParseDate(contract.term_start(), absl::StrCat(subject, "_start")).status());
  return ParseDate(contract.term_end(), absl::StrCat(subject, "_end")).status();
}

// The budget year whose ceiling a transfer of the case raises: the year the
// provider failed in.
int32_t FailureYear(const RegionState& state, const v1::ContinuityCaseRecord& continuity_case) {
  auto provider = state.providers.find(continuity_case.provider_id());
  if (provider == state.providers.end()) return 0;
  return static_cast<int32_t>(StoredDay(provider->second.failed_on()).year());
}

// `contract` with `delta` more ceiling for `municipality` in `year` (a row
// of that year, starting from the yearless ceiling when it has none, or on
// a region-wide contract without a ceiling of its own from what it claimed,
// which its claims committed).
v1::ContractRecord WithMoreCeiling(const v1::ContractRecord& contract,
                                   const std::string& municipality, int32_t year, int64_t delta) {
  v1::ContractRecord after = contract;
  if (delta == 0) return after;
  for (v1::MunicipalityCeiling& ceiling : *after.mutable_ceilings()) {
    if (ceiling.municipality() == municipality && ceiling.year() == year) {
      ceiling.set_ceiling_cents(ceiling.ceiling_cents() + delta);
      return after;
    }
  }
  v1::MunicipalityCeiling& added = *after.add_ceilings();
  added.set_municipality(municipality);
  added.set_year(year);
  int64_t base = YearCeilingOf(contract, municipality, year);
  if (contract.region_ceiling_cents() > 0 && !HasCeiling(contract, municipality)) {
    const v1::ClaimedYear* claimed = ClaimedOf(contract, municipality, year);
    base = claimed == nullptr ? 0 : claimed->claimed_cents();
  }
  added.set_ceiling_cents(base + delta);
  return after;
}

absl::StatusOr<const v1::ContinuityCaseRecord*> FindLiveCase(const RegionState& state,
                                                             absl::string_view case_id,
                                                             absl::string_view action) {
  RETURN_IF_ERROR(RequireText(case_id, "case_id", "a continuity case id"));
  ASSIGN_OR_RETURN(const v1::ContinuityCaseRecord* found, FindCase(state, case_id));
  if (found->status() == v1::CASE_STATUS_CLOSED) {
    return absl::FailedPreconditionError(
        absl::StrCat("case '", case_id, "' is closed; cannot ", action));
  }
  return found;
}

absl::Status ValidateClientIds(const v1::TransferClients& command) {
  if (command.client_ids().empty()) return absl::OkStatus();
  if (command.client_ids_size() != command.client_count()) {
    return absl::InvalidArgumentError(absl::StrCat("client_ids: expected client_count (",
                                                   command.client_count(), ") ids, got ",
                                                   command.client_ids_size()));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < command.client_ids_size(); ++i) {
    const std::string& id = command.client_ids(i);
    if (!IsPseudonymousId(id)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "client_ids[", i, "]: expected a pseudonymous id (letters, digits, '-', ",
          kMinClientIdLength, "-", kMaxClientIdLength,
          " characters, at least one digit, not a BSN), got '", id, "'"));
    }
    if (!seen.insert(id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("client_ids[", i, "]: '", id, "' appears twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> DecideDeclareProviderFailure(const RegionState& state,
                                                                    const v1::Command& command) {
  const v1::DeclareProviderFailure& failure = command.declare_provider_failure();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "declare a provider failure"));
  RETURN_IF_ERROR(RequireText(failure.provider_id(), "provider_id", "a provider id"));
  ASSIGN_OR_RETURN(const v1::ProviderRecord* provider, FindProvider(state, failure.provider_id()));
  if (provider->failed()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "provider '", provider->provider_id(), "' already failed on ", provider->failed_on()));
  }
  RETURN_IF_ERROR(ParseDate(failure.failed_on(), "failed_on").status());
  if (failure.reason() == v1::FAILURE_REASON_UNSPECIFIED ||
      !v1::FailureReason_IsValid(failure.reason())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "reason: expected bankruptcy, suspension of payments, quality or other, got ",
        failure.reason() == v1::FAILURE_REASON_UNSPECIFIED ? std::string("none")
                                                           : absl::StrCat(failure.reason())));
  }

  std::vector<v1::Event> events;
  v1::Event failed;
  v1::ProviderFailed& provider_failed = *failed.mutable_provider_failed();
  provider_failed.set_provider_id(failure.provider_id());
  provider_failed.set_failed_on(failure.failed_on());
  provider_failed.set_reason(failure.reason());
  provider_failed.set_explanation(failure.explanation());
  events.push_back(std::move(failed));

  // state.contracts iterates in contract-id order. Care stops on the day of
  // the failure (or, when care after it was already claimed, the day after
  // that claim); the money of the care still to give is released and opens
  // one case per municipality, to move to other providers.
  const absl::CivilDay failed_on = StoredDay(failure.failed_on());
  for (const auto& [id, contract] : state.contracts) {
    if (contract.provider_id() != failure.provider_id() ||
        (contract.status() != v1::CONTRACT_STATUS_ACTIVE &&
         contract.status() != v1::CONTRACT_STATUS_SUSPENDED)) {
      continue;
    }
    absl::CivilDay stop = std::max(failed_on, StoredDay(contract.term_start()));
    if (!contract.last_claimed_day().empty()) {
      stop = std::max(stop, StoredDay(contract.last_claimed_day()) + 1);
    }
    if (contract.status() == v1::CONTRACT_STATUS_ACTIVE && stop <= LastCareDay(contract)) {
      v1::Event suspended;
      v1::ContractSuspended& contract_suspended = *suspended.mutable_contract_suspended();
      contract_suspended.set_contract_id(id);
      contract_suspended.set_reason(
          absl::StrCat("provider failed: ", FailureReasonName(failure.reason())));
      contract_suspended.set_effective_on(FormatDate(stop));
      events.push_back(std::move(suspended));
    }
    absl::flat_hash_set<std::string> municipalities;
    for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
      if (!municipalities.insert(ceiling.municipality()).second) continue;
      v1::Event opened;
      v1::ContinuityCaseOpened& case_opened = *opened.mutable_continuity_case_opened();
      case_opened.set_case_id(absl::StrCat(id, "/", ceiling.municipality()));
      case_opened.set_provider_id(failure.provider_id());
      case_opened.set_contract_id(id);
      case_opened.set_lot(contract.lot());
      case_opened.set_municipality(ceiling.municipality());
      case_opened.set_remaining_ceiling_cents(CeilingFrom(contract, ceiling.municipality(), stop));
      events.push_back(std::move(opened));
    }
  }
  return events;
}

absl::StatusOr<std::vector<v1::Event>> DecideTransferClients(const RegionState& state,
                                                             const v1::Command& command) {
  const v1::TransferClients& transfer = command.transfer_clients();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "transfer clients"));
  ASSIGN_OR_RETURN(const v1::ContinuityCaseRecord* found,
                   FindLiveCase(state, transfer.case_id(), "transfer clients"));
  const v1::ContinuityCaseRecord& continuity_case = *found;
  RETURN_IF_ERROR(FindContract(state, continuity_case.contract_id()).status());
  RETURN_IF_ERROR(RequireText(transfer.to_contract_id(), "to_contract_id", "a contract id"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* to, FindContract(state, transfer.to_contract_id()));
  if (to->status() != v1::CONTRACT_STATUS_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("to_contract_id: contract '", to->contract_id(), "' is ",
                     ContractStatusName(to->status()), "; clients go only to an active contract"));
  }
  if (to->lot() != continuity_case.lot()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "to_contract_id: contract '", to->contract_id(), "' is on lot '", to->lot(),
        "', but case '", continuity_case.case_id(), "' is on lot '", continuity_case.lot(), "'"));
  }
  if (to->provider_id() == continuity_case.provider_id()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "to_contract_id: contract '", to->contract_id(), "' belongs to the failed provider '",
        continuity_case.provider_id(), "' itself; clients go to another provider"));
  }
  if (auto receiver = state.providers.find(to->provider_id());
      receiver != state.providers.end() && receiver->second.failed()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "to_contract_id: provider '", to->provider_id(), "' of contract '", to->contract_id(),
        "' failed on ", receiver->second.failed_on(), "; clients go to a provider still in care"));
  }
  if (transfer.client_count() < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("client_count: expected at least 1 client, got ", transfer.client_count()));
  }
  RETURN_IF_ERROR(ValidateClientIds(transfer));
  RETURN_IF_ERROR(RequireNonNegative(transfer.ceiling_cents(), "ceiling_cents"));
  if (transfer.ceiling_cents() > continuity_case.remaining_ceiling_cents()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ceiling_cents: ", FormatCents(transfer.ceiling_cents()), " exceeds the remaining ceiling ",
        FormatCents(continuity_case.remaining_ceiling_cents()), " of case '",
        continuity_case.case_id(), "'"));
  }
  const std::string& municipality = continuity_case.municipality();
  const int32_t year = FailureYear(state, continuity_case);
  if (TermDaysIn(*to, year) == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "to_contract_id: contract '", to->contract_id(), "' (", to->term_start(), " to ",
        to->term_end(), ") gives no care in ", year, ", the year provider '",
        continuity_case.provider_id(), "' failed"));
  }
  RETURN_IF_ERROR(AddCents(YearCeilingOf(*to, municipality, year), transfer.ceiling_cents(),
                           "to_contract ceiling")
                      .status());
  RETURN_IF_ERROR(RequireTerm(*to));
  const v1::ContractRecord raised =
      WithMoreCeiling(*to, municipality, year, transfer.ceiling_cents());
  RETURN_IF_ERROR(RequireWithinRegionCeiling(raised));
  RETURN_IF_ERROR(CheckChange(state, *to, raised).status());

  v1::Event event;
  v1::ClientsTransferred& transferred = *event.mutable_clients_transferred();
  transferred.set_case_id(continuity_case.case_id());
  transferred.set_from_contract_id(continuity_case.contract_id());
  transferred.set_to_contract_id(to->contract_id());
  transferred.set_to_provider_id(to->provider_id());
  transferred.set_client_count(transfer.client_count());
  *transferred.mutable_client_ids() = transfer.client_ids();
  transferred.set_ceiling_cents(transfer.ceiling_cents());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideEscalateCase(const RegionState& state,
                                                          const v1::Command& command) {
  const v1::EscalateCase& escalate = command.escalate_case();
  RETURN_IF_ERROR(
      RequireRole(command.actor(), v1::ROLE_BUREAU, "escalate a case to the continuity authority"));
  RETURN_IF_ERROR(RequireText(escalate.case_id(), "case_id", "a continuity case id"));
  ASSIGN_OR_RETURN(const v1::ContinuityCaseRecord* found, FindCase(state, escalate.case_id()));
  if (found->status() != v1::CASE_STATUS_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat("case '", found->case_id(), "' is ",
                                                      CaseStatusName(found->status()),
                                                      "; only an open case can be escalated"));
  }
  RETURN_IF_ERROR(RequireText(escalate.reason(), "reason", "why the case is escalated"));

  v1::Event event;
  v1::CaseEscalated& escalated = *event.mutable_case_escalated();
  escalated.set_case_id(escalate.case_id());
  escalated.set_reason(escalate.reason());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideCloseCase(const RegionState& state,
                                                       const v1::Command& command) {
  const v1::CloseCase& close = command.close_case();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "close a continuity case"));
  RETURN_IF_ERROR(FindLiveCase(state, close.case_id(), "close it again").status());
  RETURN_IF_ERROR(RequireText(close.outcome(), "outcome", "the outcome of the case"));

  v1::Event event;
  v1::CaseClosed& closed = *event.mutable_case_closed();
  closed.set_case_id(close.case_id());
  closed.set_outcome(close.outcome());
  return OneEvent(std::move(event));
}

void ApplyClientsTransferred(RegionState& state, const v1::ClientsTransferred& event) {
  auto found = state.cases.find(event.case_id());
  if (found == state.cases.end()) return;
  v1::ContinuityCaseRecord& continuity_case = found->second;
  auto to = state.contracts.find(event.to_contract_id());
  if (to != state.contracts.end()) {
    ApplyChange(state, to->second,
                WithMoreCeiling(to->second, continuity_case.municipality(),
                                FailureYear(state, continuity_case), event.ceiling_cents()));
  }
  continuity_case.set_remaining_ceiling_cents(continuity_case.remaining_ceiling_cents() -
                                              event.ceiling_cents());
  continuity_case.set_clients_transferred(continuity_case.clients_transferred() +
                                          event.client_count());
  continuity_case.add_to_contract_ids(event.to_contract_id());
}

void ApplyCaseEscalated(RegionState& state, const v1::CaseEscalated& event) {
  auto found = state.cases.find(event.case_id());
  if (found == state.cases.end()) return;
  found->second.set_status(v1::CASE_STATUS_ESCALATED);
  found->second.set_escalation_reason(event.reason());
}

void ApplyCaseClosed(RegionState& state, const v1::CaseClosed& event) {
  auto found = state.cases.find(event.case_id());
  if (found == state.cases.end()) return;
  found->second.set_status(v1::CASE_STATUS_CLOSED);
  found->second.set_outcome(event.outcome());
}

void ApplyProviderFailed(RegionState& state, const v1::ProviderFailed& event) {
  auto found = state.providers.find(event.provider_id());
  if (found == state.providers.end()) return;
  found->second.set_failed(true);
  found->second.set_failed_on(event.failed_on());
  found->second.set_failure_reason(event.reason());
}

void ApplyContinuityCaseOpened(RegionState& state, const v1::ContinuityCaseOpened& event) {
  v1::ContinuityCaseRecord& record = state.cases[event.case_id()];
  record.set_case_id(event.case_id());
  record.set_provider_id(event.provider_id());
  record.set_contract_id(event.contract_id());
  record.set_lot(event.lot());
  record.set_municipality(event.municipality());
  record.set_status(v1::CASE_STATUS_OPEN);
  record.set_remaining_ceiling_cents(event.remaining_ceiling_cents());
}

}  // namespace inkoop
