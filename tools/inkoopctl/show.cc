#include "tools/inkoopctl/show.h"

#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/domain/money.h"
#include "google/protobuf/util/json_util.h"
#include "projections/reader.h"

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
      "%s %d (region %s, as of event %d)\n  budget %s (%s), planned %s, unplanned %s%s\n",
      view.municipality(), view.year(), view.region(), view.as_of_sequence(),
      FormatCents(view.budget_cents()), SourceName(view.source()), FormatCents(view.planned_cents()),
      FormatCents(view.unplanned_cents()), view.plan_submitted() ? "" : " (no local plan yet)");
  absl::StrAppendFormat(&out, "  %-16s %-40s %16s %16s %16s\n", "lot", "name", "planned",
                        "committed", "uncommitted");
  for (const v1::BudgetView::LotLine& lot : view.lots()) {
    absl::StrAppendFormat(&out, "  %-16s %-40s %16s %16s %16s\n", lot.lot(), lot.name(),
                          FormatCents(lot.planned_cents()), FormatCents(lot.committed_cents()),
                          FormatCents(lot.uncommitted_cents()));
  }
  return out;
}

int RunShow(const std::string& db, Args& args, bool json) {
  if (args.positional().empty() || args.positional()[0] != "budget") {
    std::cerr << "inkoopctl: show: expected what to show (budget), got '"
              << (args.positional().empty() ? "" : args.positional()[0]) << "'\n";
    return 2;
  }
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
  absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
  if (!reader.ok()) {
    std::cerr << "inkoopctl: " << reader.status().message() << "\n";
    return 3;
  }
  std::vector<v1::BudgetView> views;
  if (year_text) {
    absl::StatusOr<std::optional<v1::BudgetView>> view = (*reader)->Budget(*municipality, year);
    if (!view.ok()) {
      std::cerr << "inkoopctl: " << view.status().message() << "\n";
      return 3;
    }
    if (view->has_value()) views.push_back(**view);
  } else {
    absl::StatusOr<std::vector<v1::BudgetView>> all = (*reader)->Budgets(*municipality);
    if (!all.ok()) {
      std::cerr << "inkoopctl: " << all.status().message() << "\n";
      return 3;
    }
    views = std::move(*all);
  }
  if (views.empty()) {
    std::cerr << "inkoopctl: no budget of municipality '" << *municipality << "'"
              << (year_text ? absl::StrCat(" in ", year) : "") << " in the projection\n";
    return 1;
  }
  for (const v1::BudgetView& view : views) {
    std::cout << (json ? Json(view) + "\n" : FormatBudget(view));
  }
  return 0;
}

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
