// What a subscriber is told on the command line: where to start and which
// kinds of events to print, with errors that name what was wrong.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/subscriber.h"
#include "tools/inkoopctl/tail.h"

namespace inkoop {
namespace {

using ::testing::HasSubstr;

TEST(Position, ParsesTheWordsTimesAndDays) {
  EXPECT_EQ(Position::Parse("beginning")->kind(), Position::Kind::kBeginning);
  EXPECT_EQ(Position::Parse("latest")->kind(), Position::Kind::kLatest);
  absl::StatusOr<Position> day = Position::Parse("2026-12-01");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->kind(), Position::Kind::kTime);
  EXPECT_EQ(day->ToString(), "2026-12-01T00:00:00Z");
  EXPECT_EQ(Position::Parse("2026-12-01T10:30:00+01:00")->ToString(), "2026-12-01T09:30:00Z");
  EXPECT_EQ(Position::Offsets({{0, 12}, {2, 7}}).ToString(), "0@12, 2@7");
  absl::StatusOr<Position> bad = Position::Parse("yesterday");
  EXPECT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              HasSubstr("expected beginning, latest, an RFC 3339 time or a day YYYY-MM-DD, got "
                        "'yesterday'"));
}

TEST(EventTypes, AreThePayloadNamesOfEvent) {
  absl::StatusOr<std::set<std::string>> types = ParseEventTypes("contract_signed, claim_recorded,unknown");
  ASSERT_TRUE(types.ok()) << types.status();
  EXPECT_EQ(*types, (std::set<std::string>{"claim_recorded", "contract_signed", "unknown"}));
  // An envelope field is not a kind of event.
  EXPECT_THAT(ParseEventTypes("region").status().message(),
              HasSubstr("--type: 'region' is not an event type"));
  EXPECT_FALSE(ParseEventTypes(",").ok());
}

TEST(EventLine, CarriesWhereItWasReadAndThePayloadName) {
  SubscribedEvent delivered;
  delivered.at = {"inkoop.events", 1, 42};
  delivered.event.set_region("haaglanden");
  delivered.event.set_sequence(7);
  delivered.event.mutable_budget_set()->set_municipality("Delft");
  EXPECT_EQ(EventLine(delivered),
            "{\"partition\":1,\"offset\":42,\"signed\":false,\"payload\":\"budget_set\",\"event\":"
            "{\"region\":\"haaglanden\",\"sequence\":\"7\",\"budgetSet\":{\"municipality\":"
            "\"Delft\"}}}");
  delivered.event.clear_budget_set();
  EXPECT_THAT(EventLine(delivered), HasSubstr("\"payload\":\"unknown\""));
}

}  // namespace
}  // namespace inkoop
