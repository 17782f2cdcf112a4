#include "projections/enum_words.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace inkoop {

namespace {

// The length of the prefix every value name of `type` shares, up to an '_'.
size_t SharedPrefix(const google::protobuf::EnumDescriptor& type) {
  if (type.value_count() < 2) {
    const std::string& only = type.value(0)->name();
    const size_t underscore = only.rfind('_');
    return underscore == std::string::npos ? 0 : underscore + 1;
  }
  const std::string& first = type.value(0)->name();
  size_t common = first.size();
  for (int i = 1; i < type.value_count(); ++i) {
    const std::string& name = type.value(i)->name();
    size_t same = 0;
    while (same < common && same < name.size() && name[same] == first[same]) ++same;
    common = same;
  }
  while (common > 0 && first[common - 1] != '_') --common;
  return common;
}

std::string Normalized(absl::string_view word) {
  std::string out = absl::AsciiStrToLower(word);
  for (char& c : out) c = c == '_' ? ' ' : c;
  return out;
}

}  // namespace

std::string EnumWord(const google::protobuf::EnumDescriptor& type, int value) {
  const google::protobuf::EnumValueDescriptor* v = type.FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat(value);
  return Normalized(absl::string_view(v->name()).substr(SharedPrefix(type)));
}

std::optional<int> ParseEnumWord(const google::protobuf::EnumDescriptor& type,
                                 absl::string_view word) {
  const std::string wanted = Normalized(word);
  const size_t prefix = SharedPrefix(type);
  for (int i = 0; i < type.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor& v = *type.value(i);
    if (v.number() == 0) continue;
    if (wanted == Normalized(v.name()) ||
        wanted == Normalized(absl::string_view(v.name()).substr(prefix))) {
      return v.number();
    }
  }
  return std::nullopt;
}

std::string EnumWords(const google::protobuf::EnumDescriptor& type) {
  std::vector<std::string> words;
  for (int i = 0; i < type.value_count(); ++i) {
    if (type.value(i)->number() != 0) words.push_back(EnumWord(type, type.value(i)->number()));
  }
  if (words.size() < 2) return absl::StrJoin(words, "");
  const std::string last = words.back();
  words.pop_back();
  return absl::StrCat(absl::StrJoin(words, ", "), " or ", last);
}

}  // namespace inkoop
