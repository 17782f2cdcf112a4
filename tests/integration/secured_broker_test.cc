// The secured broker (deploy/kafka/start.sh --secure): clients authenticate
// and ACLs let only the engine's principal write events and results. The
// engine, a client, inkoopctl and the projector, each with its own principal
// (--kafka_config), work as usual; the client writing to the events or
// results topic is refused by the broker.
// deploy/test.sh starts the broker (INKOOP_TEST_SECURE_BROKERS, its
// credentials in INKOOP_TEST_SECURE_DIR, topic prefix "secure.").
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cluster.h"
#include "tools/client/submitter.h"

namespace inkoop::testing {
namespace {

class Deliveries : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override { errors.push_back(message.err()); }
  std::vector<RdKafka::ErrorCode> errors;
};

const char* SecureSetting(const char* name, const char* built_in) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : built_in;
}

const char* SecureDir() {
  return SecureSetting("INKOOP_TEST_SECURE_DIR", INKOOP_TEST_SECURE_DIR_DEFAULT);
}

KafkaOptions As(const std::string& principal) {
  const char* brokers = SecureSetting("INKOOP_TEST_SECURE_BROKERS", INKOOP_TEST_SECURE_BROKERS_DEFAULT);
  const char* dir = SecureDir();
  KafkaOptions options;
  if (brokers == nullptr || dir == nullptr || *brokers == '\0' || *dir == '\0') {
    ADD_FAILURE() << "no secured broker configured (INKOOP_TEST_SECURE_BROKERS and "
                     "INKOOP_TEST_SECURE_DIR): "
                     "deploy/test.sh starts the secured broker (deploy/kafka/start.sh --secure "
                     "--topic-prefix secure.)";
    return options;
  }
  options.brokers = brokers;
  options.topic_prefix = "secure.";
  absl::StatusOr<std::map<std::string, std::string>> settings =
      ReadKafkaConfig(absl::StrCat(dir, "/", principal, ".properties"));
  EXPECT_TRUE(settings.ok()) << settings.status();
  if (settings.ok()) options.client_settings = *settings;
  return options;
}

TEST(SecuredBrokerTest, OnlyTheEngineWritesEventsAndAClientWritingThemIsRefused) {
  const KafkaOptions engine_options = As("inkoopd");
  const KafkaOptions client_options = As("client");
  ASSERT_FALSE(engine_options.brokers.empty());
  TempDir dir;
  const std::string config = absl::StrCat(SecureDir(), "/inkoopd.properties");
  auto engine = StartEngine(engine_options, dir, {"--kafka_config", config});

  // The engine creates the topics; the client may only see them.
  absl::StatusOr<std::unique_ptr<Submitter>> submitter = absl::UnavailableError("not yet");
  for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
       !submitter.ok() && absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(300))) {
    submitter = ConnectSigned(client_options, absl::Seconds(5));
  }
  ASSERT_TRUE(submitter.ok()) << submitter.status() << Tail(engine->log_path());
  const std::string region = absl::StrCat("north-", absl::ToUnixNanos(absl::Now()));
  auto adopted = (*submitter)->Submit(AdoptFramework(region, {"m0"}, {"lot-a"}), absl::Seconds(60));
  ASSERT_TRUE(adopted.ok()) << adopted.status() << Tail(engine->log_path());
  EXPECT_TRUE(adopted->accepted()) << adopted->message();

  // The client writes an event and a result of its own: both refused.
  Deliveries deliveries;
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = MakeConf(client_options, {});
  ASSERT_TRUE(conf.ok()) << conf.status();
  std::string error;
  ASSERT_EQ((*conf)->set("dr_cb", &deliveries, error), RdKafka::Conf::CONF_OK) << error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf->get(), error));
  ASSERT_NE(producer, nullptr) << error;
  const std::string forged = "a forged event";
  for (const std::string& topic : {client_options.events_topic(), client_options.results_topic()}) {
    ASSERT_EQ(producer->produce(topic, PartitionFor(region, 3), RdKafka::Producer::RK_MSG_COPY,
                                const_cast<char*>(forged.data()), forged.size(), region.data(),
                                region.size(), 0, nullptr),
              RdKafka::ERR_NO_ERROR);
  }
  producer->flush(15'000);
  ASSERT_EQ(deliveries.errors.size(), 2u);
  for (RdKafka::ErrorCode code : deliveries.errors) {
    EXPECT_EQ(code, RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED) << RdKafka::err2str(code);
  }

  // The region's events are the engine's alone.
  int of_region = 0;
  for (const v1::Event& event : ReadAllEvents(engine_options)) of_region += event.region() == region;
  EXPECT_EQ(of_region, 1);

  // inkoopctl as the client principal submits a signed command; the
  // projector as its own principal applies both events.
  RunResult budget = RunProgram(
      {INKOOPCTL_PATH, "submit", "set-budget", "--brokers", client_options.brokers,
       "--topic-prefix", "secure.", "--kafka-config", absl::StrCat(SecureDir(), "/client.properties"),
       "--region", region, "--actor", "m0", "--key", ActorKeyFile(dir, "m0"), "--municipality",
       "m0", "--year", "2016", "--source", "may_circular", "--amount", "1000.00", "--timeout",
       "60"});
  EXPECT_EQ(budget.exit_code, 0) << budget.out << budget.err << Tail(engine->log_path());
  const std::string db = dir.Sub("projection");
  auto projector = StartProjector(As("projector"), dir, db,
                                  {"--kafka_config", absl::StrCat(SecureDir(), "/projector.properties")});
  EXPECT_NE(AwaitProjection(db, {{region, 2}}, absl::Now() + absl::Seconds(90),
                            projector->log_path()),
            nullptr);
}

}  // namespace
}  // namespace inkoop::testing
