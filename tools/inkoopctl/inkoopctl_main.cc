// inkoopctl: the operator's tool. See `inkoopctl help`.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "engine/environment.h"
#include "engine/kafka/kafka.h"
#include "tools/inkoopctl/args.h"
#include "tools/inkoopctl/command_builder.h"
#include "tools/inkoopctl/show.h"
#include "tools/inkoopctl/submit.h"
#include "tools/inkoopctl/tail.h"

namespace {

constexpr char kUsage[] =
    R"(inkoopctl: submit commands to the inkoop engine and inspect its projections

usage:
  inkoopctl submit COMMAND --region R --actor ID --role ROLE [--FIELD VALUE ...]
  inkoopctl submit --file COMMAND.json [--region R --actor ID --role ROLE]
  inkoopctl show budget --municipality M [--year Y] [--region R]
  inkoopctl show contracts [--provider P] [--municipality M] [--lot L] [--region R]
  inkoopctl show cases|providers|tenders [--provider P] [--municipality M] [--lot L] [--region R]
                         (--region: env INKOOP_REGION; default the projection's only region)
  inkoopctl tail [--region R]   (prints the committed events, oldest first)
  inkoopctl parked             (events the projector could not apply)
  inkoopctl commands           (lists the command names)

options everywhere:
  --brokers HOST:PORT    Kafka (env INKOOP_BROKERS, default 127.0.0.1:9092)
  --topic-prefix P       prefix of the topic names (env INKOOP_TOPIC_PREFIX)
  --db DIR               projection database (env INKOOP_DB, default .run/projection)
  --json                 print JSON instead of tables
  --timeout SECONDS      how long submit waits for the result (default 30)

submit options:
  --command-id ID        client-chosen id; a repeat returns the first result
  --expected-sequence N  refuse unless the region is at sequence N
  --occurred-at WHEN     when it happened (YYYY-MM-DD or RFC 3339); default: now
  --FIELD VALUE          a field of the command's body; money as --amount 1200000.50
                         or --amount-cents 120000050; lists comma-separated;
                         messages as JSON

exit codes: 0 ok, 1 rejected / nothing to show, 2 bad input, 3 Kafka or database unreachable
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "help" || words[0] == "--help" || words[0] == "-h") {
    std::cout << kUsage;
    return words.empty() ? 2 : 0;
  }
  const std::string verb = words[0];
  words.erase(words.begin());
  absl::StatusOr<inkoop::Args> parsed = inkoop::Args::Parse(words, {"json"});
  if (!parsed.ok()) {
    std::cerr << "inkoopctl: " << parsed.status().message() << "\n";
    return 2;
  }
  inkoop::Args& args = *parsed;
  inkoop::KafkaOptions kafka;
  kafka.brokers = args.TakeOr("brokers", inkoop::EnvironmentOr("INKOOP_BROKERS", kafka.brokers));
  kafka.topic_prefix =
      args.TakeOr("topic_prefix", inkoop::EnvironmentOr("INKOOP_TOPIC_PREFIX", ""));
  const std::string db = args.TakeOr("db", inkoop::EnvironmentOr("INKOOP_DB", ".run/projection"));
  const bool json = args.TakeFlag("json");
  int timeout_seconds = 30;
  if (auto text = args.Take("timeout"); text && !absl::SimpleAtoi(*text, &timeout_seconds)) {
    std::cerr << "inkoopctl: --timeout: expected seconds, got '" << *text << "'\n";
    return 2;
  }

  if (verb == "submit") return inkoop::RunSubmit(kafka, args, absl::Seconds(timeout_seconds), json);
  if (verb == "show") return inkoop::RunShow(db, args, json);
  if (verb == "parked") return inkoop::RunParked(db, args, json);
  if (verb == "tail") return inkoop::RunTail(kafka, args, json);
  if (verb == "commands") {
    std::cout << absl::StrJoin(inkoop::CommandNames(), "\n") << "\n";
    return 0;
  }
  std::cerr << "inkoopctl: unknown command '" << verb
            << "' (expected submit, show, tail, parked, commands, help)\n";
  return 2;
}
