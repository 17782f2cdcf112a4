// inkoopctl: the operator's tool. See `inkoopctl help`.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "engine/environment.h"
#include "engine/kafka/kafka.h"
#include "tools/inkoopctl/access.h"
#include "tools/inkoopctl/args.h"
#include "tools/inkoopctl/auditor.h"
#include "tools/inkoopctl/command_builder.h"
#include "tools/inkoopctl/migrate.h"
#include "tools/inkoopctl/show.h"
#include "tools/inkoopctl/submit.h"
#include "tools/inkoopctl/tail.h"
#include "tools/inkoopctl/export.h"
#include "tools/inkoopctl/lag.h"

namespace {

constexpr char kUsage[] =
    R"(inkoopctl: submit commands to the inkoop engine and inspect its projections

usage:
  inkoopctl submit COMMAND --region R --actor ID --role ROLE [--FIELD VALUE ...]
  inkoopctl submit --file COMMAND.json [--region R --actor ID --role ROLE]
  inkoopctl show budget --municipality M [--year Y] [--region R]
  inkoopctl show contracts [--provider P] [--municipality M] [--lot L] [--status S] [--region R]
  inkoopctl show cases|providers|tenders [--provider P] [--municipality M] [--lot L] [--status S]
                         (list is another name for show; --status: contracts active, suspended,
                         terminated or expired; cases open, escalated or closed; tenders open,
                         awarded, cancelled or closed; providers active or failed)
  inkoopctl show registrations [--provider P] [--contract C] [--municipality M] [--lot L]
                         the registration duty per contract: starts and stops registered,
                         late, overdue now, drop-out from the stop reasons
                         (--region: env INKOOP_REGION; default the projection's only region)
client-level data (each read is recorded on the access topic before it is shown):
  inkoopctl show assignments [--client X] [--provider P] [--municipality M] [--contract C]
  inkoopctl show placements [--open] [--client X] [--provider P] [--municipality M] [--lot L]
  inkoopctl show registrations --overdue [...]   (names the overdue assignments)
  --key FILE             the reader's Ed25519 key, registered in the region (env INKOOP_KEY);
                         a municipality sees its clients, a provider its own
  --purpose TEXT         why the data is read (recorded); required
  --limit N              at most N records (default 100, at most 1000)
  inkoopctl access-log --client X [--region R]
                         every recorded read that showed client X: who, role, when, what,
                         the purpose, and whether the reader's signature verifies
  inkoopctl tail [--from beginning|latest|T] [--region R] [--type contract_signed,...]
                [--format text|json] [--follow] [--group G]
                         the admitted events (signatures and links checked with --keys), in
                         each region's order, to the end or on with --follow; json: one line
                         per event (protobuf JSON mapping, envelope included); T: when the
                         engine wrote it (2026-12-01 or RFC 3339); --group commits the
                         position, so the next tail of the group continues after it
  inkoopctl export ocds --region R [--as-of T] [--releases | --records] [--follow]
                         the region's tenders, awards, contracts, amendments and payments as
                         an OCDS 1.1 release package (default) or record package; --follow
                         prints each new release as a JSON line as its event is committed
                         (no personal data; validate with tests/ocds/validate.py)
  inkoopctl parked             (events the projector could not apply)
  inkoopctl lag                per partition the broker's end offset against the projection's,
                         whether committed events wait, the age of the last signed event
                         applied (exit 0 caught up, 1 behind)
auditors:
  inkoopctl replay [--region R] [--as-of T | --to-sequence N] --db NEW_DIR
                         replays the events topic into a fresh database; prints each region's
                         last event and state digest, and any event that could not be admitted
  inkoopctl verify [--region R] [--checkpoints FILE] [--db LIVE_DIR]
                         checks every signature and link to the end of the log, compares the
                         replay's digests with the live projection's at its offsets, and that
                         the log still extends every checkpoint in FILE
  inkoopctl checkpoint [--region R]   (prints the region's latest signed checkpoint line)
  inkoopctl keygen --out FILE         (an Ed25519 signing key, and FILE.pub for the key file)
  inkoopctl audit contract C | municipality M [--year Y] | provider P --region R [--csv]
                         every event that touched it, in order, with its effect
  inkoopctl show ... --as-of T        (the state as it was at T, from a replay)
                         (T: 2016-07-01 or 2016-07-01T00:00:00Z, by when events happened)
  --keys FILE            the engine's public keys (env INKOOP_KEYS, default
                         .run/inkoopd-signing-key.pem.pub)
  inkoopctl commands           (lists the command names)
  inkoopctl migrate-topics --to-prefix P
                         copies events and results to new topics (prefix P) with each region
                         on its partition by murmur2, for topics of an earlier mapping

options everywhere:
  --brokers HOST:PORT    Kafka (env INKOOP_BROKERS, default 127.0.0.1:9092)
  --topic-prefix P       prefix of the topic names (env INKOOP_TOPIC_PREFIX)
  --kafka-config FILE    librdkafka properties (SASL, TLS) for every client (env INKOOP_KAFKA_CONFIG)
  --db DIR               projection database (env INKOOP_DB, default .run/projection)
  --json                 print JSON instead of tables
  --timeout SECONDS      how long submit waits for the result (default 30)

submit options:
  --key FILE             the actor's Ed25519 key (PEM, from keygen) that signs the
                         command (env INKOOP_KEY); required
  --actor ID             who acts; the role comes from the region's registry of keys
  --command-id ID        client-chosen id; a repeat returns the first result
  --expected-sequence N  refuse unless the region is at sequence N
  --occurred-at WHEN     when it happened (YYYY-MM-DD or RFC 3339); default: the
                         region's time (refused when before its latest event or after
                         its time)
  --FIELD VALUE          a field of the command's body; money as --amount 1200000.50
                         or --amount-cents 120000050; lists comma-separated; times
                         as YYYY-MM-DD or RFC 3339; messages as JSON, e.g.
                         --actor-key '{"actorId":"Delft","role":"ROLE_MUNICIPALITY",
                         "publicKey":"<64 hex digits, the second word of keygen's .pub>"}'

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
  absl::StatusOr<inkoop::Args> parsed =
      inkoop::Args::Parse(words, {"json", "csv", "open", "overdue", "follow", "releases", "records"});
  if (!parsed.ok()) {
    std::cerr << "inkoopctl: " << parsed.status().message() << "\n";
    return 2;
  }
  inkoop::Args& args = *parsed;
  inkoop::KafkaOptions kafka;
  kafka.brokers = args.TakeOr("brokers", inkoop::EnvironmentOr("INKOOP_BROKERS", kafka.brokers));
  kafka.topic_prefix =
      args.TakeOr("topic_prefix", inkoop::EnvironmentOr("INKOOP_TOPIC_PREFIX", ""));
  if (const std::string config =
          args.TakeOr("kafka_config", inkoop::EnvironmentOr("INKOOP_KAFKA_CONFIG", ""));
      !config.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> settings = inkoop::ReadKafkaConfig(config);
    if (!settings.ok()) {
      std::cerr << "inkoopctl: --kafka-config: " << settings.status().message() << "\n";
      return 2;
    }
    kafka.client_settings = *std::move(settings);
  }
  const bool json = args.TakeFlag("json");
  // replay's --db is the new database it writes, never the default.
  if (verb == "replay") return inkoop::RunReplay(kafka, args, json);
  const std::string db = args.TakeOr("db", inkoop::EnvironmentOr("INKOOP_DB", ".run/projection"));
  int timeout_seconds = 30;
  if (auto text = args.Take("timeout"); text && !absl::SimpleAtoi(*text, &timeout_seconds)) {
    std::cerr << "inkoopctl: --timeout: expected seconds, got '" << *text << "'\n";
    return 2;
  }

  if (verb == "submit") return inkoop::RunSubmit(kafka, args, absl::Seconds(timeout_seconds), json);
  if (verb == "migrate-topics") return inkoop::RunMigrateTopics(kafka, args);
  if (verb == "access-log") return inkoop::RunAccessLog(kafka, db, args, json);
  if (verb == "lag") return inkoop::RunLag(kafka, db, args, json);
  if (verb == "show" || verb == "list") {
    const std::unique_ptr<inkoop::AccessSink> access =
        inkoop::KafkaAccessSink(kafka, absl::Seconds(timeout_seconds));
    const std::optional<std::string> as_of = args.Take("as_of");
    if (!as_of.has_value()) return inkoop::RunShow(db, args, json, access.get());
    absl::StatusOr<absl::Time> moment = inkoop::ParseMoment(*as_of);
    if (!moment.ok()) {
      std::cerr << "inkoopctl: --as-of: " << moment.status().message() << "\n";
      return 2;
    }
    absl::StatusOr<inkoop::KeyRing> keys = inkoop::KeysFromArgs(args);
    if (!keys.ok()) {
      std::cerr << "inkoopctl: " << keys.status().message() << "\n";
      return 2;
    }
    const std::string region = args.TakeOr("region", inkoop::EnvironmentOr("INKOOP_REGION", ""));
    if (region.empty()) {
      std::cerr << "inkoopctl: show --as-of: --region: expected the region (or set "
                   "INKOOP_REGION), got none\n";
      return 2;
    }
    absl::StatusOr<std::string> replayed =
        inkoop::AsOfDatabase(kafka, *keys, region, *moment, ".run/as-of");
    if (!replayed.ok()) {
      std::cerr << "inkoopctl: show --as-of: " << replayed.status().message() << "\n";
      return 3;
    }
    std::cout << "as of " << *as_of << " (replayed into " << *replayed << ")\n";
    args.Set("region", region);
    return inkoop::RunShow(*replayed, args, json, access.get());
  }
  if (verb == "verify") return inkoop::RunVerify(kafka, db, args, json);
  if (verb == "checkpoint") return inkoop::RunCheckpoint(db, args);
  if (verb == "audit") return inkoop::RunAudit(kafka, args, json);
  if (verb == "keygen") return inkoop::RunKeygen(args);
  if (verb == "parked") return inkoop::RunParked(db, args, json);
  if (verb == "tail") return inkoop::RunTail(kafka, args, json);
  if (verb == "export") return inkoop::RunExport(kafka, args);
  if (verb == "commands") {
    std::cout << absl::StrJoin(inkoop::CommandNames(), "\n") << "\n";
    return 0;
  }
  std::cerr << "inkoopctl: unknown command '" << verb
            << "' (expected submit, show, access-log, tail, export, parked, replay, verify, checkpoint, "
               "audit, keygen, migrate-topics, commands, help)\n";
  return 2;
}
