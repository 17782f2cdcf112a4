// Exactly once under crashes, on the real broker with the real binaries:
// the engine and the projector are killed with SIGKILL at random moments,
// and afterwards nothing is lost and nothing is applied twice. Every test
// prints its seed; INKOOP_TEST_SEED=<seed> replays the same commands and
// kill times.
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/domain/decide.h"
#include "engine/domain/snapshot.h"
#include "engine/envelope.h"
#include "engine/kafka/partition_reader.h"
#include "engine/store/state_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/reader.h"
#include "tests/integration/budget_model.h"
#include "tests/integration/cluster.h"
#include "tools/client/submitter.h"

namespace inkoop::testing {
namespace {

using ::testing::HasSubstr;

uint64_t Seed() {
  const char* text = std::getenv("INKOOP_TEST_SEED");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : std::random_device{}();
}

// Sends `commands` in chunks from a thread of its own, so processes can be
// killed meanwhile.
class BackgroundSender {
 public:
  BackgroundSender(const KafkaOptions& options, std::vector<v1::Command> commands)
      : thread_([this, options, commands = std::move(commands)] {
          absl::StatusOr<std::unique_ptr<Submitter>> submitter =
              ConnectSigned(options, absl::Seconds(30));
          if (!submitter.ok()) {
            status_ = submitter.status();
          } else {
            // About fifteen seconds of traffic, so the kills land while
            // commands are arriving and being decided.
            for (size_t i = 0; i < commands.size() && status_.ok(); i += 100) {
              std::vector<v1::Command> chunk(commands.begin() + i,
                                             commands.begin() + std::min(i + 100, commands.size()));
              status_ = (*submitter)->Send(chunk);
              absl::SleepFor(absl::Milliseconds(150));
            }
          }
          done_.store(true);
        }) {}
  ~BackgroundSender() { thread_.join(); }
  bool done() const { return done_.load(); }
  absl::Status Join() {
    thread_.join();
    thread_ = std::thread([] {});
    return status_;
  }

 private:
  std::atomic<bool> done_{false};
  absl::Status status_;
  std::thread thread_;
};

// Kills `process` with SIGKILL `kills` times at random moments, restarting
// it with `start` each time. Returns how many kills hit while `busy` said
// there was work in flight.
int KillAndRestart(std::unique_ptr<ChildProcess>& process, int kills, std::mt19937_64& random,
                   const std::function<std::unique_ptr<ChildProcess>()>& start,
                   const std::function<bool()>& busy) {
  int busy_kills = 0;
  for (int kill = 0; kill < kills; ++kill) {
    absl::SleepFor(absl::Milliseconds(200 + static_cast<int64_t>(random() % 1300)));
    busy_kills += busy() ? 1 : 0;
    process->Signal(SIGKILL);
    EXPECT_TRUE(process->Wait(absl::Seconds(10)).has_value());
    process = start();
  }
  return busy_kills;
}

// Waits until the projection in `db` has caught up with the committed log,
// then expects every region's projected state to equal the replay of the
// log through Evolve, and every event to have been applied exactly once.
void ExpectProjectionEqualsReplay(const KafkaOptions& options, const std::string& db,
                                  const ChildProcess& projector_log_owner, absl::Duration wait) {
  const absl::Time deadline = absl::Now() + wait;
  // The log stops growing once the engine has drained the commands.
  std::vector<v1::Event> events;
  for (size_t previous = 1;; previous = events.size()) {
    absl::SleepFor(absl::Seconds(2));
    events = ReadAllEvents(options);
    if (events.size() == previous || absl::Now() > deadline) break;
  }
  const uint64_t total = events.size();
  absl::flat_hash_map<std::string, RegionState> replayed;
  for (const v1::Event& event : events) {
    RegionState& state = replayed[event.region()];
    state.region = event.region();
    ASSERT_TRUE(Evolve(state, event).ok()) << event.event_id();
  }
  std::map<std::string, uint64_t> sequences;
  for (const auto& [region, state] : replayed) sequences[region] = state.sequence.value();
  std::unique_ptr<ProjectionReader> reader =
      AwaitProjection(db, sequences, deadline, projector_log_owner.log_path());
  ASSERT_NE(reader, nullptr);
  for (const auto& [region, state] : replayed) {
    absl::StatusOr<std::optional<RegionState>> projected = reader->Region(region);
    EXPECT_EQ(ToSnapshot(**projected).SerializeAsString(), ToSnapshot(state).SerializeAsString())
        << "region " << region;
  }
  // Nothing re-delivered past the stored offsets, nothing lost, nothing
  // from an aborted transaction (it would break a region's chain: parked).
  EXPECT_EQ(reader->Metric("applied").value(), total);
  EXPECT_EQ(reader->Metric("skipped_duplicates").value(), 0u);
  EXPECT_EQ(reader->Metric("parked").value(), 0u);
}

// Expects the engine's state store in `state_dir` to hold, for every
// region, the state the committed log replays to, and the first result of
// each of `results` commands.
void ExpectEngineStoreEqualsReplay(const KafkaOptions& options, const std::string& state_dir,
                                   size_t results) {
  absl::flat_hash_map<std::string, RegionState> replayed;
  for (const v1::Event& event : ReadAllEvents(options)) {
    RegionState& state = replayed[event.region()];
    state.region = event.region();
    ASSERT_TRUE(Evolve(state, event).ok()) << event.event_id();
  }
  StoreOptions store_options;
  store_options.path = state_dir;
  absl::StatusOr<std::unique_ptr<StateStore>> store = StateStore::Open(store_options);
  ASSERT_TRUE(store.ok()) << store.status();
  for (const auto& [region, state] : replayed) {
    absl::StatusOr<RegionState> stored = (*store)->LoadWholeRegion(region);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_EQ(ToSnapshot(*stored).SerializeAsString(), ToSnapshot(state).SerializeAsString())
        << "region " << region;
  }
  size_t stored_results = 0;
  for (const v1::CommandResult& result : ReadAllResults(options)) {
    absl::StatusOr<std::optional<v1::CommandResult>> found =
        (*store)->LoadResult(result.region(), result.command_id());
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_TRUE(found->has_value()) << "no stored result of " << result.command_id();
    EXPECT_EQ((*found)->accepted(), result.accepted()) << result.command_id();
    ++stored_results;
  }
  EXPECT_EQ(stored_results, results);
}

class ExactlyOnceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = Seed();
    random_.seed(seed_);
    RecordProperty("seed", std::to_string(seed_));
    std::cerr << "seed " << seed_ << " (INKOOP_TEST_SEED=" << seed_ << " replays it)\n";
  }

  // Adopts frameworks for `regions` and returns the commands, with the
  // model's verdict on each.
  void AdoptFrameworks(const KafkaOptions& options, const std::vector<std::string>& regions) {
    absl::StatusOr<std::unique_ptr<Submitter>> submitter =
        ConnectSigned(options, absl::Seconds(30));
    ASSERT_TRUE(submitter.ok()) << submitter.status();
    auto adopted = (*submitter)->SubmitAll(Frameworks(regions), absl::Seconds(90));
    ASSERT_TRUE(adopted.ok()) << adopted.status();
    for (const v1::CommandResult& result : *adopted)
      ASSERT_TRUE(result.accepted()) << result.message();
  }

  uint64_t seed_ = 0;
  std::mt19937_64 random_;
  TempDir dir_;
};

TEST_F(ExactlyOnceTest, EngineKilledTenTimesLosesNothingAndAppliesNothingTwice) {
  SCOPED_TRACE(absl::StrCat("seed ", seed_));
  const KafkaOptions options = FreshTopics("engine-kill");
  auto engine = StartEngine(options, dir_);
  // A projector watches the whole time: it must never see what a killed
  // engine's aborted transactions wrote.
  const std::string db = dir_.Sub("projection");
  auto projector = StartProjector(options, dir_, db);
  const std::vector<std::string> regions = {"north", "south", "east", "west", "centre", "coast"};
  AdoptFrameworks(options, regions);

  const std::vector<v1::Command> commands = RandomCommands(random_, regions, 10'000);
  {
    BackgroundSender sender(options, commands);
    // Ten kills: every other one a SIGKILL from outside at a random moment,
    // the others the engine's own SIGKILL after a random number of
    // commands, in the middle of a transaction whose events already reached
    // the broker.
    int busy_kills = 0;
    for (int kill = 0; kill < 10; ++kill) {
      if (kill % 2 == 0) {
        absl::SleepFor(absl::Milliseconds(200 + static_cast<int64_t>(random_() % 1300)));
        busy_kills += ReadAllResults(options).size() < commands.size() + regions.size() ? 1 : 0;
        engine->Signal(SIGKILL);
        ASSERT_TRUE(engine->Wait(absl::Seconds(10)).has_value());
      } else {
        ASSERT_TRUE(engine->Wait(absl::Seconds(60)).has_value())
            << "the engine did not crash itself\n"
            << Tail(engine->log_path());
        ++busy_kills;
      }
      // The engine's own kills take turns at the three places where Kafka
      // and the state store can part: mid-transaction, after the commit
      // before the store is written, and after the checkpoint.
      const bool crash_itself = kill % 2 == 0 && kill < 9;
      const char* const points[] = {"mid_transaction", "after_commit", "after_checkpoint"};
      engine = StartEngine(
          options, dir_,
          crash_itself
              ? std::vector<std::string>{"--test_crash_after_commands",
                                         std::to_string(100 + random_() % 500), "--test_crash_at",
                                         points[(kill / 2) % 3]}
              : std::vector<std::string>{});
    }
    ASSERT_TRUE(sender.Join().ok());
    // The kills must have hit an engine with commands still to decide.
    EXPECT_GE(busy_kills, 7);
  }

  // Every command gets its result once the last engine has caught up.
  absl::StatusOr<std::unique_ptr<Submitter>> waiter =
      ConnectSigned(options, absl::Seconds(30));
  ASSERT_TRUE(waiter.ok());
  std::vector<v1::CommandResult> on_topic;
  const absl::Time deadline = absl::Now() + absl::Minutes(5);
  while (true) {
    on_topic = ReadAllResults(options);
    if (on_topic.size() >= commands.size() + regions.size() || absl::Now() > deadline) break;
    absl::SleepFor(absl::Seconds(1));
  }
  // Exactly one result per command on the results topic: results of
  // transactions cut short by a kill were aborted and are never seen.
  std::map<std::string, v1::CommandResult> results;
  for (const v1::CommandResult& result : on_topic) {
    ASSERT_TRUE(results.emplace(result.command_id(), result).second)
        << "two results for command " << result.command_id();
  }
  ASSERT_EQ(results.size(), commands.size() + regions.size()) << Tail(engine->log_path());

  // The model says which commands are accepted: a region's commands are
  // decided in the order they were sent.
  Model model;
  std::map<std::string, uint64_t> expected_events;
  for (const std::string& region : regions) expected_events[region] = 1;
  for (const v1::Command& command : commands) {
    const v1::CommandResult& result = results.at(command.command_id());
    const bool accepted = model.Accepts(command);
    ASSERT_EQ(result.accepted(), accepted)
        << command.ShortDebugString() << " -> " << result.message();
    if (accepted) ++expected_events[command.region()];
  }

  // The events: per region 1..n without gap or repeat, one per accepted
  // command, none for a refused one.
  std::map<std::string, uint64_t> last;
  std::set<std::string> command_ids;
  for (const v1::Event& event : ReadAllEvents(options)) {
    ASSERT_EQ(event.sequence(), ++last[event.region()]) << event.event_id();
    ASSERT_TRUE(command_ids.insert(event.command_id()).second)
        << "command " << event.command_id() << " caused two events";
    ASSERT_TRUE(results.at(event.command_id()).accepted()) << event.event_id();
    EXPECT_THAT(results.at(event.command_id()).sequences(),
                ::testing::ElementsAre(event.sequence()));
  }
  EXPECT_EQ(last, expected_events);
  ExpectProjectionEqualsReplay(options, db, *projector, absl::Minutes(2));
  // The last engine resumed from its checkpoint, not from the start of the
  // log, and its store holds what the log says, entity by entity.
  EXPECT_THAT(Tail(engine->log_path(), 400), ::testing::HasSubstr("from the checkpoint"));
  engine->Signal(SIGTERM);
  ASSERT_TRUE(engine->Wait(absl::Seconds(30)).has_value());
  ExpectEngineStoreEqualsReplay(options, dir_.Sub("inkoopd-state"), results.size());

  // For the record: how many events of transactions cut short by a kill
  // lie in the log, unseen by every read_committed reader above.
  uint64_t written = 0;
  for (int p = 0; p < 3; ++p) {
    ASSERT_TRUE(ReadPartitionToEnd(
                    options, options.events_topic(), p, Offset(0),
                    [&](const RdKafka::Message&) {
                      ++written;
                      return absl::OkStatus();
                    },
                    absl::Seconds(30), /*committed_only=*/false)
                    .ok());
  }
  uint64_t committed = 0;
  for (const auto& [region, count] : last) committed += count;
  std::cerr << written - committed << " events of aborted transactions in the log, " << committed
            << " committed\n";
  RecordProperty("aborted_events", std::to_string(written - committed));
  // The engine's own kills left written but never committed events.
  EXPECT_GT(written, committed);
}

TEST_F(ExactlyOnceTest, ProjectorKilledTenTimesEqualsTheReplayOfTheLog) {
  SCOPED_TRACE(absl::StrCat("seed ", seed_));
  const KafkaOptions options = FreshTopics("projector-kill");
  auto engine = StartEngine(options, dir_);
  const std::string db = dir_.Sub("projection");
  auto projector = StartProjector(options, dir_, db);
  const std::vector<std::string> regions = {"north", "south", "east", "west"};
  AdoptFrameworks(options, regions);

  {
    BackgroundSender sender(options, RandomCommands(random_, regions, 10'000));
    const int busy_kills = KillAndRestart(
        projector, 10, random_, [&] { return StartProjector(options, dir_, db); },
        [&] { return !sender.done(); });
    ASSERT_TRUE(sender.Join().ok());
    // The kills must have hit a projector with events still arriving.
    EXPECT_GE(busy_kills, 5);
  }

  ExpectProjectionEqualsReplay(options, db, *projector, absl::Minutes(3));
}

TEST_F(ExactlyOnceTest, RepeatedCommandIdAfterEngineRestartReturnsTheFirstResult) {
  const KafkaOptions options = FreshTopics("dedupe");
  auto engine = StartEngine(options, dir_);
  AdoptFrameworks(options, {"north"});
  absl::StatusOr<std::unique_ptr<Submitter>> submitter =
      ConnectSigned(options, absl::Seconds(30));
  ASSERT_TRUE(submitter.ok());
  v1::Command accepted = SetBudget("north", "north-m0", 2016, 120'000'000);
  v1::Command refused = SetBudget("north", "north-m0", 2016, -1);
  auto first = (*submitter)->SubmitAll({accepted, refused}, absl::Seconds(60));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE((*first)[0].accepted());
  ASSERT_FALSE((*first)[1].accepted());
  const size_t events = ReadAllEvents(options).size();

  engine->Signal(SIGKILL);
  ASSERT_TRUE(engine->Wait(absl::Seconds(10)).has_value());
  engine = StartEngine(options, dir_);

  // The same commands again: their first results come back. The same id
  // with another body is a conflicting repeat, known after the restart too.
  v1::Command changed = accepted;
  changed.set_command_id(accepted.command_id());
  changed.mutable_set_budget()->set_amount_cents(1);
  auto again = (*submitter)->SubmitAll({accepted, refused}, absl::Seconds(60));
  ASSERT_TRUE(again.ok()) << again.status() << Tail(engine->log_path());
  EXPECT_TRUE((*again)[0].duplicate());
  EXPECT_TRUE((*again)[0].accepted());
  EXPECT_THAT((*again)[0].sequences(), ::testing::ElementsAreArray((*first)[0].sequences()));
  EXPECT_TRUE((*again)[1].duplicate());
  EXPECT_FALSE((*again)[1].accepted());
  EXPECT_EQ((*again)[1].message(), (*first)[1].message());
  auto conflicting = (*submitter)->Submit(changed, absl::Seconds(60));
  ASSERT_TRUE(conflicting.ok()) << conflicting.status();
  EXPECT_TRUE(conflicting->conflicting_repeat());
  EXPECT_FALSE(conflicting->accepted());
  EXPECT_EQ(ReadAllEvents(options).size(), events);
}

TEST_F(ExactlyOnceTest, PoisonEventsAreParkedAndLaterEventsStillApply) {
  const KafkaOptions options = FreshTopics("poison");
  auto engine = StartEngine(options, dir_);
  const std::string db = dir_.Sub("projection");
  auto projector = StartProjector(options, dir_, db);
  AdoptFrameworks(options, {"north"});

  // Three poison messages, written around the engine: bytes that are no
  // event at all, a sealed event whose payload a newer schema wrote (an
  // unknown field where the payload would be), and a forgery of north's
  // first event (other content, no signature): a conflict.
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = MakeConf(options, {});
  ASSERT_TRUE(conf.ok());
  std::string error;
  std::unique_ptr<RdKafka::Producer> raw(RdKafka::Producer::create(conf->get(), error));
  ASSERT_NE(raw, nullptr) << error;
  const std::string garbage = "\xff\xfe not an event \x01";
  v1::Event future;
  future.set_region("future");
  future.set_event_id("future/1");
  future.set_sequence(1);
  future.set_schema_version(2);
  // As a newer engine would write it, signed with the engine's key.
  absl::StatusOr<SigningKey> engine_key = SigningKey::Load(SigningKeyPath(dir_));
  ASSERT_TRUE(engine_key.ok()) << engine_key.status();
  const std::string future_bytes = SealedRecordOfBytes(
      EventBytes(future) + std::string("\xba\x3e\x03\x0a\x01\x78", 6),  // field 999, 3 bytes
      future, &*engine_key);
  const std::vector<v1::Event> real = ReadAllEvents(options);
  ASSERT_EQ(real.size(), 1u);
  v1::Event forged = real[0];
  forged.mutable_actor()->set_id("someone else");
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"north", garbage}, {"future", future_bytes}, {"north", SealedRecord(forged, nullptr)}}) {
    const int32_t partition = PartitionFor(key, 3);
    ASSERT_EQ(raw->produce(options.events_topic(), partition, RdKafka::Producer::RK_MSG_COPY,
                           const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0,
                           nullptr),
              RdKafka::ERR_NO_ERROR);
  }
  ASSERT_EQ(raw->flush(10'000), RdKafka::ERR_NO_ERROR);

  // The engine, restarted, takes the poison in its stride too.
  engine->Signal(SIGKILL);
  engine->Wait(absl::Seconds(10));
  engine = StartEngine(options, dir_);
  absl::StatusOr<std::unique_ptr<Submitter>> submitter =
      ConnectSigned(options, absl::Seconds(30));
  ASSERT_TRUE(submitter.ok());
  auto later =
      (*submitter)->Submit(SetBudget("north", "north-m1", 2016, 777'000'00), absl::Seconds(60));
  ASSERT_TRUE(later.ok()) << later.status() << Tail(engine->log_path());
  ASSERT_TRUE(later->accepted()) << later->message();
  EXPECT_THAT(Tail(engine->log_path(), 200),
              HasSubstr("conflict: region 'north' already holds sequence 1 with hash " +
                        absl::BytesToHexString(real[0].hash())));

  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (true) {
    ASSERT_LT(absl::Now(), deadline) << Tail(projector->log_path());
    absl::SleepFor(absl::Milliseconds(300));
    absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
    if (!reader.ok()) continue;
    absl::StatusOr<std::optional<v1::BudgetView>> view = (*reader)->Budget("north", "north-m1", 2016);
    if (!view.ok() || !view->has_value()) continue;
    EXPECT_EQ((*view)->budget_cents(), 777'000'00);
    absl::StatusOr<std::vector<v1::ParkedEvent>> parked = (*reader)->Parked();
    ASSERT_TRUE(parked.ok());
    ASSERT_EQ(parked->size(), 3u);
    std::map<std::string, v1::ParkedEvent> by_reason;
    for (const v1::ParkedEvent& event : *parked) {
      EXPECT_EQ(event.topic(), options.events_topic());
      by_reason[event.region()] = event;
    }
    EXPECT_THAT(by_reason["north"].reason(),
                HasSubstr("conflict: region 'north' already holds sequence 1"));
    EXPECT_EQ(by_reason["north"].sequence(), 1u);
    EXPECT_EQ((*reader)->Metric("conflicts").value(), 1u);
    EXPECT_EQ((*reader)->Metric("skipped_duplicates").value(), 0u);
    EXPECT_THAT(by_reason[""].reason(), HasSubstr("not a decodable inkoop.v1.SealedEvent"));
    EXPECT_EQ(by_reason[""].value(), garbage);
    EXPECT_THAT(by_reason["future"].reason(), HasSubstr("payload unknown to this build"));
    EXPECT_EQ((*reader)->Metric("parked").value(), 3u);
    // The newer event kept its region's chain going.
    absl::StatusOr<std::optional<RegionState>> future_state = (*reader)->Region("future");
    ASSERT_TRUE(future_state.ok() && future_state->has_value());
    EXPECT_EQ((*future_state)->sequence.value(), 1u);
    break;
  }
  // And inkoopctl shows them.
  RunResult shown = RunProgram({INKOOPCTL_PATH, "parked", "--db", db});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("3 parked event(s)"));
}

TEST_F(ExactlyOnceTest, AnOlderEngineWithTheSameTransactionalIdCannotWrite) {
  const KafkaOptions options = FreshTopics("fencing");
  TempDir older_dir;
  auto older = StartEngine(options, older_dir);
  AdoptFrameworks(options, {"north"});
  // A second engine with the same transactional id fences the first once it
  // has initialised its transactions (it logs that it takes commands). It
  // signs with the same key: it takes over the older one's log.
  auto newer = StartEngine(options, dir_, {"--signing_key", SigningKeyPath(older_dir)});
  for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
       Tail(newer->log_path()).find("taking commands") == std::string::npos;) {
    ASSERT_LT(absl::Now(), deadline) << Tail(newer->log_path());
    absl::SleepFor(absl::Milliseconds(100));
  }
  absl::StatusOr<std::unique_ptr<Submitter>> submitter =
      ConnectSigned(options, absl::Seconds(30));
  ASSERT_TRUE(submitter.ok());
  std::vector<v1::Command> commands;
  for (int i = 0; i < 50; ++i) commands.push_back(SetBudget("north", "north-m0", 2016, 1000 + i));
  auto results = (*submitter)->SubmitAll(commands, absl::Seconds(90));
  ASSERT_TRUE(results.ok()) << results.status() << Tail(newer->log_path());

  // The older one tried to write those commands too and was refused.
  std::optional<int> exited = older->Wait(absl::Seconds(60));
  ASSERT_TRUE(exited.has_value()) << "the fenced engine kept running:\n" << Tail(older->log_path());
  EXPECT_NE(*exited, 0);
  EXPECT_THAT(Tail(older->log_path()), HasSubstr("fenced"));
  std::map<std::string, int> per_command;
  for (const v1::CommandResult& result : ReadAllResults(options))
    per_command[result.command_id()]++;
  for (const v1::Command& command : commands) EXPECT_EQ(per_command[command.command_id()], 1);
  EXPECT_EQ(ReadAllEvents(options).size(), 1u + commands.size());
}

}  // namespace
}  // namespace inkoop::testing
