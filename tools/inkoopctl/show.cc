#include "tools/inkoopctl/show.h"

#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/container/flat_hash_map.h"
#include "engine/domain/dates.h"
#include "engine/domain/registration.h"
#include "engine/domain/roles.h"
#include "engine/domain/money.h"
#include "engine/domain/rules.h"
#include "engine/environment.h"
#include "google/protobuf/util/json_util.h"
#include "projections/reader.h"
#include "tools/inkoopctl/access.h"

namespace inkoop {

namespace {

std::string Json(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

std::string SourceName(v1::BudgetSource source) {
  std::string name = v1::BudgetSource_Name(source);
  absl::string_view short_name = name;
  absl::ConsumePrefix(&short_name, "BUDGET_SOURCE_");
  std::string out = absl::AsciiStrToLower(short_name);
  for (char& c : out) c = c == '_' ? ' ' : c;
  return out;
}

}  // namespace

std::string FormatBudget(const v1::BudgetView& view) {
  std::string out = absl::StrFormat(
      "%s %d (region %s, as of event %d)\n  budget %s (%s), reserved %s, planned %s, unplanned "
      "%s%s\n",
      view.municipality(), view.year(), view.region(), view.as_of_sequence(),
      FormatCents(view.budget_cents()), SourceName(view.source()),
      FormatCents(view.reserved_cents()), FormatCents(view.planned_cents()),
      FormatCents(view.unplanned_cents()),
      view.closed() ? " (closed)" : view.plan_submitted() ? "" : " (no local plan yet)");
  if (!view.reservations().empty()) {
    std::vector<std::string> parts;
    for (const v1::Reservation& reservation : view.reservations()) {
      parts.push_back(absl::StrCat(EnumWord(*v1::ReservationKind_descriptor(), reservation.kind()),
                                   " ", FormatCents(reservation.amount_cents())));
    }
    absl::StrAppend(&out, "  reserved for: ", absl::StrJoin(parts, ", "), "\n");
  }
  if (view.fund_deposited_cents() != 0 || view.fund_drawn_cents() != 0) {
    absl::StrAppendFormat(&out,
                          "  fluctuation fund: deposited %s, drawn %s (the fund holds %s)\n",
                          FormatCents(view.fund_deposited_cents()),
                          FormatCents(view.fund_drawn_cents()),
                          FormatCents(view.fund_balance_cents()));
  }
  if (view.closed()) {
    absl::StrAppendFormat(&out, "  cost at close %s, risk equalisation %s\n",
                          FormatCents(view.closed_cost_cents()),
                          FormatCents(view.equalisation_cents()));
  }
  absl::StrAppendFormat(&out, "  %-16s %-42s %-10s %16s %16s %16s\n", "lot", "name", "bought",
                        "planned", "committed", "uncommitted");
  for (const v1::BudgetView::LotLine& lot : view.lots()) {
    absl::StrAppendFormat(&out, "  %-16s %-42s %-10s %16s %16s %16s\n", lot.lot(), lot.name(),
                          lot.scope() == v1::LOT_SCOPE_LOCAL      ? "locally"
                          : lot.scope() == v1::LOT_SCOPE_NATIONAL ? "nationally"
                                                                  : "regionally",
                          FormatCents(lot.planned_cents()), FormatCents(lot.committed_cents()),
                          FormatCents(lot.uncommitted_cents()));
  }
  return out;
}

std::string FormatContract(const v1::ContractRecord& c) {
  std::string out = absl::StrFormat(
      "%s  provider %s  lot %s  %s  %s..%s  %s%s\n", c.contract_id(), c.provider_id(), c.lot(),
      EnumWord(*v1::FundingModel_descriptor(), c.funding_model()), c.term_start(), c.term_end(),
      EnumWord(*v1::ContractStatus_descriptor(), c.status()),
      c.status_reason().empty() ? "" : absl::StrCat(" (", c.status_reason(), ")"));
  if (!c.arrangement_id().empty()) {
    absl::StrAppend(&out, "    under transition arrangement ", c.arrangement_id(), "\n");
  }
  for (const v1::MunicipalityCeiling& ceiling : c.ceilings()) {
    int64_t claimed = 0, paid = 0;
    for (const v1::ClaimedYear& year : c.claimed()) {
      if (year.municipality() != ceiling.municipality()) continue;
      claimed += year.claimed_cents();
      paid += year.paid_cents();
    }
    // A yearless ceiling holds for each year of the term; a row of one year
    // is that year's alone (and shows that year's claims).
    if (ceiling.year() != 0) {
      const v1::ClaimedYear* year = ClaimedOf(c, ceiling.municipality(), ceiling.year());
      claimed = year == nullptr ? 0 : year->claimed_cents();
      paid = year == nullptr ? 0 : year->paid_cents();
    }
    absl::StrAppendFormat(&out, "    %-24s %-12s %16s  claimed %16s  paid %16s\n",
                          ceiling.municipality(),
                          ceiling.year() == 0 ? std::string("ceiling/year")
                                              : absl::StrCat("ceiling ", ceiling.year()),
                          FormatCents(ceiling.ceiling_cents()), FormatCents(claimed),
                          FormatCents(paid));
  }
  if (c.region_ceiling_cents() > 0) {
    // A region-wide contract: the ceiling all members share, and the claims
    // of members that have no ceiling of their own.
    int64_t claimed = 0, paid = 0;
    std::map<std::string, std::pair<int64_t, int64_t>> without_own;
    for (const v1::ClaimedYear& year : c.claimed()) {
      claimed += year.claimed_cents();
      paid += year.paid_cents();
      if (HasCeiling(c, year.municipality())) continue;
      without_own[year.municipality()].first += year.claimed_cents();
      without_own[year.municipality()].second += year.paid_cents();
    }
    absl::StrAppendFormat(&out, "    %-24s %-12s %16s  claimed %16s  paid %16s\n",
                          "region (all members)", "ceiling/year",
                          FormatCents(c.region_ceiling_cents()), FormatCents(claimed),
                          FormatCents(paid));
    for (const auto& [municipality, money] : without_own) {
      absl::StrAppendFormat(&out, "    %-24s %-12s %16s  claimed %16s  paid %16s\n", municipality,
                            "region's", "", FormatCents(money.first), FormatCents(money.second));
    }
  }
  for (const v1::InstalmentRecord& record : c.instalments()) {
    absl::StrAppendFormat(&out, "    %-24s instalment due %s %16s  %s\n",
                          record.instalment().municipality(), record.instalment().due_on(),
                          FormatCents(record.instalment().amount_cents()),
                          record.paid() ? absl::StrCat("paid ", record.paid_on()) : "open");
  }
  for (const v1::ClaimedYear& year : c.claimed()) {
    if (!year.settled()) continue;
    absl::StrAppendFormat(
        &out, "    %-24s settled %d: produced %s, paid %s, %s %s\n", year.municipality(),
        year.year(), FormatCents(year.claimed_cents()), FormatCents(year.paid_cents()),
        year.settlement_cents() < 0 ? "owed back" : "to pay",
        FormatCents(year.settlement_cents() < 0 ? -year.settlement_cents()
                                                : year.settlement_cents()));
  }
  return out;
}

namespace {

std::string FormatCase(const v1::ContinuityCaseRecord& c) {
  return absl::StrFormat(
      "%s  provider %s  lot %s  %s  %s  remaining ceiling %s  clients moved %d%s\n", c.case_id(),
      c.provider_id(), c.lot(), c.municipality(),
      EnumWord(*v1::CaseStatus_descriptor(), c.status()), FormatCents(c.remaining_ceiling_cents()),
      c.clients_transferred(), c.outcome().empty() ? "" : absl::StrCat("  outcome: ", c.outcome()));
}

// One placement request as the placement coordinator sees it: its age on
// the region's clock, where it is, who refused and why, and escalation.
std::string FormatPlacement(const v1::PlacementRecord& p, absl::CivilDay today) {
  std::string out = absl::StrFormat("%-10s %-12s client %-10s lot %-10s court order %s (%s)\n",
                                    p.placement_id(), p.municipality(), p.client(), p.lot(),
                                    p.court_order(), p.ordered_on());
  if (p.status() == v1::PLACEMENT_STATUS_PLACED) {
    const v1::PlacementAccepted& placed = p.placed();
    absl::StrAppend(&out, "  placed with ", placed.provider_id(), " (contract ",
                    placed.contract_id(), ") from ", placed.start_date(), ", after ",
                    placed.days_open(), " days and ", placed.refusals(), " refusal(s)",
                    placed.expertise_from().empty()
                        ? ""
                        : absl::StrCat(", expertise from ", placed.expertise_from()),
                    "\n");
  } else {
    absl::StatusOr<absl::CivilDay> requested = ParseDate(p.requested_on(), "requested_on");
    const int64_t age = requested.ok() ? today - *requested : 0;
    absl::StrAppend(&out, "  OPEN ", age, " days (requested ", p.requested_on(), "), with ",
                    p.with_provider(),
                    p.escalated_on().empty() ? "" : absl::StrCat(", escalated on ", p.escalated_on()),
                    "\n");
  }
  for (const v1::PlacementRefused& r : p.refusals()) {
    absl::StrAppend(&out, "  refused by ", r.provider_id(), " on ", r.refused_on(), " (",
                    EnumWord(*v1::PlacementRefusalReason_descriptor(), r.reason()), ": ",
                    r.explanation(), "), place arranged with ", r.arranged_with(), "\n");
  }
  return out;
}

std::string FormatProvider(const v1::ProviderRecord& p) {
  return absl::StrFormat(
      "%-16s %-40s %s\n", p.provider_id(), p.name(),
      p.failed() ? absl::StrCat("failed on ", p.failed_on(), " (",
                                EnumWord(*v1::FailureReason_descriptor(), p.failure_reason()), ")")
                 : "active");
}

std::string FormatTender(const v1::TenderRecord& t) {
  int bids = 0;
  int admitted = 0;
  for (const v1::BidRecord& bid : t.bids()) {
    bids += bid.withdrawn() ? 0 : 1;
    admitted += bid.admitted() ? 1 : 0;
  }
  // An admission procedure has applications, some admitted, and may stay
  // open without a deadline.
  const bool admission = t.procedure() == v1::TENDER_PROCEDURE_OPEN_HOUSE;
  const std::string entries = admission
                                  ? absl::StrCat("applications ", bids, " admitted ", admitted)
                                  : absl::StrCat("bids ", bids);
  return absl::StrFormat(
      "%-12s lot %-12s %d  %s  %s  ceiling %s  deadline %s  %s  %s%s\n", t.tender_id(), t.lot(),
      t.year(), EnumWord(*v1::TenderProcedure_descriptor(), t.procedure()),
      EnumWord(*v1::FundingModel_descriptor(), t.funding_model()), FormatCents(t.ceiling_cents()),
      t.deadline().empty() ? std::string("open-ended") : t.deadline(),
      EnumWord(*v1::TenderStatus_descriptor(), t.status()), entries,
      t.awarded_provider_ids().empty()
          ? ""
          : absl::StrCat("  awarded to ", absl::StrJoin(t.awarded_provider_ids(), ", ")));
}

// Prints every record `keep` accepts, as JSON lines or with `format`.
template <typename Record, typename Keep, typename Format>
int PrintRecords(const absl::StatusOr<std::vector<Record>>& records, bool json, Keep keep,
                 Format format, absl::string_view what) {
  if (!records.ok()) {
    std::cerr << "inkoopctl: " << records.status().message() << "\n";
    return 3;
  }
  int shown = 0;
  for (const Record& record : *records) {
    if (!keep(record)) continue;
    std::cout << (json ? Json(record) + "\n" : format(record));
    ++shown;
  }
  if (shown == 0) {
    std::cerr << "inkoopctl: no " << what << "\n";
    return 1;
  }
  return 0;
}

int ShowBudget(ProjectionReader& reader, const std::string& region, Args& args, bool json);

// The region to show: --region, else INKOOP_REGION, else the only region
// of the projection. Empty (after printing why) when none can be chosen.
std::string ChooseRegion(ProjectionReader& reader, const std::optional<std::string>& flag) {
  std::string region = flag.value_or(EnvironmentOr("INKOOP_REGION", ""));
  if (!region.empty()) return region;
  absl::StatusOr<std::vector<std::string>> regions = reader.RegionNames();
  if (!regions.ok()) {
    std::cerr << "inkoopctl: " << regions.status().message() << "\n";
    return "";
  }
  if (regions->size() == 1) return regions->front();
  std::cerr << "inkoopctl: --region: expected "
            << (regions->empty() ? std::string("a region (the projection has none yet)")
                                 : absl::StrCat("one of ", absl::StrJoin(*regions, ", ")))
            << ", got none (or set INKOOP_REGION)\n";
  return "";
}

// " of provider 'p' in lot 'l'", for messages about an empty result.
std::string Filtered(const std::vector<std::pair<const char*, std::optional<std::string>>>& filters) {
  std::string out;
  for (const auto& [name, value] : filters) {
    if (value.has_value()) absl::StrAppend(&out, " of ", name, " '", *value, "'");
  }
  return out;
}

// "--provider p --client c": a read's filters as given, for its record.
std::string Given(const std::vector<std::pair<const char*, std::optional<std::string>>>& filters) {
  std::vector<std::string> words;
  for (const auto& [name, value] : filters) {
    if (value.has_value()) words.push_back(absl::StrCat("--", name, " ", *value));
  }
  return absl::StrJoin(words, " ");
}

// Records per client-level read, and the most one may show.
constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;

// A client-level read: who reads, where its record goes, what it asked.
struct ClientLevel {
  const ClientReader* reader;
  AccessSink* sink;
  std::string region;
  std::string what;
  std::string filter;
  int limit;
};

// Like PrintRecords, for client-level data: at most `read.limit` records,
// shown only once their clients' access record is written.
template <typename Record, typename Keep, typename Format, typename ClientOf>
int PrintClientLevel(const ClientLevel& read, const absl::StatusOr<std::vector<Record>>& records,
                     bool json, Keep keep, Format format, ClientOf client_of,
                     absl::string_view what) {
  if (!records.ok()) {
    std::cerr << "inkoopctl: " << records.status().message() << "\n";
    return 3;
  }
  std::vector<const Record*> shown;
  int64_t more = 0;
  std::vector<std::string> clients;
  for (const Record& record : *records) {
    if (!keep(record)) continue;
    if (static_cast<int>(shown.size()) == read.limit) {
      ++more;
      continue;
    }
    shown.push_back(&record);
    clients.push_back(client_of(record));
  }
  if (shown.empty()) {
    std::cerr << "inkoopctl: no " << what << " that " << read.reader->actor.actor_id() << " ("
              << RoleName(read.reader->actor.role()) << ") may see\n";
    return 1;
  }
  if (absl::Status recorded =
          RecordAccess(*read.sink, *read.reader, read.region, read.what, read.filter, clients);
      !recorded.ok()) {
    std::cerr << "inkoopctl: show " << read.what << ": " << recorded.message() << "\n";
    return 3;
  }
  for (const Record* record : shown) {
    std::cout << (json ? Json(*record) + "\n" : format(*record));
  }
  if (more > 0) {
    std::cerr << "inkoopctl: " << more << " more " << what << " not shown (--limit "
              << read.limit << "); narrow the filters or raise --limit (at most " << kMaxLimit
              << ")\n";
  }
  return 0;
}

std::string FormatAssignment(const v1::AssignmentRecord& a) {
  std::string out = absl::StrFormat(
      "%-10s client %-10s %-12s %-10s contract %-10s %s %d %s %s..%s  %s", a.assignment_id(),
      a.client(), a.municipality(), a.provider_id(), a.contract_id(), a.product_code(),
      a.volume(), EnumWord(*v1::Unit_descriptor(), a.unit()), a.period_start(), a.period_end(),
      EnumWord(*v1::AssignmentStatus_descriptor(), a.status()));
  if (!a.started_on().empty()) absl::StrAppend(&out, ", started ", a.started_on());
  if (!a.stopped_on().empty()) {
    absl::StrAppend(&out, ", stopped ", a.stopped_on(), " (",
                    EnumWord(*v1::CareEndReason_descriptor(), a.end_reason()), ")");
  }
  if (a.volume() > 0) absl::StrAppend(&out, ", claimed ", a.claimed_units());
  if (!a.switched_from().empty()) absl::StrAppend(&out, ", switched from ", a.switched_from());
  return out + "\n";
}

std::string FormatRegistrations(const v1::RegistrationView& v) {
  const v1::RegistrationYear& t = v.total();
  std::string out = absl::StrFormat(
      "%-14s %-12s within %2d days  starts %d (%d late)  stops %d (%d late)  %d day(s) late in "
      "all  drop-out %s  overdue: %d start(s), %d stop(s)\n",
      v.provider_id(), v.contract_id(), v.registration_days(), t.starts(), t.starts_late(),
      t.stops(), t.stops_late(), t.days_late(),
      v.has_drop_out() ? absl::StrFormat("%d.%d%%", v.drop_out_permille() / 10,
                                         v.drop_out_permille() % 10)
                       : std::string("-"),
      v.overdue_starts(), v.overdue_stops());
  if (t.stops() > 0) {
    absl::StrAppend(&out, "  stops: as planned ", t.stopped_as_planned(), ", early by agreement ",
                    t.stopped_early_by_agreement(), ", by the client ", t.stopped_by_client(),
                    ", by the provider ", t.stopped_by_provider(), ", external ",
                    t.stopped_external(), "\n");
  }
  for (const v1::RegistrationView::Overdue& o : v.overdue()) {
    absl::StrAppend(&out, "  ", o.assignment_id(), ": ", o.what(), " due by ", o.due(), ", ",
                    o.days_overdue(), " day(s) overdue\n");
  }
  return out;
}

int ShowRegistrations(ProjectionReader& reader, const ClientLevel& read, bool json,
                      const std::optional<std::string>& provider,
                      const std::optional<std::string>& municipality,
                      const std::optional<std::string>& lot,
                      const std::optional<std::string>& contract, bool list_overdue,
                      const std::string& filtered) {
  absl::StatusOr<std::vector<v1::ContractRecord>> contracts = reader.Contracts(read.region);
  absl::StatusOr<std::vector<v1::AssignmentRecord>> assignments = reader.Assignments(read.region);
  absl::StatusOr<int64_t> clock = reader.ClockMicros(read.region);
  for (const absl::Status& status : {contracts.status(), assignments.status(), clock.status()}) {
    if (!status.ok()) {
      std::cerr << "inkoopctl: " << status.message() << "\n";
      return 3;
    }
  }
  std::vector<v1::ContractRecord> kept;
  for (v1::ContractRecord& c : *contracts) {
    const bool serves = !municipality.has_value() || HasCeiling(c, *municipality);
    if (serves && (!provider || *provider == c.provider_id()) && (!lot || *lot == c.lot()) &&
        (!contract || *contract == c.contract_id())) {
      kept.push_back(std::move(c));
    }
  }
  if (kept.empty()) {
    std::cerr << "inkoopctl: no contracts" << filtered << "\n";
    return 1;
  }
  // Overdue assignments are named only to a reader who may see them.
  std::vector<v1::AssignmentRecord> counted;
  absl::flat_hash_map<std::string, std::string> client_of;
  for (v1::AssignmentRecord& a : *assignments) {
    if (municipality && *municipality != a.municipality()) continue;
    if (list_overdue && !MaySee(*read.reader, a.municipality(), {a.provider_id()})) continue;
    client_of[a.assignment_id()] = a.client();
    counted.push_back(std::move(a));
  }
  const absl::CivilDay today = absl::ToCivilDay(absl::FromUnixMicros(*clock), absl::UTCTimeZone());
  std::vector<v1::RegistrationView> views = RegistrationViews(kept, counted, today, list_overdue);
  std::vector<std::string> clients;
  for (v1::RegistrationView& view : views) {
    if (view.overdue_size() > read.limit) view.mutable_overdue()->DeleteSubrange(read.limit, view.overdue_size() - read.limit);
    for (const v1::RegistrationView::Overdue& o : view.overdue()) {
      clients.push_back(client_of[o.assignment_id()]);
    }
  }
  if (!clients.empty()) {
    if (absl::Status recorded =
            RecordAccess(*read.sink, *read.reader, read.region, read.what, read.filter, clients);
        !recorded.ok()) {
      std::cerr << "inkoopctl: show registrations: " << recorded.message() << "\n";
      return 3;
    }
  }
  if (!json) std::cout << "registrations on " << FormatDate(today) << " (the region's day)\n";
  for (const v1::RegistrationView& view : views) {
    std::cout << (json ? Json(view) + "\n" : FormatRegistrations(view));
  }
  return 0;
}

}  // namespace

int RunShow(const std::string& db, Args& args, bool json, AccessSink* access) {
  const std::string what = args.positional().empty() ? "" : args.positional()[0];
  if (what != "budget" && what != "contracts" && what != "cases" && what != "providers" &&
      what != "tenders" && what != "placements" && what != "assignments" &&
      what != "registrations") {
    std::cerr << "inkoopctl: show: expected budget, contracts, cases, providers, tenders, "
                 "assignments, registrations or placements, got '"
              << what << "'\n";
    return 2;
  }
  // Budget takes its own options; --provider or --lot there is refused as
  // unknown rather than silently ignored.
  const bool budget = what == "budget";
  const std::optional<std::string> provider = budget ? std::nullopt : args.Take("provider");
  const std::optional<std::string> municipality = budget ? std::nullopt : args.Take("municipality");
  const std::optional<std::string> lot = budget ? std::nullopt : args.Take("lot");
  const std::optional<std::string> region_flag = args.Take("region");
  const bool only_open = what == "placements" && args.TakeFlag("open");
  const bool overdue = what == "registrations" && args.TakeFlag("overdue");
  const bool client_level = what == "assignments" || what == "placements" || overdue;
  const std::optional<std::string> client =
      what == "assignments" || what == "placements" ? args.Take("client") : std::nullopt;
  const std::optional<std::string> contract =
      what == "assignments" || what == "registrations" ? args.Take("contract") : std::nullopt;
  // --status: a word of the records' status (contracts, cases, tenders),
  // active or failed (providers).
  const google::protobuf::EnumDescriptor* status_type =
      what == "contracts" ? v1::ContractStatus_descriptor()
      : what == "cases"   ? v1::CaseStatus_descriptor()
      : what == "tenders" ? v1::TenderStatus_descriptor()
                          : nullptr;
  const std::optional<std::string> status_text =
      status_type != nullptr || what == "providers" ? args.Take("status") : std::nullopt;
  std::optional<int> status;
  if (status_text.has_value()) {
    status = status_type != nullptr ? ParseEnumWord(*status_type, *status_text)
             : *status_text == "active" ? std::optional<int>(0)
             : *status_text == "failed" ? std::optional<int>(1)
                                        : std::nullopt;
    if (!status.has_value()) {
      std::cerr << "inkoopctl: show " << what << ": --status: expected "
                << (status_type != nullptr ? EnumWords(*status_type) : "active or failed")
                << ", got '" << *status_text << "'\n";
      return 2;
    }
  }
  std::string key_path;
  std::optional<std::string> purpose;
  int limit = kDefaultLimit;
  if (client_level) {
    key_path = args.TakeOr("key", EnvironmentOr("INKOOP_KEY", ""));
    purpose = args.Take("purpose");
    if (std::optional<std::string> text = args.Take("limit");
        text.has_value() && (!absl::SimpleAtoi(*text, &limit) || limit < 1 || limit > kMaxLimit)) {
      std::cerr << "inkoopctl: show " << what << ": --limit: expected 1 to " << kMaxLimit
                << " records, got '" << *text << "'\n";
      return 2;
    }
  }
  if (!budget) {
    if (absl::Status rest = args.RequireAllTaken(absl::StrCat("show ", what)); !rest.ok()) {
      std::cerr << "inkoopctl: " << rest.message() << "\n";
      return 2;
    }
  }
  absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
  if (!reader.ok()) {
    std::cerr << "inkoopctl: " << reader.status().message() << "\n";
    return 3;
  }
  const std::string region = ChooseRegion(**reader, region_flag);
  if (region.empty()) return 2;
  const std::string in_region = absl::StrCat(" in region '", region, "'");
  const std::string filtered =
      Filtered({{"provider", provider}, {"municipality", municipality}, {"lot", lot},
                {"client", client}, {"contract", contract}, {"status", status_text}}) +
      in_region;
  std::optional<ClientReader> client_reader;
  if (client_level) {
    absl::StatusOr<ClientReader> identified =
        IdentifyReader(key_path, purpose, **reader, region, what);
    if (!identified.ok()) {
      std::cerr << "inkoopctl: " << identified.status().message() << "\n";
      return 2;
    }
    if (access == nullptr) {
      std::cerr << "inkoopctl: show " << what << ": no access log to record the read in; "
                << "nothing is shown\n";
      return 3;
    }
    client_reader = *std::move(identified);
  }
  // What a client-level read shows, and the record of it first.
  const std::string given = Given({{"provider", provider}, {"municipality", municipality},
                                   {"lot", lot}, {"client", client}, {"contract", contract}});
  const ClientLevel logged{client_reader ? &*client_reader : nullptr, access, region, what, given,
                           limit};
  auto matches = [](const std::optional<std::string>& wanted, const std::string& value) {
    return !wanted.has_value() || *wanted == value;
  };
  if (what == "contracts") {
    // A filter reads through its contract index (projections/keys.h).
    absl::StatusOr<std::vector<v1::ContractRecord>> contracts;
    const std::optional<std::pair<ContractIndex, std::string>> index =
        ChooseContractIndex(provider, municipality, lot, status);
    if (index.has_value()) {
      absl::StatusOr<ProjectionReader::Page<v1::ContractRecord>> page =
          (*reader)->IndexedContracts(region, index->first, index->second, "",
                                      std::numeric_limits<int>::max(),
                                      [](const v1::ContractRecord&) { return true; });
      contracts = page.ok() ? absl::StatusOr<std::vector<v1::ContractRecord>>(page->records)
                            : page.status();
    } else {
      contracts = (*reader)->Contracts(region);
    }
    return PrintRecords(contracts, json,
                        [&](const v1::ContractRecord& c) {
                          const bool serves =
                              !municipality.has_value() || HasCeiling(c, *municipality);
                          return serves && matches(provider, c.provider_id()) &&
                                 matches(lot, c.lot()) && (!status || *status == c.status());
                        },
                        FormatContract, "contracts" + filtered);
  }
  if (what == "cases") {
    return PrintRecords((*reader)->Cases(region), json,
                        [&](const v1::ContinuityCaseRecord& c) {
                          return matches(provider, c.provider_id()) &&
                                 matches(municipality, c.municipality()) && matches(lot, c.lot()) &&
                                 (!status || *status == c.status());
                        },
                        FormatCase, "continuity cases" + filtered);
  }
  if (what == "providers") {
    return PrintRecords(
        (*reader)->Providers(region), json,
        [&](const v1::ProviderRecord& p) {
          return matches(provider, p.provider_id()) && (!status || *status == (p.failed() ? 1 : 0));
        },
        FormatProvider, "providers" + filtered);
  }
  if (what == "placements") {
    absl::StatusOr<int64_t> clock = (*reader)->ClockMicros(region);
    if (!clock.ok()) {
      std::cerr << "inkoopctl: " << clock.status().message() << "\n";
      return 3;
    }
    const absl::CivilDay today =
        absl::ToCivilDay(absl::FromUnixMicros(*clock), absl::UTCTimeZone());
    return PrintClientLevel(
        logged, (*reader)->Placements(region), json,
        [&](const v1::PlacementRecord& p) {
          const std::string& with =
              p.status() == v1::PLACEMENT_STATUS_PLACED ? p.placed().provider_id() : p.with_provider();
          std::vector<std::string> holders(p.candidates().begin(), p.candidates().end());
          holders.push_back(p.placed().provider_id());
          return matches(provider, with) && matches(municipality, p.municipality()) &&
                 matches(lot, p.lot()) && matches(client, p.client()) &&
                 (!only_open || p.status() == v1::PLACEMENT_STATUS_OPEN) &&
                 MaySee(*logged.reader, p.municipality(), holders);
        },
        [&](const v1::PlacementRecord& p) { return FormatPlacement(p, today); },
        [](const v1::PlacementRecord& p) { return p.client(); },
        std::string(only_open ? "open " : "") + "placement requests" + filtered);
  }
  if (what == "assignments") {
    return PrintClientLevel(
        logged, (*reader)->Assignments(region), json,
        [&](const v1::AssignmentRecord& a) {
          return matches(provider, a.provider_id()) && matches(municipality, a.municipality()) &&
                 matches(lot, a.lot()) && matches(client, a.client()) &&
                 matches(contract, a.contract_id()) &&
                 MaySee(*logged.reader, a.municipality(), {a.provider_id()});
        },
        FormatAssignment, [](const v1::AssignmentRecord& a) { return a.client(); },
        "assignments" + filtered);
  }
  if (what == "registrations") {
    return ShowRegistrations(**reader, logged, json, provider, municipality, lot, contract,
                             overdue, filtered);
  }
  if (what == "tenders") {
    return PrintRecords((*reader)->Tenders(region), json,
                        [&](const v1::TenderRecord& t) {
                          return matches(lot, t.lot()) && (!status || *status == t.status());
                        },
                        FormatTender, "tenders" + filtered);
  }
  return ShowBudget(**reader, region, args, json);
}

namespace {

int ShowBudget(ProjectionReader& reader, const std::string& region, Args& args, bool json) {
  std::optional<std::string> municipality = args.Take("municipality");
  std::optional<std::string> year_text = args.Take("year");
  if (absl::Status rest = args.RequireAllTaken("show budget"); !rest.ok()) {
    std::cerr << "inkoopctl: " << rest.message() << "\n";
    return 2;
  }
  if (!municipality) {
    std::cerr << "inkoopctl: show budget: --municipality: expected a municipality, got none\n";
    return 2;
  }
  int32_t year = 0;
  if (year_text && !absl::SimpleAtoi(*year_text, &year)) {
    std::cerr << "inkoopctl: show budget: --year: expected a year like 2016, got '" << *year_text
              << "'\n";
    return 2;
  }
  std::vector<v1::BudgetView> views;
  if (year_text) {
    absl::StatusOr<std::optional<v1::BudgetView>> view = reader.Budget(region, *municipality, year);
    if (!view.ok()) {
      std::cerr << "inkoopctl: " << view.status().message() << "\n";
      return 3;
    }
    if (view->has_value()) views.push_back(**view);
  } else {
    absl::StatusOr<std::vector<v1::BudgetView>> all = reader.Budgets(region, *municipality);
    if (!all.ok()) {
      std::cerr << "inkoopctl: " << all.status().message() << "\n";
      return 3;
    }
    views = std::move(*all);
  }
  if (views.empty()) {
    std::cerr << "inkoopctl: no budget of municipality '" << *municipality << "'"
              << (year_text ? absl::StrCat(" in ", year) : "") << " in region '" << region
              << "'\n";
    return 1;
  }
  for (const v1::BudgetView& view : views) {
    std::cout << (json ? Json(view) + "\n" : FormatBudget(view));
  }
  return 0;
}

}  // namespace

int RunParked(const std::string& db, Args& args, bool json) {
  if (absl::Status rest = args.RequireAllTaken("parked"); !rest.ok()) {
    std::cerr << "inkoopctl: " << rest.message() << "\n";
    return 2;
  }
  absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
  if (!reader.ok()) {
    std::cerr << "inkoopctl: " << reader.status().message() << "\n";
    return 3;
  }
  absl::StatusOr<std::vector<v1::ParkedEvent>> parked = (*reader)->Parked();
  if (!parked.ok()) {
    std::cerr << "inkoopctl: " << parked.status().message() << "\n";
    return 3;
  }
  if (!json) std::cout << parked->size() << " parked event(s)\n";
  for (const v1::ParkedEvent& event : *parked) {
    if (json) {
      std::cout << Json(event) << "\n";
    } else {
      std::cout << absl::StrFormat("  %s/%d@%d  region %s seq %d  %d bytes: %s\n", event.topic(),
                                   event.partition(), event.offset(),
                                   event.region().empty() ? "?" : event.region(), event.sequence(),
                                   event.value().size(), event.reason());
    }
  }
  return 0;
}

}  // namespace inkoop
