// The schema compatibility gate: proto/ as compiled only adds to the
// committed baseline, and each kind of breaking change is caught with a
// message naming the field.
#include "tools/schema/compatibility.h"

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace inkoop {
namespace {

using google::protobuf::DescriptorProto;
using google::protobuf::FieldDescriptorProto;
using google::protobuf::FileDescriptorSet;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SchemaCompatibility, TheSchemaOnlyAddsToTheCommittedBaseline) {
  std::ifstream in(INKOOP_SCHEMA_BASELINE);
  ASSERT_TRUE(in) << INKOOP_SCHEMA_BASELINE;
  std::stringstream text;
  text << in.rdbuf();
  FileDescriptorSet baseline;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &baseline));
  ASSERT_GT(baseline.file_size(), 0);
  const std::vector<std::string> breaks = BreakingChanges(baseline, CurrentSchema());
  EXPECT_THAT(breaks, IsEmpty())
      << "proto/ breaks subscribers of the baseline:\n  " << absl::StrJoin(breaks, "\n  ")
      << "\nAdd fields instead; to accept the change deliberately: "
         "build/tools/inkoop-schema-baseline > proto/baseline/inkoop-v1.txtpb";
}

DescriptorProto& MessageNamed(FileDescriptorSet& set, const std::string& name) {
  for (auto& file : *set.mutable_file()) {
    for (DescriptorProto& message : *file.mutable_message_type()) {
      if (message.name() == name) return message;
    }
  }
  ADD_FAILURE() << "no message " << name;
  return *set.mutable_file(0)->add_message_type();
}

FieldDescriptorProto& FieldNamed(DescriptorProto& message, const std::string& name) {
  for (FieldDescriptorProto& field : *message.mutable_field()) {
    if (field.name() == name) return field;
  }
  ADD_FAILURE() << "no field " << name;
  return *message.add_field();
}

std::vector<std::string> After(const std::function<void(FileDescriptorSet&)>& change) {
  FileDescriptorSet changed = CurrentSchema();
  change(changed);
  return BreakingChanges(CurrentSchema(), changed);
}

TEST(SchemaCompatibility, EachBreakingChangeIsNamed) {
  EXPECT_THAT(After([](FileDescriptorSet& s) {
                FieldNamed(MessageNamed(s, "CareStopped"), "reason").set_number(70);
              }),
              ElementsAre("field inkoop.v1.CareStopped.reason = 7: removed without reserving "
                          "its number and name"));
  EXPECT_THAT(After([](FileDescriptorSet& s) {
                FieldNamed(MessageNamed(s, "CareStopped"), "released_cents")
                    .set_type(FieldDescriptorProto::TYPE_INT32);
              }),
              ElementsAre("field inkoop.v1.CareStopped.released_cents = 8: type TYPE_INT64 "
                          "became TYPE_INT32"));
  EXPECT_THAT(After([](FileDescriptorSet& s) {
                FieldNamed(MessageNamed(s, "CareStopped"), "end_date").set_name("last_day");
              }),
              ElementsAre("field inkoop.v1.CareStopped.end_date = 6: renamed to last_day (the "
                          "JSON mapping reads fields by name)"));
  EXPECT_THAT(After([](FileDescriptorSet& s) {
                for (auto& file : *s.mutable_file()) {
                  for (auto& e : *file.mutable_enum_type()) {
                    if (e.name() == "CareEndReason") e.mutable_value(3)->set_number(9);
                  }
                }
              }),
              ElementsAre("enum inkoop.v1.CareEndReason value CARE_END_REASON_BY_CLIENT: "
                          "number 3 became 9"));
  EXPECT_THAT(After([](FileDescriptorSet& s) { s.mutable_file(0)->set_package("inkoop.v2"); }),
              ElementsAre(::testing::HasSubstr(": package inkoop.v1 became inkoop.v2")));
}

TEST(SchemaCompatibility, AddingAndReservedRemovalsAreNotBreaks) {
  EXPECT_THAT(After([](FileDescriptorSet& s) {
                DescriptorProto& stopped = MessageNamed(s, "CareStopped");
                FieldDescriptorProto added = FieldNamed(stopped, "reason");
                added.set_name("reason_detail");
                added.set_number(99);
                *stopped.add_field() = added;
              }),
              IsEmpty());
  EXPECT_THAT(After([](FileDescriptorSet& s) {
                DescriptorProto& stopped = MessageNamed(s, "CareStopped");
                auto& fields = *stopped.mutable_field();
                for (int i = 0; i < fields.size(); ++i) {
                  if (fields[i].name() == "product_code") fields.DeleteSubrange(i, 1);
                }
                auto* range = stopped.add_reserved_range();
                range->set_start(4);
                range->set_end(5);
                stopped.add_reserved_name("product_code");
              }),
              IsEmpty());
}

}  // namespace
}  // namespace inkoop
