// inkoop-payment-feed: an example subscriber. A municipality's payment
// system follows the region's events and pays each claim the engine
// accepted (ClaimRecorded: within the contract's ceiling and the lot's
// budget). It prints one line per claim:
//
//   claim <id> municipality <M> pays <provider> <euros> for <period> (contract <C>, <region>/<seq>)
//
// It is a consumer group member (--group, default "payment-feed"): the
// position is committed after each printed line's event, so a feed stopped
// and started again continues after the last claim it printed. With
// --until_end it stops at the end of the log instead of following it.
//
// Build on it: replace Print with the payment order; make it idempotent by
// (region, sequence), which every event carries, for the events a crash
// between paying and committing delivers again.
#include <csignal>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/money.h"
#include "engine/kafka/kafka_flags.h"
#include "engine/log.h"
#include "projections/subscriber.h"

ABSL_FLAG(std::string, keys, "", "key file of the engine's signing keys (required)");
ABSL_FLAG(std::string, group, "payment-feed", "consumer group; its position is kept by Kafka");
ABSL_FLAG(std::string, from, "beginning",
          "where a new group starts: beginning, latest, or a time (when the engine wrote it)");
ABSL_FLAG(std::string, municipality, "", "only this municipality's claims (default: all)");
ABSL_FLAG(bool, until_end, false, "stop at the end of the log instead of following it");

namespace {
inkoop::Subscriber* running = nullptr;
void OnSignal(int) {
  if (running != nullptr) running->Stop();
}
}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("inkoop-payment-feed: prints each claim the engine accepted");
  absl::ParseCommandLine(argc, argv);
  inkoop::SetLogProgram("inkoop-payment-feed");
  inkoop::SubscriberOptions options;
  options.kafka = inkoop::KafkaOptionsFromFlags();
  options.group_id = absl::GetFlag(FLAGS_group);
  options.stop_at_end = absl::GetFlag(FLAGS_until_end);
  absl::StatusOr<inkoop::KeyRing> keys = inkoop::KeyRing::Load(absl::GetFlag(FLAGS_keys));
  if (!keys.ok()) {
    inkoop::LogError(absl::StrCat("--keys: ", keys.status().message()));
    return 2;
  }
  options.keys = *std::move(keys);
  absl::StatusOr<inkoop::Position> from = inkoop::Position::Parse(absl::GetFlag(FLAGS_from));
  if (!from.ok()) {
    inkoop::LogError(std::string(from.status().message()));
    return 2;
  }
  options.from = *from;
  absl::StatusOr<std::unique_ptr<inkoop::Subscriber>> subscriber =
      inkoop::Subscriber::Start(options);
  if (!subscriber.ok()) {
    inkoop::LogError(absl::StrCat("cannot start: ", subscriber.status().message()));
    return 1;
  }
  running = subscriber->get();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const std::string only = absl::GetFlag(FLAGS_municipality);
  absl::Status ran = (*subscriber)->Run([&](const inkoop::SubscribedEvent& delivered) {
    if (!delivered.event.has_claim_recorded()) return absl::OkStatus();
    const inkoop::v1::ClaimRecorded& claim = delivered.event.claim_recorded();
    if (!only.empty() && claim.municipality() != only) return absl::OkStatus();
    std::cout << "claim " << claim.claim_id() << " municipality " << claim.municipality()
              << " pays " << claim.provider_id() << " "
              << inkoop::FormatCents(claim.amount_cents()) << " for " << claim.period_start()
              << ".." << claim.period_end() << " (contract " << claim.contract_id() << ", "
              << delivered.event.region() << "/" << delivered.event.sequence() << ")"
              << std::endl;
    return absl::OkStatus();
  });
  running = nullptr;
  if (!ran.ok()) {
    inkoop::LogError(std::string(ran.message()));
    return 1;
  }
  return 0;
}
