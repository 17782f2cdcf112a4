#include "engine/domain/framework.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/dates.h"
#include "engine/domain/equalisation.h"
#include "engine/domain/tender.h"
#include "engine/domain/money.h"
#include "engine/domain/registry.h"
#include "engine/domain/membership.h"
#include "engine/domain/roles.h"
#include "engine/domain/rules.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/message_differencer.h"

namespace inkoop {

absl::Status RequireFramework(const RegionState& state) {
  if (!state.framework.adopted) {
    return absl::FailedPreconditionError(
        absl::StrCat("region '", state.region, "' has no framework yet: adopt_framework first"));
  }
  return absl::OkStatus();
}

namespace {

bool HoldsYear(const Framework& framework, int32_t year) {
  return year >= framework.period_start.year() && year <= framework.period_end.year();
}

}  // namespace

const Framework& FrameworkOfYear(const RegionState& state, int32_t year) {
  for (const Framework& earlier : state.framework.predecessors) {
    if (HoldsYear(earlier, year)) return earlier;
  }
  return state.framework;
}

absl::Status RequireMunicipality(const RegionState& state, absl::string_view municipality) {
  RETURN_IF_ERROR(RequireFramework(state));
  if (state.framework.municipalities.contains(municipality)) return absl::OkStatus();
  for (const Framework& earlier : state.framework.predecessors) {
    if (earlier.municipalities.contains(municipality)) return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(
      "municipality: '", municipality, "' is not a municipality of region '", state.region,
      "' (expected one of: ", absl::StrJoin(state.framework.municipalities, ", "), ")"));
}

absl::Status RequireLot(const RegionState& state, absl::string_view lot, absl::string_view field,
                        int32_t year) {
  RETURN_IF_ERROR(RequireFramework(state));
  const Framework& framework = FrameworkOfYear(state, year);
  if (!framework.lots.contains(lot)) {
    std::vector<absl::string_view> codes;
    for (const auto& [code, info] : framework.lots) codes.push_back(code);
    return absl::NotFoundError(
        absl::StrCat(field, ": '", lot, "' is not a lot of framework '", framework.id,
                     "' (expected one of: ", absl::StrJoin(codes, ", "), ")"));
  }
  return absl::OkStatus();
}

absl::Status RequireYearInPeriod(const RegionState& state, int32_t year) {
  RETURN_IF_ERROR(RequireFramework(state));
  const Framework& framework = FrameworkOfYear(state, year);
  if (HoldsYear(framework, year)) return absl::OkStatus();
  std::vector<std::string> periods;
  for (const Framework& earlier : state.framework.predecessors) {
    periods.push_back(absl::StrCat("'", earlier.id, "' (", earlier.period_start.year(), "-",
                                   earlier.period_end.year(), ")"));
  }
  periods.push_back(absl::StrCat("'", framework.id, "' (", framework.period_start.year(), "-",
                                 framework.period_end.year(), ")"));
  return absl::FailedPreconditionError(
      absl::StrCat("year: expected a year of framework ", absl::StrJoin(periods, ", "), ", got ",
                   year));
}

namespace {

absl::Status ValidateNames(const google::protobuf::RepeatedPtrField<std::string>& names,
                           absl::string_view field) {
  if (names.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected at least one, got none"));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (const std::string& name : names) {
    if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": empty name"));
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": '", name, "' appears twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateLotRules(const google::protobuf::RepeatedPtrField<v1::LotRules>& rules,
                              const google::protobuf::RepeatedPtrField<std::string>& lots) {
  absl::flat_hash_set<absl::string_view> known(lots.begin(), lots.end());
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < rules.size(); ++i) {
    const v1::LotRules& rule = rules[i];
    const std::string field = absl::StrCat("lot_rules[", i, "]");
    if (!known.contains(rule.lot())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".lot: '", rule.lot(), "' is not a lot of the framework"));
    }
    if (!seen.insert(rule.lot()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".lot: '", rule.lot(), "' has rules twice"));
    }
    for (int m : rule.funding_models()) {
      if (m == v1::FUNDING_MODEL_UNSPECIFIED) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ".funding_models: expected per_unit, lump_sum or population, got unspecified"));
      }
    }
    if (rule.placement_escalation_days() < 0 ||
        (!rule.closed_care() && rule.placement_escalation_days() != 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".placement_escalation_days: expected ",
          rule.closed_care() ? "0 (14 days) or more" : "none on a lot without closed_care",
          ", got ", rule.placement_escalation_days()));
    }
    absl::flat_hash_set<absl::string_view> products;
    for (int t = 0; t < rule.max_tariffs_size(); ++t) {
      const v1::Tariff& tariff = rule.max_tariffs(t);
      const std::string tariff_field = absl::StrCat(field, ".max_tariffs[", t, "]");
      if (tariff.product_code().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(tariff_field, ".product_code: expected a product code, got ''"));
      }
      if (!products.insert(tariff.product_code()).second) {
        return absl::InvalidArgumentError(absl::StrCat(tariff_field, ".product_code: '",
                                                       tariff.product_code(), "' appears twice"));
      }
      if (tariff.unit() == v1::UNIT_UNSPECIFIED) {
        return absl::InvalidArgumentError(
            absl::StrCat(tariff_field, ".unit: expected an iJw unit (e.g. hour), got unspecified"));
      }
      RETURN_IF_ERROR(
          RequireNonNegative(tariff.tariff_cents(), absl::StrCat(tariff_field, ".tariff_cents")));
    }
    absl::flat_hash_set<absl::string_view> harmonised;
    for (int t = 0; t < rule.harmonised_tariffs_size(); ++t) {
      const v1::Tariff& tariff = rule.harmonised_tariffs(t);
      const std::string tariff_field = absl::StrCat(field, ".harmonised_tariffs[", t, "]");
      const v1::Tariff* max = nullptr;
      for (const v1::Tariff& m : rule.max_tariffs()) {
        if (m.product_code() == tariff.product_code()) max = &m;
      }
      if (max == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(tariff_field, ".product_code: expected a product of max_tariffs, got '",
                         tariff.product_code(), "'"));
      }
      if (!harmonised.insert(tariff.product_code()).second) {
        return absl::InvalidArgumentError(absl::StrCat(tariff_field, ".product_code: '",
                                                       tariff.product_code(), "' appears twice"));
      }
      if (tariff.unit() != max->unit()) {
        return absl::InvalidArgumentError(absl::StrCat(
            tariff_field, ".unit: expected ", UnitName(max->unit()), " as in max_tariffs, got ",
            UnitName(tariff.unit())));
      }
      RETURN_IF_ERROR(
          RequireNonNegative(tariff.tariff_cents(), absl::StrCat(tariff_field, ".tariff_cents")));
      if (tariff.tariff_cents() > max->tariff_cents()) {
        return absl::InvalidArgumentError(absl::StrCat(
            tariff_field, ".tariff_cents: expected at most the maximum ", max->tariff_cents(),
            ", got ", tariff.tariff_cents()));
      }
    }
  }
  return absl::OkStatus();
}

namespace {

// A framework succeeding the region's current one: an id of its own, a
// period from a 1 January after the current one ends (so that every budget
// year has one framework), and neither keys nor a clock start: the registry
// and the clock carry over.
absl::Status RequireSuccessor(const RegionState& state, const v1::AdoptFramework& command) {
  const Framework& current = state.framework;
  bool known = current.id == command.framework_id();
  for (const Framework& earlier : current.predecessors) {
    known = known || earlier.id == command.framework_id();
  }
  if (known) {
    return absl::FailedPreconditionError(absl::StrCat("framework_id: region '", state.region,
                                                      "' already adopted framework '",
                                                      command.framework_id(), "'"));
  }
  ASSIGN_OR_RETURN(const absl::CivilDay start, ParseDate(command.period_start(), "period_start"));
  if (start <= current.period_end) {
    return absl::FailedPreconditionError(absl::StrCat(
        "period_start: region '", state.region, "' has framework '", current.id, "' until ",
        FormatDate(current.period_end), "; a framework succeeding it starts after that, got ",
        command.period_start()));
  }
  if (start.month() != 1 || start.day() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "period_start: a successor framework starts on 1 January, with a budget year; got ",
        command.period_start()));
  }
  if (!command.actor_keys().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "actor_keys: the region's registry carries over to a successor framework (register_key "
        "adds keys); got ",
        command.actor_keys_size(), " key(s)"));
  }
  if (command.has_clock_start()) {
    return absl::InvalidArgumentError(
        "clock_start: the region's clock carries over to a successor framework; got one");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> DecideAdoptFramework(const RegionState& state,
                                                            const v1::Actor& actor,
                                                            const v1::AdoptFramework& command) {
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_BUREAU, "adopt a framework"));
  if (command.framework_id().empty()) {
    return absl::InvalidArgumentError("framework_id: expected a non-empty id, got ''");
  }
  const bool successor = state.framework.adopted;
  if (successor) RETURN_IF_ERROR(RequireSuccessor(state, command));
  RETURN_IF_ERROR(ValidateNames(command.municipalities(), "municipalities"));
  google::protobuf::RepeatedPtrField<std::string> codes;
  for (const v1::Lot& lot : command.lots()) *codes.Add() = lot.code();
  RETURN_IF_ERROR(ValidateNames(codes, "lots.code"));
  RETURN_IF_ERROR(ValidateLotRules(command.lot_rules(), codes));
  ASSIGN_OR_RETURN(absl::CivilDay start, ParseDate(command.period_start(), "period_start"));
  ASSIGN_OR_RETURN(absl::CivilDay end, ParseDate(command.period_end(), "period_end"));
  if (end < start) {
    return absl::InvalidArgumentError(absl::StrCat("period_end: expected a date on or after ",
                                                   command.period_start(), ", got ",
                                                   command.period_end()));
  }
  // The first registry: keys of the bureau, of member municipalities, of
  // clock and system actors. (The engine requires the adopting actor's own
  // key among them: the founding key the command is signed with.)
  RegionState members;
  members.region = state.region;
  members.framework.municipalities.insert(command.municipalities().begin(),
                                          command.municipalities().end());
  for (int i = 0; i < command.actor_keys_size(); ++i) {
    const v1::ActorKey& key = command.actor_keys(i);
    const std::string field = absl::StrCat("actor_keys[", i, "]");
    if (key.role() == v1::ROLE_PROVIDER) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".role: providers' keys come with register_provider, got one for '",
          key.actor_id(), "'"));
    }
    RETURN_IF_ERROR(RequireKeyFits(members, key, field));
    *members.actor_keys[key.key_id()].mutable_key() = key;
  }
  RETURN_IF_ERROR(RequireRange(command.claim_window_days(), 0, 366, "claim_window_days"));
  RETURN_IF_ERROR(ValidateEqualisation(command.equalisation(), members.framework.municipalities,
                                       "equalisation"));
  v1::Event event;
  v1::FrameworkAdopted& adopted = *event.mutable_framework_adopted();
  *adopted.mutable_actor_keys() = command.actor_keys();
  // A successor keeps the region's clock.
  adopted.set_manual_clock(successor ? state.framework.manual_clock : command.has_clock_start());
  if (successor) adopted.set_succeeds(state.framework.id);
  adopted.set_claim_window_days(command.claim_window_days() == 0 ? kDefaultClaimWindowDays
                                                                 : command.claim_window_days());
  adopted.set_framework_id(command.framework_id());
  *adopted.mutable_municipalities() = command.municipalities();
  *adopted.mutable_lots() = command.lots();
  adopted.set_period_start(command.period_start());
  adopted.set_period_end(command.period_end());
  *adopted.mutable_lot_rules() = command.lot_rules();
  *adopted.mutable_quality_indicators() = command.quality_indicators();
  if (command.has_equalisation()) *adopted.mutable_equalisation() = command.equalisation();
  RETURN_IF_ERROR(RequireRange(command.membership_years(), 0, 50, "membership_years"));
  const int32_t years =
      command.membership_years() == 0 ? kDefaultMembershipYears : command.membership_years();
  for (v1::Membership& joined : JoiningMembers(state, command.municipalities(), start, years)) {
    *adopted.add_joined() = std::move(joined);
  }
  return OneEvent(std::move(event));
}

std::vector<const LotInfo*> LotsInOrder(const Framework& framework) {
  std::vector<const LotInfo*> lots;
  for (const auto& [code, lot] : framework.lots) lots.push_back(&lot);
  std::sort(lots.begin(), lots.end(),
            [](const LotInfo* a, const LotInfo* b) { return a->position < b->position; });
  return lots;
}

void ApplyFrameworkAdopted(RegionState& state, const v1::FrameworkAdopted& event,
                           uint64_t sequence) {
  Framework& framework = state.framework;
  if (framework.adopted) {
    // A successor: the current framework joins its predecessors.
    std::vector<Framework> predecessors = std::move(framework.predecessors);
    auto arrangements = std::move(framework.arrangements);
    framework.predecessors.clear();
    framework.arrangements.clear();
    predecessors.push_back(std::move(framework));
    framework = Framework();
    framework.predecessors = std::move(predecessors);
    framework.arrangements = std::move(arrangements);
  }
  framework.adopted = true;
  framework.id = event.framework_id();
  // Decide validated the dates; an event from elsewhere with a bad date
  // leaves the default day rather than failing replay.
  framework.period_start =
      ParseDate(event.period_start(), "period_start").value_or(absl::CivilDay());
  framework.period_end = ParseDate(event.period_end(), "period_end").value_or(absl::CivilDay());
  framework.municipalities.clear();
  framework.municipalities.insert(event.municipalities().begin(), event.municipalities().end());
  framework.lots.clear();
  int position = 0;
  framework.rules.clear();
  for (const v1::Lot& lot : event.lots()) {
    framework.lots[lot.code()] = LotInfo{lot.code(), lot.name(), position++, lot.scope()};
    framework.rules[lot.code()].set_lot(lot.code());
  }
  for (const v1::LotRules& rules : event.lot_rules()) framework.rules[rules.lot()] = rules;
  for (const v1::Membership& joined : event.joined()) {
    state.memberships[joined.municipality()] = joined;
  }
  framework.quality_indicators.assign(event.quality_indicators().begin(),
                                      event.quality_indicators().end());
  framework.manual_clock = event.manual_clock();
  framework.claim_window_days =
      event.claim_window_days() > 0 ? event.claim_window_days() : kDefaultClaimWindowDays;
  framework.equalisation = event.equalisation();
  for (const v1::ActorKey& key : event.actor_keys()) {
    v1::ActorKeyRegistered registered;
    *registered.mutable_key() = key;
    ApplyActorKeyRegistered(state, registered, sequence);
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideAmendFramework(const RegionState& state,
                                                            const v1::Actor& actor,
                                                            const v1::AmendFramework& command) {
  RETURN_IF_ERROR(RequireRole(actor, v1::ROLE_BUREAU, "amend the framework"));
  RETURN_IF_ERROR(RequireFramework(state));
  const Framework& framework = state.framework;
  RETURN_IF_ERROR(RequireText(command.reason(), "reason", "why the framework changes"));

  // Added lots: each a new, unique, non-empty code.
  google::protobuf::RepeatedPtrField<std::string> codes;
  for (const auto& [code, lot] : framework.lots) *codes.Add() = code;
  absl::flat_hash_set<absl::string_view> added;
  for (int i = 0; i < command.added_lots_size(); ++i) {
    const std::string& code = command.added_lots(i).code();
    const std::string field = absl::StrCat("added_lots[", i, "].code");
    RETURN_IF_ERROR(RequireText(code, field, "a lot code"));
    if (framework.lots.contains(code)) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, ": '", code, "' is already a lot of framework '", framework.id, "'"));
    }
    if (!added.insert(code).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": '", code, "' appears twice in the added lots"));
    }
    *codes.Add() = code;
  }
  RETURN_IF_ERROR(ValidateLotRules(command.lot_rules(), codes));

  // The period may grow, never shrink.
  bool extends_period = false;
  if (!command.period_end().empty()) {
    ASSIGN_OR_RETURN(absl::CivilDay end, ParseDate(command.period_end(), "period_end"));
    if (end < framework.period_end) {
      return absl::FailedPreconditionError(absl::StrCat("period_end: expected a date on or after ",
                                                        FormatDate(framework.period_end), ", got ",
                                                        command.period_end()));
    }
    extends_period = end > framework.period_end;
  }

  absl::flat_hash_set<absl::string_view> indicators;
  for (int i = 0; i < command.added_quality_indicators_size(); ++i) {
    const std::string& indicator = command.added_quality_indicators(i);
    const std::string field = absl::StrCat("added_quality_indicators[", i, "]");
    RETURN_IF_ERROR(RequireText(indicator, field, "a quality indicator"));
    if (std::find(framework.quality_indicators.begin(), framework.quality_indicators.end(),
                  indicator) != framework.quality_indicators.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, ": '", indicator, "' is already a quality indicator of framework '",
                       framework.id, "'"));
    }
    if (!indicators.insert(indicator).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": '", indicator, "' appears twice in the added indicators"));
    }
  }

  // Rules equal to the lot's current rules change nothing.
  bool changes_rules = false;
  for (const v1::LotRules& rules : command.lot_rules()) {
    auto current = framework.rules.find(rules.lot());
    if (current == framework.rules.end() ||
        !google::protobuf::util::MessageDifferencer::Equals(current->second, rules)) {
      changes_rules = true;
    }
  }
  bool changes_equalisation = false;
  if (command.has_equalisation()) {
    RETURN_IF_ERROR(
        ValidateEqualisation(command.equalisation(), framework.municipalities, "equalisation"));
    changes_equalisation = !google::protobuf::util::MessageDifferencer::Equals(
        framework.equalisation, command.equalisation());
  }
  if (command.added_lots().empty() && !changes_rules && !extends_period &&
      command.added_quality_indicators().empty() && !changes_equalisation) {
    return absl::InvalidArgumentError(absl::StrCat(
        "amend_framework: expected added lots, changed lot rules, a later period_end, added "
        "quality indicators or a new equalisation agreement, got no change to framework '",
        framework.id, "'"));
  }

  v1::Event event;
  v1::FrameworkAmended& amended = *event.mutable_framework_amended();
  amended.set_framework_id(framework.id);
  *amended.mutable_added_lots() = command.added_lots();
  *amended.mutable_lot_rules() = command.lot_rules();
  amended.set_period_end(command.period_end());
  *amended.mutable_added_quality_indicators() = command.added_quality_indicators();
  amended.set_reason(command.reason());
  if (changes_equalisation) {
    amended.set_changes_equalisation(true);
    *amended.mutable_equalisation() = command.equalisation();
  }
  return OneEvent(std::move(event));
}

void ApplyFrameworkAmended(RegionState& state, const v1::FrameworkAmended& event) {
  Framework& framework = state.framework;
  int position = 0;
  for (const auto& [code, lot] : framework.lots) position = std::max(position, lot.position + 1);
  for (const v1::Lot& lot : event.added_lots()) {
    framework.lots[lot.code()] = LotInfo{lot.code(), lot.name(), position++, lot.scope()};
    framework.rules[lot.code()].set_lot(lot.code());
  }
  for (const v1::LotRules& rules : event.lot_rules()) framework.rules[rules.lot()] = rules;
  if (!event.period_end().empty()) {
    // Decide validated the date; a bad one from elsewhere leaves the period
    // as it was rather than failing replay.
    framework.period_end =
        ParseDate(event.period_end(), "period_end").value_or(framework.period_end);
  }
  framework.quality_indicators.insert(framework.quality_indicators.end(),
                                      event.added_quality_indicators().begin(),
                                      event.added_quality_indicators().end());
  if (event.changes_equalisation()) framework.equalisation = event.equalisation();
}

}  // namespace inkoop
