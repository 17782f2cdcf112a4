// inkoopctl export ocds against the real broker and engine, on a generated
// region year (framework, providers, tenders, bids, awards, contracts,
// claims, payments): the release and record packages validate against the
// official OCDS 1.1.5 schemas with a real JSON Schema validator
// (tests/ocds/validate.py, python3-jsonschema); no client pseudonym
// appears; --as-of leaves out what happened later; --follow publishes each
// new release as its events are committed.
#include <signal.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cluster.h"

namespace inkoop::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int Count(const std::string& text, const std::string& word) {
  int n = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
  return n;
}

class OcdsExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FreshTopics("ocds-export");
    engine_ = StartEngine(options_, dir_);
    // A year of five clients: claims monthly, about one in ten paid a month later.
    commands_ = RegionYearCommands(60, 5);
    absl::StatusOr<std::unique_ptr<Submitter>> submitter = ConnectSigned(options_, absl::Seconds(30));
    ASSERT_TRUE(submitter.ok()) << submitter.status();
    submitter_ = *std::move(submitter);
  }

  void Submit(size_t from, size_t to) {
    absl::StatusOr<std::vector<v1::CommandResult>> results = submitter_->SubmitAll(
        std::vector<v1::Command>(commands_.begin() + from, commands_.begin() + to),
        absl::Seconds(120));
    ASSERT_TRUE(results.ok()) << results.status() << Tail(engine_->log_path());
    for (const v1::CommandResult& result : *results) {
      ASSERT_TRUE(result.accepted()) << result.command_id() << ": " << result.message();
    }
  }

  std::vector<std::string> Ctl(std::vector<std::string> words) {
    std::vector<std::string> argv = {INKOOPCTL_PATH};
    argv.insert(argv.end(), words.begin(), words.end());
    argv.insert(argv.end(), {"--brokers", options_.brokers, "--topic-prefix",
                             options_.topic_prefix, "--keys", SigningKeyPath(dir_) + ".pub"});
    return argv;
  }

  // Exports into dir/<name> and validates it; the package's text.
  std::string ExportValid(const std::string& name, std::vector<std::string> words) {
    const RunResult exported = RunProgram(Ctl(words));
    EXPECT_EQ(exported.exit_code, 0) << exported.err;
    const std::string path = dir_.Sub(name);
    std::ofstream(path) << exported.out;
    const RunResult valid = RunProgram({"/usr/bin/python3", INKOOP_OCDS_VALIDATE, path});
    EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
    return exported.out;
  }

  TempDir dir_;
  KafkaOptions options_;
  std::unique_ptr<ChildProcess> engine_;
  std::unique_ptr<Submitter> submitter_;
  std::vector<v1::Command> commands_;
};

TEST_F(OcdsExportTest, TheRegionsPackagesValidateAgainstTheOcdsSchemasWithoutPersonalData) {
  Submit(0, commands_.size());
  const std::string releases =
      ExportValid("releases.json", {"export", "ocds", "--region", "haaglanden"});
  const std::string records =
      ExportValid("records.json", {"export", "ocds", "--region", "haaglanden", "--records"});
  EXPECT_THAT(releases, HasSubstr("\"ocid\": \"ocds-inkoop-haaglanden-"));
  for (const std::string tag : {"\"tender\"", "\"award\"", "\"contract\"", "\"implementation\""}) {
    EXPECT_THAT(releases, HasSubstr(tag));
  }
  EXPECT_THAT(releases, HasSubstr("\"currency\": \"EUR\""));
  EXPECT_THAT(records, HasSubstr("\"compiledRelease\""));
  EXPECT_THAT(records, HasSubstr("\"versionedRelease\""));
  // The generated clients' pseudonyms and assignments ("cl-...", "as-...").
  for (const std::string& text : {releases, records}) {
    EXPECT_THAT(text, Not(HasSubstr("\"cl-")));
    EXPECT_THAT(text, Not(HasSubstr("cl-")));
    EXPECT_THAT(text, Not(HasSubstr("as-")));
  }
  // As of the day before the contract year: tenders and awards, no payments.
  const std::string earlier = ExportValid(
      "earlier.json", {"export", "ocds", "--region", "haaglanden", "--as-of", "2015-12-31"});
  EXPECT_LT(Count(earlier, "\"id\": \"haaglanden-"), Count(releases, "\"id\": \"haaglanden-"));
  EXPECT_EQ(Count(earlier, "\"implementation\""), 0);
  EXPECT_GT(Count(releases, "\"implementation\""), 0);

  // Bad input is refused, naming it.
  RunResult refused = RunProgram(Ctl({"export", "ocds", "--releases", "--records",
                                      "--region", "haaglanden"}));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("expected one of --releases and --records, got both"));
  refused = RunProgram(Ctl({"export", "ocds", "--region", "nowhere"}));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("region 'nowhere' has no events"));
  refused = RunProgram(Ctl({"export", "csv", "--region", "haaglanden"}));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("expected the format 'ocds', got 'csv'"));
}

TEST_F(OcdsExportTest, FollowingPublishesEachNewReleaseAsItsEventsAreCommitted) {
  // Up to the first claim; the rest is written while the export follows.
  size_t split = 0;
  while (split < commands_.size() && !commands_[split].has_record_claim()) ++split;
  Submit(0, split);
  const std::string log = dir_.Sub("follow.jsonl");
  std::vector<std::string> argv = Ctl({"export", "ocds", "--region", "haaglanden", "--follow"});
  ChildProcess follow(argv, log);
  auto lines = [&] {
    std::vector<std::string> out;
    for (absl::string_view line : absl::StrSplit(Read(log), '\n', absl::SkipEmpty())) {
      if (absl::StartsWith(line, "{")) out.emplace_back(line);
    }
    return out;
  };
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (lines().empty() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(100));
  absl::SleepFor(absl::Seconds(2));
  const size_t before = lines().size();
  ASSERT_GT(before, 0u) << Read(log);
  EXPECT_EQ(Count(Read(log), "\"implementation\""), 0);
  // Payments are recorded a month after their claims: the rest of the year
  // brings implementation releases, each on its own line.
  Submit(split, commands_.size());
  while (Count(Read(log), "\"implementation\"") == 0 && absl::Now() < deadline + absl::Seconds(60)) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  follow.Signal(SIGTERM);
  ASSERT_TRUE(follow.Wait(absl::Seconds(10)).has_value());
  const std::vector<std::string> all = lines();
  EXPECT_GT(all.size(), before);
  EXPECT_GT(Count(Read(log), "\"implementation\""), 0) << Read(log);
  for (const std::string& line : all) EXPECT_THAT(line, HasSubstr("\"ocid\":"));
}

}  // namespace
}  // namespace inkoop::testing
