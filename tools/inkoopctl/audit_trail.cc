#include "tools/inkoopctl/audit_trail.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/domain/decide.h"
#include "engine/domain/dates.h"
#include "engine/domain/money.h"
#include "tools/inkoopctl/show.h"
#include "engine/domain/roles.h"
#include "engine/domain/snapshot.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace inkoop {

namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

constexpr absl::string_view kMoneySuffix = "_cents";
constexpr absl::string_view kNone = "(none)";

// ---------------------------------------------------------------------------
// Values as text.

bool IsMoney(const FieldDescriptor& field) {
  return field.cpp_type() == FieldDescriptor::CPPTYPE_INT64 &&
         absl::EndsWith(field.name(), kMoneySuffix);
}

// The field's name as effects show it: "ceiling_cents" -> "ceiling".
std::string DisplayName(const FieldDescriptor& field) {
  absl::string_view name = field.name();
  if (IsMoney(field)) name.remove_suffix(kMoneySuffix.size());
  return std::string(name);
}

// One element of a repeated field: "ceilings" -> "ceiling".
std::string SingularName(const FieldDescriptor& field) {
  absl::string_view name = field.name();
  if (absl::EndsWith(name, "ies")) return absl::StrCat(name.substr(0, name.size() - 3), "y");
  if (absl::EndsWith(name, "s")) name.remove_suffix(1);
  return std::string(name);
}

// The value of scalar `field` (element `index` when repeated, else -1).
std::string ScalarText(const Message& message, const FieldDescriptor& field, int index) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = index >= 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text = repeated ? r.GetRepeatedString(message, &field, index)
                                  : r.GetString(message, &field);
      return text.empty() ? std::string(kNone) : text;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r.GetRepeatedBool(message, &field, index) : r.GetBool(message, &field))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(repeated ? r.GetRepeatedInt32(message, &field, index)
                                   : r.GetInt32(message, &field));
    case FieldDescriptor::CPPTYPE_INT64: {
      const int64_t value =
          repeated ? r.GetRepeatedInt64(message, &field, index) : r.GetInt64(message, &field);
      return IsMoney(field) ? FormatCents(value) : absl::StrCat(value);
    }
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(repeated ? r.GetRepeatedUInt32(message, &field, index)
                                   : r.GetUInt32(message, &field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(repeated ? r.GetRepeatedUInt64(message, &field, index)
                                   : r.GetUInt64(message, &field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(repeated ? r.GetRepeatedDouble(message, &field, index)
                                   : r.GetDouble(message, &field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(repeated ? r.GetRepeatedFloat(message, &field, index)
                                   : r.GetFloat(message, &field));
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumWord(*field.enum_type(), repeated ? r.GetRepeatedEnumValue(message, &field, index)
                                                   : r.GetEnumValue(message, &field));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "?";
}

// A scalar field, or a repeated scalar field as "a, b, c".
std::string FieldText(const Message& message, const FieldDescriptor& field) {
  if (!field.is_repeated()) return ScalarText(message, field, -1);
  const int size = message.GetReflection()->FieldSize(message, &field);
  if (size == 0) return std::string(kNone);
  std::vector<std::string> items;
  items.reserve(static_cast<size_t>(size));
  for (int i = 0; i < size; ++i) items.push_back(ScalarText(message, field, i));
  return absl::StrJoin(items, ", ");
}

// ---------------------------------------------------------------------------
// Field-by-field differences of two messages of one type.

// How the fields of one message are named in effects: prefix, the field's
// name (or `name` when set), suffix.
struct Label {
  std::string prefix;
  std::string suffix;
  std::string name;
};

void DiffMessages(const Message& before, const Message& after, const Label& label,
                  const absl::btree_set<int>& skip, std::vector<std::string>& effects);

// The fields that identify an element of a repeated field: its first field
// when that is text, a whole number or an enum (and not money), and a field
// named "year". MunicipalityCeiling by municipality, ClaimedYear by
// municipality and year, Tariff by product code.
std::vector<const FieldDescriptor*> KeyFields(const Descriptor& type) {
  std::vector<const FieldDescriptor*> keys;
  if (type.field_count() == 0) return keys;
  const FieldDescriptor* first = type.field(0);
  if (!first->is_repeated() && first->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE &&
      first->cpp_type() != FieldDescriptor::CPPTYPE_BOOL &&
      first->cpp_type() != FieldDescriptor::CPPTYPE_DOUBLE &&
      first->cpp_type() != FieldDescriptor::CPPTYPE_FLOAT && !IsMoney(*first)) {
    keys.push_back(first);
  }
  if (keys.empty()) return keys;  // no identity: elements pair by position
  const FieldDescriptor* year = type.FindFieldByName("year");
  if (year != nullptr && year != first && !year->is_repeated() &&
      year->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
    keys.push_back(year);
  }
  return keys;
}

// Elements of repeated message `field` paired by their key fields; a
// missing element counts as one with every field at its default.
void DiffRepeated(const Message& before, const Message& after, const FieldDescriptor& field,
                  const Label& label, std::vector<std::string>& effects) {
  const Descriptor& type = *field.message_type();
  const std::vector<const FieldDescriptor*> keys = KeyFields(type);
  absl::btree_set<int> key_numbers;
  for (const FieldDescriptor* key : keys) key_numbers.insert(key->number());

  auto key_of = [&](const Message& element, int index) {
    if (keys.empty()) return absl::StrCat("#", index + 1);
    std::vector<std::string> parts;
    for (const FieldDescriptor* key : keys) {
      // A year of 0 means "every year" (a yearless ceiling): no part of the name.
      if (key->name() == "year" && element.GetReflection()->GetInt32(element, key) == 0) continue;
      parts.push_back(ScalarText(element, *key, -1));
    }
    return absl::StrJoin(parts, " ");
  };
  // In the order of `after`, then what only `before` had.
  std::vector<std::string> order;
  absl::btree_map<std::string, std::pair<const Message*, const Message*>> pairs;
  auto collect = [&](const Message& message, bool is_after) {
    const Reflection& r = *message.GetReflection();
    const int size = r.FieldSize(message, &field);
    for (int i = 0; i < size; ++i) {
      const Message& element = r.GetRepeatedMessage(message, &field, i);
      std::string key = key_of(element, i);
      auto [it, inserted] = pairs.try_emplace(key, nullptr, nullptr);
      if (inserted) order.push_back(key);
      (is_after ? it->second.second : it->second.first) = &element;
    }
  };
  collect(after, /*is_after=*/true);
  collect(before, /*is_after=*/false);

  // With one field besides the key, the element is named by the repeated
  // field ("ceiling Delft"), else each field by its own name ("claimed
  // Delft 2016", "paid Delft 2016").
  const size_t others = static_cast<size_t>(type.field_count()) - key_numbers.size();
  for (const std::string& key : order) {
    const auto& [old_element, new_element] = pairs.at(key);
    const Message& present = new_element != nullptr ? *new_element : *old_element;
    std::unique_ptr<Message> empty(present.New());
    Label element_label{label.prefix, absl::StrCat(" ", key, label.suffix),
                        others == 1 ? SingularName(field) : ""};
    DiffMessages(old_element != nullptr ? *old_element : *empty,
                 new_element != nullptr ? *new_element : *empty, element_label, key_numbers,
                 effects);
  }
}

void DiffMessages(const Message& before, const Message& after, const Label& label,
                  const absl::btree_set<int>& skip, std::vector<std::string>& effects) {
  const Descriptor& type = *after.GetDescriptor();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (skip.contains(field.number())) continue;
    const std::string name = label.name.empty() ? DisplayName(field) : label.name;
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field.is_repeated()) {
        DiffRepeated(before, after, field, Label{label.prefix, label.suffix, ""}, effects);
      } else {
        DiffMessages(before.GetReflection()->GetMessage(before, &field),
                     after.GetReflection()->GetMessage(after, &field),
                     Label{absl::StrCat(label.prefix, name, " "), label.suffix, ""}, {}, effects);
      }
      continue;
    }
    std::string old_text = FieldText(before, field);
    std::string new_text = FieldText(after, field);
    if (old_text == new_text) continue;
    effects.push_back(
        absl::StrCat(label.prefix, name, label.suffix, ": ", old_text, " -> ", new_text));
  }
}

// ---------------------------------------------------------------------------
// The subject's part of a region's state.

// One record of the subject's part, with how its fields are named.
struct Part {
  Label label;
  bool skip_first = false;  // the record's own id
  std::unique_ptr<Message> record;
};

// By a key that orders the parts as effects list them.
using Parts = absl::btree_map<std::string, Part>;

Part MakePart(std::unique_ptr<Message> record, std::string prefix = "", std::string suffix = "") {
  Part part;
  part.label = Label{std::move(prefix), std::move(suffix), ""};
  part.skip_first = true;
  part.record = std::move(record);
  return part;
}

// The year of a "YYYY-MM-DD" date, or `fallback` when it has none.
int32_t YearOf(const std::string& date, int32_t fallback) {
  int32_t year = 0;
  if (date.size() < 4 || !absl::SimpleAtoi(absl::string_view(date).substr(0, 4), &year)) {
    return fallback;
  }
  return year;
}

// True when the contract's term includes `year` (0: every year). A term that
// does not parse counts as covering.
bool TermCovers(const v1::ContractRecord& contract, int32_t year) {
  if (year == 0) return true;
  return YearOf(contract.term_start(), year) <= year && year <= YearOf(contract.term_end(), year);
}

Parts PartsOf(const AuditSubject& subject, const RegionState& state) {
  Parts parts;
  switch (subject.kind) {
    case AuditSubject::Kind::kContract: {
      auto it = state.contracts.find(subject.id);
      if (it != state.contracts.end()) {
        parts.emplace("contract", MakePart(std::make_unique<v1::ContractRecord>(it->second)));
      }
      break;
    }
    case AuditSubject::Kind::kProvider: {
      auto provider = state.providers.find(subject.id);
      if (provider != state.providers.end()) {
        parts.emplace("0 provider",
                      MakePart(std::make_unique<v1::ProviderRecord>(provider->second)));
      }
      for (const auto& [id, contract] : state.contracts) {
        if (contract.provider_id() != subject.id) continue;
        auto status = std::make_unique<v1::ContractRecord>();
        status->set_status(contract.status());
        parts.emplace(absl::StrCat("1 contract ", id),
                      MakePart(std::move(status), absl::StrCat("contract ", id, " ")));
      }
      break;
    }
    case AuditSubject::Kind::kMunicipality: {
      auto municipality = state.municipalities.find(subject.id);
      if (municipality != state.municipalities.end()) {
        const auto& years = municipality->second.years;
        for (const auto& [year, budget] : years) {
          if (subject.year != 0 && year != subject.year) continue;
          parts.emplace(absl::StrFormat("0 year %06d", year),
                        MakePart(std::make_unique<v1::YearBudgetSnapshot>(
                                     YearBudgetToSnapshot(year, budget)),
                                 "", absl::StrCat(" ", year)));
        }
      }
      for (const auto& [id, contract] : state.contracts) {
        if (!TermCovers(contract, subject.year)) continue;
        auto own = std::make_unique<v1::ContractRecord>();
        for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
          if (ceiling.municipality() == subject.id) *own->add_ceilings() = ceiling;
        }
        for (const v1::ClaimedYear& claimed : contract.claimed()) {
          if (claimed.municipality() == subject.id &&
              (subject.year == 0 || claimed.year() == subject.year)) {
            *own->add_claimed() = claimed;
          }
        }
        if (own->ceilings().empty() && own->claimed().empty()) continue;
        parts.emplace(absl::StrCat("1 contract ", id),
                      MakePart(std::move(own), absl::StrCat("contract ", id, " ")));
      }
      break;
    }
  }
  return parts;
}

std::vector<std::string> DiffParts(const Parts& before, const Parts& after) {
  absl::btree_set<std::string> keys;
  for (const auto& [key, part] : before) keys.insert(key);
  for (const auto& [key, part] : after) keys.insert(key);
  std::vector<std::string> effects;
  for (const std::string& key : keys) {
    auto old_part = before.find(key);
    auto new_part = after.find(key);
    const Part& present = new_part != after.end() ? new_part->second : old_part->second;
    std::unique_ptr<Message> empty(present.record->New());
    absl::btree_set<int> skip;
    if (present.skip_first) skip.insert(present.record->GetDescriptor()->field(0)->number());
    DiffMessages(old_part != before.end() ? *old_part->second.record : *empty,
                 new_part != after.end() ? *new_part->second.record : *empty, present.label, skip,
                 effects);
  }
  return effects;
}

// ---------------------------------------------------------------------------
// Whether a payload names the subject.

bool NamesIdIn(const Message& message, absl::string_view id,
               bool (*matches)(absl::string_view field_name)) {
  const Descriptor& type = *message.GetDescriptor();
  const Reflection& r = *message.GetReflection();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field.is_repeated()) {
        for (int j = 0; j < r.FieldSize(message, &field); ++j) {
          if (NamesIdIn(r.GetRepeatedMessage(message, &field, j), id, matches)) return true;
        }
      } else if (r.HasField(message, &field) &&
                 NamesIdIn(r.GetMessage(message, &field), id, matches)) {
        return true;
      }
      continue;
    }
    if (field.cpp_type() != FieldDescriptor::CPPTYPE_STRING || !matches(field.name())) continue;
    if (field.is_repeated()) {
      for (int j = 0; j < r.FieldSize(message, &field); ++j) {
        if (r.GetRepeatedString(message, &field, j) == id) return true;
      }
    } else if (r.GetString(message, &field) == id) {
      return true;
    }
  }
  return false;
}

// "contract_id", "to_contract_id", "contract_ids", ... for `noun` "contract".
bool NamesNoun(absl::string_view field_name, absl::string_view noun) {
  for (absl::string_view suffix : {"_id", "_ids"}) {
    const std::string name = absl::StrCat(noun, suffix);
    if (field_name == name || absl::EndsWith(field_name, absl::StrCat("_", name))) return true;
  }
  return false;
}

bool ContractField(absl::string_view name) { return NamesNoun(name, "contract"); }
bool ProviderField(absl::string_view name) { return NamesNoun(name, "provider"); }
bool MunicipalityField(absl::string_view name) {
  return name == "municipality" || name == "municipalities";
}

const Message* PayloadOf(const v1::Event& event) {
  const google::protobuf::OneofDescriptor* oneof =
      v1::Event::descriptor()->FindOneofByName("payload");
  const FieldDescriptor* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  if (field == nullptr) return nullptr;
  return &event.GetReflection()->GetMessage(event, field);
}

std::string PayloadName(const v1::Event& event) {
  const google::protobuf::OneofDescriptor* oneof =
      v1::Event::descriptor()->FindOneofByName("payload");
  const FieldDescriptor* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  return field == nullptr ? "unknown" : field->name();
}

bool NamesSubject(const AuditSubject& subject, const v1::Event& event) {
  const Message* payload = PayloadOf(event);
  if (payload == nullptr) return false;
  switch (subject.kind) {
    case AuditSubject::Kind::kContract:
      return NamesIdIn(*payload, subject.id, &ContractField);
    case AuditSubject::Kind::kProvider:
      return NamesIdIn(*payload, subject.id, &ProviderField);
    case AuditSubject::Kind::kMunicipality: {
      if (!NamesIdIn(*payload, subject.id, &MunicipalityField)) return false;
      if (subject.year == 0) return true;
      const FieldDescriptor* year = payload->GetDescriptor()->FindFieldByName("year");
      return year != nullptr && year->cpp_type() == FieldDescriptor::CPPTYPE_INT32 &&
             !year->is_repeated() &&
             payload->GetReflection()->GetInt32(*payload, year) == subject.year;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Rows.

AuditRow RowOf(const v1::Event& event, std::vector<std::string> effects) {
  AuditRow row;
  row.sequence = event.sequence();
  row.event_id = event.event_id();
  if (event.has_occurred_at()) row.occurred_at = FormatTimestamp(event.occurred_at());
  if (event.has_recorded_at()) row.recorded_at = FormatTimestamp(event.recorded_at());
  row.actor = event.actor().id();
  row.role = std::string(RoleName(event.actor().role()));
  row.command_id = event.command_id();
  row.event = PayloadName(event);
  row.effects = std::move(effects);
  return row;
}

}  // namespace

AuditTrail::AuditTrail(AuditSubject subject) : subject_(std::move(subject)) {}

absl::Status AuditTrail::Apply(RegionState& state, const v1::Event& event) {
  const Parts before = PartsOf(subject_, state);
  if (absl::Status evolved = Evolve(state, event); !evolved.ok()) return evolved;
  std::vector<std::string> effects = DiffParts(before, PartsOf(subject_, state));
  if (effects.empty() && !NamesSubject(subject_, event)) return absl::OkStatus();
  rows_.push_back(RowOf(event, std::move(effects)));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Formatting.

namespace {

// Columns on screen: UTF-8 continuation bytes take none.
size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) == 0x80 ? 0 : 1;
  return width;
}

void AppendPadded(std::string& out, absl::string_view text, size_t width) {
  absl::StrAppend(&out, text);
  out.append(width - std::min(width, DisplayWidth(text)), ' ');
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string CsvField(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::string FormatAuditTable(const std::vector<AuditRow>& rows) {
  constexpr size_t kColumns = 6;  // before effects
  constexpr size_t kGap = 2;  // spaces between columns
  const std::array<absl::string_view, kColumns> header = {"seq",        "occurred_at", "actor",
                                                          "role",       "command_id",  "event"};
  std::vector<std::array<std::string, kColumns>> cells;
  cells.reserve(rows.size());
  std::array<size_t, kColumns> widths{};
  for (size_t c = 0; c < kColumns; ++c) widths[c] = DisplayWidth(header[c]);
  for (const AuditRow& row : rows) {
    cells.push_back({absl::StrCat(row.sequence), row.occurred_at, row.actor, row.role,
                     row.command_id, row.event});
    for (size_t c = 0; c < kColumns; ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(cells.back()[c]));
    }
  }
  size_t indent = 0;
  for (size_t width : widths) indent += width + kGap;

  std::string out;
  for (size_t c = 0; c < kColumns; ++c) {
    AppendPadded(out, header[c], widths[c]);
    out.append(kGap, ' ');
  }
  out += "effects\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t c = 0; c < kColumns; ++c) {
      AppendPadded(out, cells[i][c], widths[c]);
      out.append(kGap, ' ');
    }
    const std::vector<std::string>& effects = rows[i].effects;
    absl::StrAppend(&out, effects.empty() ? "-" : effects.front(), "\n");
    for (size_t e = 1; e < effects.size(); ++e) {
      out.append(indent, ' ');
      absl::StrAppend(&out, effects[e], "\n");
    }
  }
  return out;
}

std::string FormatAuditJson(const std::vector<AuditRow>& rows) {
  if (rows.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const AuditRow& row = rows[i];
    std::vector<std::string> effects;
    effects.reserve(row.effects.size());
    for (const std::string& effect : row.effects) effects.push_back(JsonString(effect));
    absl::StrAppend(&out, "  {\"sequence\": ", row.sequence,
                    ", \"event_id\": ", JsonString(row.event_id),
                    ", \"occurred_at\": ", JsonString(row.occurred_at),
                    ", \"recorded_at\": ", JsonString(row.recorded_at),
                    ", \"actor\": ", JsonString(row.actor), ", \"role\": ", JsonString(row.role),
                    ", \"command_id\": ", JsonString(row.command_id),
                    ", \"event\": ", JsonString(row.event), ", \"effects\": [",
                    absl::StrJoin(effects, ", "), "]}", i + 1 < rows.size() ? "," : "", "\n");
  }
  out += "]\n";
  return out;
}

std::string FormatAuditCsv(const std::vector<AuditRow>& rows) {
  std::string out =
      "sequence,event_id,occurred_at,recorded_at,actor,role,command_id,event,effects\r\n";
  for (const AuditRow& row : rows) {
    const std::vector<std::string> fields = {
        absl::StrCat(row.sequence), row.event_id, row.occurred_at,
        row.recorded_at,            row.actor,    row.role,
        row.command_id,             row.event,    absl::StrJoin(row.effects, "; ")};
    std::vector<std::string> quoted;
    quoted.reserve(fields.size());
    for (const std::string& field : fields) quoted.push_back(CsvField(field));
    absl::StrAppend(&out, absl::StrJoin(quoted, ","), "\r\n");
  }
  return out;
}

}  // namespace inkoop
