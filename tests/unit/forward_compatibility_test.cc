// Events from a newer schema: unknown fields beside a known payload are
// tolerated silently (the event applies; its hash and signature, made over
// the stored bytes, still verify); an
// unknown payload is parked with its reason while the region's chain goes
// on, so later events still apply.
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "engine/command_handler.h"
#include "engine/envelope.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/projection.h"
#include "projections/reader.h"
#include "tests/testing/records.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace inkoop {
namespace {

using ::inkoop::testing::IsOk;
using ::testing::HasSubstr;

constexpr char kTopic[] = "inkoop.events";

// Field 999 (length-delimited, "x"): a field this build does not know.
const std::string kUnknownField("\xba\x3e\x01\x78", 4);

v1::Command Adopt() {
  v1::Command command;
  command.set_command_id("adopt");
  command.set_region("haaglanden");
  command.mutable_actor()->set_id("bureau");
  command.mutable_actor()->set_role(v1::ROLE_BUREAU);
  v1::AdoptFramework& adopt = *command.mutable_adopt_framework();
  adopt.set_framework_id("H10");
  adopt.add_municipalities("Delft");
  v1::Lot& lot = *adopt.add_lots();
  lot.set_code("ambulatory");
  lot.set_name("Ambulatory youth care");
  adopt.set_period_start("2015-01-01");
  adopt.set_period_end("2016-12-31");
  return command;
}

v1::Command Budget(const std::string& id, int64_t cents) {
  v1::Command command;
  command.set_command_id(id);
  command.set_region("haaglanden");
  command.mutable_actor()->set_id("Delft");
  command.mutable_actor()->set_role(v1::ROLE_MUNICIPALITY);
  v1::SetBudget& set = *command.mutable_set_budget();
  set.set_municipality("Delft");
  set.set_year(2016);
  set.set_source(v1::BUDGET_SOURCE_MAY_CIRCULAR);
  set.set_amount_cents(cents);
  return command;
}

// `event` as a newer build would write it: with `extra` bytes of fields
// this build does not know, hashed and signed over all of it.
std::string FromNewerSchema(const v1::Event& event, const std::string& extra) {
  return SealedRecordOfBytes(EventBytes(event) + extra, event, &testing::TestSigningKey());
}

class ForwardCompatibilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Projection::Open(dir_.Sub("db"), testing::TestProjectionOptions());
    ASSERT_THAT(opened.status(), IsOk());
    projection_ = std::move(*opened);
    Outcome adopted = handler_.HandleAuthenticated(Adopt(), absl::Now());
    ASSERT_EQ(adopted.events.size(), 1u);
    ASSERT_THAT(Apply(testing::Signed(adopted.events[0])), IsOk());
  }

  absl::Status Apply(const std::string& bytes) {
    return projection_->Apply(kTopic, 0, Offset(offset_++), bytes);
  }

  testing::TempDir dir_;
  std::unique_ptr<Projection> projection_;
  CommandHandler handler_;
  int64_t offset_ = 0;
};

TEST_F(ForwardCompatibilityTest, UnknownFieldsBesideAKnownPayloadAreToleratedSilently) {
  Outcome budget = handler_.HandleAuthenticated(Budget("b1", 120'000'00), absl::Now());
  ASSERT_EQ(budget.events.size(), 1u);
  // A newer writer's event: the same event with an unknown field; its hash
  // and signature cover the field too, and verify in this build.
  const std::string bytes = FromNewerSchema(budget.events[0], kUnknownField);
  absl::StatusOr<ReadEvent> parsed = OpenRecord(bytes);
  ASSERT_THAT(parsed.status(), IsOk());
  EXPECT_THAT(VerifyRecordSignature(*parsed, testing::TestKeyRing()), IsOk());
  EXPECT_NE(parsed->event.hash(), budget.events[0].hash());

  ASSERT_THAT(Apply(bytes), IsOk());
  ASSERT_THAT(projection_->Commit(), IsOk());
  EXPECT_EQ(projection_->counters().applied, 2u);
  EXPECT_EQ(projection_->counters().parked, 0u);
  auto state = projection_->Region("haaglanden");
  ASSERT_THAT(state.status(), IsOk());
  EXPECT_EQ((*state)->municipalities.at("Delft").years.at(2016).budget_cents, 120'000'00);
}

TEST_F(ForwardCompatibilityTest, UnknownPayloadIsParkedAndTheChainGoesOn) {
  // A newer schema's event at sequence 2: envelope only, payload in a field
  // this build does not know.
  v1::Event newer;
  newer.set_region("haaglanden");
  newer.set_sequence(2);
  newer.set_event_id("haaglanden/2");
  newer.set_schema_version(2);
  newer.set_previous_hash(handler_.State("haaglanden").last_hash);
  const std::string newer_bytes = FromNewerSchema(newer, kUnknownField);
  absl::StatusOr<ReadEvent> parsed = OpenRecord(newer_bytes);
  ASSERT_THAT(parsed.status(), IsOk());
  ASSERT_THAT(handler_.SkipPayload(parsed->event), IsOk());  // the engine side keeps the chain too

  Outcome budget = handler_.HandleAuthenticated(Budget("b2", 50'000'00), absl::Now());
  ASSERT_EQ(budget.events.size(), 1u);
  EXPECT_EQ(budget.events[0].sequence(), 3u);

  ASSERT_THAT(Apply(newer_bytes), IsOk());
  ASSERT_THAT(Apply(testing::Signed(budget.events[0])), IsOk());
  ASSERT_THAT(projection_->Commit(), IsOk());
  EXPECT_EQ(projection_->counters().parked, 1u);
  EXPECT_EQ(projection_->counters().applied, 2u);

  auto reader = ProjectionReader::Open(dir_.Sub("db"));
  ASSERT_THAT(reader.status(), IsOk());
  auto parked = (*reader)->Parked();
  ASSERT_THAT(parked.status(), IsOk());
  ASSERT_EQ(parked->size(), 1u);
  EXPECT_EQ((*parked)[0].sequence(), 2u);
  EXPECT_EQ((*parked)[0].offset(), 1);
  EXPECT_THAT((*parked)[0].reason(), HasSubstr("payload unknown to this build (schema_version 2)"));
  auto view = (*reader)->Budget("haaglanden", "Delft", 2016);
  ASSERT_THAT(view.status(), IsOk());
  ASSERT_TRUE(view->has_value());
  EXPECT_EQ((*view)->budget_cents(), 50'000'00);
  EXPECT_EQ((*view)->as_of_sequence(), 3u);
}

}  // namespace
}  // namespace inkoop
