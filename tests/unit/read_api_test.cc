// The HTTP read API without HTTP (projections/read_api.h): a projection
// database on a real RocksDB, filled from signed events, answered through
// ReadApi::Get with a fake broker for the lag.
#include "projections/read_api.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "engine/domain/rules.h"
#include "engine/envelope.h"
#include "projections/projection.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/records.h"
#include "tests/testing/region_events.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace inkoop {
namespace {

using ::inkoop::testing::EventOf;
using ::inkoop::testing::IsOk;
using ::nlohmann::json;
using ::testing::HasSubstr;

constexpr char kRegion[] = "haaglanden";
constexpr char kTopic[] = "inkoop.events";

class FakeBroker : public ReadSources {
 public:
  absl::StatusOr<std::vector<PartitionLag>> Lag(
      const std::map<int32_t, int64_t>& applied) override {
    ++measured;
    if (hold != nullptr) {
      held.Notify();
      hold->WaitForNotification();
    }
    if (!answer.ok()) return answer;
    std::vector<PartitionLag> lags;
    for (const auto& [partition, offset] : applied) {
      PartitionLag lag;
      lag.partition = partition;
      lag.applied_offset = offset;
      lag.end_offset = offset + behind;
      lag.lag = behind;
      lag.caught_up = behind <= 1;
      lags.push_back(lag);
    }
    return lags;
  }
  std::string ProcessMetrics() override {
    return "# HELP inkoop_test_up Test.\n# TYPE inkoop_test_up gauge\ninkoop_test_up 1\n";
  }

  // When set, a measurement waits for it (a broker that does not answer).
  absl::Notification* hold = nullptr;
  absl::Notification held;
  absl::Status answer = absl::OkStatus();
  int64_t behind = 1;
  int measured = 0;
};

std::string Contract(int i, const std::string& provider, const std::string& lot) {
  return absl::StrCat(R"pb(contract_signed { contract_id: ")pb", absl::StrFormat("C-%03d", i),
                      R"pb(" provider_id: ")pb", provider, R"pb(" lot: ")pb", lot,
                      R"pb(" term_start: "2016-01-01" term_end: "2016-12-31"
                           ceilings { municipality: "Delft" ceiling_cents: )pb",
                      100000 * i, " } }");
}

// Region "haaglanden": municipality Delft, lots ambulatory and housing
// (planned 700000.00 and 300000.00 in 2016), providers p1 (C-1 and C-100 to
// C-124, ambulatory) and p2 (C-200, housing, failed), claims of 1234.56 and
// 100.01 on C-1, one open continuity case.
std::vector<v1::Event> Region() {
  std::vector<v1::Event> extra;
  extra.push_back(EventOf(R"pb(local_plan_submitted {
                                 municipality: "Delft"
                                 year: 2016
                                 lots { lot: "ambulatory" amount_cents: 70000000 }
                               })pb"));
  extra.push_back(EventOf(R"pb(provider_registered { provider_id: "p2" name: "Tweede" })pb"));
  for (int i = 100; i < 125; ++i) extra.push_back(EventOf(Contract(i, "p1", "ambulatory")));
  extra.push_back(EventOf(Contract(200, "p2", "ambulatory")));
  extra.push_back(EventOf(R"pb(claim_recorded {
                                 claim_id: "K-1"
                                 contract_id: "C-1"
                                 provider_id: "p1"
                                 municipality: "Delft"
                                 period_start: "2016-02-01"
                                 period_end: "2016-02-29"
                                 amount_cents: 123456
                               })pb"));
  extra.push_back(EventOf(R"pb(claim_recorded {
                                 claim_id: "K-2"
                                 contract_id: "C-1"
                                 provider_id: "p1"
                                 municipality: "Delft"
                                 period_start: "2016-03-01"
                                 period_end: "2016-03-31"
                                 amount_cents: 10001
                               })pb"));
  extra.push_back(EventOf(R"pb(provider_failed {
                                 provider_id: "p2"
                                 failed_on: "2016-06-01"
                                 reason: FAILURE_REASON_BANKRUPTCY
                               })pb"));
  extra.push_back(EventOf(R"pb(continuity_case_opened {
                                 case_id: "CASE-1"
                                 provider_id: "p2"
                                 contract_id: "C-200"
                                 lot: "ambulatory"
                                 municipality: "Delft"
                                 remaining_ceiling_cents: 500
                               })pb"));
  return testing::RegionEvents(kRegion, 7000000, "Eerste", extra);
}

class ReadApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Projection>> projection =
        Projection::Open(path_, testing::TestProjectionOptions());
    ASSERT_THAT(projection, IsOk());
    int64_t offset = 0;
    for (const v1::Event& event : Region()) {
      ASSERT_THAT((*projection)->Apply(kTopic, 0, Offset(offset++), testing::Signed(event)),
                  IsOk());
    }
    ASSERT_EQ((*projection)->counters().parked, 0u);
    ASSERT_THAT((*projection)->Commit(), IsOk());
    projection_ = std::move(*projection);
    absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(path_);
    ASSERT_THAT(reader, IsOk());
    reader_ = std::move(*reader);
    ReadApiOptions options;
    options.events_topic = kTopic;
    options.ready_max_lag = 10;
    options.lag_every = absl::ZeroDuration();
    api_ = std::make_unique<ReadApi>(*reader_, broker_, options);
  }

  // The body of a GET, parsed; `status` is checked.
  json Get(const std::string& path, const QueryParams& params = {}, int status = 200) {
    ApiResponse response = api_->Get(path, params);
    EXPECT_EQ(response.status, status) << path << ": " << response.body;
    json body = json::parse(response.body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << path << ": not JSON: " << response.body;
    return body;
  }

  // The error a bad request gets: its parameter and message.
  void ExpectError(const std::string& path, const QueryParams& params, int status,
                   const std::string& parameter, const std::string& message) {
    json body = Get(path, params, status);
    ASSERT_TRUE(body.contains("error")) << body.dump();
    EXPECT_EQ(body["error"]["parameter"], parameter) << body.dump();
    EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr(message)) << body.dump();
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.Sub("projection");
  std::unique_ptr<Projection> projection_;
  std::unique_ptr<ProjectionReader> reader_;
  FakeBroker broker_;
  std::unique_ptr<ReadApi> api_;
};

std::string MessageJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &out, options).ok());
  return out;
}

TEST_F(ReadApiTest, RegionsAndBudgetsAreTheReadersRecords) {
  EXPECT_EQ(Get("/api/v1/regions"), json::parse(R"({"regions":["haaglanden"]})"));
  json budgets = Get("/api/v1/budgets", {{"municipality", "Delft"}, {"year", "2016"}});
  ASSERT_EQ(budgets["items"].size(), 1u);
  absl::StatusOr<std::optional<v1::BudgetView>> view = reader_->Budget(kRegion, "Delft", 2016);
  ASSERT_THAT(view, IsOk());
  ASSERT_TRUE(view->has_value());
  EXPECT_EQ(budgets["items"][0], json::parse(MessageJson(**view)));
  EXPECT_EQ(budgets["items"][0]["budgetCents"], "7000000000");
}

TEST_F(ReadApiTest, LotsJoinTheBudgetWithTheClaimsToTheCent) {
  json lots = Get("/api/v1/lots", {{"municipality", "Delft"}, {"year", "2016"}});
  ASSERT_EQ(lots["items"].size(), 1u) << lots.dump();
  const json& lot = lots["items"][0];
  EXPECT_EQ(lot["lot"], "ambulatory");
  EXPECT_EQ(lot["plannedCents"], "70000000");
  // Committed as the budget view has it: the ceilings of the lot's contracts.
  absl::StatusOr<std::optional<v1::BudgetView>> view = reader_->Budget(kRegion, "Delft", 2016);
  ASSERT_THAT(view, IsOk());
  ASSERT_TRUE(view->has_value());
  ASSERT_EQ((*view)->lots_size(), 1);
  const int64_t committed = (*view)->lots(0).committed_cents();
  EXPECT_GT(committed, 0);
  EXPECT_EQ(lot["committedCents"], absl::StrCat(committed));
  EXPECT_EQ(lot["claimedCents"], "133457");
  EXPECT_EQ(lot["freeCents"], absl::StrCat(70000000 - committed));
}

TEST_F(ReadApiTest, ContractsPageThroughEveryRecordOnceInIdOrder) {
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    QueryParams params = {{"limit", "10"}};
    if (!cursor.empty()) params.push_back({"cursor", cursor});
    json page = Get("/api/v1/contracts", params);
    for (const json& c : page["items"]) seen.push_back(c["contractId"]);
    cursor = page["next_cursor"];
    ASSERT_LT(++pages, 10);
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);
  absl::StatusOr<std::vector<v1::ContractRecord>> all = reader_->Contracts(kRegion);
  ASSERT_THAT(all, IsOk());
  std::vector<std::string> expected;
  for (const v1::ContractRecord& c : *all) expected.push_back(c.contract_id());
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(seen.size(), 27u);
}

TEST_F(ReadApiTest, FiltersNarrowAndAnEmptyResultSaysWhatWasFiltered) {
  json p2 = Get("/api/v1/contracts", {{"provider", "p2"}});
  ASSERT_EQ(p2["items"].size(), 1u);
  EXPECT_EQ(p2["items"][0]["contractId"], "C-200");
  json expired = Get("/api/v1/contracts", {{"provider", "p2"}, {"status", "expired"}});
  EXPECT_TRUE(expired["items"].empty());
  EXPECT_EQ(expired["empty"],
            "no contracts of provider 'p2' of status 'expired' in region 'haaglanden'");
  json failed = Get("/api/v1/providers", {{"status", "failed"}});
  ASSERT_EQ(failed["items"].size(), 1u);
  EXPECT_EQ(failed["items"][0]["providerId"], "p2");
  json open = Get("/api/v1/cases", {{"status", "open"}});
  ASSERT_EQ(open["items"].size(), 1u);
  EXPECT_EQ(open["items"][0]["remainingCeilingCents"], "500");
  json one = Get("/api/v1/contracts/C-1");
  EXPECT_EQ(one["ceilings"][0]["ceilingCents"], "7000000");
}

TEST_F(ReadApiTest, BadInputIsRefusedNamingTheParameter) {
  ExpectError("/api/v1/contracts", {{"provider", "nobody"}}, 404, "provider",
              "expected a provider of region 'haaglanden', got 'nobody'");
  ExpectError("/api/v1/contracts", {{"status", "asleep"}}, 400, "status",
              "expected active, suspended, terminated or expired, got 'asleep'");
  ExpectError("/api/v1/contracts", {{"limit", "0"}}, 400, "limit", "expected 1 to 1000 records");
  ExpectError("/api/v1/contracts", {{"limit", "100000"}}, 400, "limit", "got '100000'");
  ExpectError("/api/v1/contracts", {{"cursor", "not-hex"}}, 400, "cursor", "next_cursor");
  ExpectError("/api/v1/contracts", {{"colour", "red"}}, 400, "colour", "one of the parameters");
  ExpectError("/api/v1/contracts", {{"lot", "x"}, {"lot", "y"}}, 400, "lot", "once");
  ExpectError("/api/v1/contracts", {{"lot", "gardening"}}, 404, "lot",
              "a lot of region 'haaglanden' (ambulatory)");
  ExpectError("/api/v1/budgets", {{"municipality", "Atlantis"}}, 404, "municipality",
              "a municipality of region 'haaglanden' (Delft)");
  ExpectError("/api/v1/budgets", {{"year", "twenty"}}, 400, "year", "a year like 2016");
  ExpectError("/api/v1/budgets", {{"region", "elsewhere"}}, 404, "region",
              "a region of the projection (haaglanden)");
  ExpectError("/api/v1/lots", {{"year", "2016"}}, 400, "municipality", "got ''");
  ExpectError("/api/v1/contracts/C-999", {}, 404, "id", "got 'C-999'");
  ExpectError("/api/v1/contracts/C-1", {{"status", "active"}}, 400, "status",
              "one of the parameters region");
  EXPECT_EQ(api_->Get("/api/v1/assignments", {}).status, 404);
  EXPECT_EQ(api_->Get("/nowhere", {}).status, 404);
}

TEST_F(ReadApiTest, AnyQueryIsAnsweredWithJsonAndNeverCrashes) {
  const std::vector<std::string> paths = {"/api/v1/contracts", "/api/v1/budgets", "/api/v1/lots",
                                          "/api/v1/cases",     "/api/v1/tenders", "/api/v1/providers",
                                          "/api/v1/contracts/%00", "/api/v1/", "/api/v1/lag"};
  const std::vector<std::string> names = {"region", "limit", "cursor", "year", "status", "lot",
                                          "provider", "municipality", "", "\xff"};
  const std::vector<std::string> values = {"", "-1", "0", "1e9", "ffff", std::string(600, 'a'),
                                           "\xc3\x28", "Delft", "2016", "active", "%", "\n"};
  for (const std::string& path : paths) {
    for (const std::string& name : names) {
      for (const std::string& value : values) {
        ApiResponse response = api_->Get(path, {{name, value}});
        EXPECT_TRUE(response.status == 200 || response.status == 400 || response.status == 404)
            << path << "?" << name << "=" << value << ": " << response.status;
        EXPECT_FALSE(json::parse(response.body, nullptr, false).is_discarded())
            << path << "?" << name << "=" << value << ": " << response.body;
      }
    }
  }
}

TEST_F(ReadApiTest, ReadyWhenCaughtUpOrWithinTheBound) {
  broker_.behind = 1;
  EXPECT_EQ(Get("/readyz")["ready"], true);
  broker_.behind = 10;  // behind, but within ready_max_lag
  EXPECT_EQ(Get("/readyz")["ready"], true);
  broker_.behind = 11;
  json not_ready = Get("/readyz", {}, 503);
  EXPECT_EQ(not_ready["ready"], false);
  EXPECT_THAT(not_ready["reason"].get<std::string>(),
              HasSubstr("partition 0 is 11 offsets behind (at most 10)"));
  broker_.answer = absl::UnavailableError("no broker");
  EXPECT_THAT(Get("/readyz", {}, 503)["reason"].get<std::string>(),
              HasSubstr("the broker does not answer: no broker"));
  EXPECT_EQ(Get("/healthz")["status"], "ok");
}

// Every index prefix holds exactly the contracts a scan of all of them
// finds with that value, in id order.
void ExpectIndexesMatchTheScan(ProjectionReader& reader) {
  absl::StatusOr<std::vector<v1::ContractRecord>> all = reader.Contracts(kRegion);
  ASSERT_THAT(all, IsOk());
  auto ids = [](const std::vector<v1::ContractRecord>& records) {
    std::vector<std::string> out;
    for (const v1::ContractRecord& c : records) out.push_back(c.contract_id());
    return out;
  };
  auto expect = [&](ContractIndex dimension, const std::string& value,
                    const std::function<bool(const v1::ContractRecord&)>& has) {
    std::vector<v1::ContractRecord> scanned;
    for (const v1::ContractRecord& c : *all) {
      if (has(c)) scanned.push_back(c);
    }
    absl::StatusOr<ProjectionReader::Page<v1::ContractRecord>> indexed = reader.IndexedContracts(
        kRegion, dimension, value, "", 1000, [](const v1::ContractRecord&) { return true; });
    ASSERT_THAT(indexed, IsOk());
    EXPECT_EQ(ids(indexed->records), ids(scanned))
        << static_cast<char>(dimension) << " " << value;
  };
  for (const std::string provider : {"p1", "p2", "p3"}) {
    expect(ContractIndex::kProvider, provider,
           [&](const v1::ContractRecord& c) { return c.provider_id() == provider; });
  }
  for (const std::string lot : {"ambulatory", "housing"}) {
    expect(ContractIndex::kLot, lot, [&](const v1::ContractRecord& c) { return c.lot() == lot; });
  }
  for (const std::string municipality : {"Delft", "Den Haag"}) {
    expect(ContractIndex::kMunicipality, municipality,
           [&](const v1::ContractRecord& c) { return HasCeiling(c, municipality); });
  }
  for (int status = 1; status <= 4; ++status) {
    expect(ContractIndex::kStatus, absl::StrCat(status),
           [&](const v1::ContractRecord& c) { return c.status() == status; });
  }
}

TEST_F(ReadApiTest, ContractIndexesFollowEveryChangeOfTheContracts) {
  ExpectIndexesMatchTheScan(*reader_);
  // Suspended: it leaves the active contracts' index for the suspended's.
  std::vector<v1::Event> events = Region();
  events.push_back(EventOf(R"pb(contract_suspended {
                                  contract_id: "C-110"
                                  reason: "inspection"
                                  effective_on: "2016-07-01"
                                })pb"));
  events.back().set_region(kRegion);
  events.back().set_sequence(events.size());
  events.back().set_event_id(absl::StrCat(kRegion, "/", events.size()));
  events.back().set_previous_hash(events[events.size() - 2].hash());
  Seal(events.back());
  ASSERT_THAT(projection_->Apply(kTopic, 0, Offset(static_cast<int64_t>(events.size()) - 1),
                                 testing::Signed(events.back())),
              IsOk());
  ASSERT_THAT(projection_->Commit(), IsOk());
  ASSERT_THAT(reader_->CatchUp(), IsOk());
  ExpectIndexesMatchTheScan(*reader_);
  json suspended = Get("/api/v1/contracts", {{"status", "suspended"}});
  ASSERT_EQ(suspended["items"].size(), 1u);
  EXPECT_EQ(suspended["items"][0]["contractId"], "C-110");
  // Through an index, pages and filters work as through the scan.
  std::vector<std::string> seen;
  std::string cursor;
  do {
    QueryParams params = {{"provider", "p1"}, {"status", "active"}, {"limit", "7"}};
    if (!cursor.empty()) params.push_back({"cursor", cursor});
    json page = Get("/api/v1/contracts", params);
    for (const json& c : page["items"]) seen.push_back(c["contractId"]);
    cursor = page["next_cursor"];
  } while (!cursor.empty() && seen.size() < 100);
  EXPECT_EQ(seen.size(), 25u);  // C-1 and C-100..C-124 but the suspended C-110
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "C-110"), 0);
}

TEST_F(ReadApiTest, ABrokerThatDoesNotAnswerHoldsUpNoRead) {
  absl::Notification release;
  broker_.hold = &release;
  std::thread lag([&] { EXPECT_EQ(api_->Get("/api/v1/lag", {}).status, 200); });
  broker_.held.WaitForNotification();  // the measurement is under way, and stuck
  EXPECT_EQ(Get("/api/v1/regions")["regions"], json::array({kRegion}));
  EXPECT_EQ(Get("/api/v1/contracts/C-1")["contractId"], "C-1");
  release.Notify();
  lag.join();
}

TEST_F(ReadApiTest, LagReportsEveryPartitionAndTheLastSignedEvent) {
  broker_.behind = 4;
  json lag = Get("/api/v1/lag");
  ASSERT_EQ(lag["partitions"].size(), 1u);
  EXPECT_EQ(lag["partitions"][0]["appliedOffset"], static_cast<int64_t>(Region().size()));
  EXPECT_EQ(lag["partitions"][0]["lag"], 4);
  EXPECT_EQ(lag["caughtUp"], false);
  ASSERT_EQ(lag["regions"].size(), 1u);
  EXPECT_EQ(lag["regions"][0]["sequence"], Region().size());
}

TEST_F(ReadApiTest, MetricsAreInPrometheusTextFormatWithTheStoredTotals) {
  ApiResponse response = api_->Get("/metrics", {});
  ASSERT_EQ(response.status, 200);
  EXPECT_THAT(response.content_type, HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(response.body,
              HasSubstr(absl::StrCat("\ninkoop_projection_events_applied_total ", Region().size(),
                                     "\n")));
  EXPECT_THAT(response.body, HasSubstr("# TYPE inkoop_projection_events_applied_total counter\n"));
  EXPECT_THAT(response.body, HasSubstr("inkoop_projection_partition_lag_offsets{partition=\"0\"} 1\n"));
  EXPECT_THAT(response.body, HasSubstr("inkoop_projection_last_signed_event_age_seconds{region=\"haaglanden\"}"));
  EXPECT_THAT(response.body, HasSubstr("inkoop_test_up 1\n"));
  EXPECT_EQ(api_->Get("/metrics", {{"x", "1"}}).status, 400);
}

TEST_F(ReadApiTest, TheDashboardIsServedAtTheRoot) {
  ApiResponse page = api_->Get("/", {});
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.content_type, HasSubstr("text/html"));
  EXPECT_THAT(page.body, HasSubstr("/api/v1/lots"));
}

}  // namespace
}  // namespace inkoop
