#include "tools/inkoopctl/migrate.h"

#include <iostream>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/envelope.h"
#include "engine/kafka/partition_reader.h"
#include "engine/status_macros.h"
#include "inkoop/v1/results.pb.h"

namespace inkoop {

namespace {

class Deliveries : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR && first_error == RdKafka::ERR_NO_ERROR) {
      first_error = message.err();
    }
    --pending;
  }
  RdKafka::ErrorCode first_error = RdKafka::ERR_NO_ERROR;
  int64_t pending = 0;
};

struct Copied {
  int64_t records = 0;
  std::set<std::string> regions;
  std::set<std::string> moved;  // regions now on another partition number
};

// Copies every committed record of `from`'s partitions to `to`, each on the
// partition of the region `region_of` reads from it (its own partition
// number when it names none).
template <typename RegionOf>
absl::Status CopyTopic(const KafkaOptions& kafka, const std::string& from, const std::string& to,
                       int32_t partitions, RdKafka::Producer& producer, Deliveries& deliveries,
                       RegionOf region_of, Copied& copied) {
  for (int32_t p = 0; p < partitions; ++p) {
    RETURN_IF_ERROR(ReadPartitionToEnd(
        kafka, from, p, Offset(0), [&](const RdKafka::Message& message) -> absl::Status {
          const absl::string_view value(static_cast<const char*>(message.payload()),
                                        message.len());
          const std::string region = region_of(value);
          const int32_t target = region.empty() ? p : PartitionFor(region, partitions);
          if (!region.empty()) {
            copied.regions.insert(region);
            if (target != p) copied.moved.insert(region);
          }
          const absl::string_view key = region.empty() ? MessageKey(message) : region;
          while (true) {
            ++deliveries.pending;
            const RdKafka::ErrorCode code = producer.produce(
                to, target, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
                value.size(), key.data(), key.size(), 0, nullptr);
            if (code == RdKafka::ERR_NO_ERROR) break;
            --deliveries.pending;
            if (code != RdKafka::ERR__QUEUE_FULL) {
              return KafkaStatus(code, absl::StrCat("copy to ", to));
            }
            producer.poll(10);
          }
          producer.poll(0);
          ++copied.records;
          return absl::OkStatus();
        }));
  }
  return absl::OkStatus();
}

absl::Status Migrate(const KafkaOptions& from, const KafkaOptions& to, std::ostream& out) {
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Producer> metadata, MakeMetadataClient(from));
  ASSIGN_OR_RETURN(const int32_t partitions,
                   PartitionCount(*metadata, from.events_topic(), absl::Seconds(15)));
  KafkaOptions target = to;
  target.partitions = partitions;
  ASSIGN_OR_RETURN(const int32_t target_partitions, EnsureTopics(target, absl::Seconds(30)));
  if (target_partitions != partitions) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--to-prefix: the topics of '", to.topic_prefix, "' have ", target_partitions,
        " partitions, those of '", from.topic_prefix, "' ", partitions,
        "; migrate into new topics with the same count"));
  }
  for (const std::string& topic : {to.events_topic(), to.results_topic(), to.commands_topic()}) {
    for (int32_t p = 0; p < partitions; ++p) {
      int64_t low = 0, high = 0;
      RETURN_IF_ERROR(KafkaStatus(
          metadata->query_watermark_offsets(topic, p, &low, &high, 15000),
          absl::StrCat("read the end of ", topic, "/", p)));
      if (high > 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--to-prefix: ", topic, "/", p, " already holds ", high,
            " record(s); migrate into new, empty topics (a rerun after a failure needs them "
            "deleted first)"));
      }
    }
  }
  Deliveries deliveries;
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf,
                   MakeConf(to, {{"log_level", "0"},
                                 {"enable.idempotence", "true"},
                                 {"acks", "all"},
                                 {"linger.ms", "20"}}));
  std::string error;
  if (conf->set("dr_cb", &deliveries, error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  if (producer == nullptr) return absl::InternalError(absl::StrCat("Kafka producer: ", error));
  Copied events;
  Copied results;
  RETURN_IF_ERROR(CopyTopic(
      from, from.events_topic(), to.events_topic(), partitions, *producer, deliveries,
      [](absl::string_view value) {
        absl::StatusOr<ReadEvent> read = OpenRecord(value);
        return read.ok() ? read->event.region() : std::string();
      },
      events));
  RETURN_IF_ERROR(CopyTopic(
      from, from.results_topic(), to.results_topic(), partitions, *producer, deliveries,
      [](absl::string_view value) {
        v1::CommandResult result;
        return result.ParseFromArray(value.data(), static_cast<int>(value.size()))
                   ? result.region()
                   : std::string();
      },
      results));
  while (deliveries.pending > 0) producer->poll(50);
  RETURN_IF_ERROR(KafkaStatus(deliveries.first_error, absl::StrCat("copy to ", to.topic_prefix)));
  out << "copied " << events.records << " event record(s) and " << results.records
      << " result(s) of " << events.regions.size() << " region(s) from '" << from.topic_prefix
      << "' to '" << to.topic_prefix << "'; " << events.moved.size()
      << " region(s) moved to another partition\n";
  return absl::OkStatus();
}

}  // namespace

int RunMigrateTopics(const KafkaOptions& kafka, Args& args) {
  const std::optional<std::string> prefix = args.Take("to_prefix");
  if (absl::Status rest = args.RequireAllTaken("migrate-topics"); !rest.ok()) {
    std::cerr << "inkoopctl: " << rest.message() << "\n";
    return 2;
  }
  if (!prefix.has_value() || *prefix == kafka.topic_prefix) {
    std::cerr << "inkoopctl: migrate-topics: --to-prefix: expected the prefix of the new topics "
                 "(not the current one), got "
              << (prefix ? absl::StrCat("'", *prefix, "'") : std::string("none")) << "\n";
    return 2;
  }
  KafkaOptions to = kafka;
  to.topic_prefix = *prefix;
  const absl::Status migrated = Migrate(kafka, to, std::cout);
  if (!migrated.ok()) {
    std::cerr << "inkoopctl: migrate-topics: " << migrated.message() << "\n";
    return absl::IsInvalidArgument(migrated) ? 2 : 3;
  }
  return 0;
}

}  // namespace inkoop
