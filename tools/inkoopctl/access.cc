#include "tools/inkoopctl/access.h"

#include <algorithm>
#include <iostream>
#include <random>
#include <utility>

#include "absl/container/btree_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/roles.h"
#include "engine/environment.h"
#include "engine/kafka/partition_reader.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace inkoop {

namespace {

constexpr absl::string_view kAccessDomain("inkoop.v1.access\0", 17);

class Delivery : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    error = message.err();
    done = true;
  }
  RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
  bool done = false;
};

class KafkaSink : public AccessSink {
 public:
  KafkaSink(KafkaOptions kafka, absl::Duration timeout)
      : kafka_(std::move(kafka)), timeout_(timeout) {}
  ~KafkaSink() override {
    if (producer_ != nullptr) producer_->flush(1000);
  }

  absl::Status Write(const std::string& region, const v1::SignedAccess& access) override {
    RETURN_IF_ERROR(Connect());
    const std::string value = access.SerializeAsString();
    delivery_.done = false;
    const RdKafka::ErrorCode code = producer_->produce(
        kafka_.access_topic(), PartitionFor(region, partitions_), RdKafka::Producer::RK_MSG_COPY,
        const_cast<char*>(value.data()), value.size(), region.data(), region.size(), 0, nullptr);
    if (code != RdKafka::ERR_NO_ERROR) {
      return KafkaStatus(code, absl::StrCat("record the read on ", kafka_.access_topic()));
    }
    const absl::Time deadline = absl::Now() + timeout_;
    while (!delivery_.done && absl::Now() < deadline) producer_->poll(50);
    if (!delivery_.done) {
      return absl::UnavailableError(absl::StrCat(
          "the read was not recorded on ", kafka_.access_topic(), " at ", kafka_.brokers,
          " within ", absl::FormatDuration(timeout_), "; nothing is shown"));
    }
    if (delivery_.error != RdKafka::ERR_NO_ERROR) {
      return KafkaStatus(delivery_.error, absl::StrCat("record the read on ",
                                                       kafka_.access_topic(),
                                                       " (nothing is shown)"));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Connect() {
    if (producer_ != nullptr) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf,
                     MakeConf(kafka_, {{"log_level", "0"},
                                       {"enable.idempotence", "true"},
                                       {"acks", "all"},
                                       {"message.timeout.ms",
                                        absl::StrCat(absl::ToInt64Milliseconds(timeout_))}}));
    std::string error;
    if (conf->set("dr_cb", &delivery_, error) != RdKafka::Conf::CONF_OK) {
      return absl::InternalError(error);
    }
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
    if (producer == nullptr) return absl::InternalError(absl::StrCat("Kafka producer: ", error));
    absl::StatusOr<int32_t> partitions = PartitionCount(*producer, kafka_.access_topic(), timeout_);
    if (absl::IsNotFound(partitions.status())) {
      return absl::NotFoundError(absl::StrCat("topic ", kafka_.access_topic(),
                                              " does not exist at ", kafka_.brokers,
                                              " (inkoopd creates it); nothing is shown"));
    }
    if (!partitions.ok()) {
      return absl::UnavailableError(absl::StrCat(
          "no Kafka broker reachable at ", kafka_.brokers, " to record the read (",
          partitions.status().message(), "); nothing is shown"));
    }
    partitions_ = *partitions;
    producer_ = std::move(producer);
    return absl::OkStatus();
  }

  KafkaOptions kafka_;
  absl::Duration timeout_;
  Delivery delivery_;
  std::unique_ptr<RdKafka::Producer> producer_;
  int32_t partitions_ = 0;
};

std::string NewAccessId() {
  std::random_device random;
  std::string bytes(16, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random() & 0xff);
  return absl::BytesToHexString(bytes);
}

std::string Json(const google::protobuf::Message& message) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out);
  return out;
}

}  // namespace

std::unique_ptr<AccessSink> KafkaAccessSink(const KafkaOptions& kafka, absl::Duration timeout) {
  return std::make_unique<KafkaSink>(kafka, timeout);
}

std::string AccessStatement(absl::string_view record) {
  return absl::StrCat(kAccessDomain, record);
}

absl::StatusOr<ClientReader> IdentifyReader(const std::string& key_path,
                                            const std::optional<std::string>& purpose,
                                            ProjectionReader& reader, const std::string& region,
                                            absl::string_view what) {
  if (key_path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "show ", what, ": --key: expected the reader's Ed25519 key (or INKOOP_KEY), got none: ",
        what, " are client-level data, shown to a registered actor only and logged"));
  }
  if (!purpose.has_value() || purpose->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "show ", what, ": --purpose: expected why the client-level data is read (it is "
        "recorded in the access log), got none"));
  }
  ASSIGN_OR_RETURN(SigningKey key, SigningKey::Load(key_path));
  ASSIGN_OR_RETURN(std::optional<v1::ActorKeyRecord> record,
                   reader.ActorKey(region, key.key_id()));
  if (!record.has_value()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "show ", what, ": --key: key ", key.key_id(), " is not in the registry of region '",
        region, "'; client-level data is shown to registered actors only"));
  }
  if (record->revoked()) {
    return absl::PermissionDeniedError(absl::StrCat("show ", what, ": --key: key ", key.key_id(),
                                                    " of '", record->key().actor_id(),
                                                    "' was revoked (", record->revoked_reason(),
                                                    ")"));
  }
  return ClientReader{std::move(key), record->key(), *purpose};
}

bool MaySee(const ClientReader& reader, const std::string& municipality,
            const std::vector<std::string>& provider_ids) {
  switch (reader.actor.role()) {
    case v1::ROLE_MUNICIPALITY:
      return reader.actor.actor_id() == municipality;
    case v1::ROLE_PROVIDER:
      return std::find(provider_ids.begin(), provider_ids.end(), reader.actor.actor_id()) !=
             provider_ids.end();
    case v1::ROLE_BUREAU:
    case v1::ROLE_AUDITOR:
    case v1::ROLE_PLACEMENT_COORDINATOR:
      return true;
    default:
      return false;
  }
}

absl::Status RecordAccess(AccessSink& sink, const ClientReader& reader, const std::string& region,
                          absl::string_view what, absl::string_view filter,
                          const std::vector<std::string>& clients) {
  v1::AccessRecorded record;
  record.set_access_id(NewAccessId());
  record.set_region(region);
  record.set_reader(reader.actor.actor_id());
  record.set_role(reader.actor.role());
  *record.mutable_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
  record.set_what(std::string(what));
  record.set_filter(std::string(filter));
  record.set_purpose(reader.purpose);
  const absl::btree_set<std::string> unique(clients.begin(), clients.end());
  for (const std::string& client : unique) record.add_clients(client);
  record.set_tool("inkoopctl");
  v1::SignedAccess signed_access;
  signed_access.set_record(record.SerializeAsString());
  signed_access.set_key_id(reader.key.key_id());
  signed_access.set_signature(reader.key.Sign(AccessStatement(signed_access.record())));
  return sink.Write(region, signed_access);
}

int RunAccessLog(const KafkaOptions& kafka, const std::string& db, Args& args, bool json) {
  const std::optional<std::string> client = args.Take("client");
  std::string region = args.TakeOr("region", EnvironmentOr("INKOOP_REGION", ""));
  if (absl::Status rest = args.RequireAllTaken("access-log"); !rest.ok()) {
    std::cerr << "inkoopctl: " << rest.message() << "\n";
    return 2;
  }
  if (!client.has_value() || client->empty()) {
    std::cerr << "inkoopctl: access-log: --client: expected the client's pseudonym, got none\n";
    return 2;
  }
  absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
  if (!reader.ok()) {
    std::cerr << "inkoopctl: " << reader.status().message() << "\n";
    return 3;
  }
  if (region.empty()) {
    absl::StatusOr<std::vector<std::string>> regions = (*reader)->RegionNames();
    if (!regions.ok() || regions->size() != 1) {
      std::cerr << "inkoopctl: access-log: --region: expected the client's region, got none\n";
      return 2;
    }
    region = regions->front();
  }
  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> metadata = MakeMetadataClient(kafka);
  if (!metadata.ok()) {
    std::cerr << "inkoopctl: " << metadata.status().message() << "\n";
    return 3;
  }
  absl::StatusOr<int32_t> partitions =
      PartitionCount(**metadata, kafka.access_topic(), absl::Seconds(10));
  if (!partitions.ok()) {
    std::cerr << "inkoopctl: access-log: " << kafka.access_topic() << ": "
              << partitions.status().message() << "\n";
    return 3;
  }
  int shown = 0;
  int unverified = 0;
  absl::Status read = ReadPartitionToEnd(
      kafka, kafka.access_topic(), PartitionFor(region, *partitions), Offset(0),
      [&](const RdKafka::Message& message) -> absl::Status {
        v1::SignedAccess signed_access;
        v1::AccessRecorded record;
        std::string problem;
        if (!signed_access.ParseFromArray(message.payload(), static_cast<int>(message.len())) ||
            !record.ParseFromString(signed_access.record())) {
          std::cerr << "inkoopctl: access-log: " << kafka.access_topic() << "@"
                    << message.offset() << ": undecodable (" << message.len() << " bytes)\n";
          return absl::OkStatus();
        }
        if (record.region() != region ||
            std::find(record.clients().begin(), record.clients().end(), *client) ==
                record.clients().end()) {
          return absl::OkStatus();
        }
        absl::StatusOr<std::optional<v1::ActorKeyRecord>> key =
            (*reader)->ActorKey(region, signed_access.key_id());
        if (!key.ok() || !key->has_value()) {
          problem = absl::StrCat("key ", signed_access.key_id(), " is not in the registry");
        } else if ((*key)->key().actor_id() != record.reader() ||
                   (*key)->key().role() != record.role()) {
          problem = absl::StrCat("key ", signed_access.key_id(), " is registered to '",
                                 (*key)->key().actor_id(), "' (", RoleName((*key)->key().role()),
                                 "), not to the reader named");
        } else {
          const std::optional<std::string> public_key =
              PublicKeyFromHex((*key)->key().public_key());
          absl::Status verified =
              public_key.has_value()
                  ? VerifySignature(*public_key, AccessStatement(signed_access.record()),
                                    signed_access.signature())
                  : absl::DataLossError("the registered public key is not 64 hex digits");
          if (!verified.ok()) problem = std::string(verified.message());
        }
        unverified += problem.empty() ? 0 : 1;
        ++shown;
        if (json) {
          std::cout << "{\"access\":" << Json(record) << ",\"verified\":"
                    << (problem.empty() ? "true" : "false") << "}\n";
          return absl::OkStatus();
        }
        std::cout << google::protobuf::util::TimeUtil::ToString(record.at()) << "  "
                  << record.reader() << " (" << RoleName(record.role()) << ") read "
                  << record.what() << (record.filter().empty() ? "" : " " + record.filter())
                  << " for \"" << record.purpose() << "\"  "
                  << (problem.empty() ? "signature verified"
                                      : absl::StrCat("NOT VERIFIED: ", problem))
                  << "\n";
        return absl::OkStatus();
      },
      absl::Seconds(10));
  if (!read.ok()) {
    std::cerr << "inkoopctl: access-log: " << read.message() << "\n";
    return 3;
  }
  if (shown == 0) {
    std::cerr << "inkoopctl: no recorded read of client '" << *client << "' in region '" << region
              << "'\n";
    return 1;
  }
  if (!json) {
    std::cout << shown << " read(s) of client '" << *client << "'"
              << (unverified > 0 ? absl::StrCat(", ", unverified, " NOT VERIFIED") : "") << "\n";
  }
  return 0;
}

}  // namespace inkoop
