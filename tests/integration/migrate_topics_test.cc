// Topics written with an earlier mapping of regions to partitions: the
// engine refuses to start on them with a message that says what to do, and
// inkoopctl migrate-topics copies them to new topics on which it starts and
// goes on with every region's chain.
#include <signal.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/kafka/partition_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cluster.h"
#include "tests/testing/process.h"

namespace inkoop::testing {
namespace {

using ::testing::HasSubstr;

// Copies every committed record of `topic` in `from` to the same topic in
// `to`, each on the partition after the one it was on: a mapping that is
// not the current one.
void CopyShifted(const KafkaOptions& from, const KafkaOptions& to, const std::string& name) {
  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> producer = MakeMetadataClient(to);
  ASSERT_TRUE(producer.ok()) << producer.status();
  for (int32_t p = 0; p < 3; ++p) {
    ASSERT_TRUE(ReadPartitionToEnd(from, from.topic_prefix + name, p, Offset(0),
                                   [&](const RdKafka::Message& m) {
                                     const RdKafka::ErrorCode code = (*producer)->produce(
                                         to.topic_prefix + name, (p + 1) % 3,
                                         RdKafka::Producer::RK_MSG_COPY, m.payload(), m.len(),
                                         m.key_pointer(), m.key_len(), 0, nullptr);
                                     return KafkaStatus(code, "copy");
                                   })
                    .ok());
  }
  ASSERT_EQ((*producer)->flush(15000), RdKafka::ERR_NO_ERROR);
}

TEST(MigrateTopics, TheEngineRefusesAnOldMappingAndStartsOnTheMigratedTopics) {
  TempDir dir;
  const KafkaOptions written = FreshTopics("mig-a");
  uint64_t last = 0;
  {
    auto engine = StartEngine(written, dir, {"--state_dir", dir.Sub("state-a")});
    absl::StatusOr<std::unique_ptr<Submitter>> submitter =
        ConnectSigned(written, absl::Seconds(30));
    ASSERT_TRUE(submitter.ok()) << submitter.status();
    absl::StatusOr<std::vector<v1::CommandResult>> results = (*submitter)->SubmitAll(
        {AdoptFramework("haaglanden", {"Delft"}, {"ambulatory"}),
         SetBudget("haaglanden", "Delft", 2016, 1'000'000'00)},
        absl::Seconds(60));
    ASSERT_TRUE(results.ok()) << results.status();
    ASSERT_TRUE(results->back().accepted()) << results->back().message();
    last = results->back().sequences(results->back().sequences_size() - 1);
    engine->Signal(SIGTERM);
    ASSERT_TRUE(engine->Wait(absl::Seconds(30)).has_value());
  }
  // The same history on topics that put the region on another partition.
  const KafkaOptions old = FreshTopics("mig-b");
  ASSERT_TRUE(EnsureTopics(old, absl::Seconds(30)).ok());
  CopyShifted(written, old, "inkoop.events");
  CopyShifted(written, old, "inkoop.results");

  auto refused = StartEngine(old, dir, {"--state_dir", dir.Sub("state-b")});
  const std::optional<int> status = refused->Wait(absl::Seconds(60));
  ASSERT_TRUE(status.has_value()) << "the engine started on topics of another mapping";
  EXPECT_NE(*status, 0);
  const std::string log = Tail(refused->log_path(), 10);
  EXPECT_THAT(log, HasSubstr(absl::StrCat("an event of region 'haaglanden', which belongs on "
                                          "partition ",
                                          PartitionFor("haaglanden", 3))));
  EXPECT_THAT(log, HasSubstr("inkoopctl migrate-topics"));

  const KafkaOptions migrated = FreshTopics("mig-c");
  const RunResult copy =
      RunProgram({INKOOPCTL_PATH, "migrate-topics", "--brokers", old.brokers, "--topic-prefix",
                  old.topic_prefix, "--to-prefix", migrated.topic_prefix});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_THAT(copy.out, HasSubstr("of 1 region(s)"));
  EXPECT_THAT(copy.out, HasSubstr("1 region(s) moved to another partition"));
  const RunResult again =
      RunProgram({INKOOPCTL_PATH, "migrate-topics", "--brokers", old.brokers, "--topic-prefix",
                  old.topic_prefix, "--to-prefix", migrated.topic_prefix});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("already holds"));

  auto engine = StartEngine(migrated, dir, {"--state_dir", dir.Sub("state-c")});
  absl::StatusOr<std::unique_ptr<Submitter>> submitter = ConnectSigned(migrated, absl::Seconds(30));
  ASSERT_TRUE(submitter.ok()) << submitter.status();
  absl::StatusOr<v1::CommandResult> next = (*submitter)->Submit(
      SetBudget("haaglanden", "Delft", 2015, 1'100'000'00), absl::Seconds(60));
  ASSERT_TRUE(next.ok()) << next.status() << Tail(engine->log_path());
  ASSERT_TRUE(next->accepted()) << next->message();
  EXPECT_EQ(next->sequences(0), last + 1);
  EXPECT_EQ(next->command_partition(), PartitionFor("haaglanden", 3));
}

}  // namespace
}  // namespace inkoop::testing
