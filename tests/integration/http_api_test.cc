// The projector's HTTP read API against the real broker, engine and
// projector on a generated region year: every read model's JSON over HTTP
// equals `inkoopctl show --json` and the figures the log implies to the
// cent, /metrics passes promtool, /readyz and `inkoopctl lag` tell caught
// up from behind, and a non-loopback bind needs a bearer token.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/integration/cluster.h"

namespace inkoop::testing {
namespace {

using ::nlohmann::json;
using ::testing::HasSubstr;

constexpr char kRegion[] = "haaglanden";

// A port nothing listens on now.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

class HttpApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FreshTopics("http-api");
    engine_ = StartEngine(options_, dir_);
    commands_ = RegionYearCommands(120, 10);
    ASSERT_GT(commands_.size(), 10u);
    absl::StatusOr<std::unique_ptr<Submitter>> submitter =
        ConnectSigned(options_, absl::Seconds(30));
    ASSERT_TRUE(submitter.ok()) << submitter.status();
    submitter_ = *std::move(submitter);
    port_ = FreePort();
    ASSERT_NE(port_, 0);
  }

  void Submit(size_t from, size_t to) {
    absl::StatusOr<std::vector<v1::CommandResult>> results = submitter_->SubmitAll(
        std::vector<v1::Command>(commands_.begin() + from, commands_.begin() + to),
        absl::Seconds(120));
    ASSERT_TRUE(results.ok()) << results.status() << Tail(engine_->log_path());
    for (const v1::CommandResult& result : *results) {
      ASSERT_TRUE(result.accepted()) << result.command_id() << ": " << result.message();
      if (result.sequences_size() > 0) sequence_ = result.sequences(result.sequences_size() - 1);
    }
  }

  std::unique_ptr<ChildProcess> Projector(const std::string& db, std::vector<std::string> extra) {
    return StartProjector(options_, dir_, db, extra);
  }

  void AwaitCaughtUp() {
    ASSERT_NE(AwaitProjection(db_, {{kRegion, sequence_}}, absl::Now() + absl::Seconds(90),
                              projector_->log_path()),
              nullptr);
  }

  RunResult Ctl(std::vector<std::string> words) {
    std::vector<std::string> argv = {INKOOPCTL_PATH};
    argv.insert(argv.end(), words.begin(), words.end());
    argv.insert(argv.end(), {"--brokers", options_.brokers, "--topic-prefix", options_.topic_prefix,
                             "--db", db_});
    if (words[0] == "show") argv.insert(argv.end(), {"--region", kRegion});
    return RunProgram(argv);
  }

  // `inkoopctl show WHAT --json` as JSON values, one per line.
  std::vector<json> CtlJson(std::vector<std::string> words) {
    words.push_back("--json");
    RunResult shown = Ctl(words);
    EXPECT_EQ(shown.exit_code, 0) << absl::StrJoin(words, " ") << ": " << shown.err;
    std::vector<json> out;
    for (absl::string_view line : absl::StrSplit(shown.out, '\n', absl::SkipEmpty())) {
      out.push_back(json::parse(line));
    }
    return out;
  }

  // GET over HTTP; the status and the body.
  std::pair<int, std::string> Http(int port, const std::string& path,
                                   const httplib::Params& params = {},
                                   const httplib::Headers& headers = {}) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(10, 0);
    httplib::Result result = client.Get(path, params, headers);
    if (!result) return {0, httplib::to_string(result.error())};
    return {result->status, result->body};
  }

  // Every item of a list endpoint, page by page (10 a page, so paging is used).
  std::vector<json> HttpItems(const std::string& path, httplib::Params params = {}) {
    std::vector<json> items;
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
      httplib::Params query = params;
      query.emplace("limit", "10");
      if (!cursor.empty()) query.emplace("cursor", cursor);
      auto [status, body] = Http(port_, path, query);
      EXPECT_EQ(status, 200) << path << ": " << body;
      if (status != 200) break;
      json answer = json::parse(body);
      for (json& item : answer["items"]) items.push_back(std::move(item));
      cursor = answer["next_cursor"];
      if (cursor.empty()) break;
    }
    return items;
  }

  TempDir dir_;
  const std::string db_ = dir_.Sub("projection");
  KafkaOptions options_;
  std::unique_ptr<ChildProcess> engine_;
  std::unique_ptr<ChildProcess> projector_;
  std::unique_ptr<Submitter> submitter_;
  std::vector<v1::Command> commands_;
  uint64_t sequence_ = 0;
  int port_ = 0;
};

TEST_F(HttpApiTest, EveryReadModelOverHttpEqualsTheCliAndTheLogToTheCent) {
  Submit(0, commands_.size());
  projector_ = Projector(db_, {"--http", absl::StrCat("127.0.0.1:", port_)});
  AwaitCaughtUp();

  // The CLI and the API print the same records in the same JSON mapping.
  for (const auto& [cli, path] : {std::pair("contracts", "/api/v1/contracts"),
                                  std::pair("providers", "/api/v1/providers"),
                                  std::pair("tenders", "/api/v1/tenders")}) {
    std::vector<json> shown = CtlJson({"show", cli});
    EXPECT_FALSE(shown.empty()) << cli;
    EXPECT_EQ(HttpItems(path), shown) << cli;
  }
  // Filtered through the contract indexes: the same as the CLI's, and as a
  // filter of the whole list.
  // (The CLI for the first few providers: a process each.)
  const std::vector<json> all_contracts = HttpItems("/api/v1/contracts");
  int with_cli = 8;
  for (const json& provider : HttpItems("/api/v1/providers")) {
    const std::string id = provider["providerId"];
    std::vector<json> expected;
    for (const json& c : all_contracts) {
      if (c["providerId"] == id) expected.push_back(c);
    }
    EXPECT_EQ(HttpItems("/api/v1/contracts", {{"provider", id}}), expected) << id;
    if (--with_cli < 0) continue;
    RunResult shown = Ctl({"show", "contracts", "--provider", id, "--json"});
    EXPECT_EQ(shown.exit_code, expected.empty() ? 1 : 0) << shown.err;
    std::vector<json> cli;
    for (absl::string_view line : absl::StrSplit(shown.out, '\n', absl::SkipEmpty())) {
      cli.push_back(json::parse(line));
    }
    EXPECT_EQ(cli, expected) << id;
  }
  // The figures the log implies: each municipality's budget as set, and per
  // lot the sum of the claims on its contracts.
  std::map<std::string, std::string> lot_of;
  std::map<std::tuple<std::string, int32_t>, int64_t> budget;
  std::map<std::tuple<std::string, int32_t, std::string>, int64_t> claimed;
  std::set<std::string> contracts;
  for (const v1::Event& event : ReadAllEvents(options_)) {
    if (event.has_contract_signed()) {
      lot_of[event.contract_signed().contract_id()] = event.contract_signed().lot();
      contracts.insert(event.contract_signed().contract_id());
    }
    if (event.has_budget_set()) {
      budget[{event.budget_set().municipality(), event.budget_set().year()}] =
          event.budget_set().amount_cents();
    }
    if (event.has_claim_recorded()) {
      const v1::ClaimRecorded& claim = event.claim_recorded();
      claimed[{claim.municipality(), std::stoi(claim.period_start().substr(0, 4)),
               lot_of[claim.contract_id()]}] += claim.amount_cents();
    }
  }
  EXPECT_EQ(HttpItems("/api/v1/contracts").size(), contracts.size());
  ASSERT_FALSE(budget.empty());
  ASSERT_FALSE(claimed.empty());
  for (const auto& [key, cents] : budget) {
    const auto& [municipality, year] = key;
    const httplib::Params filter = {{"municipality", municipality},
                                    {"year", absl::StrCat(year)}};
    std::vector<json> views = HttpItems("/api/v1/budgets", filter);
    ASSERT_EQ(views.size(), 1u) << municipality << " " << year;
    EXPECT_EQ(views, CtlJson({"show", "budget", "--municipality", municipality, "--year",
                              absl::StrCat(year)}));
    EXPECT_EQ(views[0]["budgetCents"], absl::StrCat(cents)) << municipality;
    auto [status, body] = Http(port_, "/api/v1/lots", filter);
    ASSERT_EQ(status, 200) << body;
    json lots = json::parse(body);
    ASSERT_EQ(lots["items"].size(), views[0]["lots"].size());
    for (size_t i = 0; i < lots["items"].size(); ++i) {
      const json& lot = lots["items"][i];
      const json& line = views[0]["lots"][i];
      EXPECT_EQ(lot["committedCents"], line["committedCents"]);
      EXPECT_EQ(lot["plannedCents"], line["plannedCents"]);
      EXPECT_EQ(lot["claimedCents"],
                absl::StrCat(claimed[{municipality, year, lot["lot"].get<std::string>()}]))
          << municipality << " " << year << " " << lot["lot"];
      EXPECT_EQ(std::stoll(lot["freeCents"].get<std::string>()),
                std::stoll(line["plannedCents"].get<std::string>()) -
                    std::stoll(line["committedCents"].get<std::string>()));
    }
  }
  int64_t claimed_total = 0, shown_total = 0;
  for (const auto& [key, cents] : claimed) claimed_total += cents;
  for (const json& contract : HttpItems("/api/v1/contracts")) {
    for (const json& year : contract["claimed"]) {
      shown_total += std::stoll(year["claimedCents"].get<std::string>());
    }
  }
  EXPECT_EQ(shown_total, claimed_total);

  // Bad input over the wire: a JSON error naming the parameter.
  auto [bad_status, bad_body] = Http(port_, "/api/v1/contracts", {{"status", "asleep"}});
  EXPECT_EQ(bad_status, 400);
  EXPECT_EQ(json::parse(bad_body)["error"]["parameter"], "status");
  EXPECT_EQ(Http(port_, "/api/v1/contracts/none-such").first, 404);
  httplib::Client client("127.0.0.1", port_);
  httplib::Result posted = client.Post("/api/v1/contracts", "{}", "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 405);
}

TEST_F(HttpApiTest, MetricsPassPromtoolAndReadinessAndLagTellCaughtUpFromBehind) {
  const size_t held_back = 5;
  Submit(0, commands_.size() - held_back);
  projector_ = Projector(db_, {"--http", absl::StrCat("127.0.0.1:", port_)});
  AwaitCaughtUp();

  auto [ready, ready_body] = Http(port_, "/readyz");
  EXPECT_EQ(ready, 200) << ready_body;
  auto [status, metrics] = Http(port_, "/metrics");
  ASSERT_EQ(status, 200);
  EXPECT_THAT(metrics, HasSubstr("inkoop_projection_events_applied_total "));
  EXPECT_THAT(metrics, HasSubstr("inkoop_projector_batch_write_seconds_bucket{le=\"+Inf\"}"));
  EXPECT_THAT(metrics, HasSubstr("inkoop_projection_partition_caught_up{partition=\"0\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("inkoop_rocksdb_live_sst_bytes"));
  const std::string path = dir_.Sub("metrics.txt");
  std::ofstream(path) << metrics;
  RunResult checked =
      RunProgram({"/bin/sh", "-c", absl::StrCat("/usr/bin/promtool check metrics < ", path)});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  RunResult caught_up = Ctl({"lag"});
  EXPECT_EQ(caught_up.exit_code, 0) << caught_up.out << caught_up.err;
  EXPECT_THAT(caught_up.out, HasSubstr("caught up: no committed event waits to be applied"));
  EXPECT_THAT(caught_up.out, HasSubstr(absl::StrCat("at sequence ", sequence_)));

  // The projector stops; the engine goes on: the projection is behind.
  projector_->Signal(SIGTERM);
  ASSERT_TRUE(projector_->Wait(absl::Seconds(30)).has_value());
  Submit(commands_.size() - held_back, commands_.size());
  RunResult behind = Ctl({"lag", "--json"});
  EXPECT_EQ(behind.exit_code, 1) << behind.out << behind.err;
  json lag = json::parse(behind.out);
  EXPECT_EQ(lag["caughtUp"], false);
  EXPECT_GT(lag["lag"].get<int64_t>(), 0);

  // Restarted, it catches up, and says so.
  projector_ = Projector(db_, {"--http", absl::StrCat("127.0.0.1:", port_)});
  AwaitCaughtUp();
  RunResult again = Ctl({"lag", "--json"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(json::parse(again.out)["caughtUp"], true);

  // A broker that does not answer: lag says so with exit 3.
  std::vector<std::string> argv = {INKOOPCTL_PATH, "lag",     "--brokers", "127.0.0.1:1",
                                   "--topic-prefix", options_.topic_prefix, "--db", db_};
  RunResult unreachable = RunProgram(argv);
  EXPECT_EQ(unreachable.exit_code, 3) << unreachable.out << unreachable.err;
}

TEST_F(HttpApiTest, ANonLoopbackBindNeedsATokenAndRequestsMustCarryIt) {
  Submit(0, 5);
  // Without a token the projector refuses to serve beyond loopback.
  std::unique_ptr<ChildProcess> open =
      Projector(dir_.Sub("open"), {"--http", absl::StrCat("0.0.0.0:", port_)});
  std::optional<int> exited = open->Wait(absl::Seconds(60));
  ASSERT_TRUE(exited.has_value());
  EXPECT_EQ(WEXITSTATUS(*exited), 2);
  EXPECT_THAT(Tail(open->log_path()), HasSubstr("is not loopback; serving it needs a bearer token"));

  const std::string token_file = dir_.Sub("token");
  std::ofstream(token_file) << "s3cret-token\n";
  projector_ = Projector(db_, {"--http", absl::StrCat("127.0.0.1:", port_), "--http_token_file",
                               token_file});
  AwaitCaughtUp();
  EXPECT_EQ(Http(port_, "/healthz").first, 200);
  auto [refused, refused_body] = Http(port_, "/api/v1/regions");
  EXPECT_EQ(refused, 401);
  EXPECT_EQ(json::parse(refused_body)["error"]["parameter"], "Authorization");
  EXPECT_EQ(Http(port_, "/api/v1/regions", {}, {{"Authorization", "Bearer wrong-token!"}}).first,
            401);
  auto [allowed, body] =
      Http(port_, "/api/v1/regions", {}, {{"Authorization", "Bearer s3cret-token"}});
  EXPECT_EQ(allowed, 200);
  EXPECT_EQ(json::parse(body)["regions"], json::array({kRegion}));
}

}  // namespace
}  // namespace inkoop::testing
