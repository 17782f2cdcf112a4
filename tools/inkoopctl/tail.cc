#include "tools/inkoopctl/tail.h"

#include <atomic>
#include <csignal>
#include <iostream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "engine/domain/roles.h"
#include "google/protobuf/util/json_util.h"
#include "projections/subscriber.h"
#include "tools/inkoopctl/auditor.h"

namespace inkoop {
namespace {

std::atomic<Subscriber*> following{nullptr};

void StopFollowing(int) {
  if (Subscriber* subscriber = following.load(); subscriber != nullptr) subscriber->Stop();
}

std::string PayloadJson(const v1::Event& event) {
  const google::protobuf::FieldDescriptor* payload =
      v1::Event::descriptor()->FindFieldByNumber(event.payload_case());
  if (payload == nullptr) return "{}";
  std::string body;
  (void)google::protobuf::util::MessageToJsonString(
      event.GetReflection()->GetMessage(event, payload), &body);
  return body;
}

}  // namespace

std::string FormatEvent(const v1::Event& event) {
  const google::protobuf::FieldDescriptor* payload =
      v1::Event::descriptor()->FindFieldByNumber(event.payload_case());
  const absl::Time occurred = absl::FromUnixSeconds(event.occurred_at().seconds());
  return absl::StrCat(event.region(), " #", event.sequence(), " ",
                      absl::FormatTime("%Y-%m-%d", occurred, absl::UTCTimeZone()), " ",
                      payload != nullptr ? payload->name() : "unknown_payload", " by ",
                      event.actor().id(), " (", RoleName(event.actor().role()), "): ",
                      PayloadJson(event));
}

std::string EventLine(const SubscribedEvent& delivered) {
  std::string event;
  (void)google::protobuf::util::MessageToJsonString(delivered.event, &event);
  return absl::StrCat("{\"partition\":", delivered.at.partition, ",\"offset\":",
                      delivered.at.offset, ",\"signed\":", delivered.signed_record ? "true" : "false",
                      ",\"payload\":\"", delivered.payload_name(), "\",\"event\":", event, "}");
}

absl::StatusOr<std::set<std::string>> ParseEventTypes(absl::string_view text) {
  std::set<std::string> types;
  for (absl::string_view word : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    const std::string name(absl::StripAsciiWhitespace(word));
    const google::protobuf::FieldDescriptor* field = v1::Event::descriptor()->FindFieldByName(name);
    if (name != "unknown" && (field == nullptr || field->containing_oneof() == nullptr)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--type: '", name,
          "' is not an event type; expected payload names of inkoop.v1.Event such as "
          "contract_signed,claim_approved (proto/README.md lists them), or unknown"));
    }
    types.insert(name);
  }
  if (types.empty()) return absl::InvalidArgumentError("--type: expected at least one event type");
  return types;
}

int RunTail(const KafkaOptions& kafka, Args& args, bool json) {
  SubscriberOptions options;
  options.kafka = kafka;
  options.region = args.TakeOr("region", "");
  options.group_id = args.TakeOr("group", "");
  options.stop_at_end = !args.TakeFlag("follow");
  const std::string from = args.TakeOr("from", "beginning");
  const std::string format = args.TakeOr("format", json ? "json" : "text");
  const std::optional<std::string> type = args.Take("type");
  absl::StatusOr<KeyRing> keys = KeysFromArgs(args);
  if (!keys.ok()) {
    std::cerr << "inkoopctl: " << keys.status().message() << "\n";
    return 2;
  }
  options.keys = *std::move(keys);
  absl::StatusOr<Position> position = Position::Parse(from);
  std::set<std::string> types;
  if (type.has_value()) {
    absl::StatusOr<std::set<std::string>> parsed = ParseEventTypes(*type);
    if (!parsed.ok()) {
      std::cerr << "inkoopctl: " << parsed.status().message() << "\n";
      return 2;
    }
    types = *std::move(parsed);
  }
  absl::Status input = args.RequireAllTaken("tail");
  if (input.ok() && !position.ok()) input = position.status();
  if (input.ok() && format != "json" && format != "text") {
    input = absl::InvalidArgumentError(
        absl::StrCat("--format: expected json or text, got '", format, "'"));
  }
  if (!input.ok()) {
    std::cerr << "inkoopctl: " << input.message() << "\n";
    return 2;
  }
  options.from = *position;
  absl::StatusOr<std::unique_ptr<Subscriber>> subscriber = Subscriber::Start(options);
  if (!subscriber.ok()) {
    std::cerr << "inkoopctl: " << subscriber.status().message() << "\n";
    return 3;
  }
  following.store(subscriber->get());
  std::signal(SIGINT, StopFollowing);
  std::signal(SIGTERM, StopFollowing);
  absl::Status ran = (*subscriber)->Run(
      [&](const SubscribedEvent& delivered) {
        if (!types.empty() && !types.contains(delivered.payload_name())) return absl::OkStatus();
        if (format == "json") {
          std::cout << EventLine(delivered) << "\n";
        } else {
          std::cout << FormatEvent(delivered.event) << "\n";
        }
        // A pipeline reads each line as it comes, and a closed pipe stops us.
        std::cout.flush();
        if (!std::cout) return absl::CancelledError("output closed");
        return absl::OkStatus();
      },
      [&](const SubscriberProblem& problem) {
        std::cerr << "inkoopctl: " << problem.at.ToString() << " not admitted: " << problem.reason
                  << "\n";
      });
  following.store(nullptr);
  if (!ran.ok() && !absl::IsCancelled(ran)) {
    std::cerr << "inkoopctl: " << ran.message() << "\n";
    return 3;
  }
  return 0;
}

}  // namespace inkoop
