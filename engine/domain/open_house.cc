#include "engine/domain/open_house.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

const v1::BidRecord* FindApplication(const v1::TenderRecord& tender, absl::string_view id) {
  for (const v1::BidRecord& application : tender.bids()) {
    if (application.bid_id() == id) return &application;
  }
  return nullptr;
}

v1::BidRecord* MutableApplication(RegionState& state, const std::string& tender_id,
                                  absl::string_view id) {
  auto it = state.tenders.find(tender_id);
  if (it == state.tenders.end()) return nullptr;
  for (v1::BidRecord& application : *it->second.mutable_bids()) {
    if (application.bid_id() == id) return &application;
  }
  return nullptr;
}

// The open-house procedure `tender_id` while it is open (or, with
// `closed_too`, also once closed).
absl::StatusOr<const v1::TenderRecord*> FindOpenHouse(const RegionState& state,
                                                      const std::string& tender_id,
                                                      absl::string_view instead,
                                                      bool closed_too = false) {
  ASSIGN_OR_RETURN(const v1::TenderRecord* tender, FindTender(state, tender_id));
  if (!IsOpenHouse(*tender)) {
    return absl::FailedPreconditionError(absl::StrCat("tender '", tender_id,
                                                      "' is competitive, not an open-house "
                                                      "procedure; ",
                                                      instead));
  }
  if (tender->status() == v1::TENDER_STATUS_CLOSED && !closed_too) {
    return absl::FailedPreconditionError(absl::StrCat("open-house procedure '", tender_id,
                                                      "' closed on ", tender->closed_on(),
                                                      " and takes no more applications"));
  }
  if (tender->status() != v1::TENDER_STATUS_OPEN &&
      !(closed_too && tender->status() == v1::TENDER_STATUS_CLOSED)) {
    return absl::FailedPreconditionError(absl::StrCat("open-house procedure '", tender_id,
                                                      "' is ", TenderStatusName(tender->status())));
  }
  return tender;
}

}  // namespace

bool IsOpenHouse(const v1::TenderRecord& tender) {
  return tender.procedure() == v1::TENDER_PROCEDURE_OPEN_HOUSE;
}

const v1::Tariff* HarmonisedTariff(const Framework& framework, absl::string_view lot,
                                   absl::string_view product_code) {
  auto rules = framework.rules.find(lot);
  if (rules == framework.rules.end()) return nullptr;
  for (const v1::Tariff& tariff : rules->second.harmonised_tariffs()) {
    if (tariff.product_code() == product_code) return &tariff;
  }
  return nullptr;
}

absl::Status RequireAdmissionProcedure(const RegionState& state, const v1::PublishTender& body) {
  if (body.procedure() != v1::TENDER_PROCEDURE_OPEN_HOUSE) {
    if (!body.requirements().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "requirements: a competitive tender has no admission checklist, got ",
          body.requirements_size(), " requirement(s); publish an open_house procedure"));
    }
    return absl::OkStatus();
  }
  if (body.funding_model() != v1::FUNDING_MODEL_PER_UNIT) {
    return absl::FailedPreconditionError(absl::StrCat(
        "funding_model: an open-house procedure admits at the harmonised tariffs per unit; "
        "expected per_unit, got ",
        FundingModelName(body.funding_model())));
  }
  const Framework& framework = FrameworkOfYear(state, body.year());
  auto rules = framework.rules.find(body.lot());
  if (rules == framework.rules.end() || rules->second.harmonised_tariffs().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("lot: lot '", body.lot(),
                     "' has no harmonised tariffs, and an open-house procedure admits at them; "
                     "set lot_rules.harmonised_tariffs by amend_framework first"));
  }
  if (body.requirements().empty()) {
    return absl::InvalidArgumentError(
        "requirements: expected the quality requirements an admitted provider meets, got none");
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < body.requirements_size(); ++i) {
    const std::string field = absl::StrCat("requirements[", i, "]");
    RETURN_IF_ERROR(RequireText(body.requirements(i), field, "a quality requirement"));
    if (!seen.insert(body.requirements(i)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": '", body.requirements(i), "' appears twice"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Event>> DecideApplyForAdmission(const RegionState& state,
                                                               const v1::Command& command) {
  const v1::ApplyForAdmission& body = command.apply_for_admission();
  const v1::Actor& actor = command.actor();
  RETURN_IF_ERROR(RequireText(body.provider_id(), "provider_id", "the applying provider's id"));
  if (actor.role() != v1::ROLE_PROVIDER || actor.id() != body.provider_id()) {
    return absl::PermissionDeniedError(
        absl::StrCat("role rule: only provider '", body.provider_id(),
                     "' itself may apply for its admission; actor '", actor.id(), "' is ",
                     RoleName(actor.role())));
  }
  ASSIGN_OR_RETURN(const v1::ProviderRecord* provider, FindProvider(state, body.provider_id()));
  if (provider->failed()) {
    return absl::FailedPreconditionError(absl::StrCat("provider '", provider->provider_id(),
                                                      "' failed on ", provider->failed_on(),
                                                      "; it cannot be admitted"));
  }
  ASSIGN_OR_RETURN(const v1::TenderRecord* tender,
                   FindOpenHouse(state, body.tender_id(), "submit_bid instead"));
  const absl::CivilDay today = CommandDay(command);
  if (!tender->deadline().empty() && today > StoredDay(tender->deadline())) {
    return absl::FailedPreconditionError(
        absl::StrCat("the admission window of '", tender->tender_id(), "' closed on ",
                     tender->deadline(), "; the application arrived ", FormatDate(today)));
  }
  RETURN_IF_ERROR(RequireText(body.application_id(), "application_id", "an application id"));
  if (FindApplication(*tender, body.application_id()) != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("application_id: '", body.application_id(),
                                                      "' is already an application to '",
                                                      tender->tender_id(), "'"));
  }
  for (const v1::BidRecord& other : tender->bids()) {
    if (other.provider_id() != body.provider_id() || other.withdrawn()) continue;
    if (!other.assessed() || other.admitted()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "provider '", body.provider_id(), "' already applied to '", tender->tender_id(),
          "' (application '", other.bid_id(), "', ",
          other.assessed() ? "admitted" : "awaiting assessment", ")"));
    }
  }
  v1::Event event;
  v1::AdmissionApplied& applied = *event.mutable_admission_applied();
  applied.set_tender_id(body.tender_id());
  applied.set_application_id(body.application_id());
  applied.set_provider_id(body.provider_id());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideAssessApplication(const RegionState& state,
                                                               const v1::Command& command) {
  const v1::AssessApplication& body = command.assess_application();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "assess an application"));
  ASSIGN_OR_RETURN(
      const v1::TenderRecord* tender,
      FindOpenHouse(state, body.tender_id(), "a competitive tender's bids are awarded",
                    /*closed_too=*/true));
  const v1::BidRecord* application = FindApplication(*tender, body.application_id());
  if (application == nullptr) {
    return absl::NotFoundError(absl::StrCat("application_id: '", body.application_id(),
                                            "' is not an application to '", tender->tender_id(),
                                            "'"));
  }
  if (application->withdrawn()) {
    return absl::FailedPreconditionError(absl::StrCat("application '", application->bid_id(),
                                                      "' was withdrawn by its provider"));
  }
  if (application->assessed()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "application '", application->bid_id(), "' is already assessed (",
        application->admitted() ? "admitted" : "not admitted", "); a provider applies again"));
  }
  ASSIGN_OR_RETURN(const v1::ProviderRecord* provider,
                   FindProvider(state, application->provider_id()));
  if (provider->failed()) {
    return absl::FailedPreconditionError(absl::StrCat("provider '", provider->provider_id(),
                                                      "' failed on ", provider->failed_on(),
                                                      "; it cannot be admitted"));
  }
  const auto& requirements = tender->requirements();
  absl::flat_hash_set<absl::string_view> assessed;
  bool admitted = true;
  for (int i = 0; i < body.assessments_size(); ++i) {
    const v1::RequirementAssessment& assessment = body.assessments(i);
    const std::string field = absl::StrCat("assessments[", i, "]");
    if (std::find(requirements.begin(), requirements.end(), assessment.requirement()) ==
        requirements.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".requirement: '", assessment.requirement(), "' is not a requirement of '",
          tender->tender_id(), "' (", absl::StrJoin(requirements, "; "), ")"));
    }
    if (!assessed.insert(assessment.requirement()).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".requirement: '",
                                                     assessment.requirement(),
                                                     "' is assessed twice"));
    }
    if (!assessment.met()) {
      RETURN_IF_ERROR(RequireText(assessment.note(), absl::StrCat(field, ".note"),
                                  "what is missing for a requirement not met"));
      admitted = false;
    }
  }
  for (const std::string& requirement : requirements) {
    if (!assessed.contains(requirement)) {
      return absl::InvalidArgumentError(absl::StrCat("assessments: requirement '", requirement,
                                                     "' of '", tender->tender_id(),
                                                     "' is not assessed"));
    }
  }
  v1::Event event;
  v1::ApplicationAssessed& result = *event.mutable_application_assessed();
  result.set_tender_id(body.tender_id());
  result.set_application_id(body.application_id());
  result.set_provider_id(application->provider_id());
  *result.mutable_assessments() = body.assessments();
  result.set_admitted(admitted);
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideCloseAdmission(const RegionState& state,
                                                            const v1::Command& command) {
  const v1::CloseAdmission& body = command.close_admission();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "close an admission"));
  ASSIGN_OR_RETURN(const v1::TenderRecord* tender,
                   FindOpenHouse(state, body.tender_id(), "award_tender or cancel_tender instead"));
  RETURN_IF_ERROR(RequireText(body.reason(), "reason", "why the admission closes"));
  v1::Event event;
  v1::AdmissionClosed& closed = *event.mutable_admission_closed();
  closed.set_tender_id(tender->tender_id());
  closed.set_reason(body.reason());
  closed.set_closed_on(FormatDate(CommandDay(command)));
  return OneEvent(std::move(event));
}

absl::Status RequireAdmissionTerms(const RegionState& state, const v1::ContractRecord& contract,
                                   const v1::TenderRecord& tender,
                                   const v1::BidRecord& application) {
  const std::string admission = absl::StrCat("the admission of application '",
                                             application.bid_id(), "' to '", tender.tender_id(),
                                             "'");
  if (contract.funding_model() != v1::FUNDING_MODEL_PER_UNIT) {
    return absl::FailedPreconditionError(absl::StrCat(
        "funding_model: ", FundingModelName(contract.funding_model()), " differs from ",
        admission, " (per_unit at the harmonised tariffs)"));
  }
  if (StoredDay(contract.term_start()).year() != tender.year()) {
    return absl::FailedPreconditionError(absl::StrCat("term_start: ", contract.term_start(),
                                                      " is not in ", tender.year(),
                                                      ", the year of ", admission));
  }
  const Framework& framework = FrameworkOfYear(state, tender.year());
  auto rules = framework.rules.find(tender.lot());
  const int harmonised = rules == framework.rules.end() ? 0 : rules->second.harmonised_tariffs_size();
  for (const v1::Tariff& tariff : contract.tariffs()) {
    const v1::Tariff* standard = HarmonisedTariff(framework, tender.lot(), tariff.product_code());
    if (standard == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("tariffs: product '", tariff.product_code(),
                       "' has no harmonised tariff on lot '", tender.lot(), "', so ", admission,
                       " does not cover it"));
    }
    if (standard->unit() != tariff.unit() || standard->tariff_cents() != tariff.tariff_cents()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "tariffs: product '", tariff.product_code(), "' at ", TariffText(tariff),
          " differs from the harmonised tariff of lot '", tender.lot(), "' (",
          TariffText(*standard), "); an admitted provider works at it"));
    }
  }
  if (contract.tariffs_size() != harmonised) {
    return absl::FailedPreconditionError(absl::StrCat("tariffs: expected the ", harmonised,
                                                      " harmonised tariffs of lot '", tender.lot(),
                                                      "', got ", contract.tariffs_size()));
  }
  // The procedure's contracts together stay within its ceiling, every year.
  for (int32_t year : ContractYears(contract)) {
    ASSIGN_OR_RETURN(int64_t sum, WholeCeilingOf(contract, year));
    for (const v1::BidRecord& other : tender.bids()) {
      if (other.contract_id().empty() || other.contract_id() == contract.contract_id()) continue;
      auto it = state.contracts.find(other.contract_id());
      if (it == state.contracts.end()) continue;
      ASSIGN_OR_RETURN(const int64_t theirs, WholeCeilingOf(it->second, year));
      ASSIGN_OR_RETURN(sum, AddCents(sum, theirs, "ceilings"));
    }
    if (sum > tender.ceiling_cents()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ceilings: the ceilings of ", year, " of the contracts of open-house procedure '",
          tender.tender_id(), "' would sum to ", FormatCents(sum), ", above its ceiling ",
          FormatCents(tender.ceiling_cents())));
    }
  }
  return absl::OkStatus();
}

void ApplyAdmissionApplied(RegionState& state, const v1::AdmissionApplied& event) {
  auto it = state.tenders.find(event.tender_id());
  if (it == state.tenders.end()) return;
  v1::BidRecord& application = *it->second.add_bids();
  application.set_bid_id(event.application_id());
  application.set_provider_id(event.provider_id());
}

void ApplyAdmissionClosed(RegionState& state, const v1::AdmissionClosed& event) {
  auto it = state.tenders.find(event.tender_id());
  if (it == state.tenders.end()) return;
  it->second.set_status(v1::TENDER_STATUS_CLOSED);
  it->second.set_closed_on(event.closed_on());
}

void ApplyApplicationAssessed(RegionState& state, const v1::ApplicationAssessed& event) {
  v1::BidRecord* application =
      MutableApplication(state, event.tender_id(), event.application_id());
  if (application == nullptr) return;
  application->set_assessed(true);
  application->set_admitted(event.admitted());
  *application->mutable_assessments() = event.assessments();
}

}  // namespace inkoop
