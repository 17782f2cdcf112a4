// The auditor's commands against a real broker: inkoopctl replay, verify,
// checkpoint and show --as-of on a history the real engine wrote, and verify
// on copies of that history tampered with as someone who can write to the
// events topic would: a changed payload, a removed event, two swapped
// events, a forged event with its hash recomputed, a history rewritten from
// its first event with a fresh key.
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "engine/envelope.h"
#include "engine/kafka/partition_reader.h"
#include "engine/signing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/reader.h"
#include "tests/integration/cluster.h"
#include "tools/client/submitter.h"
#include "tools/loadgen/region_year.h"

namespace inkoop::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Record {
  std::string key;
  std::string value;
};

// Every committed record of the events topic's `partition`, in order.
std::vector<Record> RawRecords(const KafkaOptions& options, int32_t partition) {
  std::vector<Record> records;
  absl::Status read = ReadPartitionToEnd(
      options, options.events_topic(), partition, Offset(0), [&](const RdKafka::Message& m) {
        records.push_back(
            Record{std::string(MessageKey(m)),
                   std::string(static_cast<const char*>(m.payload()), m.len())});
        return absl::OkStatus();
      });
  EXPECT_TRUE(read.ok()) << read;
  return records;
}

// Writes `records` to the events topic of `options` as someone outside the
// engine would: a plain producer, no transaction.
void Produce(const KafkaOptions& options, int32_t partition, const std::vector<Record>& records) {
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = MakeConf(options, {});
  ASSERT_TRUE(conf.ok());
  std::string error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf->get(), error));
  ASSERT_NE(producer, nullptr) << error;
  for (const Record& record : records) {
    ASSERT_EQ(producer->produce(options.events_topic(), partition, RdKafka::Producer::RK_MSG_COPY,
                                const_cast<char*>(record.value.data()), record.value.size(),
                                record.key.data(), record.key.size(), 0, nullptr),
              RdKafka::ERR_NO_ERROR);
  }
  ASSERT_EQ(producer->flush(10'000), RdKafka::ERR_NO_ERROR);
}

v1::Event DecodedEvent(const Record& record) {
  absl::StatusOr<ReadEvent> read = OpenRecord(record.value);
  EXPECT_TRUE(read.ok()) << read.status();
  return read.ok() ? read->event : v1::Event();
}

v1::Command Dated(v1::Command command, int64_t unix_seconds) {
  command.mutable_occurred_at()->set_seconds(unix_seconds);
  return command;
}

constexpr int64_t kJune2015 = 1433116800;  // 2015-06-01
constexpr int64_t kDay = 86400;

class AuditorTest : public ::testing::Test {
 protected:
  // A history of region "north" written by the real engine: the framework,
  // then eight budgets, one a day from 2015-06-02, several per transaction.
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '-');
    options_ = FreshTopics(name);
    engine_ = StartEngine(options_, dir_);
    projector_ = StartProjector(options_, dir_, db_);
    absl::StatusOr<std::unique_ptr<Submitter>> submitter =
        ConnectSigned(options_, absl::Seconds(30));
    ASSERT_TRUE(submitter.ok()) << submitter.status();
    submitter_ = std::move(*submitter);
    // The region runs on a manual clock: each budget's day is one clock
    // advance (an event) before it.
    auto adopted = submitter_->SubmitAll(
        OnClock(Dated(AdoptFramework("north", {"north-m0", "north-m1"}, {"lot-a"}), kJune2015)),
        absl::Seconds(60));
    ASSERT_TRUE(adopted.ok() && adopted->front().accepted()) << Tail(engine_->log_path());
    std::vector<v1::Command> budgets;
    for (int i = 0; i < 8; ++i) {
      clock_.Play(Dated(SetBudget("north", i % 2 ? "north-m1" : "north-m0", 2016,
                                  1'000'000'00 + i),
                        kJune2015 + (i + 1) * kDay),
                  budgets);
    }
    auto results = submitter_->SubmitAll(budgets, absl::Seconds(60));
    ASSERT_TRUE(results.ok()) << results.status();
    for (const v1::CommandResult& r : *results) ASSERT_TRUE(r.accepted()) << r.message();
    ASSERT_NE(AwaitProjection(db_, {{"north", kLast}}, absl::Now() + absl::Seconds(60),
                              projector_->log_path()),
              nullptr);
    partition_ = PartitionFor("north", 3);
  }

  RunResult Ctl(const KafkaOptions& options, std::vector<std::string> args) {
    std::vector<std::string> argv = {INKOOPCTL_PATH, args[0], "--brokers", options.brokers,
                                     "--topic-prefix", options.topic_prefix};
    argv.insert(argv.end(), args.begin() + 1, args.end());
    return RunProgram(argv);
  }

  std::string Keys() const { return SigningKeyPath(dir_) + ".pub"; }

  // `command` with the clock advance its date needs before it.
  std::vector<v1::Command> OnClock(v1::Command command) {
    std::vector<v1::Command> out;
    clock_.Play(std::move(command), out);
    return out;
  }

  // The fixture's last event: the framework, then a clock advance and a
  // budget for each of eight days.
  static constexpr uint64_t kLast = 17;
  ScenarioClock clock_{TestActorKeys()};

  KafkaOptions options_;
  TempDir dir_;
  const std::string db_ = dir_.Sub("projection");
  std::unique_ptr<ChildProcess> engine_;
  std::unique_ptr<ChildProcess> projector_;
  std::unique_ptr<Submitter> submitter_;
  int32_t partition_ = 0;
};

TEST_F(AuditorTest, ReplayAndVerifyAgreeWithTheLiveProjection) {
  const std::vector<Record> records = RawRecords(options_, partition_);
  ASSERT_EQ(records.size(), kLast);
  int signed_count = 0;
  for (const Record& r : records) signed_count += OpenRecord(r.value)->is_signed() ? 1 : 0;
  EXPECT_LT(signed_count, static_cast<int>(kLast)) << "expected events before the last of a transaction unsigned";

  RunResult replayed = Ctl(options_, {"replay", "--db", dir_.Sub("replay"), "--keys", Keys()});
  ASSERT_EQ(replayed.exit_code, 0) << replayed.out << replayed.err;
  absl::StatusOr<std::unique_ptr<ProjectionReader>> live = ProjectionReader::Open(db_);
  ASSERT_TRUE(live.ok());
  absl::StatusOr<std::string> digest = (*live)->Digest("north");
  ASSERT_TRUE(digest.ok());
  EXPECT_THAT(replayed.out, HasSubstr("region north: last event north/17"));
  EXPECT_THAT(replayed.out, HasSubstr("state digest " + absl::BytesToHexString(*digest)));

  RunResult verified = Ctl(options_, {"verify", "--db", db_, "--keys", Keys()});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("digest north: " + absl::BytesToHexString(*digest) +
                                      " (replay equals the live projection)"));
  EXPECT_THAT(verified.out, HasSubstr("every event admitted"));
  EXPECT_THAT(verified.out, HasSubstr("\nOK\n"));

  // A replay into a database that holds files is refused.
  RunResult again = Ctl(options_, {"replay", "--db", dir_.Sub("replay"), "--keys", Keys()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("expected a new or empty directory"));
}

TEST_F(AuditorTest, AsOfEqualsAProjectionThatStoppedThen) {
  // The projection as it stood after the fifth budget (2015-06-06): stop the
  // projector there, write more, replay --as-of that day.
  projector_->Signal(SIGTERM);
  ASSERT_TRUE(projector_->Wait(absl::Seconds(20)).has_value());
  const std::string stopped_db = dir_.Sub("stopped");
  {
    // Replays up to the sequence of 2015-06-06 (the framework + five days).
    RunResult at = Ctl(options_, {"replay", "--region", "north", "--to-sequence", "11", "--db",
                                  stopped_db, "--keys", Keys()});
    ASSERT_EQ(at.exit_code, 0) << at.out << at.err;
  }
  auto later = submitter_->SubmitAll(
      OnClock(Dated(SetBudget("north", "north-m0", 2016, 5), kJune2015 + 30 * kDay)),
      absl::Seconds(60));
  ASSERT_TRUE(later.ok() && later->back().accepted()) << (later.ok() ? later->back().message() : "");

  RunResult as_of = Ctl(options_, {"replay", "--region", "north", "--as-of",
                                   "2015-06-06T23:59:59Z", "--db", dir_.Sub("as-of"), "--keys",
                                   Keys()});
  ASSERT_EQ(as_of.exit_code, 0) << as_of.out << as_of.err;
  absl::StatusOr<std::unique_ptr<ProjectionReader>> stopped = ProjectionReader::Open(stopped_db);
  ASSERT_TRUE(stopped.ok());
  absl::StatusOr<std::string> digest = (*stopped)->Digest("north");
  ASSERT_TRUE(digest.ok());
  EXPECT_THAT(as_of.out, HasSubstr("region north: last event north/11"));
  EXPECT_THAT(as_of.out, HasSubstr("state digest " + absl::BytesToHexString(*digest)));

  // The live projector stopped before the later budget: its state at that
  // moment is the as-of state of any time before the later budget happened.
  RunResult before_later = Ctl(options_, {"replay", "--region", "north", "--as-of", "2015-06-20",
                                          "--db", dir_.Sub("as-of-2"), "--keys", Keys()});
  ASSERT_EQ(before_later.exit_code, 0) << before_later.err;
  absl::StatusOr<std::unique_ptr<ProjectionReader>> live = ProjectionReader::Open(db_);
  ASSERT_TRUE(live.ok());
  EXPECT_THAT(before_later.out,
              HasSubstr("state digest " + absl::BytesToHexString((*live)->Digest("north").value())));

  RunResult shown = Ctl(options_, {"show", "budget", "--municipality", "north-m0", "--year", "2016",
                                   "--region", "north", "--as-of", "2015-06-03", "--keys", Keys()});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("1,000,000.00"));
}

// A tampering of the history, applied to a copy of the region's records.
struct Tampering {
  std::string name;
  std::function<std::vector<Record>(std::vector<Record>)> tamper;
  std::string names;  // what verify's output must name
};

class TamperedHistoryTest : public AuditorTest,
                            public ::testing::WithParamInterface<Tampering> {};

TEST_P(TamperedHistoryTest, VerifyFailsAndNamesTheEvent) {
  const std::vector<Record> original = RawRecords(options_, partition_);
  ASSERT_EQ(original.size(), kLast);
  const KafkaOptions copy = FreshTopics(absl::StrCat("tampered-", GetParam().name));
  Produce(copy, partition_, GetParam().tamper(original));

  RunResult verified = Ctl(copy, {"verify", "--db", dir_.Sub("no-projection"), "--keys", Keys()});
  EXPECT_EQ(verified.exit_code, 1) << verified.out << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("FAIL"));
  EXPECT_THAT(verified.out, HasSubstr(GetParam().names)) << verified.out;

  // The untampered copy verifies: the test can tell them apart.
  const KafkaOptions clean = FreshTopics(absl::StrCat("clean-", GetParam().name));
  Produce(clean, partition_, original);
  RunResult fine = Ctl(clean, {"verify", "--db", dir_.Sub("no-projection"), "--keys", Keys()});
  EXPECT_EQ(fine.exit_code, 0) << fine.out << fine.err;
}

std::vector<Record> ChangePayload(std::vector<Record> records) {
  v1::SealedEvent sealed;
  EXPECT_TRUE(sealed.ParseFromString(records[3].value));  // north/4
  v1::Event event;
  EXPECT_TRUE(event.ParseFromString(sealed.event()));
  event.mutable_budget_set()->set_amount_cents(1);
  sealed.set_event(EventBytes(event));
  records[3].value = sealed.SerializeAsString();
  return records;
}

std::vector<Record> Remove(std::vector<Record> records) {
  records.erase(records.begin() + 3);  // north/4
  return records;
}

std::vector<Record> Swap(std::vector<Record> records) {
  std::swap(records[3], records[4]);  // north/4 and north/5
  return records;
}

// The attack: other content at north/4, linking to the real north/3, its
// hash recomputed over its own bytes, written before the real one.
std::vector<Record> Forge(std::vector<Record> records) {
  v1::Event forged = DecodedEvent(records[3]);
  forged.mutable_budget_set()->set_amount_cents(999);
  forged.mutable_actor()->set_id("someone else");
  records.insert(records.begin() + 3, Record{"north", SealedRecord(forged, nullptr)});
  return records;
}

INSTANTIATE_TEST_SUITE_P(
    Tamperings, TamperedHistoryTest,
    ::testing::Values(Tampering{"ChangedPayload", ChangePayload, "north/4"},
                      Tampering{"RemovedEvent", Remove, "north/4 was removed"},
                      Tampering{"SwappedEvents", Swap, "event north/5 arrived while region 'north' is at sequence"},
                      Tampering{"ForgedEvent", Forge, "conflict: region 'north' sequence 4 is held by the signed chain"}),
    [](const ::testing::TestParamInfo<Tampering>& param) { return param.param.name; });

// A history rewritten consistently from its first event and signed with a
// fresh key that the key file was made to trust: every link and signature
// holds, and only a checkpoint kept outside the system shows it.
TEST_F(AuditorTest, AHistoryRewrittenWithAFreshKeyIsCaughtByACheckpoint) {
  RunResult checkpoint = Ctl(options_, {"checkpoint", "--region", "north", "--db", db_});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  EXPECT_THAT(checkpoint.out, HasSubstr("inkoop-checkpoint region=north sequence=17 hash="));
  const std::string checkpoints = dir_.Sub("checkpoints.txt");
  std::ofstream(checkpoints) << checkpoint.out;

  absl::StatusOr<SigningKey> fresh = SigningKey::Generate();
  ASSERT_TRUE(fresh.ok());
  std::vector<Record> rewritten;
  std::string previous;
  for (const Record& record : RawRecords(options_, partition_)) {
    v1::Event event = DecodedEvent(record);
    if (event.has_budget_set()) event.mutable_budget_set()->set_amount_cents(1);
    event.set_previous_hash(previous);
    Seal(event);
    previous = event.hash();
    rewritten.push_back(Record{"north", SealedRecord(event, &*fresh)});
  }
  const KafkaOptions copy = FreshTopics("rewritten");
  Produce(copy, partition_, rewritten);
  const std::string keys = dir_.Sub("both-keys.txt");
  {
    std::ifstream real(Keys());
    std::ofstream out(keys);
    out << real.rdbuf() << fresh->KeyFileLine() << "\n";
  }

  RunResult chain_only = Ctl(copy, {"verify", "--db", dir_.Sub("none"), "--keys", keys});
  EXPECT_EQ(chain_only.exit_code, 0) << chain_only.out << chain_only.err;

  RunResult caught = Ctl(copy, {"verify", "--db", dir_.Sub("none"), "--keys", keys,
                                "--checkpoints", checkpoints});
  EXPECT_EQ(caught.exit_code, 1) << caught.out << caught.err;
  EXPECT_THAT(caught.out, HasSubstr("FAIL checkpoint"));
  EXPECT_THAT(caught.out, HasSubstr("at north/17"));
  EXPECT_THAT(caught.out, HasSubstr("the history was rewritten"));

  // And the real history extends the checkpoint.
  RunResult real = Ctl(options_, {"verify", "--db", db_, "--keys", Keys(), "--checkpoints",
                                  checkpoints});
  EXPECT_EQ(real.exit_code, 0) << real.out << real.err;
  EXPECT_THAT(real.out, HasSubstr("checkpoint north/17"));
}

// The attack on the live system: a forged event at the region's next
// sequence, written to the events topic before the engine writes its own.
// Neither the projector nor the engine rebuilding from scratch takes it;
// the engine's own event is kept.
TEST_F(AuditorTest, AForgedEventWrittenFirstIsNotTakenAndTheRealOneIsNotLost) {
  const std::vector<Record> records = RawRecords(options_, partition_);
  v1::Event forged = DecodedEvent(records.back());
  forged.set_sequence(kLast + 1);
  forged.set_event_id("north/18");
  forged.set_previous_hash(DecodedEvent(records.back()).hash());
  forged.mutable_budget_set()->set_amount_cents(1);
  Produce(options_, partition_, {Record{"north", SealedRecord(forged, nullptr)}});

  v1::Command real = SetBudget("north", "north-m1", 2016, 777'000'00);
  real.set_expected_sequence(kLast);
  auto accepted = submitter_->Submit(real, absl::Seconds(60));
  ASSERT_TRUE(accepted.ok() && accepted->accepted())
      << (accepted.ok() ? accepted->message() : "") << Tail(engine_->log_path());
  ASSERT_EQ(accepted->sequences(0), kLast + 1);

  // The engine rebuilds from the log with nothing on disk.
  engine_->Signal(SIGKILL);
  engine_->Wait(absl::Seconds(10));
  std::filesystem::remove_all(dir_.Sub("inkoopd-state"));
  engine_ = StartEngine(options_, dir_);
  v1::Command next = SetBudget("north", "north-m0", 2016, 5);
  next.set_expected_sequence(kLast + 1);
  auto after = submitter_->Submit(next, absl::Seconds(60));
  ASSERT_TRUE(after.ok()) << Tail(engine_->log_path());
  EXPECT_TRUE(after->accepted()) << after->message();
  EXPECT_THAT(Tail(engine_->log_path(), 200), HasSubstr("conflict: region 'north' sequence 18"));

  std::unique_ptr<ProjectionReader> reader = AwaitProjection(
      db_, {{"north", kLast + 2}}, absl::Now() + absl::Seconds(60), projector_->log_path());
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::optional<v1::BudgetView>> view = reader->Budget("north", "north-m1", 2016);
  ASSERT_TRUE(view.ok() && view->has_value());
  EXPECT_EQ((*view)->budget_cents(), 777'000'00);
  EXPECT_EQ(reader->Metric("conflicts").value(), 1u);

  RunResult verified = Ctl(options_, {"verify", "--db", db_, "--keys", Keys()});
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_THAT(verified.out, HasSubstr("conflict: region 'north' sequence 18"));
}

// (a) at scale: a region-year history from the load profile (claims,
// payments, indicators, shifts, year close), written by the real engine and
// projected by the real projector, verifies: the replay's digest equals the
// live projection's. INKOOP_TEST_HISTORY_COMMANDS sets its size (the
// benchmark checks 1M).
TEST(AuditorHistoryTest, AGeneratedRegionHistoryVerifiesAgainstTheLiveProjection) {
  int64_t size = 100'000;
  if (const char* text = std::getenv("INKOOP_TEST_HISTORY_COMMANDS"); text != nullptr) {
    ASSERT_TRUE(absl::SimpleAtoi(text, &size)) << text;
  }
  const KafkaOptions options = FreshTopics("region-history");
  TempDir dir;
  const std::string db = dir.Sub("projection");
  auto engine = StartEngine(options, dir);
  auto projector = StartProjector(options, dir, db);
  RegionYearOptions profile_options;
  profile_options.claims = size;
  absl::StatusOr<std::unique_ptr<RegionYearProfile>> profile =
      RegionYearProfile::Create(profile_options);
  ASSERT_TRUE(profile.ok()) << profile.status();
  std::vector<v1::Command> commands;
  ScenarioClock clock(TestActorKeys());
  for (v1::Command command; static_cast<int64_t>(commands.size()) < size &&
                            (*profile)->Next(command);) {
    clock.Play(command, commands);
  }
  absl::StatusOr<std::unique_ptr<Submitter>> submitter =
      ConnectSigned(options, absl::Seconds(30));
  ASSERT_TRUE(submitter.ok()) << submitter.status();
  auto results = (*submitter)->SubmitAll(commands, absl::Minutes(15));
  ASSERT_TRUE(results.ok()) << results.status() << Tail(engine->log_path());
  uint64_t last = 0;
  for (const v1::CommandResult& result : *results) {
    ASSERT_TRUE(result.accepted()) << result.message();
    for (uint64_t sequence : result.sequences()) last = std::max(last, sequence);
  }
  ASSERT_NE(AwaitProjection(db, {{"haaglanden", last}}, absl::Now() + absl::Minutes(10),
                            projector->log_path()),
            nullptr);
  RunResult verified = RunProgram({INKOOPCTL_PATH, "verify", "--brokers", options.brokers,
                                   "--topic-prefix", options.topic_prefix, "--db", db, "--keys",
                                   SigningKeyPath(dir) + ".pub"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("(replay equals the live projection)"));
  EXPECT_THAT(verified.out, HasSubstr(absl::StrCat("haaglanden/", last, ", every event admitted")));
}

}  // namespace
}  // namespace inkoop::testing
