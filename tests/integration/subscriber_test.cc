// The subscriber library against the real broker and engine: a subscriber
// started late catches up and then sees live events with no gap or
// duplicate; a group member stopped mid-stream, or whose callback failed,
// resumes exactly after its last processed event; an event of a newer
// schema reaches an old subscriber as an unknown payload; a start inside a
// chain is anchored by the next signature, and forged records are reported,
// never delivered. The example payment feed and inkoopctl tail run on it.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "engine/envelope.h"
#include "engine/signing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/subscriber.h"
#include "tests/integration/cluster.h"

namespace inkoop::testing {
namespace {

using ::testing::HasSubstr;

// (region, sequence) of each event, in delivery order.
using Seen = std::vector<std::pair<std::string, uint64_t>>;

// Every region's sequences are 1..n in order, each once.
void ExpectGaplessPerRegion(const Seen& seen, const std::map<std::string, uint64_t>& heads) {
  std::map<std::string, uint64_t> last;
  for (const auto& [region, sequence] : seen) {
    EXPECT_EQ(sequence, last[region] + 1) << region << ": a gap or a duplicate";
    last[region] = sequence;
  }
  EXPECT_EQ(last, heads);
}

// Events of two regions: a framework and `budgets` budget changes each.
std::vector<v1::Command> Budgets(int budgets, int64_t base) {
  std::vector<v1::Command> commands;
  for (const std::string region : {"haaglanden", "holland-rijnmond"}) {
    if (base == 0) commands.push_back(AdoptFramework(region, {"Delft"}, {"ambulatory"}));
    for (int i = 0; i < budgets; ++i) {
      commands.push_back(SetBudget(region, "Delft", 2016, 1'000'000 + base + i));
    }
  }
  return commands;
}

class SubscriberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FreshTopics(::testing::UnitTest::GetInstance()->current_test_info()->name());
    engine_ = StartEngine(options_, dir_);
    absl::StatusOr<std::unique_ptr<Submitter>> submitter = ConnectSigned(options_, absl::Seconds(30));
    ASSERT_TRUE(submitter.ok()) << submitter.status();
    submitter_ = *std::move(submitter);
    absl::StatusOr<KeyRing> keys = KeyRing::Load(SigningKeyPath(dir_) + ".pub");
    ASSERT_TRUE(keys.ok()) << keys.status();
    keys_ = *std::move(keys);
  }

  // Submits `commands`, all accepted; the heads of the regions after them.
  std::map<std::string, uint64_t> Submit(const std::vector<v1::Command>& commands) {
    absl::StatusOr<std::vector<v1::CommandResult>> results =
        submitter_->SubmitAll(commands, absl::Seconds(120));
    EXPECT_TRUE(results.ok()) << results.status() << Tail(engine_->log_path());
    if (!results.ok()) return heads_;
    for (size_t i = 0; i < results->size(); ++i) {
      const v1::CommandResult& result = (*results)[i];
      EXPECT_TRUE(result.accepted()) << result.command_id() << ": " << result.message();
      for (uint64_t sequence : result.sequences()) {
        uint64_t& head = heads_[commands[i].region()];
        head = std::max(head, sequence);
      }
    }
    return heads_;
  }

  SubscriberOptions Options(const std::string& group = "") {
    SubscriberOptions options;
    options.kafka = options_;
    options.keys = keys_;
    options.group_id = group.empty() ? "" : absl::StrCat(options_.topic_prefix, group);
    options.commit_interval = absl::Milliseconds(50);
    return options;
  }

  // Takes events from `subscriber` until every region reached `heads` (or
  // a minute passed), then waits a little for anything beyond.
  static void Collect(Subscriber& subscriber, const std::map<std::string, uint64_t>& heads,
                      Seen& seen) {
    auto reached = [&] {
      std::map<std::string, uint64_t> last;
      for (const auto& [region, sequence] : seen) last[region] = std::max(last[region], sequence);
      return last == heads;
    };
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (!reached() && absl::Now() < deadline) {
      absl::StatusOr<std::optional<SubscribedEvent>> next = subscriber.Next(absl::Milliseconds(200));
      ASSERT_TRUE(next.ok()) << next.status();
      if (next->has_value()) seen.emplace_back((*next)->event.region(), (*next)->event.sequence());
      EXPECT_THAT(subscriber.TakeProblems(), ::testing::IsEmpty());
    }
    for (absl::Time quiet = absl::Now() + absl::Milliseconds(500); absl::Now() < quiet;) {
      absl::StatusOr<std::optional<SubscribedEvent>> next = subscriber.Next(absl::Milliseconds(100));
      ASSERT_TRUE(next.ok()) << next.status();
      EXPECT_FALSE(next->has_value()) << "an event beyond the heads: " << (*next)->event.region()
                                      << "/" << (*next)->event.sequence();
    }
  }

  // What the next member of `group` delivers up to the end of the log.
  Seen ToTheEnd(const std::string& group) {
    SubscriberOptions options = Options(group);
    options.stop_at_end = true;
    Seen seen;
    absl::StatusOr<std::unique_ptr<Subscriber>> subscriber = Subscriber::Start(options);
    EXPECT_TRUE(subscriber.ok()) << subscriber.status();
    if (!subscriber.ok()) return seen;
    EXPECT_TRUE((*subscriber)
                    ->Run([&](const SubscribedEvent& e) {
                      seen.emplace_back(e.event.region(), e.event.sequence());
                      return absl::OkStatus();
                    })
                    .ok());
    return seen;
  }

  TempDir dir_;
  KafkaOptions options_;
  std::unique_ptr<ChildProcess> engine_;
  std::unique_ptr<Submitter> submitter_;
  KeyRing keys_;
  std::map<std::string, uint64_t> heads_;
};

TEST_F(SubscriberTest, StartedLateItCatchesUpThenFollowsLiveWithNoGapOrDuplicate) {
  Submit(Budgets(40, 0));
  absl::StatusOr<std::unique_ptr<Subscriber>> subscriber = Subscriber::Start(Options());
  ASSERT_TRUE(subscriber.ok()) << subscriber.status();
  Seen seen;
  Collect(**subscriber, heads_, seen);
  const size_t caught_up = seen.size();
  EXPECT_EQ(caught_up, heads_["haaglanden"] + heads_["holland-rijnmond"]);
  // Live: written while the subscriber follows.
  Submit(Budgets(25, 100));
  Collect(**subscriber, heads_, seen);
  EXPECT_GT(seen.size(), caught_up);
  ExpectGaplessPerRegion(seen, heads_);
  // What it delivered is what is on the topic, hash for hash.
  std::set<std::pair<std::string, uint64_t>> on_topic;
  for (const v1::Event& event : ReadAllEvents(options_)) {
    on_topic.emplace(event.region(), event.sequence());
  }
  const std::set<std::pair<std::string, uint64_t>> delivered(seen.begin(), seen.end());
  EXPECT_EQ(delivered, on_topic);
}

TEST_F(SubscriberTest, AGroupMemberStoppedMidStreamResumesRightAfterItsLastProcessedEvent) {
  Submit(Budgets(30, 0));
  Seen first;
  {
    absl::StatusOr<std::unique_ptr<Subscriber>> subscriber = Subscriber::Start(Options("resume"));
    ASSERT_TRUE(subscriber.ok()) << subscriber.status();
    Subscriber& s = **subscriber;
    ASSERT_TRUE(s.Run([&](const SubscribedEvent& e) {
                   first.emplace_back(e.event.region(), e.event.sequence());
                   if (first.size() == 23) s.Stop();
                   return absl::OkStatus();
                 }).ok());
  }
  ASSERT_EQ(first.size(), 23u);
  // More events while no member runs; the next member of the group goes on.
  Submit(Budgets(10, 100));
  const Seen second = ToTheEnd("resume");
  Seen all = first;
  all.insert(all.end(), second.begin(), second.end());
  ExpectGaplessPerRegion(all, heads_);
}

TEST_F(SubscriberTest, AnEventWhoseCallbackFailedIsDeliveredAgainToTheNextMember) {
  Submit(Budgets(12, 0));
  std::pair<std::string, uint64_t> failed;
  Seen first;
  {
    absl::StatusOr<std::unique_ptr<Subscriber>> subscriber = Subscriber::Start(Options("retry"));
    ASSERT_TRUE(subscriber.ok()) << subscriber.status();
    const absl::Status ran = (*subscriber)->Run([&](const SubscribedEvent& e) {
      if (first.size() == 9) {
        failed = {e.event.region(), e.event.sequence()};
        return absl::UnavailableError("the payment system is down");
      }
      first.emplace_back(e.event.region(), e.event.sequence());
      return absl::OkStatus();
    });
    EXPECT_THAT(ran.message(), HasSubstr("the payment system is down"));
  }
  const Seen second = ToTheEnd("retry");
  // The failed event comes again, before anything later of its region.
  auto again = std::find(second.begin(), second.end(), failed);
  ASSERT_NE(again, second.end()) << failed.first << "/" << failed.second << " was lost";
  for (auto it = second.begin(); it != again; ++it) EXPECT_NE(it->first, failed.first);
  Seen all = first;
  all.insert(all.end(), second.begin(), second.end());
  ExpectGaplessPerRegion(all, heads_);
}

// Records written by hand with a key of the test's: what a newer engine (or
// someone with write access to the topic) could put there.
class HandWrittenLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FreshTopics(::testing::UnitTest::GetInstance()->current_test_info()->name());
    absl::StatusOr<SigningKey> key = SigningKey::Generate();
    ASSERT_TRUE(key.ok());
    key_ = std::make_unique<SigningKey>(*std::move(key));
    absl::StatusOr<KeyRing> keys = KeyRing::Parse(key_->KeyFileLine());
    ASSERT_TRUE(keys.ok()) << keys.status();
    keys_ = *std::move(keys);
    partition_ = PartitionFor(kRegion, 3);
  }

  v1::Event Next(const std::string& previous_hash) {
    v1::Event event;
    event.set_region(kRegion);
    event.set_sequence(++sequence_);
    event.set_event_id(absl::StrCat(kRegion, "/", sequence_));
    event.set_previous_hash(previous_hash);
    event.mutable_occurred_at()->set_seconds(1'700'000'000 + sequence_);
    event.mutable_recorded_at()->set_seconds(1'700'000'000 + sequence_);
    return event;
  }

  // Produces `values` to the region's partition; their offsets.
  std::vector<int64_t> Produce(const std::vector<std::string>& values) {
    absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = MakeConf(options_, {});
    EXPECT_TRUE(conf.ok());
    std::string error;
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf->get(), error));
    EXPECT_NE(producer, nullptr) << error;
    for (const std::string& value : values) {
      EXPECT_EQ(producer->produce(options_.events_topic(), partition_, RdKafka::Producer::RK_MSG_COPY,
                                  const_cast<char*>(value.data()), value.size(), kRegion,
                                  sizeof(kRegion) - 1, 0, nullptr),
                RdKafka::ERR_NO_ERROR);
    }
    EXPECT_EQ(producer->flush(10000), RdKafka::ERR_NO_ERROR);
    std::vector<int64_t> offsets;
    int64_t low = 0, high = 0;
    EXPECT_EQ(producer->query_watermark_offsets(options_.events_topic(), partition_, &low, &high,
                                                5000),
              RdKafka::ERR_NO_ERROR);
    for (size_t i = 0; i < values.size(); ++i) {
      offsets.push_back(high - static_cast<int64_t>(values.size()) + static_cast<int64_t>(i));
    }
    return offsets;
  }

  std::vector<SubscribedEvent> ReadAll(Position from, std::vector<SubscriberProblem>* problems) {
    SubscriberOptions options;
    options.kafka = options_;
    options.keys = keys_;
    options.from = std::move(from);
    options.stop_at_end = true;
    std::vector<SubscribedEvent> delivered;
    absl::StatusOr<std::unique_ptr<Subscriber>> subscriber = Subscriber::Start(options);
    EXPECT_TRUE(subscriber.ok()) << subscriber.status();
    if (!subscriber.ok()) return delivered;
    EXPECT_TRUE((*subscriber)
                    ->Run(
                        [&](const SubscribedEvent& e) {
                          delivered.push_back(e);
                          return absl::OkStatus();
                        },
                        [&](const SubscriberProblem& p) { problems->push_back(p); })
                    .ok());
    return delivered;
  }

  static constexpr char kRegion[] = "haaglanden";
  KafkaOptions options_;
  std::unique_ptr<SigningKey> key_;
  KeyRing keys_;
  int32_t partition_ = 0;
  uint64_t sequence_ = 0;
};

TEST_F(HandWrittenLogTest, AnEventOfANewerSchemaReachesAnOldSubscriberAsAnUnknownPayload) {
  v1::Event first = Next("");
  first.mutable_budget_set()->set_municipality("Delft");
  first.mutable_budget_set()->set_year(2016);
  first.mutable_budget_set()->set_amount_cents(100);
  const std::string first_bytes = EventBytes(first);
  // Payload field 999 ("x"): a kind of event this build does not know.
  v1::Event newer = Next(Sha256(first_bytes));
  const std::string newer_bytes = EventBytes(newer) + std::string("\xba\x3e\x01\x78", 4);
  v1::Event third = Next(Sha256(newer_bytes));
  third.mutable_budget_set()->set_municipality("Delft");
  third.mutable_budget_set()->set_year(2016);
  third.mutable_budget_set()->set_amount_cents(200);
  const std::vector<int64_t> offsets =
      Produce({SealedRecordOfBytes(first_bytes, first, nullptr),
               SealedRecordOfBytes(newer_bytes, newer, nullptr),
               SealedRecordOfBytes(EventBytes(third), third, key_.get())});

  std::vector<SubscriberProblem> problems;
  std::vector<SubscribedEvent> delivered = ReadAll(Position::Beginning(), &problems);
  EXPECT_THAT(problems, ::testing::IsEmpty());
  ASSERT_EQ(delivered.size(), 3u);
  EXPECT_TRUE(delivered[0].known());
  EXPECT_FALSE(delivered[1].known());
  EXPECT_EQ(delivered[1].payload_name(), "unknown");
  EXPECT_EQ(delivered[1].event.hash(), Sha256(newer_bytes));
  EXPECT_EQ(delivered[2].payload_name(), "budget_set");
  EXPECT_TRUE(delivered[2].signed_record);

  // Started at the newer event (inside the chain): the signature of the
  // third anchors it, and both are delivered.
  problems.clear();
  delivered = ReadAll(Position::Offsets({{partition_, offsets[1]}}), &problems);
  EXPECT_THAT(problems, ::testing::IsEmpty());
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[0].event.sequence(), 2u);
  EXPECT_EQ(delivered[1].event.sequence(), 3u);
}

TEST_F(HandWrittenLogTest, ForgedAndUnsignedRecordsAreReportedNeverDelivered) {
  v1::Event first = Next("");
  first.mutable_budget_set()->set_municipality("Delft");
  v1::Event second = Next(EventHash(first));
  second.mutable_budget_set()->set_municipality("Delft");
  // Someone else's key signs a third event.
  absl::StatusOr<SigningKey> stranger = SigningKey::Generate();
  ASSERT_TRUE(stranger.ok());
  v1::Event forged = Next(EventHash(second));
  forged.mutable_budget_set()->set_amount_cents(99'999'999);
  Produce({SealedRecord(first, nullptr), SealedRecord(second, key_.get()), "garbage",
           SealedRecord(forged, &*stranger)});
  std::vector<SubscriberProblem> problems;
  std::vector<SubscribedEvent> delivered = ReadAll(Position::Beginning(), &problems);
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[1].event.sequence(), 2u);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_THAT(problems[1].reason, HasSubstr("haaglanden/3"));
}

// The example subscriber and inkoopctl tail on a generated region year.
TEST_F(SubscriberTest, ThePaymentFeedPrintsEachClaimOnceAcrossRestarts) {
  const std::vector<v1::Command> commands = RegionYearCommands(8, 4);
  // The first half of the claims, then the rest after the first run.
  size_t split = 0;
  for (int claims = 0; split < commands.size() && claims < 4; ++split) {
    if (commands[split].has_record_claim()) ++claims;
  }
  Submit(std::vector<v1::Command>(commands.begin(), commands.begin() + split));
  const std::vector<std::string> feed = {INKOOP_PAYMENT_FEED_PATH,
                                         "--brokers",
                                         options_.brokers,
                                         "--topic_prefix",
                                         options_.topic_prefix,
                                         "--keys",
                                         SigningKeyPath(dir_) + ".pub",
                                         "--group",
                                         options_.topic_prefix + "payments",
                                         "--until_end"};
  RunResult run = RunProgram(feed);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = absl::StrSplit(run.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << run.out;
  EXPECT_THAT(lines[0], ::testing::MatchesRegex(
                            "claim .* municipality .* pays .* [0-9,]+\\.[0-9][0-9] for "
                            "2016-01-01\\.\\.2016-01-31 \\(contract .*, haaglanden/[0-9]+\\)"));
  Submit(std::vector<v1::Command>(commands.begin() + split, commands.end()));
  run = RunProgram(feed);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> more = absl::StrSplit(run.out, '\n', absl::SkipEmpty());
  EXPECT_EQ(more.size(), 4u) << run.out;
  for (const std::string& line : more) {
    EXPECT_EQ(std::find(lines.begin(), lines.end(), line), lines.end()) << "twice: " << line;
  }

  // inkoopctl tail: the same claims as JSON lines, filtered by type.
  const std::vector<std::string> ctl = {INKOOPCTL_PATH, "tail", "--brokers", options_.brokers,
                                        "--topic-prefix", options_.topic_prefix, "--keys",
                                        SigningKeyPath(dir_) + ".pub"};
  std::vector<std::string> argv = ctl;
  argv.insert(argv.end(), {"--type", "claim_recorded", "--format", "json"});
  RunResult tail = RunProgram(argv);
  ASSERT_EQ(tail.exit_code, 0) << tail.err;
  std::vector<std::string> json = absl::StrSplit(tail.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(json.size(), 8u) << tail.out;
  EXPECT_THAT(json[0], HasSubstr("\"payload\":\"claim_recorded\",\"event\":{"));
  EXPECT_THAT(json[0], HasSubstr("\"region\":\"haaglanden\",\"sequence\":"));
  EXPECT_THAT(json[0], HasSubstr("\"claimRecorded\":{"));
  argv = ctl;
  argv.insert(argv.end(), {"--type", "claim_aproved"});
  tail = RunProgram(argv);
  EXPECT_EQ(tail.exit_code, 2);
  EXPECT_THAT(tail.err, HasSubstr("--type: 'claim_aproved' is not an event type"));
  argv = ctl;
  argv.insert(argv.end(), {"--from", "latest"});
  tail = RunProgram(argv);
  EXPECT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_EQ(tail.out, "");
}

}  // namespace
}  // namespace inkoop::testing
