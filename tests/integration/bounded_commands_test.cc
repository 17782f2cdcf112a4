// Commands no client can use to stall a region, against the real broker and
// engine: a command of about a megabyte, one the engine cannot process, a
// command id reused for another command, and a command inkoopctl will not
// send.
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cluster.h"
#include "tools/client/submitter.h"

namespace inkoop::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class BoundedCommandsTest : public ::testing::Test {
 protected:
  void Start(const std::vector<std::string>& engine_flags = {}) {
    options_ = FreshTopics("bounded");
    engine_ = StartEngine(options_, dir_, engine_flags);
    absl::StatusOr<std::unique_ptr<Submitter>> submitter =
        ConnectSigned(options_, absl::Seconds(30));
    ASSERT_TRUE(submitter.ok()) << submitter.status();
    submitter_ = std::move(*submitter);
    auto adopted = submitter_->Submit(AdoptFramework("north", {"north-m0"}, {"lot-a"}),
                                      absl::Seconds(60));
    ASSERT_TRUE(adopted.ok() && adopted->accepted()) << Tail(engine_->log_path());
  }

  RunResult Ctl(std::vector<std::string> words) {
    words.insert(words.end(), {"--key", ActorKeyFile(dir_, "north-m0")});
    std::vector<std::string> argv = {INKOOPCTL_PATH};
    argv.insert(argv.end(), words.begin(), words.end());
    argv.insert(argv.end(), {"--brokers", options_.brokers, "--topic-prefix", options_.topic_prefix});
    return RunProgram(argv);
  }

  TempDir dir_;
  KafkaOptions options_;
  std::unique_ptr<ChildProcess> engine_;
  std::unique_ptr<Submitter> submitter_;
};

// The finding: a 999,800-character municipality passed the broker's limit,
// its refusal echoing the name was too large to write, and the engine
// aborted and read it again, ten times a second, stalling the region.
TEST_F(BoundedCommandsTest, AMegabyteCommandIsRefusedInOneLineAndTheRegionGoesOn) {
  Start();
  v1::Command huge = SetBudget("north", std::string(999'800, 'm'), 2016, 5);
  huge.mutable_actor()->set_id("north-m0");
  auto refused = submitter_->Submit(huge, absl::Seconds(60));
  ASSERT_TRUE(refused.ok()) << refused.status() << Tail(engine_->log_path());
  EXPECT_FALSE(refused->accepted());
  EXPECT_EQ(refused->code(), static_cast<int>(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(refused->message(),
              HasSubstr("bytes: expected at most 262144 bytes (--max_command_bytes)"));
  EXPECT_LT(refused->message().size(), 200u);
  EXPECT_EQ(refused->message().find('\n'), std::string::npos);

  const absl::Time before = absl::Now();
  auto next = submitter_->Submit(SetBudget("north", "north-m0", 2016, 7), absl::Seconds(60));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(next->accepted()) << next->message();
  EXPECT_LT(absl::Now() - before, absl::Seconds(5));
  EXPECT_THAT(Tail(engine_->log_path(), 200), Not(HasSubstr("aborting")));
}

// Under the size limit, a refusal that would echo a long value is cut.
TEST_F(BoundedCommandsTest, ARefusalEchoingALongValueIsCut) {
  Start();
  v1::Command long_name = SetBudget("north", std::string(200'000, 'g'), 2016, 5);
  long_name.mutable_actor()->set_id("north-m0");
  auto refused = submitter_->Submit(long_name, absl::Seconds(60));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_FALSE(refused->accepted());
  EXPECT_THAT(refused->message(), HasSubstr("...[199800 bytes cut]"));
  EXPECT_LT(refused->message().size(), 2100u);
}

// A command the engine cannot process (here an internal error made by a
// test flag, as a defect would) is refused once and the region goes on,
// instead of being aborted and read again forever.
TEST_F(BoundedCommandsTest, ACommandMeetingAnInternalErrorIsRefusedAndTheRegionGoesOn) {
  Start({"--test_internal_error_command_id", "poison-1"});
  v1::Command poison = SetBudget("north", "north-m0", 2016, 5);
  poison.set_command_id("poison-1");
  auto refused = submitter_->Submit(poison, absl::Seconds(60));
  ASSERT_TRUE(refused.ok()) << refused.status() << Tail(engine_->log_path());
  EXPECT_FALSE(refused->accepted());
  EXPECT_EQ(refused->code(), static_cast<int>(absl::StatusCode::kInternal));
  EXPECT_THAT(refused->message(), HasSubstr("could not be processed: engine defect"));
  auto next = submitter_->Submit(SetBudget("north", "north-m0", 2016, 6), absl::Seconds(60));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(next->accepted()) << next->message();
  // Its state was not half-applied: the budget is the later command's.
  EXPECT_EQ(next->sequences(0), 2u);
}

TEST_F(BoundedCommandsTest, ACommandIdReusedForAnotherCommandIsAConflictingRepeat) {
  Start();
  RunResult first = Ctl({"submit", "set-budget", "--region", "north", "--actor", "north-m0",
                         "--role", "municipality", "--municipality", "north-m0", "--year", "2016",
                         "--source", "may_circular", "--amount", "1000.00", "--command-id", "c-1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  RunResult other = Ctl({"submit", "set-budget", "--region", "north", "--actor", "north-m0",
                         "--role", "municipality", "--municipality", "north-m0", "--year", "2016",
                         "--source", "may_circular", "--amount", "2000.00", "--command-id", "c-1"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.err, HasSubstr("command_id 'c-1' was first used for a set_budget (accepted, "
                                   "events 2); this set_budget with the same id and another body "
                                   "is a conflicting repeat"));
}

TEST_F(BoundedCommandsTest, InkoopctlRefusesACommandOverTheLimitBeforeSending) {
  Start();
  const std::string file = dir_.Sub("huge.json");
  std::ofstream(file) << "{\"region\":\"north\",\"commandId\":\"big\",\"actor\":{\"id\":\"north-m0\","
                         "\"role\":\"ROLE_MUNICIPALITY\"},\"setBudget\":{\"municipality\":\""
                      << std::string(2 << 20, 'm') << "\",\"year\":2016,\"amountCents\":\"5\"}}";
  RunResult big = Ctl({"submit", "--file", file});
  EXPECT_EQ(big.exit_code, 2) << big.err;
  EXPECT_THAT(big.err, HasSubstr("bytes: expected at most 262144 bytes (--max-command-bytes"));
  EXPECT_EQ(std::count(big.err.begin(), big.err.end(), '\n'), 1) << big.err;
}

}  // namespace
}  // namespace inkoop::testing
