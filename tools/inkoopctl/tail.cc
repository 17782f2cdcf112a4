#include "tools/inkoopctl/tail.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/domain/roles.h"
#include "engine/envelope.h"
#include "engine/kafka/partition_reader.h"
#include "google/protobuf/util/json_util.h"
#include "tools/client/submitter.h"

namespace inkoop {

std::string FormatEvent(const v1::Event& event) {
  const google::protobuf::FieldDescriptor* payload =
      v1::Event::descriptor()->FindFieldByNumber(event.payload_case());
  std::string body = "{}";
  if (payload != nullptr) {
    const google::protobuf::Message& message = event.GetReflection()->GetMessage(event, payload);
    body.clear();
    (void)google::protobuf::util::MessageToJsonString(message, &body);
  }
  const absl::Time occurred = absl::FromUnixSeconds(event.occurred_at().seconds());
  return absl::StrCat(event.region(), " #", event.sequence(), " ",
                      absl::FormatTime("%Y-%m-%d", occurred, absl::UTCTimeZone()), " ",
                      payload != nullptr ? payload->name() : "unknown_payload", " by ",
                      event.actor().id(), " (", RoleName(event.actor().role()), "): ", body);
}

int RunTail(const KafkaOptions& kafka, Args& args, bool json) {
  const std::string region = args.TakeOr("region", "");
  if (absl::Status rest = args.RequireAllTaken("tail"); !rest.ok()) {
    std::cerr << "inkoopctl: " << rest.message() << "\n";
    return 2;
  }
  // Connecting checks the broker and the topics with one clear error.
  absl::StatusOr<std::unique_ptr<Submitter>> client = Submitter::Connect(kafka, absl::Seconds(5));
  if (!client.ok()) {
    std::cerr << "inkoopctl: " << client.status().message() << "\n";
    return 3;
  }
  std::vector<int32_t> partitions;
  if (!region.empty()) {
    partitions.push_back(PartitionFor(region, (*client)->partitions()));
  } else {
    for (int32_t p = 0; p < (*client)->partitions(); ++p) partitions.push_back(p);
  }
  for (int32_t partition : partitions) {
    absl::Status read = ReadPartitionToEnd(
        kafka, kafka.events_topic(), partition, Offset(0), [&](const RdKafka::Message& message) {
          absl::StatusOr<ReadEvent> record = OpenRecord(
              absl::string_view(static_cast<const char*>(message.payload()), message.len()));
          if (!record.ok()) {
            std::cout << kafka.events_topic() << "/" << partition << "@" << message.offset()
                      << ": undecodable (" << message.len() << " bytes)\n";
            return absl::OkStatus();
          }
          const v1::Event& event = record->event;
          if (!region.empty() && event.region() != region) return absl::OkStatus();
          if (json) {
            std::string out;
            (void)google::protobuf::util::MessageToJsonString(event, &out);
            std::cout << out << "\n";
          } else {
            std::cout << FormatEvent(event) << "\n";
          }
          return absl::OkStatus();
        });
    if (!read.ok()) {
      std::cerr << "inkoopctl: " << read.message() << "\n";
      return 3;
    }
  }
  return 0;
}

}  // namespace inkoop
