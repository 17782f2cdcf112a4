// The OCDS export (tools/ocds/ocds.h) of a region whose history the real
// domain decides: a competitive tender with two bids, its award and
// contract, a direct award, an amendment, a care assignment and a claim, a
// payment, the provider's bankruptcy with a continuity transfer and the
// termination. Both packages are checked field by field and by
// tests/ocds/validate.py against the official OCDS 1.1.5 schemas.
#include "tools/ocds/ocds.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "engine/domain/decide.h"
#include "engine/domain/state.h"
#include "engine/envelope.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tools/loadgen/region_year.h"

namespace inkoop {
namespace {

using ::inkoop::testing::Bureau;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::Municipality;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::Provider;
using ::inkoop::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using Json = nlohmann::ordered_json;

constexpr char kRegion[] = "haaglanden";
constexpr char kTenderOcid[] = "ocds-inkoop-haaglanden-t1";
constexpr char kDirectOcid[] = "ocds-inkoop-haaglanden-c2";
// What the client's path carries: none of it may leave.
constexpr char kClient[] = "cl-7f3a9e";
constexpr char kAssignment[] = "asg-0001";
constexpr char kClaim[] = "cl-7f3a9e-2016-04";

absl::Time Day(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

// Decides `command` and appends its events, enveloped and sealed as the
// engine does, to `events`.
void Play(RegionState& state, std::vector<v1::Event>& events, const v1::Command& command) {
  absl::StatusOr<std::vector<v1::Event>> decided = Decide(state, command);
  ASSERT_THAT(decided.status(), IsOk()) << command.ShortDebugString();
  for (v1::Event& event : *decided) {
    event.set_region(command.region());
    event.set_sequence(state.sequence.value() + 1);
    event.set_event_id(absl::StrCat(command.region(), "/", event.sequence()));
    *event.mutable_occurred_at() = command.occurred_at();
    *event.mutable_recorded_at() = command.occurred_at();
    *event.mutable_actor() = command.actor();
    event.set_command_id(command.command_id());
    event.set_schema_version(kSchemaVersion);
    event.set_previous_hash(state.last_hash);
    Seal(event);
    ASSERT_THAT(Evolve(state, event), IsOk()) << event.ShortDebugString();
    events.push_back(event);
  }
}

// The exit status of `command` and what it printed.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// validate.py on the files, each written from its text.
std::pair<int, std::string> Validate(
    const testing::TempDir& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  std::string command =
      absl::StrCat("python3 ", INKOOP_SOURCE_DIR, "/tests/ocds/validate.py");
  for (const auto& [name, text] : files) {
    WriteFile(dir.Sub(name), text);
    absl::StrAppend(&command, " ", dir.Sub(name));
  }
  return Shell(command);
}

std::vector<std::string> Strings(const Json& array) {
  std::vector<std::string> strings;
  for (const Json& value : array) strings.push_back(value.get<std::string>());
  return strings;
}

const Json& Record(const Json& record_package, const std::string& ocid) {
  for (const Json& record : record_package["records"]) {
    if (record["ocid"] == ocid) return record;
  }
  static const Json kNone = Json::object();
  ADD_FAILURE() << "no record " << ocid;
  return kNone;
}

const Json& ById(const Json& array, const std::string& id) {
  for (const Json& element : array) {
    if (element["id"] == id) return element;
  }
  static const Json kNone = Json::object();
  ADD_FAILURE() << "no element " << id << " in " << array.dump();
  return kNone;
}

class OcdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_.region = kRegion;
    ASSERT_NO_FATAL_FAILURE(Scenario());
  }

  void Scenario() {
    const absl::Time start = Day(2016, 2, 1);
    Do(Bureau(), start, R"(adopt_framework {
      framework_id: "H10-2016" municipalities: [ "Den Haag", "Delft" ]
      lots { code: "ambulatory" name: "Ambulatory youth care" }
      period_start: "2016-01-01" period_end: "2017-12-31"
      lot_rules { lot: "ambulatory" funding_models: FUNDING_MODEL_PER_UNIT
        max_tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 9000 } } })");
    for (const auto& [id, name, number] : {std::tuple("p1", "Youz", "27123456"),
                                           std::tuple("p2", "Cardea", "27654321"),
                                           std::tuple("p3", "Horizon", "27111111")}) {
      Do(Bureau(), start,
         absl::StrCat("register_provider { provider_id: '", id, "' name: '", name,
                      "' chamber_of_commerce_number: '", number, "' }"));
    }
    for (const std::string municipality : {"Den Haag", "Delft"}) {
      Do(Municipality(municipality), start,
         absl::StrCat("set_budget { municipality: '", municipality,
                      "' year: 2016 source: BUDGET_SOURCE_MAY_CIRCULAR amount_cents: 100000000 }"));
      Do(Municipality(municipality), start,
         absl::StrCat("submit_local_plan { municipality: '", municipality,
                      "' year: 2016 lots { lot: 'ambulatory' amount_cents: 50000000 } }"));
    }
    Do(Bureau(), start, "issue_purchase_order { year: 2016 }");
    // 400,000.00 on the lot, bids until 2016-03-01.
    Do(Bureau(), start, R"(publish_tender { tender_id: "t1" lot: "ambulatory" year: 2016
      procedure: TENDER_PROCEDURE_COMPETITIVE funding_model: FUNDING_MODEL_PER_UNIT
      ceiling_cents: 40000000 deadline: "2016-03-01" })");
    Do(Provider("p1"), Day(2016, 2, 10), R"(submit_bid { tender_id: "t1" bid_id: "b1"
      provider_id: "p1" amount_cents: 25000000
      tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8500 } })");
    Do(Provider("p2"), Day(2016, 2, 11), R"(submit_bid { tender_id: "t1" bid_id: "b2"
      provider_id: "p2" amount_cents: 30000000
      tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8800 } })");
    Do(Bureau(), Day(2016, 3, 2), R"(award_tender { tender_id: "t1" bid_ids: "b1" })");
    // Den Haag 150,000.00 and Delft 99,999.99: within the bid's 250,000.00.
    Do(Bureau(), Day(2016, 3, 10), R"(sign_contract { contract_id: "c1" provider_id: "p1"
      lot: "ambulatory" tender_id: "t1" bid_id: "b1" funding_model: FUNDING_MODEL_PER_UNIT
      term_start: "2016-04-01" term_end: "2016-12-31"
      ceilings { municipality: "Den Haag" ceiling_cents: 15000000 }
      ceilings { municipality: "Delft" ceiling_cents: 9999999 }
      tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8500 } })");
    // A direct award: no tender.
    Do(Bureau(), Day(2016, 3, 10), R"(sign_contract { contract_id: "c2" provider_id: "p3"
      lot: "ambulatory" funding_model: FUNDING_MODEL_PER_UNIT
      term_start: "2016-04-01" term_end: "2016-12-31"
      ceilings { municipality: "Delft" ceiling_cents: 5000000 }
      tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8000 } })");
    Do(Bureau(), Day(2016, 3, 20), R"(amend_contract { contract_id: "c1"
      ceilings { municipality: "Delft" ceiling_cents: 8000000 } reason: "less demand in Delft" })");
    Do(Municipality("Delft"), Day(2016, 4, 1),
       absl::StrCat("assign_care { assignment_id: '", kAssignment, "' contract_id: 'c1' "
                    "municipality: 'Delft' client: '", kClient, "' product_code: '45A48' "
                    "volume: 10 unit: UNIT_HOUR period_start: '2016-04-01' "
                    "period_end: '2016-06-30' }"));
    Do(Provider("p1"), Day(2016, 4, 1),
       absl::StrCat("start_care { assignment_id: '", kAssignment, "' start_date: '2016-04-01' }"));
    Do(Provider("p1"), Day(2016, 5, 2),
       absl::StrCat("record_claim { claim_id: '", kClaim, "' contract_id: 'c1' "
                    "municipality: 'Delft' period_start: '2016-04-01' period_end: '2016-04-30' "
                    "product_code: '45A48' units: 4 amount_cents: 34000 assignment_id: '",
                    kAssignment, "' }"));
    Do(Municipality("Delft"), Day(2016, 5, 20),
       absl::StrCat("record_payment { claim_id: '", kClaim,
                    "' amount_cents: 34000 paid_on: '2016-05-20' }"));
    Do(Bureau(), Day(2016, 6, 1), R"(declare_provider_failure { provider_id: "p1"
      failed_on: "2016-06-01" reason: FAILURE_REASON_BANKRUPTCY
      explanation: "declared bankrupt by the court of The Hague" })");
    Do(Bureau(), Day(2016, 6, 2),
       absl::StrCat("transfer_clients { case_id: 'c1/Delft' to_contract_id: 'c2' client_count: 1 "
                    "client_ids: '", kClient, "' ceiling_cents: 2000000 }"));
    Do(Bureau(), Day(2016, 6, 3), R"(terminate_contract { contract_id: "c1"
      reason: "provider bankrupt" effective_on: "2016-06-01" })");
  }

  // `body` (a command body in text format) by `actor` at 09:00 on `day`.
  void Do(const v1::Actor& actor, absl::Time day, const std::string& body) {
    v1::Command command = ParseText<v1::Command>(body);
    command.set_command_id(absl::StrCat("cmd-", events_.size() + 1));
    command.set_region(kRegion);
    *command.mutable_actor() = actor;
    command.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(day + absl::Hours(9)));
    ASSERT_NO_FATAL_FAILURE(Play(state_, events_, command));
  }

  static OcdsOptions Options() {
    OcdsOptions options;
    options.published = Day(2016, 7, 1);
    return options;
  }

  // The export of every event; the releases Add returned, in order.
  std::unique_ptr<OcdsExport> Export(const OcdsOptions& options,
                                     std::vector<std::string>* releases = nullptr) {
    auto exported = std::make_unique<OcdsExport>(kRegion, options);
    for (const v1::Event& event : events_) {
      absl::StatusOr<std::vector<std::string>> added = exported->Add(event);
      EXPECT_THAT(added, IsOk());
      if (added.ok() && releases != nullptr) {
        releases->insert(releases->end(), added->begin(), added->end());
      }
    }
    return exported;
  }

  RegionState state_;
  std::vector<v1::Event> events_;
};

TEST_F(OcdsTest, EachTenderAwardContractAndPaymentEventIsOneReleaseOfTheTendersProcess) {
  std::vector<std::string> added;
  const Json package = Json::parse(Export(Options(), &added)->ReleasePackage());
  ASSERT_THAT(package["releases"], SizeIs(added.size()));
  std::vector<std::string> tags;
  for (const Json& release : package["releases"]) {
    if (release["ocid"] != kTenderOcid) continue;
    EXPECT_EQ(release["initiationType"], "tender");
    tags.push_back(absl::StrJoin(Strings(release["tag"]), "+"));
  }
  // The suspension comes with the bankruptcy, the transfer is c2's.
  EXPECT_THAT(tags, ElementsAre("tender", "tenderUpdate", "tenderUpdate", "award", "contract",
                                "contractAmendment", "implementation", "contractUpdate",
                                "contractTermination"));
  EXPECT_EQ(package["version"], "1.1");
  EXPECT_EQ(package["publisher"]["name"], "inkoop");
  EXPECT_EQ(package["publishedDate"], "2016-07-01T00:00:00Z");
  EXPECT_EQ(Json::parse(added.front()), package["releases"][0]);
  EXPECT_EQ(package["releases"][0]["id"], "haaglanden-10");
  EXPECT_EQ(package["releases"][0]["date"], "2016-02-01T09:00:00Z");
}

TEST_F(OcdsTest, CompiledReleaseNamesPartiesLotsAwardContractAndTransaction) {
  const Json records = Json::parse(Export(Options())->RecordPackage());
  const Json& record = Record(records, kTenderOcid);
  const Json& compiled = record["compiledRelease"];
  EXPECT_EQ(compiled["tag"], Json::array({"compiled"}));
  EXPECT_EQ(compiled["ocid"], kTenderOcid);
  EXPECT_EQ(compiled["date"], "2016-06-03T09:00:00Z");
  EXPECT_THAT(record["releases"], SizeIs(9));

  const Json& parties = compiled["parties"];
  EXPECT_THAT(Strings(ById(parties, "municipality/Den Haag")["roles"]), ElementsAre("buyer"));
  EXPECT_THAT(Strings(ById(parties, "municipality/Delft")["roles"]),
              ElementsAre("buyer", "payer"));
  EXPECT_THAT(Strings(ById(parties, "bureau")["roles"]), ElementsAre("procuringEntity"));
  EXPECT_THAT(Strings(ById(parties, "provider/p1")["roles"]),
              ElementsAre("supplier", "tenderer", "payee"));
  EXPECT_THAT(Strings(ById(parties, "provider/p2")["roles"]), ElementsAre("tenderer"));
  EXPECT_EQ(ById(parties, "provider/p1")["identifier"],
            Json::parse(R"({"scheme":"NL-KVK","id":"27123456","legalName":"Youz"})"));
  EXPECT_EQ(compiled["buyer"], Json::parse(R"({"id":"municipality/Den Haag","name":"Den Haag"})"));

  const Json& tender = compiled["tender"];
  EXPECT_EQ(tender["status"], "complete");
  EXPECT_EQ(tender["procuringEntity"]["id"], "bureau");
  EXPECT_EQ(tender["numberOfTenderers"], 2);
  EXPECT_EQ(tender["lots"][0]["id"], "ambulatory");
  EXPECT_EQ(tender["lots"][0]["title"], "Ambulatory youth care");
  EXPECT_EQ(tender["items"][0]["relatedLot"], "ambulatory");
  EXPECT_EQ(tender["tenderPeriod"]["endDate"], "2016-03-01T23:59:59Z");

  ASSERT_THAT(compiled["awards"], SizeIs(1));
  const Json& award = compiled["awards"][0];
  EXPECT_EQ(award["id"], "b1");
  EXPECT_EQ(award["suppliers"][0]["id"], "provider/p1");
  EXPECT_EQ(award["relatedLots"], Json::array({"ambulatory"}));

  ASSERT_THAT(compiled["contracts"], SizeIs(1));
  const Json& contract = compiled["contracts"][0];
  EXPECT_EQ(contract["id"], "c1");
  EXPECT_EQ(contract["awardID"], "b1");
  EXPECT_EQ(contract["status"], "terminated");
  EXPECT_EQ(contract["period"]["startDate"], "2016-04-01T00:00:00Z");
  EXPECT_EQ(contract["period"]["endDate"], "2016-12-31T23:59:59Z");
  EXPECT_THAT(contract["amendments"], SizeIs(1));
  EXPECT_EQ(contract["amendments"][0]["rationale"], "less demand in Delft");
  const Json& transactions = contract["implementation"]["transactions"];
  ASSERT_THAT(transactions, SizeIs(1));
  EXPECT_EQ(transactions[0]["date"], "2016-05-20T00:00:00Z");
  EXPECT_EQ(transactions[0]["payer"]["id"], "municipality/Delft");
  EXPECT_EQ(transactions[0]["payee"]["id"], "provider/p1");
}

TEST_F(OcdsTest, AmountsAreEurosWrittenExactlyFromCents) {
  const std::string releases = Export(Options())->ReleasePackage();
  // Tender ceiling, award (bid), the Delft ceiling before and after the
  // amendment, the contract before and after, and the payment.
  for (const char* amount :
       {"400000.00", "250000.00", "99999.99", "80000.00", "249999.99", "230000.00", "340.00"}) {
    EXPECT_THAT(releases, HasSubstr(absl::StrCat("\"amount\": ", amount, ",\n"))) << amount;
  }
  EXPECT_THAT(releases, HasSubstr("\"currency\": \"EUR\""));
  const Json records = Json::parse(Export(Options())->RecordPackage());
  const Json& contract = Record(records, kTenderOcid)["compiledRelease"]["contracts"][0];
  EXPECT_DOUBLE_EQ(contract["value"]["amount"].get<double>(), 230000.00);
  EXPECT_DOUBLE_EQ(contract["implementation"]["transactions"][0]["value"]["amount"].get<double>(),
                   340.00);
}

TEST_F(OcdsTest, VersionedReleaseKeepsEveryValueOfTheContract) {
  const Json records = Json::parse(Export(Options())->RecordPackage());
  const Json& versioned = Record(records, kTenderOcid)["versionedRelease"];
  EXPECT_EQ(versioned["ocid"], kTenderOcid);
  EXPECT_FALSE(versioned.contains("tag"));
  const Json& contract = versioned["contracts"][0];
  EXPECT_EQ(contract["id"], "c1");  // identifies, not versioned
  const Json& amounts = contract["value"]["amount"];
  ASSERT_THAT(amounts, SizeIs(2));
  EXPECT_EQ(amounts[0]["releaseTag"], Json::array({"contract"}));
  EXPECT_DOUBLE_EQ(amounts[0]["value"].get<double>(), 249999.99);
  EXPECT_EQ(amounts[1]["releaseTag"], Json::array({"contractAmendment"}));
  EXPECT_DOUBLE_EQ(amounts[1]["value"].get<double>(), 230000.00);
  const Json& status = contract["status"];
  ASSERT_THAT(status, SizeIs(2));
  EXPECT_EQ(status[1]["value"], "terminated");
  EXPECT_EQ(status[1]["releaseID"], Record(records, kTenderOcid)["releases"][8]["id"]);
  EXPECT_THAT(versioned["tender"]["status"], SizeIs(2));  // active, complete
}

TEST_F(OcdsTest, ContractWithoutTenderIsADirectAwardThatTheTransferAmends) {
  const Json records = Json::parse(Export(Options())->RecordPackage());
  const Json& record = Record(records, kDirectOcid);
  ASSERT_THAT(record["releases"], SizeIs(2));
  EXPECT_THAT(Strings(record["releases"][0]["tag"]), ElementsAre("tender", "award", "contract"));
  EXPECT_THAT(Strings(record["releases"][1]["tag"]), ElementsAre("contractAmendment"));
  const Json& compiled = record["compiledRelease"];
  EXPECT_EQ(compiled["tender"]["procurementMethod"], "direct");
  EXPECT_EQ(compiled["awards"][0]["id"], "c2");
  EXPECT_EQ(compiled["contracts"][0]["awardID"], "c2");
  // 50,000.00 and 20,000.00 more for Delft in 2016 from c1's case.
  EXPECT_DOUBLE_EQ(compiled["contracts"][0]["value"]["amount"].get<double>(), 70000.00);
  EXPECT_THAT(compiled["contracts"][0]["amendments"][0]["description"].get<std::string>(),
              HasSubstr("raised by 20,000.00 taken over from contract c1"));
  EXPECT_THAT(Strings(ById(compiled["parties"], "provider/p3")["roles"]), ElementsAre("supplier"));
}

TEST_F(OcdsTest, AsOfLeavesOutWhatHappenedLater) {
  OcdsOptions options = Options();
  options.as_of = Day(2016, 3, 5);
  std::unique_ptr<OcdsExport> exported = Export(options);
  const Json releases = Json::parse(exported->ReleasePackage());
  std::vector<std::string> tags;
  for (const Json& release : releases["releases"]) {
    tags.push_back(absl::StrJoin(Strings(release["tag"]), "+"));
  }
  EXPECT_THAT(tags, ElementsAre("tender", "tenderUpdate", "tenderUpdate", "award"));
  const Json records = Json::parse(exported->RecordPackage());
  ASSERT_THAT(records["records"], SizeIs(1));
  EXPECT_FALSE(records["records"][0]["compiledRelease"].contains("contracts"));
  EXPECT_THAT(exported->RecordPackage(), Not(HasSubstr("c1")));
}

TEST_F(OcdsTest, NoClientAssignmentOrClaimIdentifierLeaves) {
  // The scenario's events do carry them.
  std::string history;
  for (const v1::Event& event : events_) history += event.ShortDebugString();
  ASSERT_THAT(history, HasSubstr(kClient));
  ASSERT_THAT(history, HasSubstr(kAssignment));

  std::vector<std::string> added;
  std::unique_ptr<OcdsExport> exported = Export(Options(), &added);
  std::vector<std::string> outputs = {exported->ReleasePackage(), exported->RecordPackage()};
  outputs.insert(outputs.end(), added.begin(), added.end());
  for (const std::string& output : outputs) {
    for (const char* secret : {kClient, kAssignment, kClaim, "client", "assignment"}) {
      EXPECT_THAT(output, Not(HasSubstr(secret)));
    }
  }
}

TEST_F(OcdsTest, SameEventsGiveTheSameBytes) {
  EXPECT_EQ(Export(Options())->ReleasePackage(), Export(Options())->ReleasePackage());
  EXPECT_EQ(Export(Options())->RecordPackage(), Export(Options())->RecordPackage());
}

TEST_F(OcdsTest, EventsOfAnotherRegionAreIgnoredAndAGapIsRefused) {
  OcdsExport exported(kRegion, Options());
  v1::Event other = events_[0];
  other.set_region("utrecht");
  absl::StatusOr<std::vector<std::string>> added = exported.Add(other);
  ASSERT_THAT(added, IsOk());
  EXPECT_THAT(*added, IsEmpty());
  EXPECT_THAT(exported.Add(events_[1]), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                 HasSubstr("sequence")));
}

TEST_F(OcdsTest, BothPackagesValidateAgainstTheOfficialSchemas) {
  std::unique_ptr<OcdsExport> exported = Export(Options());
  testing::TempDir dir;
  const auto [code, output] = Validate(dir, {{"releases.json", exported->ReleasePackage()},
                                             {"records.json", exported->RecordPackage()}});
  EXPECT_EQ(code, 0) << output;
}

TEST_F(OcdsTest, ValidatorRefusesACorruptedPackage) {
  std::unique_ptr<OcdsExport> exported = Export(Options());
  testing::TempDir dir;
  const std::string releases = absl::StrReplaceAll(
      exported->ReleasePackage(),
      {{"\"tenderUpdate\"", "\"tenderChanged\""},
       {"\"amount\": 400000.00", "\"amount\": \"400000.00\""}});
  const auto [code, output] = Validate(dir, {{"releases.json", releases}});
  EXPECT_EQ(code, 1) << output;
  EXPECT_THAT(output,
              HasSubstr("$.releases[1].tag[0]: 'tenderChanged' is not a code of releaseTag.csv"));
  EXPECT_THAT(output, HasSubstr("$.releases[0].tender.value.amount: '400000.00' is not of type"));

  const std::string records =
      absl::StrReplaceAll(exported->RecordPackage(), {{"\"EUR\"", "\"EURO\""}});
  const auto [record_code, record_output] = Validate(dir, {{"records.json", records}});
  EXPECT_EQ(record_code, 1) << record_output;
  EXPECT_THAT(record_output, HasSubstr("compiledRelease.tender.value.currency"));
  EXPECT_THAT(record_output, HasSubstr("versionedRelease.tender.value.currency"));
}

// The region-year load profile's first weeks: open-house admissions by the
// hundred, every client assigned care and claiming, payments. Everything
// validates and not one client pseudonym or assignment leaves.
TEST(OcdsLoadProfile, AYearOfARealRegionValidatesAndKeepsClientsOut) {
  RegionYearOptions options;
  options.region = kRegion;
  options.claims = 400;
  options.clients_per_year = 150;
  absl::StatusOr<std::unique_ptr<RegionYearProfile>> profile = RegionYearProfile::Create(options);
  ASSERT_THAT(profile, IsOk());
  RegionState state;
  state.region = kRegion;
  std::vector<v1::Event> events;
  v1::Command command;
  while ((*profile)->Next(command)) {
    ASSERT_NO_FATAL_FAILURE(Play(state, events, command));
  }
  std::vector<std::string> secrets;
  OcdsExport exported(kRegion, OcdsOptions());
  for (const v1::Event& event : events) {
    if (event.has_care_assigned()) {
      secrets.push_back(event.care_assigned().client());
      secrets.push_back(event.care_assigned().assignment_id());
    }
    ASSERT_THAT(exported.Add(event), IsOk());
  }
  ASSERT_THAT(secrets, Not(IsEmpty()));
  const std::string releases = exported.ReleasePackage();
  const std::string records = exported.RecordPackage();
  EXPECT_THAT(releases, HasSubstr("\"implementation\""));
  EXPECT_THAT(releases, HasSubstr("\"procurementMethodDetails\": \"Open house"));
  for (const std::string& secret : secrets) {
    ASSERT_THAT(releases, Not(HasSubstr(secret)));
    ASSERT_THAT(records, Not(HasSubstr(secret)));
  }
  testing::TempDir dir;
  const auto [code, output] =
      Validate(dir, {{"releases.json", releases}, {"records.json", records}});
  EXPECT_EQ(code, 0) << output.substr(0, 4000);
}

}  // namespace
}  // namespace inkoop
