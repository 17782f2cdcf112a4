#include "engine/domain/tender.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/dates.h"
#include "engine/domain/framework.h"
#include "engine/domain/money.h"
#include "engine/domain/open_house.h"
#include "engine/domain/registry.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

// "FUNDING_MODEL_PER_UNIT" with prefix "FUNDING_MODEL_" -> "per_unit".
std::string EnumLabel(const std::string& name, absl::string_view prefix) {
  absl::string_view label = name;
  if (label.substr(0, prefix.size()) == prefix) label.remove_prefix(prefix.size());
  return label.empty() ? "unspecified" : absl::AsciiStrToLower(label);
}

absl::Status RequireOpen(const v1::TenderRecord& tender) {
  if (tender.status() != v1::TENDER_STATUS_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat("tender '", tender.tender_id(), "' is ",
                                                      TenderStatusName(tender.status()),
                                                      "; expected open"));
  }
  return absl::OkStatus();
}

const v1::BidRecord* FindBid(const v1::TenderRecord& tender, absl::string_view bid_id) {
  for (const v1::BidRecord& bid : tender.bids()) {
    if (bid.bid_id() == bid_id) return &bid;
  }
  return nullptr;
}

absl::StatusOr<const v1::BidRecord*> RequireBid(const v1::TenderRecord& tender,
                                                absl::string_view bid_id, absl::string_view field) {
  const v1::BidRecord* bid = FindBid(tender, bid_id);
  if (bid == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(field, ": '", bid_id, "' is not a bid on tender '", tender.tender_id(), "'"));
  }
  return bid;
}

// The tender's deadline; Decide validated it when the tender was published.
absl::CivilDay DeadlineOf(const v1::TenderRecord& tender) {
  return ParseDate(tender.deadline(), "deadline").value_or(absl::CivilDay());
}

v1::TenderRecord* MutableTender(RegionState& state, const std::string& tender_id) {
  auto it = state.tenders.find(tender_id);
  return it == state.tenders.end() ? nullptr : &it->second;
}

}  // namespace

std::string FundingModelName(v1::FundingModel model) {
  return EnumLabel(v1::FundingModel_Name(model), "FUNDING_MODEL_");
}

std::string UnitName(v1::Unit unit) { return EnumLabel(v1::Unit_Name(unit), "UNIT_"); }

std::string TariffText(const v1::Tariff& tariff) {
  return absl::StrCat(FormatCents(tariff.tariff_cents()), " per ", UnitName(tariff.unit()));
}

absl::string_view TenderStatusName(v1::TenderStatus status) {
  switch (status) {
    case v1::TENDER_STATUS_OPEN:
      return "open";
    case v1::TENDER_STATUS_AWARDED:
      return "awarded";
    case v1::TENDER_STATUS_CANCELLED:
      return "cancelled";
    case v1::TENDER_STATUS_CLOSED:
      return "closed";
    default:
      return "unspecified";
  }
}

bool IsRegionalLot(const Framework& framework, absl::string_view lot) {
  auto it = framework.lots.find(lot);
  return it != framework.lots.end() && (it->second.scope == v1::LOT_SCOPE_UNSPECIFIED ||
                                             it->second.scope == v1::LOT_SCOPE_REGIONAL);
}

absl::Status RequireRegionalLot(const Framework& framework, absl::string_view lot,
                                absl::string_view field) {
  if (IsRegionalLot(framework, lot)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      field, ": lot '", lot, "' is bought ",
      framework.lots.at(std::string(lot)).scope == v1::LOT_SCOPE_NATIONAL ? "nationally"
                                                                               : "locally",
      ", not by the bureau for the region"));
}

int64_t OrderedFor(const v1::PurchaseOrderRecord& order, absl::string_view lot) {
  for (const v1::LotAmount& amount : order.lots()) {
    if (amount.lot() == lot) return amount.amount_cents();
  }
  return 0;
}

int64_t DrawnOn(const RegionState& state, absl::string_view lot, int32_t year) {
  int64_t drawn = 0;
  for (const auto& [id, tender] : state.tenders) {
    if (tender.lot() == lot && tender.year() == year &&
        tender.status() != v1::TENDER_STATUS_CANCELLED) {
      drawn += tender.ceiling_cents();
    }
  }
  return drawn;
}

absl::Status RequireFundingModelAllowed(const Framework& framework, absl::string_view lot,
                                        v1::FundingModel model, absl::string_view field) {
  if (model == v1::FUNDING_MODEL_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": expected per_unit, lump_sum or population, got unspecified"));
  }
  std::vector<std::string> allowed;
  auto rules = framework.rules.find(lot);
  if (rules != framework.rules.end()) {
    for (int m : rules->second.funding_models()) {
      if (m == model) return absl::OkStatus();
      allowed.push_back(FundingModelName(static_cast<v1::FundingModel>(m)));
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat(field, ": lot '", lot, "' allows ",
                   allowed.empty() ? "no funding model yet" : absl::StrJoin(allowed, ", "),
                   "; got ", FundingModelName(model)));
}

absl::Status RequireTariffsWithinLot(const Framework& framework, absl::string_view lot,
                                     const google::protobuf::RepeatedPtrField<v1::Tariff>& tariffs,
                                     absl::string_view field) {
  const v1::LotRules* rules = nullptr;
  if (auto it = framework.rules.find(lot); it != framework.rules.end()) {
    rules = &it->second;
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < tariffs.size(); ++i) {
    const v1::Tariff& tariff = tariffs[i];
    const std::string name = absl::StrCat(field, "[", i, "]");
    if (tariff.product_code().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ".product_code: expected a product code, got ''"));
    }
    if (!seen.insert(tariff.product_code()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ".product_code: '", tariff.product_code(), "' appears twice"));
    }
    RETURN_IF_ERROR(RequireNonNegative(tariff.tariff_cents(), absl::StrCat(name, ".tariff_cents")));
    const v1::Tariff* max = nullptr;
    if (rules != nullptr) {
      for (const v1::Tariff& candidate : rules->max_tariffs()) {
        if (candidate.product_code() == tariff.product_code()) max = &candidate;
      }
    }
    if (max == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(name, ".product_code: '",
                                                        tariff.product_code(),
                                                        "' is not a product of lot '", lot, "'"));
    }
    if (tariff.unit() != max->unit()) {
      return absl::FailedPreconditionError(absl::StrCat(
          name, ".unit: product '", tariff.product_code(), "' of lot '", lot, "' is priced per ",
          UnitName(max->unit()), ", got ", UnitName(tariff.unit())));
    }
    if (tariff.tariff_cents() > max->tariff_cents()) {
      return absl::FailedPreconditionError(
          absl::StrCat(name, ".tariff_cents: ", FormatCents(tariff.tariff_cents()),
                       " for product '", tariff.product_code(), "' exceeds the maximum ",
                       FormatCents(max->tariff_cents()), " of lot '", lot, "'"));
    }
    const v1::Tariff* harmonised = HarmonisedTariff(framework, lot, tariff.product_code());
    if (harmonised != nullptr && !rules->negotiated_tariffs() &&
        harmonised->tariff_cents() != tariff.tariff_cents()) {
      return absl::FailedPreconditionError(absl::StrCat(
          name, ".tariff_cents: ", FormatCents(tariff.tariff_cents()), " for product '",
          tariff.product_code(), "' differs from the harmonised tariff ",
          FormatCents(harmonised->tariff_cents()), " of lot '", lot,
          "', which does not allow negotiated tariffs"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Event>> DecideRegisterProvider(const RegionState& state,
                                                              const v1::Command& command) {
  const v1::RegisterProvider& body = command.register_provider();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "register a provider"));
  RETURN_IF_ERROR(RequireText(body.provider_id(), "provider_id", "a provider id"));
  RETURN_IF_ERROR(RequireText(body.name(), "name", "the provider's name"));
  if (auto it = state.providers.find(body.provider_id()); it != state.providers.end()) {
    return absl::FailedPreconditionError(absl::StrCat("provider_id: '", body.provider_id(),
                                                      "' is already registered (as '",
                                                      it->second.name(), "')"));
  }
  v1::Event event;
  v1::ProviderRegistered& registered = *event.mutable_provider_registered();
  registered.set_provider_id(body.provider_id());
  registered.set_name(body.name());
  registered.set_chamber_of_commerce_number(body.chamber_of_commerce_number());
  if (body.has_actor_key()) {
    v1::ActorKey key = body.actor_key();
    if (key.actor_id().empty()) key.set_actor_id(body.provider_id());
    if (key.role() == v1::ROLE_UNSPECIFIED) key.set_role(v1::ROLE_PROVIDER);
    if (key.actor_id() != body.provider_id() || key.role() != v1::ROLE_PROVIDER) {
      return absl::InvalidArgumentError(absl::StrCat(
          "actor_key: expected a key of provider '", body.provider_id(), "', got one of '",
          key.actor_id(), "' as ", RoleName(key.role())));
    }
    RegionState with_provider;
    with_provider.region = state.region;
    with_provider.providers[body.provider_id()];
    for (const auto& [id, record] : state.actor_keys) with_provider.actor_keys.Load(id, record);
    RETURN_IF_ERROR(RequireKeyFits(with_provider, key, "actor_key"));
    *registered.mutable_actor_key() = std::move(key);
  }
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecidePublishTender(const RegionState& state,
                                                           const v1::Command& command) {
  const v1::PublishTender& body = command.publish_tender();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "publish a tender"));
  RETURN_IF_ERROR(RequireText(body.tender_id(), "tender_id", "a tender id"));
  if (state.tenders.contains(body.tender_id())) {
    return absl::FailedPreconditionError(
        absl::StrCat("tender_id: '", body.tender_id(), "' is already published"));
  }
  RETURN_IF_ERROR(RequireLot(state, body.lot(), "lot", body.year()));
  RETURN_IF_ERROR(RequireYearInPeriod(state, body.year()));
  // The lots and rules of the framework in force for the tender's year.
  const Framework& framework = FrameworkOfYear(state, body.year());
  auto order = state.purchase_orders.find(body.year());
  if (order == state.purchase_orders.end()) {
    return absl::FailedPreconditionError(absl::StrCat("year: no purchase order issued for ",
                                                      body.year(), "; issue_purchase_order first"));
  }
  RETURN_IF_ERROR(RequireRegionalLot(framework, body.lot(), "lot"));
  RETURN_IF_ERROR(RequireNonNegative(body.ceiling_cents(), "ceiling_cents"));
  const int64_t ordered = OrderedFor(order->second, body.lot());
  const int64_t drawn = DrawnOn(state, body.lot(), body.year());
  ASSIGN_OR_RETURN(const int64_t total, AddCents(drawn, body.ceiling_cents(), "tender ceilings"));
  if (total > ordered) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ceiling ", FormatCents(body.ceiling_cents()), " of tender '", body.tender_id(), "'",
        drawn == 0 ? std::string()
                   : absl::StrCat(" with the ", FormatCents(drawn), " of the other tenders"),
        " exceeds the purchase order's ", FormatCents(ordered), " for lot '", body.lot(),
        "' in ", body.year()));
  }
  if (body.procedure() == v1::TENDER_PROCEDURE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "procedure: expected open_house or competitive, got unspecified");
  }
  RETURN_IF_ERROR(
      RequireFundingModelAllowed(framework, body.lot(), body.funding_model(), "funding_model"));
  RETURN_IF_ERROR(RequireAdmissionProcedure(state, body));
  // An open-house procedure without a deadline admits for as long as it runs.
  if (body.procedure() != v1::TENDER_PROCEDURE_OPEN_HOUSE || !body.deadline().empty()) {
    ASSIGN_OR_RETURN(absl::CivilDay deadline, ParseDate(body.deadline(), "deadline"));
    const absl::CivilDay today = CommandDay(command);
    if (deadline < today) {
      return absl::FailedPreconditionError(
          absl::StrCat("deadline: expected a day on or after ", FormatDate(today),
                       " (the day of publication), got ", body.deadline()));
    }
  }
  v1::Event event;
  v1::TenderPublished& published = *event.mutable_tender_published();
  published.set_tender_id(body.tender_id());
  published.set_lot(body.lot());
  published.set_year(body.year());
  published.set_procedure(body.procedure());
  published.set_funding_model(body.funding_model());
  published.set_ceiling_cents(body.ceiling_cents());
  published.set_deadline(body.deadline());
  *published.mutable_requirements() = body.requirements();
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideSubmitBid(const RegionState& state,
                                                       const v1::Command& command) {
  const v1::SubmitBid& body = command.submit_bid();
  const v1::Actor& actor = command.actor();
  RETURN_IF_ERROR(RequireText(body.provider_id(), "provider_id", "the bidding provider's id"));
  if (actor.role() != v1::ROLE_PROVIDER || actor.id() != body.provider_id()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role rule: only provider '", body.provider_id(), "' itself may submit its bid; actor '",
        actor.id(), "' is ", RoleName(actor.role())));
  }
  ASSIGN_OR_RETURN(const v1::ProviderRecord* provider, FindProvider(state, body.provider_id()));
  if (provider->failed()) {
    return absl::FailedPreconditionError(absl::StrCat("provider '", provider->provider_id(),
                                                      "' failed on ", provider->failed_on(),
                                                      "; it cannot bid"));
  }
  ASSIGN_OR_RETURN(const v1::TenderRecord* tender, FindTender(state, body.tender_id()));
  if (IsOpenHouse(*tender)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "tender '", tender->tender_id(),
        "' is an open-house procedure: providers apply_for_admission and are admitted at the "
        "harmonised tariffs; they do not bid"));
  }
  RETURN_IF_ERROR(RequireOpen(*tender));
  const absl::CivilDay today = CommandDay(command);
  if (today > DeadlineOf(*tender)) {
    return absl::FailedPreconditionError(absl::StrCat("tender '", tender->tender_id(),
                                                      "' closed for bids on ", tender->deadline(),
                                                      "; bid arrived ", FormatDate(today)));
  }
  RETURN_IF_ERROR(RequireText(body.bid_id(), "bid_id", "a bid id"));
  if (FindBid(*tender, body.bid_id()) != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "bid_id: '", body.bid_id(), "' is already a bid on tender '", tender->tender_id(), "'"));
  }
  for (const v1::BidRecord& bid : tender->bids()) {
    if (bid.provider_id() == body.provider_id() && !bid.withdrawn()) {
      return absl::FailedPreconditionError(
          absl::StrCat("provider '", body.provider_id(), "' already has bid '", bid.bid_id(),
                       "' on tender '", tender->tender_id(), "'; withdraw it first"));
    }
  }
  RETURN_IF_ERROR(RequireNonNegative(body.amount_cents(), "amount_cents"));
  if (body.amount_cents() > tender->ceiling_cents()) {
    return absl::FailedPreconditionError(
        absl::StrCat("amount ", FormatCents(body.amount_cents()), " of bid '", body.bid_id(),
                     "' exceeds the ceiling ", FormatCents(tender->ceiling_cents()), " of tender '",
                     tender->tender_id(), "'"));
  }
  RETURN_IF_ERROR(RequireTariffsWithinLot(FrameworkOfYear(state, tender->year()), tender->lot(), body.tariffs(),
                                          "tariffs"));
  v1::Event event;
  v1::BidReceived& received = *event.mutable_bid_received();
  received.set_tender_id(body.tender_id());
  received.set_bid_id(body.bid_id());
  received.set_provider_id(body.provider_id());
  received.set_amount_cents(body.amount_cents());
  *received.mutable_tariffs() = body.tariffs();
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideWithdrawBid(const RegionState& state,
                                                         const v1::Command& command) {
  const v1::WithdrawBid& body = command.withdraw_bid();
  const v1::Actor& actor = command.actor();
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_PROVIDER, "withdraw a bid"));
  ASSIGN_OR_RETURN(const v1::TenderRecord* tender, FindTender(state, body.tender_id()));
  ASSIGN_OR_RETURN(const v1::BidRecord* bid, RequireBid(*tender, body.bid_id(), "bid_id"));
  if (actor.id() != bid->provider_id()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role rule: only provider '", bid->provider_id(), "' itself may withdraw bid '",
        bid->bid_id(), "'; actor '", actor.id(), "' is ", RoleName(actor.role())));
  }
  RETURN_IF_ERROR(RequireOpen(*tender));
  if (bid->withdrawn()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "bid '", bid->bid_id(), "' on tender '", tender->tender_id(), "' is already withdrawn"));
  }
  if (!bid->contract_id().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("bid '", bid->bid_id(), "' on tender '", tender->tender_id(),
                     "' is carried out by contract '", bid->contract_id(),
                     "'; terminate the contract instead"));
  }
  v1::Event event;
  v1::BidWithdrawn& withdrawn = *event.mutable_bid_withdrawn();
  withdrawn.set_tender_id(body.tender_id());
  withdrawn.set_bid_id(body.bid_id());
  withdrawn.set_reason(body.reason());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideAwardTender(const RegionState& state,
                                                         const v1::Command& command) {
  const v1::AwardTender& body = command.award_tender();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "award a tender"));
  ASSIGN_OR_RETURN(const v1::TenderRecord* tender, FindTender(state, body.tender_id()));
  if (IsOpenHouse(*tender)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "tender '", tender->tender_id(),
        "' is an open-house procedure: it admits providers one by one (assess_application) "
        "and is not awarded"));
  }
  RETURN_IF_ERROR(RequireOpen(*tender));
  if (body.bid_ids().empty()) {
    return absl::InvalidArgumentError("bid_ids: expected at least one bid to award, got none");
  }
  v1::Event event;
  v1::TenderAwarded& awarded = *event.mutable_tender_awarded();
  awarded.set_tender_id(body.tender_id());
  absl::flat_hash_set<absl::string_view> seen;
  int64_t total = 0;
  for (int i = 0; i < body.bid_ids_size(); ++i) {
    const std::string field = absl::StrCat("bid_ids[", i, "]");
    ASSIGN_OR_RETURN(const v1::BidRecord* bid, RequireBid(*tender, body.bid_ids(i), field));
    if (!seen.insert(bid->bid_id()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": '", bid->bid_id(), "' appears twice"));
    }
    if (bid->withdrawn()) {
      return absl::FailedPreconditionError(absl::StrCat(field, ": bid '", bid->bid_id(),
                                                        "' of provider '", bid->provider_id(),
                                                        "' was withdrawn"));
    }
    ASSIGN_OR_RETURN(total, AddCents(total, bid->amount_cents(), "awarded bids"));
    awarded.add_bid_ids(bid->bid_id());
    awarded.add_provider_ids(bid->provider_id());
  }
  const absl::CivilDay today = CommandDay(command);
  if (tender->procedure() == v1::TENDER_PROCEDURE_COMPETITIVE && today <= DeadlineOf(*tender)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "tender '", tender->tender_id(), "' is competitive: it can be awarded after its deadline ",
        tender->deadline(), ", not on ", FormatDate(today)));
  }
  if (total > tender->ceiling_cents()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "awarded bids of tender '", tender->tender_id(), "' sum to ", FormatCents(total),
        ", which exceeds its ceiling ", FormatCents(tender->ceiling_cents())));
  }
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideNegotiateAward(const RegionState& state,
                                                            const v1::Command& command) {
  const v1::NegotiateAward& body = command.negotiate_award();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "negotiate an award"));
  ASSIGN_OR_RETURN(const v1::TenderRecord* tender, FindTender(state, body.tender_id()));
  if (tender->status() != v1::TENDER_STATUS_AWARDED) {
    return absl::FailedPreconditionError(absl::StrCat("tender '", tender->tender_id(), "' is ",
                                                      TenderStatusName(tender->status()),
                                                      "; only an award can be negotiated"));
  }
  ASSIGN_OR_RETURN(const v1::BidRecord* bid, RequireBid(*tender, body.bid_id(), "bid_id"));
  const auto& awarded = tender->awarded_bid_ids();
  if (std::find(awarded.begin(), awarded.end(), bid->bid_id()) == awarded.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "bid_id: bid '", bid->bid_id(), "' was not awarded on tender '", tender->tender_id(), "'"));
  }
  RETURN_IF_ERROR(RequireText(body.reason(), "reason", "what was negotiated and why"));
  RETURN_IF_ERROR(RequireNonNegative(body.amount_cents(), "amount_cents"));
  RETURN_IF_ERROR(RequireTariffsWithinLot(FrameworkOfYear(state, tender->year()), tender->lot(), body.tariffs(),
                                          "tariffs"));
  int64_t total = 0;
  for (const v1::BidRecord& other : tender->bids()) {
    if (std::find(awarded.begin(), awarded.end(), other.bid_id()) == awarded.end()) continue;
    ASSIGN_OR_RETURN(total, AddCents(total,
                                     other.bid_id() == bid->bid_id() ? body.amount_cents()
                                                                     : other.amount_cents(),
                                     "awarded bids"));
  }
  if (total > tender->ceiling_cents()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "amount_cents: the awarded bids of tender '", tender->tender_id(), "' would sum to ",
        FormatCents(total), ", above its ceiling ", FormatCents(tender->ceiling_cents())));
  }
  if (!bid->contract_id().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "bid '", bid->bid_id(), "' is carried out by contract '", bid->contract_id(),
        "' already; amend the contract within the award instead"));
  }
  v1::Event event;
  v1::AwardNegotiated& negotiated = *event.mutable_award_negotiated();
  negotiated.set_tender_id(tender->tender_id());
  negotiated.set_bid_id(bid->bid_id());
  negotiated.set_provider_id(bid->provider_id());
  negotiated.set_previous_amount_cents(bid->amount_cents());
  negotiated.set_amount_cents(body.amount_cents());
  *negotiated.mutable_tariffs() = body.tariffs();
  negotiated.set_reason(body.reason());
  return OneEvent(std::move(event));
}

absl::StatusOr<std::vector<v1::Event>> DecideCancelTender(const RegionState& state,
                                                          const v1::Command& command) {
  const v1::CancelTender& body = command.cancel_tender();
  RETURN_IF_ERROR(RequireRole(command.actor(), v1::ROLE_BUREAU, "cancel a tender"));
  ASSIGN_OR_RETURN(const v1::TenderRecord* tender, FindTender(state, body.tender_id()));
  RETURN_IF_ERROR(RequireOpen(*tender));
  RETURN_IF_ERROR(RequireText(body.reason(), "reason", "why the tender is cancelled"));
  std::vector<std::string> contracts;
  for (const v1::BidRecord& bid : tender->bids()) {
    if (!bid.contract_id().empty()) contracts.push_back(bid.contract_id());
  }
  if (!contracts.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "tender '", tender->tender_id(), "' is carried out by contract(s) ",
        absl::StrJoin(contracts, ", "), "; what they commit stays drawn on the purchase order"));
  }
  v1::Event event;
  v1::TenderCancelled& cancelled = *event.mutable_tender_cancelled();
  cancelled.set_tender_id(body.tender_id());
  cancelled.set_reason(body.reason());
  return OneEvent(std::move(event));
}

void ApplyProviderRegistered(RegionState& state, const v1::ProviderRegistered& event,
                             uint64_t sequence) {
  v1::ProviderRecord& provider = state.providers[event.provider_id()];
  provider.Clear();
  provider.set_provider_id(event.provider_id());
  provider.set_name(event.name());
  provider.set_chamber_of_commerce_number(event.chamber_of_commerce_number());
  if (event.has_actor_key()) {
    v1::ActorKeyRegistered registered;
    *registered.mutable_key() = event.actor_key();
    ApplyActorKeyRegistered(state, registered, sequence);
  }
}

void ApplyTenderPublished(RegionState& state, const v1::TenderPublished& event) {
  v1::TenderRecord& tender = state.tenders[event.tender_id()];
  tender.Clear();
  tender.set_tender_id(event.tender_id());
  tender.set_lot(event.lot());
  tender.set_year(event.year());
  tender.set_procedure(event.procedure());
  tender.set_funding_model(event.funding_model());
  tender.set_ceiling_cents(event.ceiling_cents());
  tender.set_deadline(event.deadline());
  *tender.mutable_requirements() = event.requirements();
  tender.set_status(v1::TENDER_STATUS_OPEN);
}

void ApplyBidReceived(RegionState& state, const v1::BidReceived& event) {
  v1::TenderRecord* tender = MutableTender(state, event.tender_id());
  if (tender == nullptr) return;
  v1::BidRecord& bid = *tender->add_bids();
  bid.set_bid_id(event.bid_id());
  bid.set_provider_id(event.provider_id());
  bid.set_amount_cents(event.amount_cents());
  *bid.mutable_tariffs() = event.tariffs();
}

void ApplyBidWithdrawn(RegionState& state, const v1::BidWithdrawn& event) {
  v1::TenderRecord* tender = MutableTender(state, event.tender_id());
  if (tender == nullptr) return;
  for (v1::BidRecord& bid : *tender->mutable_bids()) {
    if (bid.bid_id() == event.bid_id()) bid.set_withdrawn(true);
  }
}

void ApplyTenderAwarded(RegionState& state, const v1::TenderAwarded& event) {
  v1::TenderRecord* tender = MutableTender(state, event.tender_id());
  if (tender == nullptr) return;
  tender->set_status(v1::TENDER_STATUS_AWARDED);
  *tender->mutable_awarded_bid_ids() = event.bid_ids();
  *tender->mutable_awarded_provider_ids() = event.provider_ids();
}

void ApplyAwardNegotiated(RegionState& state, const v1::AwardNegotiated& event) {
  v1::TenderRecord* tender = MutableTender(state, event.tender_id());
  if (tender == nullptr) return;
  for (v1::BidRecord& bid : *tender->mutable_bids()) {
    if (bid.bid_id() != event.bid_id()) continue;
    bid.set_amount_cents(event.amount_cents());
    *bid.mutable_tariffs() = event.tariffs();
    bid.set_negotiation_reason(event.reason());
  }
}

void ApplyTenderCancelled(RegionState& state, const v1::TenderCancelled& event) {
  v1::TenderRecord* tender = MutableTender(state, event.tender_id());
  if (tender == nullptr) return;
  tender->set_status(v1::TENDER_STATUS_CANCELLED);
}

}  // namespace inkoop
