// inkoop-loadgen: puts a stream of commands for many regions on
// inkoop.commands and (with --await) waits for every result, printing the
// rate. For demos with a long history, startup-time measurements and load.
//
// Profiles:
//   budget       a seeded stream of budget and plan commands (--commands)
//   region-year  the procurement years of Haaglanden-like regions, ending
//                after --claims claims (tools/loadgen/region_year.h);
//                streamed in batches, results counted, not kept: memory
//                stays flat however many claims. Every command should be
//                accepted, so a refusal makes the exit code 1.
//
// Commands are signed with scenario keys derived from --actor_seed; the
// engine must trust the bureau's as a founding key:
//
//   inkoop-loadgen --write_founders founders.keys   (then inkoopd --founders founders.keys)
//   inkoop-loadgen --regions 8 --commands 100000 --seed 7 --await
//   inkoop-loadgen --profile region-year --claims 1000000 --regions 4 --seed 7
//   inkoop-loadgen --profile region-year --claims 250008 --regions 1 --dry_run
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/kafka/kafka_flags.h"
#include "engine/status_macros.h"
#include "tools/client/actor_keys.h"
#include "tools/client/submitter.h"
#include "tools/inkoopctl/command_builder.h"
#include "tools/loadgen/region_year.h"

ABSL_FLAG(std::string, profile, "budget",
          "budget: seeded budget and plan commands (--commands); region-year: procurement years "
          "of Haaglanden-like regions up to --claims claims");
ABSL_FLAG(int, regions, 4, "regions to spread the commands over");
ABSL_FLAG(int, commands, 10000,
          "budget: budget and plan commands to submit (after one framework per region)");
ABSL_FLAG(int64_t, claims, 250'008,
          "region-year: record_claim commands in all, spread evenly over the regions; each "
          "region's stream ends right after its last claim");
ABSL_FLAG(int, clients_per_year, inkoop::kRealClientsPerYear,
          "region-year: clients of each region, each claiming monthly (12 claims a year)");
ABSL_FLAG(std::string, region_prefix, "haaglanden",
          "region-year: regions are <prefix>-0, <prefix>-1, ...; command ids <region>-<n> are "
          "deterministic, so a second run on the same topics needs another prefix");
ABSL_FLAG(bool, dry_run, false,
          "region-year: generate and count the commands per kind, submit nothing");
ABSL_FLAG(uint64_t, seed, 1, "seed of the command stream");
ABSL_FLAG(std::string, actor_seed, "inkoop-loadgen",
          "seed of the actors' signing keys (scenario keys, tools/client/actor_keys.h)");
ABSL_FLAG(std::string, write_founders, "",
          "write the key file line of the scenario's bureau keys to this file (for inkoopd "
          "--founders) and exit");
ABSL_FLAG(bool, await, true, "wait for every result and report accepted/refused");
ABSL_FLAG(int, timeout_seconds, 600, "how long --await waits");

namespace inkoop {
namespace {

// Commands per Submitter::Send: bounds what is held while streaming.
constexpr size_t kBatch = 5'000;
// Refusals whose reasons are printed.
constexpr int kShownRefusals = 5;

const char* const kLots[] = {"ambulatory", "specialist", "housing"};

v1::Command Base(const std::string& region, const std::string& actor, v1::Role role) {
  v1::Command command;
  command.set_command_id(NewCommandId());
  command.set_region(region);
  command.mutable_actor()->set_id(actor);
  command.mutable_actor()->set_role(role);
  return command;
}

std::vector<v1::Command> Generate(int regions, int count, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<v1::Command> commands;
  for (int r = 0; r < regions; ++r) {
    const std::string region = absl::StrCat("region-", r);
    v1::Command adopt = Base(region, "bureau", v1::ROLE_BUREAU);
    v1::AdoptFramework& framework = *adopt.mutable_adopt_framework();
    framework.set_framework_id(absl::StrCat(region, "-2015-2016"));
    for (int m = 0; m < 10; ++m) framework.add_municipalities(absl::StrCat(region, "-m", m));
    for (const char* code : kLots) {
      v1::Lot& lot = *framework.add_lots();
      lot.set_code(code);
      lot.set_name(code);
    }
    framework.set_period_start("2015-01-01");
    framework.set_period_end("2016-12-31");
    commands.push_back(std::move(adopt));
  }
  for (int i = 0; i < count; ++i) {
    const std::string region = absl::StrCat("region-", random() % regions);
    const std::string municipality = absl::StrCat(region, "-m", random() % 10);
    const int32_t year = 2015 + static_cast<int32_t>(random() % 2);
    v1::Command command = Base(region, municipality, v1::ROLE_MUNICIPALITY);
    if (random() % 2 == 0) {
      v1::SetBudget& set = *command.mutable_set_budget();
      set.set_municipality(municipality);
      set.set_year(year);
      set.set_source(v1::BUDGET_SOURCE_MAY_CIRCULAR);
      set.set_amount_cents(static_cast<int64_t>(500'000'000 + random() % 500'000'000));
    } else {
      v1::SubmitLocalPlan& plan = *command.mutable_submit_local_plan();
      plan.set_municipality(municipality);
      plan.set_year(year);
      for (const char* code : kLots) {
        v1::LotAmount& amount = *plan.add_lots();
        amount.set_lot(code);
        amount.set_amount_cents(static_cast<int64_t>(random() % 200'000'000));
      }
    }
    commands.push_back(std::move(command));
  }
  return commands;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "inkoop-loadgen: %s\n", std::string(status.message()).c_str());
  return absl::IsInvalidArgument(status) ? 2 : 3;
}

// The bureau actors of both profiles.
const char* const kBureaus[] = {"bureau", "inkoopbureau"};

int WriteFounders(ActorKeys& keys, const std::string& path) {
  std::string text = "# scenario bureau keys (inkoop-loadgen --actor_seed)\n";
  for (const char* bureau : kBureaus) absl::StrAppend(&text, keys.For(bureau)->KeyFileLine(), "\n");
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr || std::fputs(text.c_str(), out) < 0 || std::fclose(out) != 0) {
    return Fail(absl::UnavailableError(absl::StrCat("--write_founders ", path, ": cannot write")));
  }
  return 0;
}

int RunBudget(const KafkaOptions& kafka, ActorKeys& keys) {
  std::vector<v1::Command> commands = Generate(
      absl::GetFlag(FLAGS_regions), absl::GetFlag(FLAGS_commands), absl::GetFlag(FLAGS_seed));
  for (v1::Command& command : commands) keys.Enroll(command);
  absl::StatusOr<std::unique_ptr<Submitter>> submitter =
      Submitter::Connect(kafka, absl::Seconds(10));
  if (!submitter.ok()) return Fail(submitter.status());
  (*submitter)->set_keys(&keys);
  const absl::Time start = absl::Now();
  if (absl::Status sent = (*submitter)->Send(commands); !sent.ok()) return Fail(sent);
  const double send_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("sent %zu commands in %.2f s (%.0f/s)\n", commands.size(), send_seconds,
              static_cast<double>(commands.size()) / send_seconds);
  if (!absl::GetFlag(FLAGS_await)) return 0;
  std::vector<std::pair<std::string, std::string>> ids;
  for (const v1::Command& command : commands) {
    ids.emplace_back(command.region(), command.command_id());
  }
  auto results =
      (*submitter)->AwaitResults(ids, absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds)));
  if (!results.ok()) return Fail(results.status());
  size_t accepted = 0;
  for (const v1::CommandResult& result : *results) accepted += result.accepted() ? 1 : 0;
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("%zu results (%zu accepted, %zu refused) in %.2f s: %.0f commands/s end to end\n",
              results->size(), accepted, results->size() - accepted, seconds,
              static_cast<double>(results->size()) / seconds);
  return 0;
}

// Counts the results of our regions on inkoop.results (read_committed),
// from the end of every partition at Start(). Keeps counts and the first
// few refusals only, so memory does not grow with the number of commands.
// (Submitter::AwaitResults keeps every result it reads.)
class ResultCounter {
 public:
  static absl::StatusOr<std::unique_ptr<ResultCounter>> Start(
      const KafkaOptions& options, int32_t partitions, const std::vector<std::string>& regions) {
    std::unique_ptr<ResultCounter> counter(new ResultCounter());
    counter->regions_.insert(regions.begin(), regions.end());
    ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf,
                     MakeConf(options, {{"log_level", "0"},
                                        {"group.id", "inkoop-loadgen"},
                                        {"enable.auto.commit", "false"},
                                        {"enable.auto.offset.store", "false"},
                                        {"isolation.level", "read_committed"},
                                        {"fetch.wait.max.ms", "10"}}));
    std::string error;
    counter->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    if (counter->consumer_ == nullptr) {
      return absl::InternalError(absl::StrCat("Kafka consumer: ", error));
    }
    std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
    std::vector<RdKafka::TopicPartition*> assignment;
    for (int32_t p = 0; p < partitions; ++p) {
      int64_t low = 0, high = 0;
      RETURN_IF_ERROR(KafkaStatus(counter->consumer_->query_watermark_offsets(
                                      options.results_topic(), p, &low, &high, 10'000),
                                  absl::StrCat("end of ", options.results_topic())));
      owned.emplace_back(RdKafka::TopicPartition::create(options.results_topic(), p, high));
      assignment.push_back(owned.back().get());
    }
    RETURN_IF_ERROR(KafkaStatus(counter->consumer_->assign(assignment), "assign results"));
    return counter;
  }

  ~ResultCounter() {
    if (consumer_ != nullptr) consumer_->close();
  }

  // Reads until `expected` results of our regions arrived; kDeadlineExceeded
  // at `deadline`.
  absl::Status Await(int64_t expected, absl::Time deadline) {
    while (results() < expected) {
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError(absl::StrCat(
            expected - results(), " of ", expected,
            " results did not arrive in time (is inkoopd running?)"));
      }
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(100));
      if (message->err() != RdKafka::ERR_NO_ERROR) continue;
      v1::CommandResult result;
      if (!result.ParseFromArray(message->payload(), static_cast<int>(message->len()))) continue;
      if (!regions_.contains(result.region())) continue;
      if (result.accepted()) {
        ++accepted_;
      } else {
        if (refused_++ < kShownRefusals) {
          std::printf("refused %s: %s\n", result.command_id().c_str(), result.message().c_str());
        }
      }
      duplicates_ += result.duplicate() ? 1 : 0;
    }
    return absl::OkStatus();
  }

  int64_t results() const { return accepted_ + refused_; }
  int64_t accepted() const { return accepted_; }
  int64_t refused() const { return refused_; }
  int64_t duplicates() const { return duplicates_; }

 private:
  ResultCounter() = default;

  absl::flat_hash_set<std::string> regions_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  int64_t accepted_ = 0;
  int64_t refused_ = 0;
  int64_t duplicates_ = 0;
};

std::string KindOf(const v1::Command& command) {
  const auto* field = v1::Command::descriptor()->FindFieldByNumber(command.body_case());
  return field == nullptr ? "none" : field->name();
}

int RunRegionYear(const KafkaOptions& kafka, ActorKeys& keys) {
  const int regions = absl::GetFlag(FLAGS_regions);
  const int64_t claims = absl::GetFlag(FLAGS_claims);
  if (regions < 1 || claims < regions) {
    return Fail(absl::InvalidArgumentError(absl::StrCat(
        "--regions ", regions, " --claims ", claims, ": expected at least one claim per region")));
  }
  std::vector<std::unique_ptr<RegionYearProfile>> profiles;
  std::vector<std::string> names;
  for (int r = 0; r < regions; ++r) {
    RegionYearOptions options;
    options.region = absl::StrCat(absl::GetFlag(FLAGS_region_prefix), "-", r);
    options.seed = absl::GetFlag(FLAGS_seed);
    options.claims = claims / regions + (r < claims % regions ? 1 : 0);
    options.clients_per_year = absl::GetFlag(FLAGS_clients_per_year);
    absl::StatusOr<std::unique_ptr<RegionYearProfile>> profile = RegionYearProfile::Create(options);
    if (!profile.ok()) return Fail(profile.status());
    profiles.push_back(std::move(*profile));
    names.push_back(options.region);
  }
  const bool dry_run = absl::GetFlag(FLAGS_dry_run);
  std::unique_ptr<Submitter> submitter;
  std::unique_ptr<ResultCounter> counter;
  if (!dry_run) {
    absl::StatusOr<std::unique_ptr<Submitter>> connected =
        Submitter::Connect(kafka, absl::Seconds(10));
    if (!connected.ok()) return Fail(connected.status());
    submitter = std::move(*connected);
    submitter->set_keys(&keys);
    if (absl::GetFlag(FLAGS_await)) {
      absl::StatusOr<std::unique_ptr<ResultCounter>> started =
          ResultCounter::Start(kafka, submitter->partitions(), names);
      if (!started.ok()) return Fail(started.status());
      counter = std::move(*started);
    }
  }

  // The regions take turns, one command each, so every partition has work.
  const absl::Time start = absl::Now();
  std::map<std::string, int64_t> kinds;
  int64_t sent = 0;
  std::vector<v1::Command> batch;
  batch.reserve(kBatch + profiles.size());
  // The profiles' dates play on each region's manual clock.
  ScenarioClock clock(keys);
  v1::Command next;
  for (size_t live = profiles.size(); live > 0;) {
    live = 0;
    for (std::unique_ptr<RegionYearProfile>& profile : profiles) {
      if (profile == nullptr) continue;
      if (!profile->Next(next)) {
        profile.reset();
        continue;
      }
      ++live;
      const size_t before = batch.size();
      clock.Play(std::move(next), batch);
      if (dry_run) {
        for (size_t i = before; i < batch.size(); ++i) ++kinds[KindOf(batch[i])];
      }
    }
    if (batch.size() < kBatch && live > 0) continue;
    sent += static_cast<int64_t>(batch.size());
    if (!dry_run) {
      if (absl::Status status = submitter->Send(batch); !status.ok()) return Fail(status);
    }
    batch.clear();
  }
  const double send_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (dry_run) {
    for (const auto& [kind, count] : kinds) {
      std::printf("%10lld %s\n", static_cast<long long>(count), kind.c_str());
    }
    std::printf("generated %lld commands for %d region(s) in %.2f s\n",
                static_cast<long long>(sent), regions, send_seconds);
    return 0;
  }
  std::printf("sent %lld commands in %.2f s (%.0f/s)\n", static_cast<long long>(sent),
              send_seconds, static_cast<double>(sent) / send_seconds);
  if (counter == nullptr) return 0;
  absl::Status awaited =
      counter->Await(sent, start + absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds)));
  if (!awaited.ok()) return Fail(awaited);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf(
      "%lld results (%lld accepted, %lld refused, %lld duplicates) in %.2f s: %.0f commands/s "
      "end to end\n",
      static_cast<long long>(counter->results()), static_cast<long long>(counter->accepted()),
      static_cast<long long>(counter->refused()), static_cast<long long>(counter->duplicates()),
      seconds, static_cast<double>(counter->results()) / seconds);
  return counter->refused() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace inkoop

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "inkoop-loadgen: a stream of commands for many regions (--profile budget | region-year)");
  // --help lists this file's flags and the Kafka ones (the file name is not
  // the program name, which absl's default looks for).
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "loadgen/inkoop_loadgen.cc") ||
           absl::EndsWith(file, "kafka/kafka_flags.cc");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::ParseCommandLine(argc, argv);
  const inkoop::KafkaOptions kafka = inkoop::KafkaOptionsFromFlags();
  const std::string profile = absl::GetFlag(FLAGS_profile);
  inkoop::ActorKeys keys = inkoop::ActorKeys::Derived(absl::GetFlag(FLAGS_actor_seed));
  if (!absl::GetFlag(FLAGS_write_founders).empty()) {
    return inkoop::WriteFounders(keys, absl::GetFlag(FLAGS_write_founders));
  }
  if (profile == "budget") return inkoop::RunBudget(kafka, keys);
  if (profile == "region-year") return inkoop::RunRegionYear(kafka, keys);
  std::fprintf(stderr, "inkoop-loadgen: --profile: expected budget or region-year, got '%s'\n",
               profile.c_str());
  return 2;
}
