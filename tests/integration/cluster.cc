#include "tests/integration/cluster.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/envelope.h"
#include "engine/kafka/partition_reader.h"
#include "engine/signing.h"
#include "gtest/gtest.h"
#include "tools/inkoopctl/command_builder.h"
#include "tools/loadgen/region_year.h"

namespace inkoop::testing {

std::string TestBrokers() {
  const char* brokers = std::getenv("INKOOP_TEST_BROKERS");
  return brokers != nullptr && *brokers != '\0' ? brokers : "127.0.0.1:9092";
}

KafkaOptions FreshTopics(const std::string& test_name, int partitions) {
  static std::atomic<int> counter{0};
  KafkaOptions options;
  options.brokers = TestBrokers();
  options.partitions = partitions;
  options.topic_prefix = absl::StrCat("it-", test_name, "-", getpid(), "-",
                                      absl::ToUnixMillis(absl::Now()), "-", counter++, ".");
  absl::StatusOr<int32_t> created = EnsureTopics(options, absl::Seconds(30));
  EXPECT_TRUE(created.ok()) << "broker at " << options.brokers
                            << " (deploy/kafka/start.sh starts one): " << created.status();
  return options;
}

std::string SigningKeyPath(const TempDir& dir) {
  const std::string path = dir.Sub("inkoopd-signing-key.pem");
  bool created = false;
  absl::StatusOr<SigningKey> key = SigningKey::LoadOrCreate(path, &created);
  EXPECT_TRUE(key.ok()) << key.status();
  return path;
}

ActorKeys& TestActorKeys() {
  static ActorKeys* const keys = new ActorKeys(ActorKeys::Derived("inkoop integration tests"));
  return *keys;
}

std::string FoundersPath(const TempDir& dir) {
  const std::string path = dir.Sub("founders.keys");
  // "bureau" of the tests' frameworks, "inkoopbureau" of the load profile's.
  std::ofstream(path) << TestActorKeys().For("bureau")->KeyFileLine() << "\n"
                      << TestActorKeys().For("inkoopbureau")->KeyFileLine() << "\n";
  return path;
}

absl::StatusOr<std::unique_ptr<Submitter>> ConnectSigned(const KafkaOptions& options,
                                                         absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<Submitter>> submitter = Submitter::Connect(options, timeout);
  if (submitter.ok()) (*submitter)->set_keys(&TestActorKeys());
  return submitter;
}

std::string ActorKeyFile(const TempDir& dir, const std::string& actor) {
  std::string name = actor;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  }
  const std::string path = dir.Sub(absl::StrCat("actor-", name, ".pem"));
  std::ofstream(path) << TestActorKeys().For(actor)->ToPem();
  return path;
}

std::unique_ptr<ChildProcess> StartEngine(const KafkaOptions& options, const TempDir& dir,
                                          const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {INKOOPD_PATH,
                                   "--brokers",
                                   options.brokers,
                                   "--topic_prefix",
                                   options.topic_prefix,
                                   "--transactional_id",
                                   options.topic_prefix + "inkoopd",
                                   "--group_id",
                                   options.topic_prefix + "inkoopd",
                                   // one store per test directory: a restarted
                                   // engine finds its checkpoint there
                                   "--state_dir",
                                   dir.Sub("inkoopd-state"),
                                   "--signing_key",
                                   SigningKeyPath(dir),
                                   "--founders",
                                   FoundersPath(dir)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<ChildProcess>(argv, dir.Sub("inkoopd.log"));
}

std::unique_ptr<ChildProcess> StartProjector(const KafkaOptions& options, const TempDir& dir,
                                             const std::string& db,
                                             const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {INKOOP_PROJECTOR_PATH, "--brokers", options.brokers,
                                   "--topic_prefix",      options.topic_prefix,
                                   "--db",                db,
                                   "--keys",              SigningKeyPath(dir) + ".pub"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<ChildProcess>(argv, dir.Sub("projector.log"));
}

namespace {

// Every committed message of `topic`, decoded as `Message`, per partition in
// offset order.
template <typename Message>
bool Decode(const RdKafka::Message& message, Message& decoded) {
  return decoded.ParseFromArray(message.payload(), static_cast<int>(message.len()));
}

template <>
bool Decode(const RdKafka::Message& message, v1::Event& decoded) {
  absl::StatusOr<ReadEvent> read =
      OpenRecord(absl::string_view(static_cast<const char*>(message.payload()), message.len()));
  if (!read.ok()) return false;
  decoded = std::move(read->event);
  return true;
}

template <typename Message>
std::vector<Message> ReadAll(const KafkaOptions& options, const std::string& topic,
                             int partitions) {
  std::vector<Message> messages;
  for (int p = 0; p < partitions; ++p) {
    absl::Status read =
        ReadPartitionToEnd(options, topic, p, Offset(0), [&](const RdKafka::Message& message) {
          Message decoded;
          if (!Decode(message, decoded)) {
            return absl::DataLossError(absl::StrCat("undecodable ", decoded.GetTypeName(), " at ",
                                                    topic, "/", p, "@", message.offset()));
          }
          messages.push_back(std::move(decoded));
          return absl::OkStatus();
        });
    EXPECT_TRUE(read.ok()) << read;
  }
  return messages;
}

}  // namespace

std::vector<v1::Event> ReadAllEvents(const KafkaOptions& options, int partitions) {
  return ReadAll<v1::Event>(options, options.events_topic(), partitions);
}

std::vector<v1::CommandResult> ReadAllResults(const KafkaOptions& options, int partitions) {
  return ReadAll<v1::CommandResult>(options, options.results_topic(), partitions);
}

std::unique_ptr<ProjectionReader> AwaitProjection(const std::string& db,
                                                  const std::map<std::string, uint64_t>& sequences,
                                                  absl::Time deadline,
                                                  const std::string& projector_log) {
  while (absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(200));
    absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
    if (!reader.ok()) continue;
    bool caught_up = true;
    for (const auto& [region, sequence] : sequences) {
      absl::StatusOr<std::optional<RegionState>> state = (*reader)->Region(region);
      caught_up =
          caught_up && state.ok() && state->has_value() && (*state)->sequence.value() == sequence;
    }
    if (caught_up) return std::move(*reader);
  }
  ADD_FAILURE() << "the projection in " << db << " did not catch up with " << sequences.size()
                << " region(s) in time\n"
                << Tail(projector_log);
  return nullptr;
}

namespace {
v1::Command Base(const std::string& region, const std::string& actor, v1::Role role) {
  v1::Command command;
  command.set_command_id(NewCommandId());
  command.set_region(region);
  command.mutable_actor()->set_id(actor);
  command.mutable_actor()->set_role(role);
  return command;
}
}  // namespace

v1::Command AdoptFramework(const std::string& region,
                           const std::vector<std::string>& municipalities,
                           const std::vector<std::string>& lots) {
  v1::Command command = Base(region, "bureau", v1::ROLE_BUREAU);
  v1::AdoptFramework& adopt = *command.mutable_adopt_framework();
  adopt.set_framework_id(region + "-framework");
  for (const std::string& m : municipalities) adopt.add_municipalities(m);
  for (const std::string& lot : lots) {
    v1::Lot& l = *adopt.add_lots();
    l.set_code(lot);
    l.set_name("Lot " + lot);
  }
  adopt.set_period_start("2015-01-01");
  adopt.set_period_end("2016-12-31");
  TestActorKeys().Enroll(command, {{std::string(kScenarioClockActor), v1::ROLE_CLOCK}});
  return command;
}

v1::Command SetBudget(const std::string& region, const std::string& municipality, int32_t year,
                      int64_t cents) {
  v1::Command command = Base(region, municipality, v1::ROLE_MUNICIPALITY);
  v1::SetBudget& set = *command.mutable_set_budget();
  set.set_municipality(municipality);
  set.set_year(year);
  set.set_source(v1::BUDGET_SOURCE_MAY_CIRCULAR);
  set.set_amount_cents(cents);
  return command;
}

v1::Command SubmitPlan(const std::string& region, const std::string& municipality, int32_t year,
                       const std::map<std::string, int64_t>& lots) {
  v1::Command command = Base(region, municipality, v1::ROLE_MUNICIPALITY);
  v1::SubmitLocalPlan& plan = *command.mutable_submit_local_plan();
  plan.set_municipality(municipality);
  plan.set_year(year);
  for (const auto& [lot, cents] : lots) {
    v1::LotAmount& amount = *plan.add_lots();
    amount.set_lot(lot);
    amount.set_amount_cents(cents);
  }
  return command;
}

std::vector<v1::Command> RegionYearCommands(int64_t claims, int32_t clients) {
  RegionYearOptions options;
  options.claims = claims;
  options.clients_per_year = clients;
  std::vector<v1::Command> commands;
  absl::StatusOr<std::unique_ptr<RegionYearProfile>> profile = RegionYearProfile::Create(options);
  EXPECT_TRUE(profile.ok()) << profile.status();
  if (!profile.ok()) return commands;
  ScenarioClock clock(TestActorKeys());
  for (v1::Command command; (*profile)->Next(command);) clock.Play(command, commands);
  return commands;
}

}  // namespace inkoop::testing
