// The event contract documents every event and every field: proto/README.md
// is checked against the compiled descriptors, so a field added to the
// schema without its row (or a row left for a field that is gone) fails here,
// naming what to add.
//
// What the README must hold, under "## Events and their fields":
//   "### The envelope (Event)" with a row "| <field> | <type> | ... |" for
//   each field of Event outside its payload, and for each payload field, in
//   any order, "### <field> (<Message>, field <number>)" with a row for each
//   field of the message. Under "## Shared messages": "### <Message>" (nested
//   ones as "Outer.Inner") with its rows, for every inkoop.v1 message those
//   fields use. Under "## Enumerations": "### <Enum>" with a row
//   "| <VALUE_NAME> | <number> | ... |" for every value of every enum used.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {
namespace {

namespace pb = google::protobuf;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr absl::string_view kEvents = "## Events and their fields";
constexpr absl::string_view kShared = "## Shared messages";
constexpr absl::string_view kEnums = "## Enumerations";
constexpr absl::string_view kEnvelope = "### The envelope (Event)";

// The repository root from the baseline's path, which the build defines.
std::string ReadmePath() {
  absl::string_view baseline = INKOOP_SCHEMA_BASELINE;
  absl::string_view root = baseline;
  EXPECT_TRUE(absl::ConsumeSuffix(&root, "/proto/baseline/inkoop-v1.txtpb")) << baseline;
  return absl::StrCat(root, "/proto/README.md");
}

std::string ReadReadme() {
  std::ifstream in(ReadmePath());
  EXPECT_TRUE(in) << ReadmePath();
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A "### " heading with the "## " section it stands in and the first two
// cells of each table row under it.
struct Section {
  std::string chapter;
  std::vector<std::pair<std::string, std::string>> rows;
};

std::map<std::string, Section> SectionsOf(absl::string_view readme) {
  std::map<std::string, Section> sections;
  std::string chapter;
  Section* current = nullptr;
  bool in_code = false;
  for (absl::string_view line : absl::StrSplit(readme, '\n')) {
    if (absl::StartsWith(line, "```")) in_code = !in_code;
    if (in_code) continue;
    if (absl::StartsWith(line, "## ")) {
      chapter = std::string(absl::StripTrailingAsciiWhitespace(line));
      current = nullptr;
    } else if (absl::StartsWith(line, "### ")) {
      current = &sections[std::string(absl::StripTrailingAsciiWhitespace(line))];
      current->chapter = chapter;
    } else if (current != nullptr && absl::StartsWith(line, "|")) {
      std::vector<std::string> cells = absl::StrSplit(line, '|');
      if (cells.size() < 4) continue;  // "| a | b |" splits into 4
      std::string name(absl::StripAsciiWhitespace(cells[1]));
      if (name.empty() || name == "field" || name == "value" || name[0] == '-') continue;
      current->rows.emplace_back(std::move(name),
                                 std::string(absl::StripAsciiWhitespace(cells[2])));
    }
  }
  return sections;
}

std::string NameInPackage(const std::string& full_name) {
  absl::string_view name = full_name;
  if (absl::ConsumePrefix(&name, "inkoop.v1.")) return std::string(name);
  if (absl::ConsumePrefix(&name, "google.protobuf.")) return std::string(name);
  return full_name;
}

// The type as the README writes it: "int64", "repeated Tariff", "Timestamp".
std::string TypeText(const pb::FieldDescriptor& field) {
  std::string type = std::string(field.type_name());
  if (field.message_type() != nullptr) type = NameInPackage(field.message_type()->full_name());
  if (field.enum_type() != nullptr) type = NameInPackage(field.enum_type()->full_name());
  return field.is_repeated() ? absl::StrCat("repeated ", type) : type;
}

bool InPackage(const std::string& full_name) { return absl::StartsWith(full_name, "inkoop.v1."); }

class Checker {
 public:
  explicit Checker(absl::string_view readme) : sections_(SectionsOf(readme)) {}

  std::vector<std::string> Problems() {
    const pb::Descriptor& event = *v1::Event::descriptor();
    const pb::OneofDescriptor& payload = *event.FindOneofByName("payload");
    std::vector<const pb::FieldDescriptor*> payloads;
    for (int i = 0; i < payload.field_count(); ++i) payloads.push_back(payload.field(i));
    std::sort(payloads.begin(), payloads.end(),
              [](const pb::FieldDescriptor* a, const pb::FieldDescriptor* b) {
                return a->number() < b->number();
              });
    std::set<const pb::Descriptor*> payload_types;
    for (const pb::FieldDescriptor* field : payloads) payload_types.insert(field->message_type());

    std::vector<const pb::FieldDescriptor*> envelope;
    for (int i = 0; i < event.field_count(); ++i) {
      if (event.field(i)->containing_oneof() != &payload) envelope.push_back(event.field(i));
    }
    CheckMessage(std::string(kEnvelope), kEvents, "the envelope (Event)", envelope);

    for (const pb::FieldDescriptor* field : payloads) {
      const pb::Descriptor& type = *field->message_type();
      const std::string name = NameInPackage(type.full_name());
      const std::string heading =
          absl::StrCat("### ", field->name(), " (", name, ", field ", field->number(), ")");
      CheckMessage(heading, kEvents, absl::StrCat("event ", field->name(), " (", name, ")"),
                   FieldsOf(type), absl::StrCat("### ", field->name(), " ("));
    }

    // The messages and enums the events use, each once, in the order met.
    for (size_t i = 0; i < used_.size(); ++i) {
      const pb::Descriptor& type = *used_[i];
      if (payload_types.contains(&type)) continue;
      const std::string name = NameInPackage(type.full_name());
      CheckMessage(absl::StrCat("### ", name), kShared, absl::StrCat("message ", name),
                   FieldsOf(type));
    }
    for (const pb::EnumDescriptor* type : enums_) CheckEnum(*type);
    return problems_;
  }

 private:
  static std::vector<const pb::FieldDescriptor*> FieldsOf(const pb::Descriptor& type) {
    std::vector<const pb::FieldDescriptor*> fields;
    for (int i = 0; i < type.field_count(); ++i) fields.push_back(type.field(i));
    return fields;
  }

  // Finds `heading` (or, when given, the heading starting with `prefix`)
  // under `chapter`.
  const Section* Find(const std::string& heading, absl::string_view chapter,
                      const std::string& what, const std::string& prefix) {
    auto it = sections_.find(heading);
    if (it == sections_.end() && !prefix.empty()) {
      for (auto& [text, section] : sections_) {
        if (!absl::StartsWith(text, prefix)) continue;
        problems_.push_back(absl::StrCat("proto/README.md: ", what, " has the heading \"", text,
                                         "\"; expected \"", heading, "\""));
        return &section;
      }
    }
    if (it == sections_.end()) {
      problems_.push_back(absl::StrCat("proto/README.md: ", what, " has no section; add \"",
                                       heading, "\" under \"", chapter, "\""));
      return nullptr;
    }
    if (it->second.chapter != chapter) {
      problems_.push_back(absl::StrCat("proto/README.md: \"", heading, "\" stands under \"",
                                       it->second.chapter, "\"; expected it under \"", chapter,
                                       "\""));
    }
    return &it->second;
  }

  void CheckMessage(const std::string& heading, absl::string_view chapter, const std::string& what,
                    const std::vector<const pb::FieldDescriptor*>& fields,
                    const std::string& prefix = "") {
    for (const pb::FieldDescriptor* field : fields) Use(*field);
    const Section* section = Find(heading, chapter, what, prefix);
    if (section == nullptr) return;
    std::set<std::string> names;
    for (const pb::FieldDescriptor* field : fields) {
      names.insert(field->name());
      const std::string type = TypeText(*field);
      auto row = std::find_if(section->rows.begin(), section->rows.end(),
                              [&](const auto& r) { return r.first == field->name(); });
      if (row == section->rows.end()) {
        problems_.push_back(absl::StrCat("proto/README.md: ", what, " has no row for field ",
                                         field->name(), "; add \"| ", field->name(), " | ", type,
                                         " | ... |\""));
      } else if (row->second != type) {
        problems_.push_back(absl::StrCat("proto/README.md: ", what, " gives field ", field->name(),
                                         " the type \"", row->second, "\"; it is \"", type, "\""));
      }
    }
    for (const auto& [name, type] : section->rows) {
      if (!names.contains(name)) {
        problems_.push_back(absl::StrCat("proto/README.md: ", what, " has a row for \"", name,
                                         "\", which is no field of it"));
      }
    }
  }

  void CheckEnum(const pb::EnumDescriptor& type) {
    const std::string name = NameInPackage(type.full_name());
    const std::string what = absl::StrCat("enum ", name);
    const Section* section = Find(absl::StrCat("### ", name), kEnums, what, "");
    if (section == nullptr) return;
    std::set<std::string> names;
    for (int i = 0; i < type.value_count(); ++i) {
      const auto& value = *type.value(i);
      names.insert(value.name());
      const std::string number = absl::StrCat(value.number());
      auto row = std::find_if(section->rows.begin(), section->rows.end(),
                              [&](const auto& r) { return r.first == value.name(); });
      if (row == section->rows.end()) {
        problems_.push_back(absl::StrCat("proto/README.md: ", what, " has no row for value ",
                                         value.name(), "; add \"| ", value.name(), " | ", number,
                                         " | ... |\""));
      } else if (row->second != number) {
        problems_.push_back(absl::StrCat("proto/README.md: ", what, " gives ", value.name(),
                                         " the number ", row->second, "; it is ", number));
      }
    }
    for (const auto& [value, number] : section->rows) {
      if (!names.contains(value)) {
        problems_.push_back(absl::StrCat("proto/README.md: ", what, " has a row for \"", value,
                                         "\", which is no value of it"));
      }
    }
  }

  // Remembers the inkoop.v1 message or enum a field uses.
  void Use(const pb::FieldDescriptor& field) {
    if (const pb::Descriptor* type = field.message_type();
        type != nullptr && InPackage(type->full_name()) &&
        std::find(used_.begin(), used_.end(), type) == used_.end()) {
      used_.push_back(type);
    }
    if (const pb::EnumDescriptor* type = field.enum_type();
        type != nullptr && InPackage(type->full_name()) &&
        std::find(enums_.begin(), enums_.end(), type) == enums_.end()) {
      enums_.push_back(type);
    }
  }

  std::map<std::string, Section> sections_;
  std::vector<std::string> problems_;
  std::vector<const pb::Descriptor*> used_;
  std::vector<const pb::EnumDescriptor*> enums_;
};

std::vector<std::string> Problems(absl::string_view readme) { return Checker(readme).Problems(); }

// The README without the first line starting with `line` after `heading`.
std::string Without(absl::string_view heading, absl::string_view line) {
  std::string readme = ReadReadme();
  const size_t at = readme.find(absl::StrCat("\n", heading, "\n"));
  const size_t row = at == std::string::npos ? at : readme.find(absl::StrCat("\n", line), at + 1);
  EXPECT_NE(row, std::string::npos) << line << " after " << heading;
  if (row != std::string::npos) readme.erase(row, readme.find('\n', row + 1) - row);
  return readme;
}

// The README with the first `from` after `after` replaced by `to`.
std::string Replaced(const std::string& after, const std::string& from, const std::string& to) {
  std::string readme = ReadReadme();
  const size_t start = readme.find(after);
  const size_t at = start == std::string::npos ? start : readme.find(from, start);
  EXPECT_NE(at, std::string::npos) << from << " after " << after;
  if (at != std::string::npos) readme.replace(at, from.size(), to);
  return readme;
}

TEST(ProtoDocs, TheEventContractDocumentsEveryEventFieldAndEnumValue) {
  const std::vector<std::string> problems = Problems(ReadReadme());
  EXPECT_THAT(problems, IsEmpty()) << absl::StrJoin(problems, "\n");
}

TEST(ProtoDocs, AMissingRowIsNamed) {
  EXPECT_THAT(
      Problems(Without("### contract_signed (ContractSigned, field 200)", "| registration_days |")),
      ElementsAre("proto/README.md: event contract_signed (ContractSigned) has no row for field "
                  "registration_days; add \"| registration_days | int32 | ... |\""));
  EXPECT_THAT(Problems(Without("### OutcomeTerm", "| target_permille |")),
              ElementsAre("proto/README.md: message OutcomeTerm has no row for field "
                          "target_permille; add \"| target_permille | int32 | ... |\""));
  EXPECT_THAT(Problems(Without(kEnvelope, "| previous_hash |")),
              ElementsAre("proto/README.md: the envelope (Event) has no row for field "
                          "previous_hash; add \"| previous_hash | bytes | ... |\""));
  EXPECT_THAT(Problems(Without("### CareEndReason", "| CARE_END_REASON_EXTERNAL |")),
              ElementsAre("proto/README.md: enum CareEndReason has no row for value "
                          "CARE_END_REASON_EXTERNAL; add "
                          "\"| CARE_END_REASON_EXTERNAL | 5 | ... |\""));
}

TEST(ProtoDocs, AMissingEventSectionIsNamed) {
  EXPECT_THAT(Problems(Replaced(std::string(kEvents), "### case_closed (CaseClosed, field 274)",
                                "### case closed")),
              ElementsAre("proto/README.md: event case_closed (CaseClosed) has no section; "
                          "add \"### case_closed (CaseClosed, field 274)\" under "
                          "\"## Events and their fields\""));
}

TEST(ProtoDocs, AWrongTypeOrAStaleRowIsNamed) {
  EXPECT_THAT(Problems(Replaced("### care_started (", "| days_late | int32 |",
                                "| days_late | int64 |\n| days_early | int32 | gone |")),
              ElementsAre("proto/README.md: event care_started (CareStarted) gives field days_late "
                          "the type \"int64\"; it is \"int32\"",
                          "proto/README.md: event care_started (CareStarted) has a row for "
                          "\"days_early\", which is no field of it"));
}

}  // namespace
}  // namespace inkoop
