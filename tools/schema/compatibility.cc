#include "tools/schema/compatibility.h"

#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "inkoop/v1/access.pb.h"
#include "inkoop/v1/common.pb.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"
#include "inkoop/v1/results.pb.h"
#include "inkoop/v1/snapshot.pb.h"
#include "inkoop/v1/views.pb.h"

namespace inkoop {

namespace {

using google::protobuf::DescriptorProto;
using google::protobuf::EnumDescriptorProto;
using google::protobuf::FieldDescriptorProto;
using google::protobuf::FileDescriptorProto;

bool Reserves(const DescriptorProto& message, const FieldDescriptorProto& field) {
  bool number = false;
  for (const DescriptorProto::ReservedRange& range : message.reserved_range()) {
    number = number || (field.number() >= range.start() && field.number() < range.end());
  }
  bool name = false;
  for (const std::string& reserved : message.reserved_name()) name = name || reserved == field.name();
  return number && name;
}

std::string TypeOf(const FieldDescriptorProto& field) {
  std::string type = FieldDescriptorProto::Type_Name(field.type());
  if (!field.type_name().empty()) absl::StrAppend(&type, " ", field.type_name());
  if (field.label() == FieldDescriptorProto::LABEL_REPEATED) type = "repeated " + type;
  return type;
}

class Comparison {
 public:
  explicit Comparison(std::vector<std::string>& breaks) : breaks_(breaks) {}

  void Enums(const std::string& scope,
             const google::protobuf::RepeatedPtrField<EnumDescriptorProto>& before,
             const google::protobuf::RepeatedPtrField<EnumDescriptorProto>& after) {
    std::map<std::string, const EnumDescriptorProto*> now;
    for (const EnumDescriptorProto& e : after) now[e.name()] = &e;
    for (const EnumDescriptorProto& e : before) {
      const std::string name = absl::StrCat(scope, ".", e.name());
      auto it = now.find(e.name());
      if (it == now.end()) {
        breaks_.push_back(absl::StrCat("enum ", name, ": removed"));
        continue;
      }
      std::map<std::string, int> values;
      for (const auto& v : it->second->value()) values[v.name()] = v.number();
      for (const auto& v : e.value()) {
        auto value = values.find(v.name());
        if (value == values.end()) {
          bool reserved = false;
          for (const std::string& r : it->second->reserved_name()) reserved = reserved || r == v.name();
          if (!reserved) {
            breaks_.push_back(absl::StrCat("enum ", name, " value ", v.name(), " = ", v.number(),
                                           ": removed without reserving its name"));
          }
        } else if (value->second != v.number()) {
          breaks_.push_back(absl::StrCat("enum ", name, " value ", v.name(), ": number ",
                                         v.number(), " became ", value->second));
        }
      }
    }
  }

  void Messages(const std::string& scope,
                const google::protobuf::RepeatedPtrField<DescriptorProto>& before,
                const google::protobuf::RepeatedPtrField<DescriptorProto>& after) {
    std::map<std::string, const DescriptorProto*> now;
    for (const DescriptorProto& m : after) now[m.name()] = &m;
    for (const DescriptorProto& m : before) {
      const std::string name = absl::StrCat(scope, ".", m.name());
      auto it = now.find(m.name());
      if (it == now.end()) {
        breaks_.push_back(absl::StrCat("message ", name, ": removed"));
        continue;
      }
      Fields(name, m, *it->second);
      Messages(name, m.nested_type(), it->second->nested_type());
      Enums(name, m.enum_type(), it->second->enum_type());
    }
  }

 private:
  void Fields(const std::string& name, const DescriptorProto& before,
              const DescriptorProto& after) {
    std::map<int, const FieldDescriptorProto*> now;
    for (const FieldDescriptorProto& f : after.field()) now[f.number()] = &f;
    for (const FieldDescriptorProto& f : before.field()) {
      const std::string field = absl::StrCat(name, ".", f.name(), " = ", f.number());
      auto it = now.find(f.number());
      if (it == now.end()) {
        if (!Reserves(after, f)) {
          breaks_.push_back(absl::StrCat("field ", field,
                                         ": removed without reserving its number and name"));
        }
        continue;
      }
      const FieldDescriptorProto& g = *it->second;
      if (g.name() != f.name()) {
        breaks_.push_back(absl::StrCat("field ", field, ": renamed to ", g.name(),
                                       " (the JSON mapping reads fields by name)"));
      }
      if (TypeOf(g) != TypeOf(f)) {
        breaks_.push_back(
            absl::StrCat("field ", field, ": type ", TypeOf(f), " became ", TypeOf(g)));
      }
      const auto oneof = [](const DescriptorProto& m, const FieldDescriptorProto& x) {
        return x.has_oneof_index() ? m.oneof_decl(x.oneof_index()).name() : std::string();
      };
      if (oneof(before, f) != oneof(after, g)) {
        breaks_.push_back(absl::StrCat("field ", field, ": oneof '", oneof(before, f),
                                       "' became '", oneof(after, g), "'"));
      }
    }
  }

  std::vector<std::string>& breaks_;
};

}  // namespace

std::vector<std::string> BreakingChanges(const google::protobuf::FileDescriptorSet& baseline,
                                         const google::protobuf::FileDescriptorSet& current) {
  std::vector<std::string> breaks;
  std::map<std::string, const FileDescriptorProto*> now;
  for (const FileDescriptorProto& file : current.file()) now[file.name()] = &file;
  Comparison comparison(breaks);
  for (const FileDescriptorProto& file : baseline.file()) {
    auto it = now.find(file.name());
    if (it == now.end()) {
      breaks.push_back(absl::StrCat("file ", file.name(), ": removed"));
      continue;
    }
    if (it->second->package() != file.package()) {
      breaks.push_back(absl::StrCat("file ", file.name(), ": package ", file.package(),
                                    " became ", it->second->package()));
      continue;
    }
    comparison.Messages(file.package(), file.message_type(), it->second->message_type());
    comparison.Enums(file.package(), file.enum_type(), it->second->enum_type());
  }
  return breaks;
}

google::protobuf::FileDescriptorSet CurrentSchema() {
  google::protobuf::FileDescriptorSet set;
  // Named so the linker keeps every generated file.
  for (const google::protobuf::FileDescriptor* file :
       {v1::Actor::descriptor()->file(), v1::Command::descriptor()->file(), v1::Event::descriptor()->file(),
        v1::CommandResult::descriptor()->file(), v1::RegionHeader::descriptor()->file(),
        v1::BudgetView::descriptor()->file(), v1::AccessRecorded::descriptor()->file()}) {
    file->CopyTo(set.add_file());
  }
  return set;
}

}  // namespace inkoop
