// Who looked at a client's case, against the real broker, engine and
// projector: a client-level read through inkoopctl is recorded on the
// access topic before it is shown and is in the client's access log with a
// verified signature; a record someone else wrote to the topic (another
// reader's name, a bad signature, garbage) never passes as verified; with
// no broker to record the read, nothing is shown.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/kafka/kafka.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "inkoop/v1/access.pb.h"
#include "tests/integration/cluster.h"
#include "tests/testing/process.h"
#include "engine/kafka/partition_reader.h"
#include "tests/testing/domain_matchers.h"
#include "tools/inkoopctl/access.h"

namespace inkoop::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRegion[] = "haaglanden";
constexpr char kClient[] = "cl-7a2b3c";

v1::Command Signed(const std::string& id, const std::string& actor, v1::Role role,
                   const std::string& body) {
  v1::Command command = ParseText<v1::Command>(body);
  command.set_command_id(id);
  command.set_region(kRegion);
  command.mutable_actor()->set_id(actor);
  command.mutable_actor()->set_role(role);
  return command;
}

class AccessLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FreshTopics("access");
    engine_ = StartEngine(options_, dir_);
    projector_ = StartProjector(options_, dir_, db_);
    absl::StatusOr<std::unique_ptr<Submitter>> submitter = ConnectSigned(options_, absl::Seconds(30));
    ASSERT_TRUE(submitter.ok()) << submitter.status();
    // A region on the wall clock: a framework for 2026-2027, Delft's budget
    // and plan, provider p1's contract and client kClient's assignment.
    v1::Command adopt = Signed("a-1", "bureau", v1::ROLE_BUREAU, R"pb(adopt_framework {
      framework_id: "H10" municipalities: [ "Delft" ] lots { code: "ambulatory" name: "Ambulatory" }
      period_start: "2026-01-01" period_end: "2027-12-31"
      lot_rules { lot: "ambulatory" funding_models: [ FUNDING_MODEL_PER_UNIT ]
        max_tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 9000 } } })pb");
    TestActorKeys().Enroll(adopt);
    v1::Command provider = Signed("a-4", "bureau", v1::ROLE_BUREAU,
                                  R"pb(register_provider { provider_id: "p1" name: "Horizon" })pb");
    *provider.mutable_register_provider()->mutable_actor_key() =
        TestActorKeys().Entry("p1", v1::ROLE_PROVIDER);
    const std::vector<v1::Command> commands = {
        adopt,
        Signed("a-2", "Delft", v1::ROLE_MUNICIPALITY, R"pb(set_budget {
          municipality: "Delft" year: 2026 amount_cents: 100000000 source: BUDGET_SOURCE_MAY_CIRCULAR })pb"),
        Signed("a-3", "Delft", v1::ROLE_MUNICIPALITY, R"pb(submit_local_plan {
          municipality: "Delft" year: 2026 lots { lot: "ambulatory" amount_cents: 5000000 } })pb"),
        provider,
        Signed("a-5", "bureau", v1::ROLE_BUREAU, R"pb(sign_contract {
          contract_id: "c1" provider_id: "p1" lot: "ambulatory" funding_model: FUNDING_MODEL_PER_UNIT
          term_start: "2026-01-01" term_end: "2026-12-31"
          ceilings { municipality: "Delft" ceiling_cents: 1000000 }
          tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 8500 } })pb"),
        Signed("a-6", "Delft", v1::ROLE_MUNICIPALITY, absl::StrCat(R"pb(assign_care {
          assignment_id: "a1" contract_id: "c1" municipality: "Delft" client: ")pb", kClient, R"pb("
          product_code: "45A12" volume: 10 unit: UNIT_HOUR
          period_start: "2026-01-01" period_end: "2026-12-31" })pb")),
    };
    absl::StatusOr<std::vector<v1::CommandResult>> results =
        (*submitter)->SubmitAll(commands, absl::Seconds(60));
    ASSERT_TRUE(results.ok()) << results.status() << Tail(engine_->log_path());
    for (const v1::CommandResult& result : *results) {
      ASSERT_TRUE(result.accepted()) << result.command_id() << ": " << result.message();
    }
    ASSERT_NE(AwaitProjection(db_, {{kRegion, results->back().sequences(results->back().sequences_size() - 1)}},
                              absl::Now() + absl::Seconds(60), projector_->log_path()),
              nullptr);
  }

  RunResult Ctl(std::vector<std::string> words, const std::string& brokers = "") {
    std::vector<std::string> argv = {INKOOPCTL_PATH};
    argv.insert(argv.end(), words.begin(), words.end());
    argv.insert(argv.end(), {"--brokers", brokers.empty() ? options_.brokers : brokers,
                             "--topic-prefix", options_.topic_prefix, "--db", db_});
    return RunProgram(argv);
  }
  RunResult Read(const std::string& actor) {
    return Ctl({"show", "assignments", "--client", kClient, "--key", ActorKeyFile(dir_, actor),
                "--purpose", "care plan review"});
  }

  TempDir dir_;
  const std::string db_ = dir_.Sub("projection");
  KafkaOptions options_;
  std::unique_ptr<ChildProcess> engine_;
  std::unique_ptr<ChildProcess> projector_;
};

TEST_F(AccessLogTest, AReadIsRecordedBeforeItIsShownAndTheLogVerifiesIt) {
  const RunResult shown = Read("Delft");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr(absl::StrCat("a1         client ", kClient)));
  const RunResult log = Ctl({"access-log", "--client", kClient});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  EXPECT_THAT(log.out, HasSubstr("Delft (municipality) read assignments --client cl-7a2b3c for "
                                 "\"care plan review\"  signature verified"));
  EXPECT_THAT(log.out, HasSubstr("1 read(s) of client 'cl-7a2b3c'\n"));
  // The provider holding the assignment reads it too: a second record.
  const RunResult provider = Read("p1");
  EXPECT_EQ(provider.exit_code, 0) << provider.err;
  EXPECT_THAT(Ctl({"access-log", "--client", kClient}).out,
              HasSubstr("p1 (provider) read assignments"));
  // A client nobody read has an empty log.
  EXPECT_EQ(Ctl({"access-log", "--client", "cl-0000001"}).exit_code, 1);
}

TEST_F(AccessLogTest, RecordsWrittenByOthersNeverPassAsVerified) {
  ASSERT_EQ(Read("Delft").exit_code, 0);
  // Someone with write access to the topic: a copy of Delft's record that
  // names the bureau, a record with a broken signature, and garbage.
  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> producer = MakeMetadataClient(options_);
  ASSERT_TRUE(producer.ok());
  const int32_t partition = PartitionFor(kRegion, 3);
  auto produce = [&](const std::string& value) {
    ASSERT_EQ((*producer)->produce(options_.access_topic(), partition,
                                   RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
                                   value.size(), kRegion, sizeof(kRegion) - 1, 0, nullptr),
              RdKafka::ERR_NO_ERROR);
  };
  std::vector<std::string> records;
  ASSERT_TRUE(ReadPartitionToEnd(options_, options_.access_topic(), partition, Offset(0),
                                 [&](const RdKafka::Message& m) {
                                   records.emplace_back(static_cast<const char*>(m.payload()),
                                                        m.len());
                                   return absl::OkStatus();
                                 })
                  .ok());
  ASSERT_EQ(records.size(), 1u);
  v1::SignedAccess genuine;
  ASSERT_TRUE(genuine.ParseFromString(records[0]));
  v1::AccessRecorded as_bureau;
  ASSERT_TRUE(as_bureau.ParseFromString(genuine.record()));
  as_bureau.set_reader("bureau");
  as_bureau.set_role(v1::ROLE_BUREAU);
  v1::SignedAccess renamed = genuine;
  renamed.set_record(as_bureau.SerializeAsString());
  produce(renamed.SerializeAsString());
  v1::SignedAccess broken = genuine;
  broken.mutable_signature()->back() ^= 1;
  produce(broken.SerializeAsString());
  produce("\xff\xfe not a record");
  ASSERT_EQ((*producer)->flush(10000), RdKafka::ERR_NO_ERROR);

  const RunResult log = Ctl({"access-log", "--client", kClient});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  EXPECT_THAT(log.out, HasSubstr("3 read(s) of client 'cl-7a2b3c', 2 NOT VERIFIED"));
  EXPECT_THAT(log.out, HasSubstr("bureau (bureau) read assignments"));
  EXPECT_THAT(log.out, HasSubstr("is registered to 'Delft' (municipality), not to the reader named"));
  EXPECT_THAT(log.err, HasSubstr("undecodable"));
}

TEST_F(AccessLogTest, WithoutABrokerToRecordTheReadNothingIsShown) {
  const RunResult shown =
      Ctl({"show", "assignments", "--client", kClient, "--key", ActorKeyFile(dir_, "Delft"),
           "--purpose", "care plan review", "--timeout", "3"},
          "127.0.0.1:1");
  EXPECT_EQ(shown.exit_code, 3);
  EXPECT_EQ(shown.out, "");
  EXPECT_THAT(shown.err, HasSubstr("nothing is shown"));
  EXPECT_THAT(shown.err, Not(HasSubstr(kClient)));
}

}  // namespace
}  // namespace inkoop::testing
