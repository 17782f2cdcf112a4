// Regions map to partitions as Kafka's default partitioner maps keys:
// murmur2 as the Java client computes it (its own test vectors), and the
// same partition librdkafka's murmur2 partitioner picks for any region id.
#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/kafka/kafka.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafka.h"

namespace inkoop {
namespace {

TEST(Partitioning, Murmur2IsKafkasOwn) {
  // org.apache.kafka.common.utils.UtilsTest#testMurmur2.
  EXPECT_EQ(Murmur2("21"), -973932308);
  EXPECT_EQ(Murmur2("foobar"), -790332482);
  EXPECT_EQ(Murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(Murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(Murmur2("abc"), 479470107);
}

TEST(Partitioning, ARegionLandsWhereLibrdkafkasMurmur2PartitionerPutsItsKey) {
  std::mt19937_64 random(20261207);
  for (int i = 0; i < 2000; ++i) {
    std::string region = absl::StrCat("region-", random());
    region.resize(1 + random() % region.size());
    for (int32_t partitions : {1, 3, 7, 12, 64}) {
      const int32_t theirs = rd_kafka_msg_partitioner_murmur2(
          nullptr, region.data(), region.size(), partitions, nullptr, nullptr);
      ASSERT_EQ(PartitionFor(region, partitions), theirs) << region << " of " << partitions;
    }
  }
  EXPECT_EQ(PartitionFor("haaglanden", 3),
            static_cast<int32_t>((static_cast<uint32_t>(Murmur2("haaglanden")) & 0x7fffffff) % 3));
}

}  // namespace
}  // namespace inkoop
