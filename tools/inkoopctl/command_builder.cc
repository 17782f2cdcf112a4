#include "tools/inkoopctl/command_builder.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "engine/domain/money.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/json_util.h"

namespace inkoop {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

namespace {
// The JSON parser's message may run over several lines (with a caret
// marking the spot); the first line says what was wrong.
std::string FirstLine(absl::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}
}  // namespace

absl::StatusOr<v1::Command> CommandFromJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the file"));
  std::stringstream text;
  text << in.rdbuf();
  v1::Command command;
  google::protobuf::util::JsonParseOptions options;
  auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &command, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ": not a valid inkoop.v1.Command in JSON: ", FirstLine(std::string(parsed.message()))));
  }
  return command;
}

std::vector<std::string> CommandNames() {
  std::vector<std::string> names;
  const google::protobuf::OneofDescriptor* body =
      v1::Command::descriptor()->FindOneofByName("body");
  for (int i = 0; i < body->field_count(); ++i) names.push_back(body->field(i)->name());
  return names;
}

std::string NewCommandId() {
  static std::atomic<uint64_t> counter{0};
  char host[64] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, "-", getpid(), "-", absl::ToUnixMicros(absl::Now()), "-", counter++);
}

absl::StatusOr<google::protobuf::Timestamp> ParseWhen(const std::string& text,
                                                     const std::string& option) {
  // A civil date means that day at noon UTC; otherwise an RFC 3339 instant.
  absl::Time time;
  std::string error;
  absl::CivilDay day;
  if (absl::ParseCivilTime(text, &day) && text.size() == 10) {
    time = absl::FromCivil(absl::CivilSecond(day) + 12 * 3600, absl::UTCTimeZone());
  } else if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", option, ": expected a date YYYY-MM-DD or an RFC 3339 time, got '", text, "'"));
  }
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(time));
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(out.seconds()))));
  return out;
}

absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor& type, const std::string& text,
                              const std::string& field) {
  const std::string upper = absl::AsciiStrToUpper(text);
  std::vector<const google::protobuf::EnumValueDescriptor*> matches;
  // Value 0 is "unspecified" in every inkoop enum: never a choice.
  for (int i = 1; i < type.value_count(); ++i) {
    const std::string& name = type.value(i)->name();
    if (name == upper) return type.value(i)->number();
    if (absl::EndsWith(name, absl::StrCat("_", upper))) matches.push_back(type.value(i));
  }
  if (matches.size() == 1) return matches.front()->number();
  std::vector<std::string> names;
  for (int i = 1; i < type.value_count(); ++i) {
    names.push_back(absl::AsciiStrToLower(type.value(i)->name()));
  }
  return absl::InvalidArgumentError(absl::StrCat("--", field, ": expected one of ",
                                                 absl::StrJoin(names, ", "), ", got '", text, "'",
                                                 matches.size() > 1 ? " (ambiguous)" : ""));
}

namespace {

absl::Status SetScalar(Message& message, const FieldDescriptor& field, const std::string& text) {
  const Reflection& reflection = *message.GetReflection();
  const bool repeated = field.is_repeated();
  auto bad = [&](absl::string_view expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", field.name(), ": expected ", expected, ", got '", text, "'"));
  };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? reflection.AddString(&message, &field, text)
               : reflection.SetString(&message, &field, text);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return bad("a whole number");
      repeated ? reflection.AddInt32(&message, &field, v)
               : reflection.SetInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) {
        return bad(absl::EndsWith(field.name(), "_cents") ? "a whole number of cents"
                                                          : "a whole number");
      }
      repeated ? reflection.AddInt64(&message, &field, v)
               : reflection.SetInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return bad("a whole number >= 0");
      repeated ? reflection.AddUInt32(&message, &field, v)
               : reflection.SetUInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return bad("a whole number >= 0");
      repeated ? reflection.AddUInt64(&message, &field, v)
               : reflection.SetUInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v = false;
      if (!absl::SimpleAtob(text, &v)) return bad("true or false");
      repeated ? reflection.AddBool(&message, &field, v) : reflection.SetBool(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return bad("no floating point field in inkoop commands");
    case FieldDescriptor::CPPTYPE_ENUM: {
      ASSIGN_OR_RETURN(int v, ParseEnum(*field.enum_type(), text, field.name()));
      repeated ? reflection.AddEnumValue(&message, &field, v)
               : reflection.SetEnumValue(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return absl::InternalError("message fields are set from JSON");
}

absl::Status SetFromJson(Message& message, const FieldDescriptor& field, const std::string& text) {
  std::unique_ptr<Message> holder(message.New());
  const std::string json = absl::StrCat("{\"", field.json_name(), "\":", text, "}");
  auto parsed = google::protobuf::util::JsonStringToMessage(json, holder.get());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", field.name(), ": expected JSON for ", field.message_type()->name(),
                     field.is_repeated() ? " list" : "", ", got '", text, "' (",
                     FirstLine(std::string(parsed.message())), ")"));
  }
  message.MergeFrom(*holder);
  return absl::OkStatus();
}

}  // namespace

absl::Status FillBody(const std::string& name, Args& args, v1::Command& command) {
  std::string field_name = name;
  std::replace(field_name.begin(), field_name.end(), '-', '_');
  const FieldDescriptor* body_field = v1::Command::descriptor()->FindFieldByName(field_name);
  if (body_field == nullptr || body_field->containing_oneof() == nullptr ||
      body_field->containing_oneof()->name() != "body") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command '", name,
                     "' (expected one of: ", absl::StrJoin(CommandNames(), ", "), ")"));
  }
  Message& body = *command.GetReflection()->MutableMessage(&command, body_field);
  const Descriptor& type = *body.GetDescriptor();
  std::map<std::string, std::string> options = args.rest();
  for (const auto& [option, value] : options) {
    const FieldDescriptor* field = type.FindFieldByName(option);
    std::string text = value;
    if (field == nullptr) {
      // --amount 1200.50 for amount_cents.
      field = type.FindFieldByName(absl::StrCat(option, "_cents"));
      if (field != nullptr && options.contains(field->name())) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", option, " and --", field->name(),
                         ": give the amount once, in euros or in cents"));
      }
      if (field == nullptr || field->cpp_type() != FieldDescriptor::CPPTYPE_INT64) {
        std::vector<std::string> fields;
        for (int i = 0; i < type.field_count(); ++i) fields.push_back(type.field(i)->name());
        return absl::InvalidArgumentError(absl::StrCat(
            name, ": unknown option --", option, " (fields: ", absl::StrJoin(fields, ", "), ")"));
      }
      absl::StatusOr<int64_t> cents = ParseEuros(value);
      if (!cents.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", option, ": ", cents.status().message()));
      }
      text = absl::StrCat(*cents);
    }
    args.Take(option);
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated() &&
        field->message_type() == google::protobuf::Timestamp::descriptor()) {
      ASSIGN_OR_RETURN(google::protobuf::Timestamp when, ParseWhen(text, field->name()));
      body.GetReflection()->MutableMessage(&body, field)->CopyFrom(when);
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      RETURN_IF_ERROR(SetFromJson(body, *field, text));
    } else if (field->is_repeated()) {
      for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
        RETURN_IF_ERROR(SetScalar(body, *field, std::string(absl::StripAsciiWhitespace(item))));
      }
    } else {
      RETURN_IF_ERROR(SetScalar(body, *field, text));
    }
  }
  return absl::OkStatus();
}

}  // namespace inkoop
