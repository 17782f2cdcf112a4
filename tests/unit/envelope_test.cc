#include "engine/envelope.h"

#include <functional>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::StatusIs;
using ::testing::HasSubstr;

// Every envelope field set, and a payload with repeated fields.
v1::Event FullEvent() {
  v1::Event event;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        event_id: "haaglanden/7"
        region: "haaglanden"
        sequence: 7
        occurred_at { seconds: 1462060800 nanos: 123456789 }
        recorded_at { seconds: 1462060801 nanos: 5 }
        actor { id: "Delft" role: ROLE_MUNICIPALITY }
        command_id: "ctl-host-42-1"
        correlation_id: "may-circular-2016"
        schema_version: 1
        previous_hash: "\x01\x02\x03\x00\xff\xfe previous hash bytes...."
        hash: "not yet sealed"
        local_plan_submitted {
          municipality: "Delft"
          year: 2016
          lots { lot: "ambulatory" amount_cents: 70000000 }
          lots { lot: "specialist" amount_cents: 30000050 }
          priorities: [ "early help", "fewer placements" ]
        }
      )pb",
      &event));
  return event;
}

// Command records: binary whatever its length byte is (123 is '{'), the
// JSON mapping for text-only clients, nothing else.
TEST(CommandRecord, BinaryOfAnyLengthJsonAndNothingElseDecode) {
  for (size_t note = 0; note < 200; ++note) {
    v1::Command command;
    command.set_command_id("c-1");
    command.set_region("haaglanden");
    command.mutable_set_budget()->set_municipality(std::string(note, 'x'));
    v1::SignedCommand record;
    record.set_command(command.SerializeAsString());
    record.set_key_id("0123456789abcdef");
    record.set_signature(std::string(64, '\x01'));
    v1::SignedCommand signed_command;
    v1::Command decoded;
    ASSERT_TRUE(DecodeCommandRecord(record.SerializeAsString(), 1 << 20, signed_command, decoded)) << note;
    EXPECT_EQ(decoded.set_budget().municipality().size(), note);
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(record, &json).ok());
    ASSERT_TRUE(DecodeCommandRecord(json, 1 << 20, signed_command, decoded)) << json;
    EXPECT_EQ(signed_command.signature(), record.signature());
    EXPECT_EQ(decoded.command_id(), "c-1");
    // A JSON record over the bound is not parsed at all.
    EXPECT_FALSE(DecodeCommandRecord(json, json.size() - 1, signed_command, decoded));
  }
  v1::SignedCommand signed_command;
  v1::Command decoded;
  EXPECT_FALSE(DecodeCommandRecord("{\"command\": 12", 1 << 20, signed_command, decoded));
  EXPECT_FALSE(DecodeCommandRecord("{\"unknown\": \"x\"}", 1 << 20, signed_command, decoded));
  EXPECT_FALSE(DecodeCommandRecord("\xff\xff\xff", 1 << 20, signed_command, decoded));
}

TEST(Envelope, AFullyPopulatedEventSurvivesSerializationUnchanged) {
  const v1::Event original = FullEvent();
  v1::Event parsed;
  ASSERT_TRUE(parsed.ParseFromString(original.SerializeAsString()));
  std::string diff;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(original, parsed)) << diff;
  // Nothing was left at its default: the round trip covered every field.
  const google::protobuf::Descriptor& type = *v1::Event::descriptor();
  const google::protobuf::Reflection& reflection = *parsed.GetReflection();
  for (int i = 0; i < type.field_count(); ++i) {
    const google::protobuf::FieldDescriptor& field = *type.field(i);
    if (field.containing_oneof() != nullptr) continue;
    EXPECT_TRUE(reflection.HasField(parsed, &field)) << field.name();
  }
  EXPECT_EQ(parsed.payload_case(), v1::Event::kLocalPlanSubmitted);
}

TEST(Envelope, ASealedEventSurvivesSerializationAndStillVerifies) {
  v1::Event event = FullEvent();
  Seal(event);
  v1::Event parsed;
  ASSERT_TRUE(parsed.ParseFromString(event.SerializeAsString()));
  EXPECT_TRUE(MessageDifferencer::Equals(event, parsed));
  EXPECT_THAT(VerifySeal(parsed), IsOk());
}

TEST(Envelope, SealThenVerifySealIsOk) {
  v1::Event event = FullEvent();
  Seal(event);
  EXPECT_THAT(VerifySeal(event), IsOk());
}

TEST(Envelope, HashIs32BytesAndDeterministic) {
  v1::Event event = FullEvent();
  const std::string hash = EventHash(event);
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_EQ(EventHash(FullEvent()), hash);
  Seal(event);
  EXPECT_EQ(event.hash(), hash);
  // The hash ignores the hash field itself, so sealing twice changes nothing.
  Seal(event);
  EXPECT_EQ(event.hash(), hash);
  EXPECT_EQ(EventHash(event), hash);
}

TEST(Envelope, HashOfAnEmptyEventIsSha256OfNothing) {
  EXPECT_EQ(EventHash(v1::Event()),
            std::string("\xe3\xb0\xc4\x42\x98\xfc\x1c\x14\x9a\xfb\xf4\xc8\x99\x6f\xb9\x24"
                        "\x27\xae\x41\xe4\x64\x9b\x93\x4c\xa4\x95\x99\x1b\x78\x52\xb8\x55",
                        32));
}

TEST(Envelope, UnsealedEventFailsVerification) {
  EXPECT_THAT(VerifySeal(FullEvent()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("event haaglanden/7: hash ")));
}

struct Tamper {
  std::string name;
  std::function<void(v1::Event&)> change;
};

class TamperedEventTest : public ::testing::TestWithParam<Tamper> {};

TEST_P(TamperedEventTest, ChangingAnyFieldAfterSealingIsDataLoss) {
  v1::Event event = FullEvent();
  Seal(event);
  const std::string sealed_hash = event.hash();
  GetParam().change(event);
  EXPECT_THAT(VerifySeal(event),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not match its content")));
  EXPECT_NE(EventHash(event), sealed_hash);
}

std::string TamperName(const ::testing::TestParamInfo<Tamper>& param) { return param.param.name; }

INSTANTIATE_TEST_SUITE_P(
    Fields, TamperedEventTest,
    ::testing::Values(
        Tamper{"PayloadAmount",
               [](v1::Event& e) {
                 e.mutable_local_plan_submitted()->mutable_lots(1)->set_amount_cents(30000051);
               }},
        Tamper{
            "PayloadMunicipality",
            [](v1::Event& e) { e.mutable_local_plan_submitted()->set_municipality("Delfshaven"); }},
        Tamper{"PayloadYear",
               [](v1::Event& e) { e.mutable_local_plan_submitted()->set_year(2017); }},
        Tamper{
            "PayloadLotCode",
            [](v1::Event& e) { e.mutable_local_plan_submitted()->mutable_lots(0)->set_lot("x"); }},
        Tamper{"PayloadPriorityRemoved",
               [](v1::Event& e) {
                 e.mutable_local_plan_submitted()->mutable_priorities()->RemoveLast();
               }},
        Tamper{"PayloadReplaced",
               [](v1::Event& e) { e.mutable_budget_set()->set_amount_cents(1); }},
        Tamper{"PayloadRemoved", [](v1::Event& e) { e.clear_payload(); }},
        Tamper{"PreviousHashFlippedBit",
               [](v1::Event& e) {
                 std::string hash = e.previous_hash();
                 hash[0] = static_cast<char>(hash[0] ^ 0x01);
                 e.set_previous_hash(hash);
               }},
        Tamper{"PreviousHashCleared", [](v1::Event& e) { e.clear_previous_hash(); }},
        Tamper{"Sequence", [](v1::Event& e) { e.set_sequence(8); }},
        Tamper{"Region", [](v1::Event& e) { e.set_region("utrecht"); }},
        Tamper{"ActorRole", [](v1::Event& e) { e.mutable_actor()->set_role(v1::ROLE_BUREAU); }},
        Tamper{"OccurredAt", [](v1::Event& e) { e.mutable_occurred_at()->set_nanos(0); }},
        Tamper{"CommandId", [](v1::Event& e) { e.set_command_id("other"); }}),
    TamperName);

TEST(Envelope, TamperedHashFailsVerification) {
  v1::Event event = FullEvent();
  Seal(event);
  std::string hash = event.hash();
  hash[31] = static_cast<char>(hash[31] ^ 0x80);
  event.set_hash(hash);
  EXPECT_THAT(VerifySeal(event),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not match its content")));
}

}  // namespace
}  // namespace inkoop
