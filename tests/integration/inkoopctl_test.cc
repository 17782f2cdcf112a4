// inkoopctl against the real broker and engine: accepted commands print
// their sequence numbers; bad input exits non-zero with one clear line, and
// a refused command writes nothing to the events topic.
#include <signal.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cluster.h"

namespace inkoop::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class InkoopctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FreshTopics("ctl");
    engine_ = StartEngine(options_, dir_);
    RunResult adopted =
        Ctl({"submit",           "adopt-framework",
             "--region",         "haaglanden",
             "--actor",          "bureau",
             "--role",           "bureau",
             "--framework-id",   "H10",
             "--municipalities", "Delft,Den Haag,Westland",
             "--lots",           R"([{"code":"ambulatory","name":"Ambulatory youth care"}])",
             "--period-start",   "2015-01-01",
             "--period-end",     "2016-12-31",
             "--actor-keys",     KeysJson({{"bureau", v1::ROLE_BUREAU},
                                           {"Delft", v1::ROLE_MUNICIPALITY},
                                           {"Den Haag", v1::ROLE_MUNICIPALITY},
                                           {"Westland", v1::ROLE_MUNICIPALITY}}),
             "--timeout",        "60"});
    ASSERT_EQ(adopted.exit_code, 0) << adopted.err << Tail(engine_->log_path());
  }

  // The registry entries of the actors' test keys, as --actor-keys JSON.
  static std::string KeysJson(const std::vector<std::pair<std::string, v1::Role>>& actors) {
    std::string json = "[";
    for (const auto& [actor, role] : actors) {
      v1::ActorKey entry = TestActorKeys().Entry(actor, role);
      absl::StrAppend(&json, json.size() > 1 ? "," : "", "{\"actorId\":\"", actor,
                      "\",\"role\":\"", v1::Role_Name(role), "\",\"publicKey\":\"",
                      entry.public_key(), "\"}");
    }
    return json + "]";
  }

  // Submits sign with the test key of the --actor the words name.
  RunResult Ctl(std::vector<std::string> words, bool with_kafka = true) {
    if (!words.empty() && words[0] == "submit" &&
        std::find(words.begin(), words.end(), "--key") == words.end()) {
      auto actor = std::find(words.begin(), words.end(), "--actor");
      if (actor != words.end() && actor + 1 != words.end()) {
        words.insert(words.end(), {"--key", ActorKeyFile(dir_, *(actor + 1))});
      }
    }
    std::vector<std::string> argv = {INKOOPCTL_PATH};
    argv.insert(argv.end(), words.begin(), words.end());
    if (with_kafka) {
      argv.insert(argv.end(),
                  {"--brokers", options_.brokers, "--topic-prefix", options_.topic_prefix});
    }
    return RunProgram(argv);
  }

  static void ExpectOneLine(const RunResult& result) {
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }

  TempDir dir_;
  KafkaOptions options_;
  std::unique_ptr<ChildProcess> engine_;
};

TEST_F(InkoopctlTest, AcceptedCommandPrintsItsSequence) {
  RunResult result = Ctl({"submit", "set-budget", "--region", "haaglanden", "--actor", "Delft",
                          "--role", "municipality", "--municipality", "Delft", "--year", "2016",
                          "--source", "may_circular", "--amount", "1200000.00"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("accepted set_budget"));
  EXPECT_THAT(result.out, HasSubstr("events 2 of region haaglanden"));
}

TEST_F(InkoopctlTest, RefusedCommandsExitNonZeroAndWriteNoEvent) {
  const size_t events_before = ReadAllEvents(options_).size();
  RunResult unknown = Ctl({"submit", "set-budget", "--region", "haaglanden", "--actor", "Gouda",
                           "--role", "municipality", "--municipality", "Gouda", "--year", "2016",
                           "--source", "may_circular", "--amount", "100.00"});
  EXPECT_EQ(unknown.exit_code, 1);
  // Gouda is no member: its key is in no registry of the region.
  EXPECT_THAT(unknown.err, HasSubstr("of actor 'Gouda': key '"));
  EXPECT_THAT(unknown.err, HasSubstr("' is not in the registry of region 'haaglanden'"));
  ExpectOneLine(unknown);

  RunResult negative = Ctl({"submit", "set-budget", "--region", "haaglanden", "--actor", "Delft",
                            "--role", "municipality", "--municipality", "Delft", "--year", "2016",
                            "--source", "may_circular", "--amount-cents", "-500"});
  EXPECT_EQ(negative.exit_code, 1);
  EXPECT_THAT(negative.err, HasSubstr("amount_cents: expected an amount >= 0.00, got -5.00"));
  ExpectOneLine(negative);

  EXPECT_EQ(ReadAllEvents(options_).size(), events_before);
}

TEST_F(InkoopctlTest, MalformedJsonFileIsRefusedBeforeKafka) {
  const std::string path = dir_.Sub("bad.json");
  std::ofstream(path) << R"({"region": "haaglanden", "setBudget": {"year": "twenty"})";
  RunResult result = Ctl({"submit", "--file", path, "--key", ActorKeyFile(dir_, "Westland")});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(absl::StrCat(path, ": not a valid inkoop.v1.Command in JSON")));
  ExpectOneLine(result);
}

TEST_F(InkoopctlTest, JsonFileCommandIsAccepted) {
  const std::string path = dir_.Sub("budget.json");
  std::ofstream(path) << R"({"region": "haaglanden",
    "actor": {"id": "Westland", "role": "ROLE_MUNICIPALITY"},
    "setBudget": {"municipality": "Westland", "year": 2016,
                  "source": "BUDGET_SOURCE_MAY_CIRCULAR", "amountCents": "750000000"}})";
  RunResult result = Ctl({"submit", "--file", path, "--key", ActorKeyFile(dir_, "Westland")});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("accepted set_budget"));
}

TEST_F(InkoopctlTest, UnreachableBrokerIsOneClearLine) {
  RunResult result =
      RunProgram({INKOOPCTL_PATH, "submit", "set-budget", "--brokers", "127.0.0.1:1", "--region",
                  "haaglanden", "--actor", "Delft", "--role", "municipality", "--municipality",
                  "Delft", "--year", "2016", "--source", "may_circular", "--amount", "1.00",
                  "--key", ActorKeyFile(dir_, "Delft")});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, StartsWith("inkoopctl: no Kafka broker reachable at 127.0.0.1:1"));
  ExpectOneLine(result);
}

TEST_F(InkoopctlTest, RepeatedCommandIdReturnsTheFirstResult) {
  std::vector<std::string> words = {
      "submit",  "set-budget", "--command-id", "delft-2016-budget", "--region",       "haaglanden",
      "--actor", "Delft",      "--role",       "municipality",      "--municipality", "Delft",
      "--year",  "2016",       "--source",     "may_circular",      "--amount",       "10.00"};
  RunResult first = Ctl(words);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const size_t events = ReadAllEvents(options_).size();
  RunResult again = Ctl(words);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("a repeat"));
  EXPECT_EQ(ReadAllEvents(options_).size(), events);
}

}  // namespace
}  // namespace inkoop::testing
