#include "tools/inkoopctl/export.h"

#include <atomic>
#include <csignal>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/environment.h"
#include "projections/subscriber.h"
#include "tools/inkoopctl/auditor.h"
#include "tools/ocds/ocds.h"

namespace inkoop {
namespace {

std::atomic<Subscriber*> exporting{nullptr};

void StopExporting(int) {
  if (Subscriber* subscriber = exporting.load(); subscriber != nullptr) subscriber->Stop();
}

int Fail(int code, absl::string_view message) {
  std::cerr << "inkoopctl: " << message << "\n";
  return code;
}

}  // namespace

int RunExport(const KafkaOptions& kafka, Args& args) {
  if (args.positional().size() != 1 || args.positional()[0] != "ocds") {
    return Fail(2, absl::StrCat("export: expected the format 'ocds', got '",
                                args.positional().empty() ? "" : args.positional()[0], "'"));
  }
  const std::string region = args.TakeOr("region", EnvironmentOr("INKOOP_REGION", ""));
  const bool records = args.TakeFlag("records");
  const bool releases = args.TakeFlag("releases");
  const bool follow = args.TakeFlag("follow");
  const std::optional<std::string> as_of = args.Take("as_of");
  OcdsOptions ocds;
  ocds.ocid_prefix = args.TakeOr("ocid_prefix", ocds.ocid_prefix);
  ocds.publisher = args.TakeOr("publisher", ocds.publisher);
  ocds.uri = args.TakeOr("uri", "");
  ocds.published = absl::Now();
  absl::StatusOr<KeyRing> keys = KeysFromArgs(args);
  if (!keys.ok()) return Fail(2, keys.status().message());
  if (absl::Status rest = args.RequireAllTaken("export ocds"); !rest.ok()) {
    return Fail(2, rest.message());
  }
  if (region.empty()) {
    return Fail(2, "export ocds: --region: expected the region (or set INKOOP_REGION), got none");
  }
  if (records && releases) {
    return Fail(2, "export ocds: expected one of --releases and --records, got both");
  }
  if (follow && records) {
    return Fail(2, "export ocds: --follow prints releases as they come; a record package "
                   "(--records) is made from a finished read");
  }
  if (as_of.has_value()) {
    absl::StatusOr<absl::Time> moment = ParseMoment(*as_of);
    if (!moment.ok()) return Fail(2, absl::StrCat("--as-of: ", moment.status().message()));
    ocds.as_of = *moment;
  }

  SubscriberOptions options;
  options.kafka = kafka;
  options.keys = *std::move(keys);
  options.region = region;
  options.stop_at_end = !follow;
  absl::StatusOr<std::unique_ptr<Subscriber>> subscriber = Subscriber::Start(options);
  if (!subscriber.ok()) return Fail(3, subscriber.status().message());
  OcdsExport exporter(region, ocds);
  uint64_t events = 0;
  exporting.store(subscriber->get());
  std::signal(SIGINT, StopExporting);
  std::signal(SIGTERM, StopExporting);
  absl::Status ran = (*subscriber)->Run(
      [&](const SubscribedEvent& delivered) {
        ++events;
        absl::StatusOr<std::vector<std::string>> made = exporter.Add(delivered.event);
        if (!made.ok()) {
          return absl::Status(made.status().code(),
                              absl::StrCat(delivered.at.ToString(), ": ", made.status().message()));
        }
        if (follow) {
          for (const std::string& release : *made) std::cout << release << "\n";
          std::cout.flush();
        }
        return absl::OkStatus();
      },
      [&](const SubscriberProblem& problem) {
        std::cerr << "inkoopctl: " << problem.at.ToString() << " not admitted (left out of the "
                  << "export): " << problem.reason << "\n";
      });
  exporting.store(nullptr);
  if (!ran.ok()) return Fail(3, ran.message());
  if (follow) return 0;
  if (events == 0) return Fail(1, absl::StrCat("export ocds: region '", region, "' has no events"));
  std::cout << (records ? exporter.RecordPackage() : exporter.ReleasePackage()) << "\n";
  return 0;
}

}  // namespace inkoop
