// The projection database on a real RocksDB in a temporary directory: events
// come from a CommandHandler (or are chained by hand), read models are read
// back through ProjectionReader after reopening.
#include "projections/projection.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/command_handler.h"
#include "engine/envelope.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "projections/reader.h"
#include "tests/testing/records.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace inkoop {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::SizeIs;

constexpr char kRegion[] = "haaglanden";
constexpr char kTopic[] = "inkoop.events";
constexpr int32_t kPartition = 0;
// Not a protobuf: 'g' is field 12 with wire type 7, which does not exist.
constexpr char kGarbage[] = "garbage, not an event";

v1::Command ParseCommand(const std::string& id, const std::string& text) {
  v1::Command command;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &command)) << text;
  command.set_command_id(id);
  command.set_region(kRegion);
  return command;
}

std::vector<v1::Command> Cycle() {
  return {
      ParseCommand("adopt", R"pb(
        actor { id: "bureau" role: ROLE_BUREAU }
        adopt_framework {
          framework_id: "H10-2016"
          municipalities: [ "Den Haag", "Delft" ]
          lots { code: "ambulatory" name: "Ambulatory youth care" }
          lots { code: "housing" name: "Housing and guidance" }
          period_start: "2016-01-01"
          period_end: "2017-12-31"
        }
      )pb"),
      ParseCommand("budget", R"pb(
        actor { id: "Delft" role: ROLE_MUNICIPALITY }
        set_budget {
          municipality: "Delft"
          year: 2016
          source: BUDGET_SOURCE_MAY_CIRCULAR
          amount_cents: 120000050
        }
      )pb"),
      ParseCommand("plan", R"pb(
        actor { id: "Delft" role: ROLE_MUNICIPALITY }
        submit_local_plan {
          municipality: "Delft"
          year: 2016
          lots { lot: "ambulatory" amount_cents: 70000000 }
          lots { lot: "housing" amount_cents: 30000000 }
        }
      )pb"),
  };
}

// The events of Cycle() as the engine produced them: adopted, budget set,
// plan submitted.
std::vector<v1::Event> CycleEvents() {
  CommandHandler handler;
  std::vector<v1::Event> events;
  for (const v1::Command& command : Cycle()) {
    Outcome outcome = handler.HandleAuthenticated(command, absl::FromUnixSeconds(1462060800));
    EXPECT_TRUE(outcome.result.accepted()) << outcome.result.message();
    for (v1::Event& event : outcome.events) events.push_back(std::move(event));
  }
  return events;
}

// Renumbers and re-seals `events` into one chain of region kRegion.
std::vector<v1::Event> Chained(std::vector<v1::Event> events) {
  std::string previous;
  for (size_t i = 0; i < events.size(); ++i) {
    v1::Event& event = events[i];
    event.set_region(kRegion);
    event.set_sequence(i + 1);
    event.set_event_id(absl::StrCat(kRegion, "/", i + 1));
    event.set_previous_hash(previous);
    Seal(event);
    previous = event.hash();
  }
  return events;
}

std::vector<std::string> Serialized(const std::vector<v1::Event>& events) {
  std::vector<std::string> out;
  for (const v1::Event& event : events) out.push_back(testing::Signed(event));
  return out;
}

class ProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    absl::StatusOr<std::unique_ptr<Projection>> opened = Projection::Open(path_, testing::TestProjectionOptions());
    ASSERT_THAT(opened, IsOk());
    projection_ = std::move(*opened);
  }

  // Closes the database without committing what is pending: a crash as far
  // as the projection is concerned.
  void Close() { projection_.reset(); }

  void Reopen() {
    Close();
    Open();
  }

  // Applies `values` at offsets first, first+1, ...
  void ApplyAll(const std::vector<std::string>& values, int64_t first = 0) {
    for (size_t i = 0; i < values.size(); ++i) {
      ASSERT_THAT(projection_->Apply(kTopic, kPartition, Offset(first + static_cast<int64_t>(i)),
                                     values[i]),
                  IsOk());
    }
  }

  Offset Resume() {
    absl::StatusOr<Offset> offset = projection_->ResumeOffset(kTopic, kPartition);
    EXPECT_THAT(offset, IsOk());
    return offset.value_or(Offset(-1));
  }

  std::unique_ptr<ProjectionReader> Reader() {
    absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(path_);
    EXPECT_THAT(reader, IsOk());
    return reader.ok() ? std::move(*reader) : nullptr;
  }

  std::optional<v1::BudgetView> ReadBudget(const std::string& municipality, int32_t year) {
    std::unique_ptr<ProjectionReader> reader = Reader();
    if (reader == nullptr) return std::nullopt;
    absl::StatusOr<std::optional<v1::BudgetView>> view = reader->Budget(kRegion, municipality, year);
    EXPECT_THAT(view, IsOk());
    return view.value_or(std::nullopt);
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.Sub("projection");
  std::unique_ptr<Projection> projection_;
};

TEST_F(ProjectionTest, ANewDatabaseResumesAtOffsetZero) {
  EXPECT_EQ(Resume(), Offset(0));
  absl::StatusOr<Offset> other = projection_->ResumeOffset("other.topic", 3);
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(*other, Offset(0));
}

TEST_F(ProjectionTest, ReaderRefusesAPathWithoutDatabase) {
  EXPECT_THAT(ProjectionReader::Open(dir_.Sub("nothing-here")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no projection database at")));
}

TEST_F(ProjectionTest, CommittedEventsSurviveReopenAndShowInTheBudgetView) {
  ApplyAll(Serialized(CycleEvents()), 10);
  EXPECT_EQ(projection_->counters().applied, 3u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  EXPECT_EQ(Resume(), Offset(13));

  Reopen();
  EXPECT_EQ(Resume(), Offset(13));
  std::optional<v1::BudgetView> view = ReadBudget("Delft", 2016);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->region(), kRegion);
  EXPECT_EQ(view->municipality(), "Delft");
  EXPECT_EQ(view->year(), 2016);
  EXPECT_EQ(view->source(), v1::BUDGET_SOURCE_MAY_CIRCULAR);
  EXPECT_EQ(view->budget_cents(), 120000050);
  EXPECT_EQ(view->planned_cents(), 100000000);
  EXPECT_EQ(view->unplanned_cents(), 20000050);
  EXPECT_TRUE(view->plan_submitted());
  EXPECT_EQ(view->as_of_sequence(), 3u);
  ASSERT_EQ(view->lots_size(), 2);
  EXPECT_EQ(view->lots(0).lot(), "ambulatory");
  EXPECT_EQ(view->lots(0).name(), "Ambulatory youth care");
  EXPECT_EQ(view->lots(0).planned_cents(), 70000000);
  EXPECT_EQ(view->lots(0).uncommitted_cents(), 70000000);
  EXPECT_EQ(view->lots(1).lot(), "housing");
  EXPECT_EQ(view->lots(1).planned_cents(), 30000000);

  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::map<int32_t, int64_t>> offsets = reader->Offsets(kTopic, 2);
  ASSERT_THAT(offsets, IsOk());
  EXPECT_EQ(offsets->at(0), 13);
  EXPECT_EQ(offsets->at(1), 0);
  absl::StatusOr<std::optional<RegionState>> region = reader->Region(kRegion);
  ASSERT_THAT(region, IsOk());
  ASSERT_TRUE(region->has_value());
  EXPECT_EQ((*region)->sequence, Sequence(3));
  EXPECT_EQ((*region)->last_hash, CycleEvents().back().hash());
  EXPECT_THAT(reader->Budget(kRegion, "Den Haag", 2016), IsOk());
  EXPECT_EQ(reader->Budget(kRegion, "Den Haag", 2016).value(), std::nullopt);
}

TEST_F(ProjectionTest, BudgetViewsOfEveryYearAreListedOldestFirst) {
  std::vector<v1::Command> commands = Cycle();
  v1::Command budget_2017 = commands[1];
  budget_2017.set_command_id("budget-2017");
  budget_2017.mutable_set_budget()->set_year(2017);
  budget_2017.mutable_set_budget()->set_amount_cents(5);
  CommandHandler handler;
  std::vector<std::string> values;
  for (const v1::Command& command : {commands[0], budget_2017, commands[1]}) {
    for (const v1::Event& event : handler.HandleAuthenticated(command, absl::UnixEpoch()).events) {
      values.push_back(testing::Signed(event));
    }
  }
  ApplyAll(values);
  ASSERT_THAT(projection_->Commit(), IsOk());
  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::vector<v1::BudgetView>> views = reader->Budgets(kRegion, "Delft");
  ASSERT_THAT(views, IsOk());
  ASSERT_THAT(*views, SizeIs(2));
  EXPECT_EQ((*views)[0].year(), 2016);
  EXPECT_EQ((*views)[1].year(), 2017);
  EXPECT_EQ((*views)[1].budget_cents(), 5);
}

TEST_F(ProjectionTest, ApplyingTheSameOffsetsAgainAfterReopenIsSkipped) {
  const std::vector<std::string> values = Serialized(CycleEvents());
  ApplyAll(values);
  ASSERT_THAT(projection_->Commit(), IsOk());
  Reopen();
  const std::optional<v1::BudgetView> before = ReadBudget("Delft", 2016);
  ASSERT_TRUE(before.has_value());

  ApplyAll(values);
  EXPECT_EQ(projection_->counters().skipped_duplicates, 3u);
  EXPECT_EQ(projection_->counters().applied, 0u);
  EXPECT_EQ(projection_->counters().parked, 0u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  EXPECT_EQ(Resume(), Offset(3));

  Reopen();
  const std::optional<v1::BudgetView> after = ReadBudget("Delft", 2016);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(MessageDifferencer::Equals(*before, *after)) << before->ShortDebugString() << "\nvs\n"
                                                           << after->ShortDebugString();
  absl::StatusOr<const RegionState*> region = projection_->Region(kRegion);
  ASSERT_THAT(region, IsOk());
  EXPECT_EQ((*region)->sequence, Sequence(3));
}

TEST_F(ProjectionTest, AnEventRedeliveredAtALaterOffsetIsSkipped) {
  const std::vector<std::string> values = Serialized(CycleEvents());
  ApplyAll(values);
  ApplyAll({values[1]}, 3);
  EXPECT_EQ(projection_->counters().skipped_duplicates, 1u);
  EXPECT_EQ(projection_->counters().applied, 3u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  EXPECT_EQ(Resume(), Offset(4));
  EXPECT_EQ(ReadBudget("Delft", 2016)->budget_cents(), 120000050);
}

// An event at a sequence the region already holds, with content of its own
// and a hash recomputed over it: a conflict, parked with both hashes and
// counted, never taken for a duplicate delivery.
v1::Event Forged(const std::vector<v1::Event>& events, size_t index) {
  v1::Event forged = events[index];
  forged.mutable_budget_set()->set_amount_cents(1);
  Seal(forged);
  return forged;
}

TEST_F(ProjectionTest, ASequenceHeldWithAnotherHashIsAConflictNotADuplicate) {
  const std::vector<v1::Event> events = CycleEvents();
  const v1::Event forged = Forged(events, 1);
  ASSERT_EQ(forged.sequence(), 2u);
  ASSERT_EQ(forged.previous_hash(), events[0].hash());
  ApplyAll({testing::Signed(events[0]), testing::Signed(events[1]),
            testing::Unsigned(forged), testing::Signed(events[2])});
  EXPECT_EQ(projection_->counters().applied, 3u);
  EXPECT_EQ(projection_->counters().conflicts, 1u);
  EXPECT_EQ(projection_->counters().parked, 1u);
  EXPECT_EQ(projection_->counters().skipped_duplicates, 0u);
  ASSERT_THAT(projection_->Commit(), IsOk());

  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::vector<v1::ParkedEvent>> parked = reader->Parked();
  ASSERT_THAT(parked, IsOk());
  ASSERT_THAT(*parked, SizeIs(1));
  EXPECT_EQ((*parked)[0].offset(), 2);
  EXPECT_EQ((*parked)[0].sequence(), 2u);
  EXPECT_THAT((*parked)[0].reason(),
              AllOf(HasSubstr("conflict: region 'haaglanden' already holds sequence 2 with hash " +
                              absl::BytesToHexString(events[1].hash())),
                    HasSubstr("claims it with hash " + absl::BytesToHexString(forged.hash()))));
  EXPECT_EQ(reader->Metric("conflicts").value(), 1u);
  EXPECT_EQ(reader->Metric("skipped_duplicates").value(), 0u);
  EXPECT_EQ(ReadBudget("Delft", 2016)->budget_cents(), 120000050);
}

TEST_F(ProjectionTest, ConflictsBelowTheHeadAreFoundAfterAReopenToo) {
  const std::vector<std::string> values = Serialized(CycleEvents());
  ApplyAll(values);
  ASSERT_THAT(projection_->Commit(), IsOk());
  Reopen();  // the hashes of sequences 1 and 2 now come from the store only
  const std::vector<v1::Event> events = CycleEvents();
  ApplyAll({testing::Unsigned(Forged(events, 1)), values[1]}, 3);
  EXPECT_EQ(projection_->counters().conflicts, 1u);
  EXPECT_EQ(projection_->counters().skipped_duplicates, 1u);
  EXPECT_EQ(projection_->counters().applied, 0u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  EXPECT_EQ(ReadBudget("Delft", 2016)->budget_cents(), 120000050);
}

// A forged event that arrives before the engine's own, at the same
// sequence and linking to the same head, is held for want of a signature;
// the engine's signed event is admitted and the forgery parked as a
// conflict.
TEST_F(ProjectionTest, TheRealSignedEventWinsOverAForgedOneThatCameFirst) {
  const std::vector<v1::Event> events = CycleEvents();
  const v1::Event forged = Forged(events, 1);
  ApplyAll({testing::Signed(events[0]), testing::Unsigned(forged), testing::Signed(events[1]),
            testing::Signed(events[2])});
  EXPECT_EQ(projection_->counters().applied, 3u);
  EXPECT_EQ(projection_->counters().conflicts, 1u);
  EXPECT_EQ(projection_->counters().skipped_duplicates, 0u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::vector<v1::ParkedEvent>> parked = reader->Parked();
  ASSERT_THAT(parked, IsOk());
  ASSERT_THAT(*parked, SizeIs(1));
  EXPECT_EQ((*parked)[0].offset(), 1);
  EXPECT_THAT((*parked)[0].reason(), HasSubstr("conflict: region 'haaglanden' sequence 2 is held "
                                               "by the signed chain"));
  EXPECT_EQ(ReadBudget("Delft", 2016)->budget_cents(), 120000050);
  EXPECT_EQ(projection_->admission().held(), 0u);
}

// A forged event signed with a key nobody trusts is parked at once.
TEST_F(ProjectionTest, AnEventSignedByAnUnknownKeyIsParked) {
  const std::vector<v1::Event> events = CycleEvents();
  absl::StatusOr<SigningKey> other = SigningKey::FromSeed(std::string(32, '\x01'));
  ASSERT_THAT(other, IsOk());
  ApplyAll({testing::Signed(events[0]), SealedRecord(Forged(events, 1), &*other),
            testing::Signed(events[1])});
  EXPECT_EQ(projection_->counters().applied, 2u);
  EXPECT_EQ(projection_->counters().parked, 1u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  absl::StatusOr<std::vector<v1::ParkedEvent>> parked = Reader()->Parked();
  ASSERT_THAT(parked, IsOk());
  ASSERT_THAT(*parked, SizeIs(1));
  EXPECT_THAT((*parked)[0].reason(),
              HasSubstr("event haaglanden/2: signed by unknown key '" + other->key_id() + "'"));
}

// Bytes changed after signing: the hash of what is stored no longer is the
// one the signature names.
TEST_F(ProjectionTest, AChangedEventFailsItsSignature) {
  const std::vector<v1::Event> events = CycleEvents();
  v1::SealedEvent sealed;
  ASSERT_TRUE(sealed.ParseFromString(testing::Signed(events[1])));
  v1::Event changed;
  ASSERT_TRUE(changed.ParseFromString(sealed.event()));
  changed.mutable_budget_set()->set_amount_cents(1);
  sealed.set_event(EventBytes(changed));
  ApplyAll({testing::Signed(events[0]), sealed.SerializeAsString()});
  EXPECT_EQ(projection_->counters().applied, 1u);
  EXPECT_EQ(projection_->counters().parked, 1u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  absl::StatusOr<std::vector<v1::ParkedEvent>> parked = Reader()->Parked();
  ASSERT_THAT(parked, IsOk());
  ASSERT_THAT(*parked, SizeIs(1));
  EXPECT_THAT((*parked)[0].reason(), HasSubstr("does not verify"));
}

// Events before the last of a transaction wait for its signature, across a
// restart too: what is held is committed with the offsets.
TEST_F(ProjectionTest, UnsignedEventsAreHeldUntilTheSignedOneAcrossARestart) {
  const std::vector<std::string> records = testing::Transaction(CycleEvents());
  ApplyAll({records[0], records[1]});
  EXPECT_EQ(projection_->counters().applied, 0u);
  EXPECT_EQ(projection_->admission().held(), 2u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  Reopen();
  EXPECT_EQ(Resume(), Offset(2));
  EXPECT_EQ(projection_->admission().held(), 2u);
  ApplyAll({records[2]}, 2);
  EXPECT_EQ(projection_->counters().applied, 3u);
  EXPECT_EQ(projection_->admission().held(), 0u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  Reopen();
  EXPECT_EQ(projection_->admission().held(), 0u);
  EXPECT_TRUE(ReadBudget("Delft", 2016)->plan_submitted());
}

TEST_F(ProjectionTest, AnEventOfSequenceZeroIsParked) {
  v1::Event event = CycleEvents()[0];
  event.set_sequence(0);
  Seal(event);
  ApplyAll({testing::Signed(event)});
  EXPECT_EQ(projection_->counters().parked, 1u);
  EXPECT_EQ(projection_->counters().conflicts, 0u);
}

TEST_F(ProjectionTest, GarbageBytesAreParkedAndTheFollowingEventsStillApply) {
  const std::vector<std::string> values = Serialized(CycleEvents());
  ApplyAll({values[0], kGarbage, values[1], values[2]});
  EXPECT_EQ(projection_->counters().parked, 1u);
  EXPECT_EQ(projection_->counters().applied, 3u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  EXPECT_EQ(Resume(), Offset(4));
  Reopen();

  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::vector<v1::ParkedEvent>> parked = reader->Parked();
  ASSERT_THAT(parked, IsOk());
  ASSERT_THAT(*parked, SizeIs(1));
  EXPECT_EQ((*parked)[0].topic(), kTopic);
  EXPECT_EQ((*parked)[0].partition(), kPartition);
  EXPECT_EQ((*parked)[0].offset(), 1);
  EXPECT_THAT((*parked)[0].reason(), HasSubstr("not a decodable inkoop.v1.SealedEvent"));
  EXPECT_EQ((*parked)[0].value(), kGarbage);

  absl::StatusOr<std::optional<v1::BudgetView>> view = reader->Budget(kRegion, "Delft", 2016);
  ASSERT_THAT(view, IsOk());
  ASSERT_TRUE(view->has_value());
  EXPECT_EQ((*view)->budget_cents(), 120000050);
  EXPECT_TRUE((*view)->plan_submitted());
}

TEST_F(ProjectionTest, AnEventWithoutRegionIsParked) {
  v1::Event event = CycleEvents()[0];
  event.clear_region();
  ApplyAll({testing::Signed(event)});
  ASSERT_THAT(projection_->Commit(), IsOk());
  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::vector<v1::ParkedEvent>> parked = reader->Parked();
  ASSERT_THAT(parked, IsOk());
  ASSERT_THAT(*parked, SizeIs(1));
  EXPECT_THAT((*parked)[0].reason(), HasSubstr("event has no region"));
  EXPECT_EQ((*parked)[0].sequence(), 1u);
}

TEST_F(ProjectionTest, AnEventWithUnknownPayloadIsParkedAndTheChainAdvancesPastIt) {
  std::vector<v1::Event> events = CycleEvents();
  v1::Event unknown = events[1];
  unknown.clear_payload();  // what an older build sees of a newer payload
  events.insert(events.begin() + 2, unknown);
  events = Chained(std::move(events));  // adopted, budget set, unknown, plan
  ApplyAll(Serialized(events));
  EXPECT_EQ(projection_->counters().parked, 1u);
  EXPECT_EQ(projection_->counters().applied, 3u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  Reopen();

  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::vector<v1::ParkedEvent>> parked = reader->Parked();
  ASSERT_THAT(parked, IsOk());
  ASSERT_THAT(*parked, SizeIs(1));
  EXPECT_EQ((*parked)[0].offset(), 2);
  EXPECT_EQ((*parked)[0].region(), kRegion);
  EXPECT_EQ((*parked)[0].sequence(), 3u);
  EXPECT_THAT((*parked)[0].reason(), HasSubstr("payload unknown to this build"));

  absl::StatusOr<std::optional<v1::BudgetView>> view = reader->Budget(kRegion, "Delft", 2016);
  ASSERT_THAT(view, IsOk());
  ASSERT_TRUE(view->has_value());
  EXPECT_TRUE((*view)->plan_submitted());
  EXPECT_EQ((*view)->planned_cents(), 100000000);
  EXPECT_EQ((*view)->as_of_sequence(), 4u);
  absl::StatusOr<std::optional<RegionState>> region = reader->Region(kRegion);
  ASSERT_THAT(region, IsOk());
  ASSERT_TRUE(region->has_value());
  EXPECT_EQ((*region)->sequence, Sequence(4));
  EXPECT_EQ((*region)->last_hash, events.back().hash());
}

TEST_F(ProjectionTest, AnEventBreakingTheChainIsParkedAndTheRightOneStillApplies) {
  std::vector<v1::Event> events = CycleEvents();
  v1::Event forged = events[1];
  forged.mutable_budget_set()->set_amount_cents(1);
  forged.set_previous_hash(std::string(32, '\x07'));
  Seal(forged);
  ApplyAll({testing::Signed(events[0]), testing::Unsigned(forged),
            testing::Signed(events[1]), testing::Signed(events[2])});
  EXPECT_EQ(projection_->counters().parked, 1u);
  EXPECT_EQ(projection_->counters().applied, 3u);
  ASSERT_THAT(projection_->Commit(), IsOk());

  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::vector<v1::ParkedEvent>> parked = reader->Parked();
  ASSERT_THAT(parked, IsOk());
  ASSERT_THAT(*parked, SizeIs(1));
  EXPECT_EQ((*parked)[0].offset(), 1);
  EXPECT_THAT((*parked)[0].reason(), HasSubstr("previous_hash"));
  EXPECT_EQ(ReadBudget("Delft", 2016)->budget_cents(), 120000050);
}

TEST_F(ProjectionTest, AnEventAfterAGapIsParked) {
  std::vector<v1::Event> events = CycleEvents();
  ApplyAll({testing::Signed(events[0]), testing::Signed(events[2])});
  EXPECT_EQ(projection_->counters().parked, 1u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::vector<v1::ParkedEvent>> parked = reader->Parked();
  ASSERT_THAT(parked, IsOk());
  ASSERT_THAT(*parked, SizeIs(1));
  EXPECT_THAT((*parked)[0].reason(), HasSubstr("no event read at sequence 2"));
  EXPECT_EQ((*parked)[0].sequence(), 3u);
}

TEST_F(ProjectionTest, NothingAppliedWithoutCommitIsVisibleAfterACrash) {
  ApplyAll(Serialized(CycleEvents()));
  EXPECT_EQ(projection_->counters().applied, 3u);
  Reopen();  // no Commit

  EXPECT_EQ(Resume(), Offset(0));
  absl::StatusOr<const RegionState*> region = projection_->Region(kRegion);
  ASSERT_THAT(region, IsOk());
  EXPECT_EQ((*region)->sequence, Sequence(0));
  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->Budget(kRegion, "Delft", 2016).value(), std::nullopt);
  EXPECT_EQ(reader->Region(kRegion).value(), std::nullopt);
  EXPECT_THAT(reader->RegionNames().value(), IsEmpty());
}

TEST_F(ProjectionTest, ACrashLosesOnlyWhatCameAfterTheLastCommit) {
  const std::vector<std::string> values = Serialized(CycleEvents());
  ApplyAll({values[0], values[1]});
  ASSERT_THAT(projection_->Commit(), IsOk());
  ApplyAll({values[2], kGarbage}, 2);
  Reopen();  // crash before the second Commit

  EXPECT_EQ(Resume(), Offset(2));
  std::optional<v1::BudgetView> view = ReadBudget("Delft", 2016);
  ASSERT_TRUE(view.has_value());
  EXPECT_FALSE(view->plan_submitted());
  EXPECT_EQ(view->as_of_sequence(), 2u);
  std::unique_ptr<ProjectionReader> reader = Reader();
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->Parked().value(), IsEmpty());

  // Resuming from the stored offset applies the lost event, once.
  ApplyAll({values[2]}, 2);
  EXPECT_EQ(projection_->counters().applied, 1u);
  EXPECT_EQ(projection_->counters().skipped_duplicates, 0u);
  ASSERT_THAT(projection_->Commit(), IsOk());
  EXPECT_EQ(Resume(), Offset(3));
  EXPECT_THAT(ReadBudget("Delft", 2016),
              Optional(::testing::Property(&v1::BudgetView::plan_submitted, true)));
}

TEST_F(ProjectionTest, CommitWithNothingAppliedWritesNothing) {
  ASSERT_THAT(projection_->Commit(), IsOk());
  EXPECT_EQ(projection_->counters().commits, 0u);
  EXPECT_EQ(Resume(), Offset(0));
}

}  // namespace
}  // namespace inkoop
