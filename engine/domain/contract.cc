#include "engine/domain/outcomes.h"
#include "engine/domain/registration.h"
#include "engine/domain/contract.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/budget.h"
#include "engine/domain/commitment.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/domain/money.h"
#include "engine/domain/open_house.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/domain/tender.h"
#include "engine/domain/transition.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

using Ceilings = google::protobuf::RepeatedPtrField<v1::MunicipalityCeiling>;
using Tariffs = google::protobuf::RepeatedPtrField<v1::Tariff>;

// `ceilings` with the rows of `changes` replacing (or added to) the rows of
// the same municipality and year.
Ceilings MergeCeilings(const Ceilings& ceilings, const Ceilings& changes) {
  Ceilings merged = ceilings;
  for (const v1::MunicipalityCeiling& change : changes) {
    auto row = std::find_if(merged.begin(), merged.end(), [&](const v1::MunicipalityCeiling& c) {
      return c.municipality() == change.municipality() && c.year() == change.year();
    });
    if (row == merged.end()) {
      *merged.Add() = change;
    } else {
      row->set_ceiling_cents(change.ceiling_cents());
    }
  }
  return merged;
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

// A contract under its transition arrangement: the arrangement's terms,
// and a term whose every year has a framework with the contract's lot.
absl::Status RequireUnderArrangement(const RegionState& state, const v1::ContractRecord& contract) {
  ASSIGN_OR_RETURN(const v1::TransitionArrangementAdopted* arrangement,
                   FindArrangement(state, contract.arrangement_id()));
  RETURN_IF_ERROR(RequireArrangementTerms(*arrangement, contract));
  for (int64_t y = StoredDay(contract.term_start()).year();
       y <= StoredDay(contract.term_end()).year(); ++y) {
    RETURN_IF_ERROR(RequireYearInPeriod(state, static_cast<int32_t>(y)));
    RETURN_IF_ERROR(RequireLot(state, contract.lot(), "lot", static_cast<int32_t>(y)));
  }
  return absl::OkStatus();
}

// The framework a contract runs under: the one in force when its term starts.
const Framework& FrameworkOf(const RegionState& state, const v1::ContractRecord& contract) {
  return FrameworkOfYear(state, static_cast<int32_t>(StoredDay(contract.term_start()).year()));
}

absl::Status RequireInFrameworkPeriod(const Framework& framework, absl::CivilDay day,
                                      absl::string_view field) {
  if (day < framework.period_start || day > framework.period_end) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": expected a day within framework '", framework.id, "' (",
                     FormatDate(framework.period_start), " to ", FormatDate(framework.period_end),
                     "), got ", FormatDate(day)));
  }
  return absl::OkStatus();
}

// A new last day of `contract`: within its framework's period, or its
// transition arrangement's.
absl::Status RequireTermEnd(const RegionState& state, const v1::ContractRecord& contract,
                            absl::CivilDay new_end) {
  if (contract.arrangement_id().empty()) {
    return RequireInFrameworkPeriod(FrameworkOf(state, contract), new_end, "term_end");
  }
  v1::ContractRecord terms = contract;
  terms.set_term_end(FormatDate(new_end));
  return RequireUnderArrangement(state, terms);
}

// Municipalities of the region, each once per year, a year within the term
// [start, end] (or 0: every year), ceilings >= 0; `at_least_one` refuses an
// empty list.
absl::Status ValidateCeilings(const RegionState& state, const Ceilings& ceilings,
                              bool at_least_one, absl::CivilDay start, absl::CivilDay end) {
  if (at_least_one && ceilings.empty()) {
    return absl::InvalidArgumentError(
        "ceilings: expected a ceiling for at least one municipality (or region_ceiling_cents "
        "for a region-wide contract), got none");
  }
  absl::flat_hash_set<std::pair<std::string, int32_t>> seen;
  for (int i = 0; i < ceilings.size(); ++i) {
    const v1::MunicipalityCeiling& ceiling = ceilings[i];
    const std::string field = absl::StrCat("ceilings[", i, "]");
    RETURN_IF_ERROR(RequireText(ceiling.municipality(), absl::StrCat(field, ".municipality"),
                                "a municipality"));
    RETURN_IF_ERROR(RequireMunicipality(state, ceiling.municipality()));
    if (ceiling.year() != 0 && (ceiling.year() < start.year() || ceiling.year() > end.year())) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".year: expected a year of the term ", FormatDate(start), " to ",
          FormatDate(end), " (or none for every year), got ", ceiling.year()));
    }
    if (!seen.insert({ceiling.municipality(), ceiling.year()}).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".municipality: '", ceiling.municipality(), "' appears twice",
                       ceiling.year() == 0 ? std::string() : absl::StrCat(" for ", ceiling.year())));
    }
    RETURN_IF_ERROR(
        RequireNonNegative(ceiling.ceiling_cents(), absl::StrCat(field, ".ceiling_cents")));
  }
  return absl::OkStatus();
}

// Tariffs of the lot's rules; a per-unit contract needs at least one.
absl::Status ValidateContractTariffs(const Framework& framework, const std::string& lot,
                                     v1::FundingModel model, const Tariffs& tariffs) {
  RETURN_IF_ERROR(RequireTariffsWithinLot(framework, lot, tariffs, "tariffs"));
  if (model == v1::FUNDING_MODEL_PER_UNIT && tariffs.empty()) {
    return absl::InvalidArgumentError(
        "tariffs: a per_unit contract expected at least one tariff, got none");
  }
  return absl::OkStatus();
}

// The contract carries out the awarded `bid` of `tender`: same funding
// model, a term starting in the tender's year, the bid's tariffs, and
// ceilings of each year summing to at most the bid's amount.
absl::Status RequireAwardTerms(const v1::ContractRecord& contract, const v1::TenderRecord& tender,
                               const v1::BidRecord& bid) {
  const std::string award = absl::StrCat("the award of bid '", bid.bid_id(), "' on tender '",
                                         tender.tender_id(), "'");
  if (contract.funding_model() != tender.funding_model()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "funding_model: ", FundingModelName(contract.funding_model()), " differs from ", award,
        " (", FundingModelName(tender.funding_model()), ")"));
  }
  const absl::CivilDay start = StoredDay(contract.term_start());
  if (start.year() != tender.year()) {
    return absl::FailedPreconditionError(absl::StrCat("term_start: ", contract.term_start(),
                                                      " is not in ", tender.year(), ", the year of ",
                                                      award));
  }
  for (const v1::Tariff& tariff : contract.tariffs()) {
    auto awarded = std::find_if(bid.tariffs().begin(), bid.tariffs().end(),
                                [&](const v1::Tariff& t) {
                                  return t.product_code() == tariff.product_code();
                                });
    if (awarded == bid.tariffs().end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "tariffs: product '", tariff.product_code(), "' is not in ", award,
          "; negotiate_award first"));
    }
    if (awarded->unit() != tariff.unit() || awarded->tariff_cents() != tariff.tariff_cents()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "tariffs: product '", tariff.product_code(), "' at ", TariffText(tariff),
          " differs from ", award, " (", TariffText(*awarded), "); negotiate_award first"));
    }
  }
  if (contract.tariffs_size() != bid.tariffs_size()) {
    return absl::FailedPreconditionError(absl::StrCat("tariffs: expected the ", bid.tariffs_size(),
                                                      " tariffs of ", award, ", got ",
                                                      contract.tariffs_size()));
  }
  for (int32_t year : ContractYears(contract)) {
    ASSIGN_OR_RETURN(const int64_t sum, WholeCeilingOf(contract, year));
    if (sum > bid.amount_cents()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ceilings: the ceilings of ", year, " sum to ", FormatCents(sum), ", above ", award,
          " of ", FormatCents(bid.amount_cents()), "; negotiate_award first"));
    }
  }
  return absl::OkStatus();
}

// The tender and awarded bid a bound contract carries out.
absl::StatusOr<std::pair<const v1::TenderRecord*, const v1::BidRecord*>> AwardOf(
    const RegionState& state, const std::string& tender_id, const std::string& bid_id) {
  ASSIGN_OR_RETURN(const v1::TenderRecord* tender, FindTender(state, tender_id));
  for (const v1::BidRecord& bid : tender->bids()) {
    if (bid.bid_id() == bid_id) return std::make_pair(tender, &bid);
  }
  return absl::NotFoundError(
      absl::StrCat("bid_id: '", bid_id, "' is not a bid on tender '", tender_id, "'"));
}

absl::Status RequireAwardTermsOf(const RegionState& state, const v1::ContractRecord& contract) {
  if (contract.bid_id().empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto award, AwardOf(state, contract.tender_id(), contract.bid_id()));
  if (IsOpenHouse(*award.first)) {
    return RequireAdmissionTerms(state, contract, *award.first, *award.second);
  }
  return RequireAwardTerms(contract, *award.first, *award.second);
}

// Money already claimed must stay within the contract's cap after a change.
absl::Status RequireClaimsFit(const v1::ContractRecord& after, absl::string_view change) {
  const bool region_wide = after.region_ceiling_cents() > 0;
  for (const v1::ClaimedYear& claimed : after.claimed()) {
    // On a region-wide contract a member without a ceiling has the region's.
    if (region_wide && !HasCeiling(after, claimed.municipality())) continue;
    const int64_t cap = CapOf(after, claimed.municipality(), claimed.year());
    if (claimed.claimed_cents() > cap) {
      return absl::FailedPreconditionError(absl::StrCat(
          change, " would leave ", claimed.municipality(), " ", claimed.year(),
          " of contract '", after.contract_id(), "' a ceiling of ", FormatCents(cap),
          ", below the ", FormatCents(claimed.claimed_cents()), " already claimed"));
    }
  }
  return absl::OkStatus();
}

// A day of care already claimed cannot be suspended or terminated.
absl::Status RequireAfterClaims(const v1::ContractRecord& contract, absl::CivilDay day,
                                absl::string_view field) {
  if (contract.last_claimed_day().empty() || day > StoredDay(contract.last_claimed_day())) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      field, ": ", FormatDate(day), " is not after ", contract.last_claimed_day(),
      ", the last day of care already claimed on contract '", contract.contract_id(), "'"));
}

// `day` within the contract's term.
absl::Status RequireInTerm(const v1::ContractRecord& contract, absl::CivilDay day,
                           absl::string_view field) {
  if (day < StoredDay(contract.term_start()) || day > StoredDay(contract.term_end())) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": expected a day within the term of contract '",
                     contract.contract_id(), "' (", contract.term_start(), " to ",
                     contract.term_end(), "), got ", FormatDate(day)));
  }
  return absl::OkStatus();
}

// An effective date: as given, or the command's day.
absl::StatusOr<absl::CivilDay> EffectiveDay(const v1::Command& command, const std::string& text) {
  if (text.empty()) return CommandDay(command);
  return ParseDate(text, "effective_on");
}

// The contract after each event; Decide and Apply build it the same way.
v1::ContractRecord Signed(const v1::ContractSigned& event) {
  v1::ContractRecord contract;
  contract.set_contract_id(event.contract_id());
  contract.set_provider_id(event.provider_id());
  contract.set_lot(event.lot());
  contract.set_tender_id(event.tender_id());
  contract.set_bid_id(event.bid_id());
  contract.set_funding_model(event.funding_model());
  contract.set_term_start(event.term_start());
  contract.set_term_end(event.term_end());
  contract.set_status(v1::CONTRACT_STATUS_ACTIVE);
  *contract.mutable_ceilings() = event.ceilings();
  *contract.mutable_tariffs() = event.tariffs();
  contract.set_region_ceiling_cents(event.region_ceiling_cents());
  contract.set_arrangement_id(event.arrangement_id());
  contract.set_registration_days(event.registration_days());
  *contract.mutable_outcome_terms() = event.outcome_terms();
  for (const v1::Instalment& instalment : event.instalments()) {
    *contract.add_instalments()->mutable_instalment() = instalment;
  }
  return contract;
}

// A lump-sum or population contract's schedule: each instalment for a
// municipality with a ceiling, due within the term, > 0, one per day and
// municipality; a year's instalments within that year's ceiling share.
absl::Status ValidateInstalments(const v1::ContractRecord& contract) {
  if (contract.instalments().empty()) return absl::OkStatus();
  if (contract.funding_model() == v1::FUNDING_MODEL_PER_UNIT) {
    return absl::InvalidArgumentError(
        "instalments: a per_unit contract is paid by its claims, not by a schedule");
  }
  absl::btree_map<std::pair<std::string, int32_t>, int64_t> scheduled;
  absl::flat_hash_set<std::pair<std::string, std::string>> seen;
  for (int i = 0; i < contract.instalments_size(); ++i) {
    const v1::Instalment& instalment = contract.instalments(i).instalment();
    const std::string field = absl::StrCat("instalments[", i, "]");
    if (!HasCeiling(contract, instalment.municipality())) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".municipality: '",
                                                     instalment.municipality(),
                                                     "' has no ceiling on the contract"));
    }
    ASSIGN_OR_RETURN(const absl::CivilDay due,
                     ParseDate(instalment.due_on(), absl::StrCat(field, ".due_on")));
    RETURN_IF_ERROR(RequireInTerm(contract, due, absl::StrCat(field, ".due_on")));
    if (instalment.amount_cents() <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".amount_cents: expected an amount > 0.00, got ",
                                                     FormatCents(instalment.amount_cents())));
    }
    if (!seen.insert({instalment.municipality(), instalment.due_on()}).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": ", instalment.municipality(),
                                                     " has two instalments due on ",
                                                     instalment.due_on()));
    }
    const auto year = static_cast<int32_t>(due.year());
    int64_t& sum = scheduled[std::make_pair(instalment.municipality(), year)];
    ASSIGN_OR_RETURN(sum, AddCents(sum, instalment.amount_cents(), field));
  }
  for (const auto& [key, cents] : scheduled) {
    const int64_t cap = CapOf(contract, key.first, key.second);
    if (cents > cap) {
      return absl::FailedPreconditionError(absl::StrCat(
          "instalments: ", key.first, "'s instalments of ", key.second, " sum to ",
          FormatCents(cents), ", above its ceiling ", FormatCents(cap), " for that year"));
    }
  }
  return absl::OkStatus();
}

v1::ContractRecord Amended(const v1::ContractRecord& contract, const v1::ContractAmended& event) {
  v1::ContractRecord after = contract;
  *after.mutable_ceilings() = MergeCeilings(contract.ceilings(), event.ceilings());
  if (event.replace_tariffs()) *after.mutable_tariffs() = event.tariffs();
  if (!event.term_end().empty()) after.set_term_end(event.term_end());
  return after;
}

v1::ContractRecord Extended(const v1::ContractRecord& contract, const std::string& term_end) {
  v1::ContractRecord after = contract;
  after.set_term_end(term_end);
  return after;
}

v1::ContractRecord Suspended(const v1::ContractRecord& contract,
                             const v1::ContractSuspended& event) {
  v1::ContractRecord after = contract;
  after.set_status(v1::CONTRACT_STATUS_SUSPENDED);
  after.set_status_reason(event.reason());
  // A suspension from before effective dates carries none: it kept the
  // money, and still does.
  if (!event.effective_on().empty()) after.add_suspensions()->set_from(event.effective_on());
  return after;
}

v1::ContractRecord Resumed(const v1::ContractRecord& contract, const v1::ContractResumed& event) {
  v1::ContractRecord after = contract;
  after.set_status(v1::CONTRACT_STATUS_ACTIVE);
  after.clear_status_reason();
  for (v1::Suspension& suspension : *after.mutable_suspensions()) {
    if (suspension.resumed_on().empty() && !event.effective_on().empty()) {
      suspension.set_resumed_on(event.effective_on());
    }
  }
  return after;
}

v1::ContractRecord Terminated(const v1::ContractRecord& contract,
                              const v1::ContractTerminated& event) {
  v1::ContractRecord after = contract;
  after.set_status(v1::CONTRACT_STATUS_TERMINATED);
  after.set_status_reason(event.reason());
  after.set_ends_on(event.effective_on());
  return after;
}

// The open suspension of a suspended contract.
const v1::Suspension* OpenSuspension(const v1::ContractRecord& contract) {
  for (const v1::Suspension& suspension : contract.suspensions()) {
    if (suspension.resumed_on().empty()) return &suspension;
  }
  return nullptr;
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
  ASSIGN_OR_RETURN(absl::CivilDay start, ParseDate(body.term_start(), "term_start"));
  ASSIGN_OR_RETURN(absl::CivilDay end, ParseDate(body.term_end(), "term_end"));
  // The contract runs under the framework in force when its term starts,
  // with that framework's lots and rules, and ends within its period.
  const auto first_year = static_cast<int32_t>(start.year());
  RETURN_IF_ERROR(RequireLot(state, body.lot(), "lot", first_year));
  const Framework& framework = FrameworkOfYear(state, first_year);
  RETURN_IF_ERROR(
      RequireFundingModelAllowed(framework, body.lot(), body.funding_model(), "funding_model"));
  if (end < start) {
    return absl::InvalidArgumentError(absl::StrCat("term_end: expected a day on or after ",
                                                   body.term_start(), ", got ", body.term_end()));
  }
  RETURN_IF_ERROR(RequireInFrameworkPeriod(framework, start, "term_start"));
  if (body.arrangement_id().empty()) {
    RETURN_IF_ERROR(RequireInFrameworkPeriod(framework, end, "term_end"));
  } else {
    v1::ContractRecord terms;
    terms.set_arrangement_id(body.arrangement_id());
    terms.set_provider_id(body.provider_id());
    terms.set_lot(body.lot());
    terms.set_tender_id(body.tender_id());
    terms.set_term_start(body.term_start());
    terms.set_term_end(body.term_end());
    RETURN_IF_ERROR(RequireUnderArrangement(state, terms));
  }
  if (body.tender_id().empty() && !body.bid_id().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tender_id: expected the tender of bid '", body.bid_id(), "', got ''"));
  }
  if (!body.tender_id().empty()) {
    ASSIGN_OR_RETURN(const v1::TenderRecord* tender, FindTender(state, body.tender_id()));
    const bool open_house = IsOpenHouse(*tender);
    // An admission's providers are contracted while it is open and after it
    // closed; a competitive tender's once it is awarded.
    const v1::TenderStatus expected =
        open_house ? v1::TENDER_STATUS_OPEN : v1::TENDER_STATUS_AWARDED;
    if (tender->status() != expected &&
        !(open_house && tender->status() == v1::TENDER_STATUS_CLOSED)) {
      return absl::FailedPreconditionError(absl::StrCat(
          open_house ? "open-house procedure '" : "tender '", tender->tender_id(), "' is ",
          TenderStatusName(tender->status()), "; expected ", TenderStatusName(expected)));
    }
    if (tender->lot() != body.lot()) {
      return absl::FailedPreconditionError(absl::StrCat("lot: tender '", tender->tender_id(),
                                                        "' is for lot '", tender->lot(), "', got '",
                                                        body.lot(), "'"));
    }
    RETURN_IF_ERROR(RequireText(
        body.bid_id(), "bid_id",
        absl::StrCat(open_house ? "the admitted application to '" : "the awarded bid of tender '",
                     tender->tender_id(), "' the contract carries out")));
    const auto& awarded = tender->awarded_bid_ids();
    if (!open_house &&
        std::find(awarded.begin(), awarded.end(), body.bid_id()) == awarded.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "bid_id: '", body.bid_id(), "' is not an awarded bid of tender '", tender->tender_id(),
          "' (awarded: ", absl::StrJoin(awarded, ", "), ")"));
    }
    ASSIGN_OR_RETURN(auto award, AwardOf(state, body.tender_id(), body.bid_id()));
    const v1::BidRecord& bid = *award.second;
    if (open_house && (!bid.admitted() || bid.withdrawn())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "bid_id: application '", bid.bid_id(), "' to '", tender->tender_id(), "' is ",
          bid.withdrawn()  ? "withdrawn"
          : bid.assessed() ? "assessed and not admitted"
                           : "not assessed yet",
          "; only an admitted provider is contracted"));
    }
    if (bid.provider_id() != body.provider_id()) {
      return absl::FailedPreconditionError(absl::StrCat("provider '", body.provider_id(),
                                                        "' was not awarded bid '", bid.bid_id(),
                                                        "' (provider '", bid.provider_id(),
                                                        "') of tender '", tender->tender_id(),
                                                        "'"));
    }
    if (!bid.contract_id().empty()) {
      return absl::FailedPreconditionError(absl::StrCat("bid_id: bid '", bid.bid_id(),
                                                        "' is already carried out by contract '",
                                                        bid.contract_id(), "'"));
    }
  }
  RETURN_IF_ERROR(RequireNonNegative(body.region_ceiling_cents(), "region_ceiling_cents"));
  // A region-wide contract may leave the municipalities' ceilings out.
  RETURN_IF_ERROR(ValidateCeilings(state, body.ceilings(),
                                   /*at_least_one=*/body.region_ceiling_cents() == 0, start, end));
  RETURN_IF_ERROR(
      ValidateContractTariffs(framework, body.lot(), body.funding_model(), body.tariffs()));
  ASSIGN_OR_RETURN(const int32_t registration_days, RegistrationDaysOf(body.registration_days()));
  RETURN_IF_ERROR(ValidateOutcomeTerms(body.outcome_terms()));
  v1::Event event;
  v1::ContractSigned& signed_event = *event.mutable_contract_signed();
  signed_event.set_contract_id(body.contract_id());
  signed_event.set_provider_id(body.provider_id());
  signed_event.set_lot(body.lot());
  signed_event.set_tender_id(body.tender_id());
  signed_event.set_bid_id(body.bid_id());
  signed_event.set_funding_model(body.funding_model());
  signed_event.set_term_start(body.term_start());
  signed_event.set_term_end(body.term_end());
  *signed_event.mutable_ceilings() = body.ceilings();
  *signed_event.mutable_tariffs() = body.tariffs();
  *signed_event.mutable_instalments() = body.instalments();
  signed_event.set_region_ceiling_cents(body.region_ceiling_cents());
  signed_event.set_arrangement_id(body.arrangement_id());
  signed_event.set_registration_days(registration_days);
  *signed_event.mutable_outcome_terms() = body.outcome_terms();
  const v1::ContractRecord contract = Signed(signed_event);
  RETURN_IF_ERROR(RequireWithinRegionCeiling(contract));
  RETURN_IF_ERROR(ValidateInstalments(contract));
  RETURN_IF_ERROR(RequireAwardTermsOf(state, contract));
  RETURN_IF_ERROR(CheckChange(state, v1::ContractRecord(), contract).status());
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
  if (body.replace_tariffs()) {
    RETURN_IF_ERROR(ValidateContractTariffs(FrameworkOf(state, *contract), contract->lot(),
                                            contract->funding_model(), body.tariffs()));
  }
  const absl::CivilDay start = StoredDay(contract->term_start());
  absl::CivilDay new_end = StoredDay(contract->term_end());
  if (!body.term_end().empty()) {
    ASSIGN_OR_RETURN(new_end, ParseDate(body.term_end(), "term_end"));
    if (new_end < start) {
      return absl::FailedPreconditionError(
          absl::StrCat("term_end: expected a day on or after the term start ",
                       contract->term_start(), ", got ", body.term_end()));
    }
    RETURN_IF_ERROR(RequireTermEnd(state, *contract, new_end));
    if (!contract->last_claimed_day().empty() &&
        new_end < StoredDay(contract->last_claimed_day())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "term_end: ", body.term_end(), " is before ", contract->last_claimed_day(),
          ", the last day of care already claimed on contract '", contract->contract_id(), "'"));
    }
  }
  RETURN_IF_ERROR(ValidateCeilings(state, body.ceilings(), /*at_least_one=*/false, start, new_end));
  v1::Event event;
  v1::ContractAmended& amended = *event.mutable_contract_amended();
  amended.set_contract_id(body.contract_id());
  *amended.mutable_ceilings() = body.ceilings();
  *amended.mutable_tariffs() = body.tariffs();
  amended.set_replace_tariffs(body.replace_tariffs());
  amended.set_term_end(body.term_end());
  amended.set_reason(body.reason());
  const v1::ContractRecord after = Amended(*contract, amended);
  RETURN_IF_ERROR(RequireClaimsFit(after, "the amendment"));
  RETURN_IF_ERROR(RequireWithinRegionCeiling(after));
  RETURN_IF_ERROR(RequireAwardTermsOf(state, after));
  RETURN_IF_ERROR(CheckChange(state, *contract, after).status());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideExtendContract(const RegionState& state,
                                                            const v1::Command& command) {
  const v1::ExtendContract& body = command.extend_contract();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "extend a contract"));
  ASSIGN_OR_RETURN(const v1::ContractRecord* contract, FindContract(state, body.contract_id()));
  RETURN_IF_ERROR(RequireStatus(*contract, /*active_ok=*/true, /*suspended_ok=*/true));
  ASSIGN_OR_RETURN(absl::CivilDay new_end, ParseDate(body.term_end(), "term_end"));
  const absl::CivilDay old_end = StoredDay(contract->term_end());
  if (new_end <= old_end) {
    return absl::FailedPreconditionError(
        absl::StrCat("term_end: expected a day after the current term end ", contract->term_end(),
                     " of contract '", contract->contract_id(), "', got ", body.term_end()));
  }
  RETURN_IF_ERROR(RequireTermEnd(state, *contract, new_end));
  const v1::ContractRecord after = Extended(*contract, body.term_end());
  RETURN_IF_ERROR(RequireAwardTermsOf(state, after));
  RETURN_IF_ERROR(CheckChange(state, *contract, after).status());
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
  ASSIGN_OR_RETURN(const absl::CivilDay from, EffectiveDay(command, body.effective_on()));
  RETURN_IF_ERROR(RequireInTerm(*contract, from, "effective_on"));
  RETURN_IF_ERROR(RequireAfterClaims(*contract, from, "effective_on"));
  for (const v1::Suspension& earlier : contract->suspensions()) {
    if (!earlier.resumed_on().empty() && from < StoredDay(earlier.resumed_on())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "effective_on: ", FormatDate(from), " is before ", earlier.resumed_on(),
          ", when contract '", contract->contract_id(), "' resumed after its last suspension"));
    }
  }
  v1::Event event;
  v1::ContractSuspended& suspended = *event.mutable_contract_suspended();
  suspended.set_contract_id(body.contract_id());
  suspended.set_reason(body.reason());
  suspended.set_effective_on(FormatDate(from));
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
  ASSIGN_OR_RETURN(const absl::CivilDay on, EffectiveDay(command, body.effective_on()));
  RETURN_IF_ERROR(RequireInTerm(*contract, on, "effective_on"));
  if (const v1::Suspension* open = OpenSuspension(*contract);
      open != nullptr && on < StoredDay(open->from())) {
    return absl::FailedPreconditionError(
        absl::StrCat("effective_on: expected a day on or after ", open->from(),
                     ", when the suspension of contract '", contract->contract_id(),
                     "' began, got ", FormatDate(on)));
  }
  v1::Event event;
  v1::ContractResumed& resumed = *event.mutable_contract_resumed();
  resumed.set_contract_id(body.contract_id());
  resumed.set_effective_on(FormatDate(on));
  RETURN_IF_ERROR(CheckChange(state, *contract, Resumed(*contract, resumed)).status());
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
  RETURN_IF_ERROR(RequireInTerm(*contract, effective_on, "effective_on"));
  RETURN_IF_ERROR(RequireAfterClaims(*contract, effective_on, "effective_on"));
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
  ApplyChange(state, contract, Signed(event));
  if (event.bid_id().empty()) return;
  auto tender = state.tenders.find(event.tender_id());
  if (tender == state.tenders.end()) return;
  for (v1::BidRecord& bid : *tender->second.mutable_bids()) {
    if (bid.bid_id() == event.bid_id()) bid.set_contract_id(event.contract_id());
  }
}

void ApplyContractAmended(RegionState& state, const v1::ContractAmended& event) {
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  ApplyChange(state, contract->second, Amended(contract->second, event));
}

void ApplyContractExtended(RegionState& state, const v1::ContractExtended& event) {
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  ApplyChange(state, contract->second, Extended(contract->second, event.term_end()));
}

void ApplyContractSuspended(RegionState& state, const v1::ContractSuspended& event) {
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  ApplyChange(state, contract->second, Suspended(contract->second, event));
}

void ApplyContractResumed(RegionState& state, const v1::ContractResumed& event) {
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  ApplyChange(state, contract->second, Resumed(contract->second, event));
}

void ApplyContractTerminated(RegionState& state, const v1::ContractTerminated& event) {
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  ApplyChange(state, contract->second, Terminated(contract->second, event));
}

// The term has run: the money of its care stays committed for the claims
// that may still come (within the framework's claim window) until the year
// closes.
void ApplyContractExpired(RegionState& state, const v1::ContractExpired& event) {
  auto contract = state.contracts.find(event.contract_id());
  if (contract == state.contracts.end()) return;
  contract->second.set_status(v1::CONTRACT_STATUS_EXPIRED);
  contract->second.clear_status_reason();
}

}  // namespace inkoop
