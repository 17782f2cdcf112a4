// --kafka_config: librdkafka properties for every client (SASL, TLS), read
// from a file; a bad line or a property librdkafka does not know is named.
#include <fstream>
#include <map>
#include <string>

#include "engine/kafka/kafka.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace inkoop {
namespace {

using ::inkoop::testing::IsOk;
using ::inkoop::testing::StatusIs;
using ::testing::HasSubstr;

class KafkaConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    const std::string path = dir_.Sub("client.properties");
    std::ofstream(path) << text;
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(KafkaConfigTest, PropertiesAreReadAndReachTheClientConfiguration) {
  absl::StatusOr<std::map<std::string, std::string>> settings = ReadKafkaConfig(
      Write("# the engine's principal\n"
            "security.protocol = SASL_PLAINTEXT\n"
            "\n"
            "! another comment\n"
            "sasl.mechanisms=SCRAM-SHA-512\n"
            "sasl.username=inkoopd\n"
            "sasl.password=a=b\n"));
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->size(), 4u);
  EXPECT_EQ(settings->at("security.protocol"), "SASL_PLAINTEXT");
  EXPECT_EQ(settings->at("sasl.password"), "a=b");

  KafkaOptions options;
  options.client_settings = *settings;
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = MakeConf(options, {{"acks", "all"}});
  ASSERT_THAT(conf, IsOk());
  std::string value;
  ASSERT_EQ((*conf)->get("sasl.username", value), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(value, "inkoopd");
  ASSERT_EQ((*conf)->get("security.protocol", value), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(value, "sasl_plaintext");
}

TEST_F(KafkaConfigTest, ABadLineOrAnUnknownPropertyIsNamed) {
  EXPECT_THAT(ReadKafkaConfig(Write("security.protocol=SSL\njust words\n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("client.properties:2: expected name=value, got 'just words'")));
  EXPECT_THAT(ReadKafkaConfig(dir_.Sub("missing.properties")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("cannot be read")));
  KafkaOptions options;
  options.client_settings = {{"no.such.property", "1"}};
  EXPECT_THAT(MakeConf(options, {}), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("Kafka setting no.such.property=1 refused")));
}

}  // namespace
}  // namespace inkoop
