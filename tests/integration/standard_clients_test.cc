// Any Kafka client can send commands: keyed by the region, a command that
// kcat produces with librdkafka's murmur2 partitioner, and one that Kafka's
// own console producer (the Java client's default partitioner, text only:
// the JSON form of SignedCommand) produces, land on the region's partition
// and are accepted by the engine.
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/integration/cluster.h"
#include "tests/testing/process.h"

namespace inkoop::testing {
namespace {

class StandardClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FreshTopics("std");
    engine_ = StartEngine(options_, dir_);
    absl::StatusOr<std::unique_ptr<Submitter>> submitter =
        ConnectSigned(options_, absl::Seconds(30));
    ASSERT_TRUE(submitter.ok()) << submitter.status();
    submitter_ = std::move(*submitter);
    absl::StatusOr<v1::CommandResult> adopted = submitter_->Submit(
        AdoptFramework("haaglanden", {"Delft", "Den Haag"}, {"ambulatory"}), absl::Seconds(60));
    ASSERT_TRUE(adopted.ok() && adopted->accepted()) << Tail(engine_->log_path());
  }

  // A signed budget of `municipality`, as the commands topic carries it.
  v1::SignedCommand Budget(const std::string& id, const std::string& municipality) {
    v1::Command command = SetBudget("haaglanden", municipality, 2016, 1'000'000'00);
    command.set_command_id(id);
    return TestActorKeys().Sign(command);
  }

  // Waits for the result of command `id`.
  v1::CommandResult ResultOf(const std::string& id, const RunResult& sent) {
    absl::StatusOr<std::vector<v1::CommandResult>> results =
        submitter_->AwaitResults({{"haaglanden", id}}, absl::Seconds(60));
    EXPECT_TRUE(results.ok()) << results.status() << "\n" << sent.err;
    return results.ok() ? results->front() : v1::CommandResult();
  }

  TempDir dir_;
  KafkaOptions options_;
  std::unique_ptr<ChildProcess> engine_;
  std::unique_ptr<Submitter> submitter_;
};

TEST_F(StandardClientsTest, KcatWithTheMurmur2PartitionerSendsACommand) {
  const std::string path = dir_.Sub("budget.bin");
  std::ofstream(path, std::ios::binary) << Budget("kcat-1", "Delft").SerializeAsString();
  const RunResult sent =
      RunProgram({"/usr/bin/kcat", "-P", "-b", options_.brokers, "-t", options_.commands_topic(),
                  "-k", "haaglanden", "-X", "partitioner=murmur2_random", path});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  const v1::CommandResult result = ResultOf("kcat-1", sent);
  EXPECT_TRUE(result.accepted()) << result.message();
  EXPECT_EQ(result.command_partition(), PartitionFor("haaglanden", 3));
}

TEST_F(StandardClientsTest, KafkasConsoleProducerSendsACommandAsJson) {
  std::string json;
  ASSERT_TRUE(
      google::protobuf::util::MessageToJsonString(Budget("console-1", "Den Haag"), &json).ok());
  const std::string input = dir_.Sub("budget.txt");
  std::ofstream(input) << "haaglanden\t" << json << "\n";
  const RunResult sent = RunProgram(
      {"/bin/sh", "-c",
       absl::StrCat("java -cp '", INKOOP_KAFKA_LIB, "/*' org.apache.kafka.tools.ConsoleProducer",
                    " --bootstrap-server ", options_.brokers, " --topic ",
                    options_.commands_topic(),
                    " --property parse.key=true --property key.separator='\t' < ", input)});
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  const v1::CommandResult result = ResultOf("console-1", sent);
  EXPECT_TRUE(result.accepted()) << result.message();
  EXPECT_EQ(result.command_partition(), PartitionFor("haaglanden", 3));
}

}  // namespace
}  // namespace inkoop::testing
