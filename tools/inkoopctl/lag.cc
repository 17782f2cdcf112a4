#include "tools/inkoopctl/lag.h"

#include <iostream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "projections/lag.h"
#include "projections/read_api.h"
#include "projections/reader.h"

namespace inkoop {

int RunLag(const KafkaOptions& kafka, const std::string& db, Args& args, bool json) {
  if (absl::Status rest = args.RequireAllTaken("lag"); !rest.ok()) {
    std::cerr << "inkoopctl: " << rest.message() << "\n";
    return 2;
  }
  absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
  if (!reader.ok()) {
    std::cerr << "inkoopctl: " << reader.status().message() << "\n";
    return 3;
  }
  const std::string topic = kafka.events_topic();
  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> metadata = MakeMetadataClient(kafka);
  absl::StatusOr<int32_t> partitions =
      metadata.ok() ? PartitionCount(**metadata, topic, absl::Seconds(10)) : metadata.status();
  absl::StatusOr<std::map<int32_t, int64_t>> applied =
      partitions.ok() ? (*reader)->Offsets(topic, *partitions) : partitions.status();
  absl::StatusOr<std::unique_ptr<LagProbe>> probe =
      applied.ok() ? LagProbe::Open(kafka) : applied.status();
  absl::StatusOr<std::vector<PartitionLag>> lags =
      probe.ok() ? (*probe)->Measure(topic, *applied, absl::Seconds(10)) : probe.status();
  if (!lags.ok()) {
    std::cerr << "inkoopctl: lag of " << topic << " at " << kafka.brokers << ": "
              << lags.status().message() << "\n";
    return 3;
  }
  absl::StatusOr<std::string> body = LagJson(**reader, topic, *lags);
  if (!body.ok()) {
    std::cerr << "inkoopctl: " << body.status().message() << "\n";
    return 3;
  }
  std::vector<int32_t> behind;
  for (const PartitionLag& lag : *lags) {
    if (!lag.caught_up) behind.push_back(lag.partition);
  }
  if (json) {
    std::cout << *body << "\n";
    return behind.empty() ? 0 : 1;
  }
  std::cout << absl::StrFormat("%s, %d partition(s), projection %s\n", topic, lags->size(), db);
  std::cout << absl::StrFormat("  %-9s %12s %12s %8s  %s\n", "partition", "end offset", "applied",
                               "lag", "");
  for (const PartitionLag& lag : *lags) {
    std::cout << absl::StrFormat("  %-9d %12d %12d %8d  %s\n", lag.partition, lag.end_offset,
                                 lag.applied_offset, lag.lag,
                                 lag.caught_up ? "caught up" : "behind");
  }
  const nlohmann::json parsed = nlohmann::json::parse(*body);
  for (const nlohmann::json& region : parsed["regions"]) {
    std::cout << absl::StrFormat(
        "  region %s: last signed event applied at sequence %d, recorded %s (%.0f s ago)\n",
        region["region"].get<std::string>(), region["sequence"].get<uint64_t>(),
        region["recordedAt"].get<std::string>(), region["ageSeconds"].get<double>());
  }
  if (behind.empty()) {
    std::cout << "caught up: no committed event waits to be applied\n";
    return 0;
  }
  std::cout << "behind on partition(s) " << absl::StrJoin(behind, ", ")
            << ": committed events wait to be applied\n";
  return 1;
}

}  // namespace inkoop
