// inkoopctl show on a real projection database holding two regions that
// share municipality, provider and contract ids: each read is of one
// region, chosen by --region, INKOOP_REGION or being the only one.
#include "tools/inkoopctl/show.h"

#include <stdlib.h>

#include <fstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "engine/signing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/projection.h"
#include "tests/testing/records.h"
#include "tests/testing/region_events.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace inkoop {
namespace {

using ::inkoop::testing::IsOk;
using ::inkoop::testing::RegionEvents;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

struct Shown {
  int exit_code;
  std::string out;
  std::string err;
};

class ShowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("INKOOP_REGION");
    absl::StatusOr<std::unique_ptr<Projection>> projection = Projection::Open(db_, testing::TestProjectionOptions());
    ASSERT_THAT(projection, IsOk());
    int64_t offset = 0;
    for (const v1::Event& event : RegionEvents("haaglanden", 100, "Haaglanden care")) {
      ASSERT_THAT((*projection)->Apply("events", 0, Offset(offset++), testing::Signed(event)),
                  IsOk());
    }
    if (two_regions_) {
      for (const v1::Event& event : RegionEvents("holland-rijnland", 7, "Rijnland care")) {
        ASSERT_THAT((*projection)->Apply("events", 1, Offset(offset++), testing::Signed(event)),
                    IsOk());
      }
    }
    ASSERT_THAT((*projection)->Commit(), IsOk());
  }
  void TearDown() override { unsetenv("INKOOP_REGION"); }

  Shown Show(const std::vector<std::string>& words) {
    absl::StatusOr<Args> args = Args::Parse(words, {"json"});
    EXPECT_THAT(args, IsOk());
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int code = RunShow(db_, *args, false, nullptr);
    std::string out = ::testing::internal::GetCapturedStdout();
    return {code, std::move(out), ::testing::internal::GetCapturedStderr()};
  }

  bool two_regions_ = true;
  testing::TempDir dir_;
  const std::string db_ = dir_.Sub("projection");
};

TEST(FormatBudget, ShowsTheReservationsAndWhoBuysEachLot) {
  v1::BudgetView view;
  view.set_region("haaglanden");
  view.set_municipality("Delft");
  view.set_year(2016);
  view.set_source(v1::BUDGET_SOURCE_MAY_CIRCULAR);
  view.set_budget_cents(1'800'000'000);
  view.set_reserved_cents(272'000'000);
  view.set_planned_cents(1'512'000'000);
  view.set_unplanned_cents(16'000'000);
  view.set_plan_submitted(true);
  v1::Reservation& personal = *view.add_reservations();
  personal.set_kind(v1::RESERVATION_KIND_PERSONAL_BUDGETS);
  personal.set_amount_cents(218'000'000);
  v1::Reservation& execution = *view.add_reservations();
  execution.set_kind(v1::RESERVATION_KIND_EXECUTION_COSTS);
  execution.set_amount_cents(54'000'000);
  v1::BudgetView::LotLine& local = *view.add_lots();
  local.set_lot("local");
  local.set_scope(v1::LOT_SCOPE_LOCAL);
  v1::BudgetView::LotLine& ambulatory = *view.add_lots();
  ambulatory.set_lot("ambulatory");
  v1::BudgetView::LotLine& top = *view.add_lots();
  top.set_lot("top");
  top.set_scope(v1::LOT_SCOPE_NATIONAL);
  const std::string text = FormatBudget(view);
  EXPECT_THAT(text, HasSubstr("budget 18,000,000.00 (may circular), reserved 2,720,000.00, "
                              "planned 15,120,000.00, unplanned 160,000.00"));
  EXPECT_THAT(text, HasSubstr("reserved for: personal budgets 2,180,000.00, execution costs "
                              "540,000.00"));
  EXPECT_THAT(text, ::testing::ContainsRegex("local +locally"));
  EXPECT_THAT(text, ::testing::ContainsRegex("ambulatory +regionally"));
  EXPECT_THAT(text, ::testing::ContainsRegex("top +nationally"));
}

TEST(FormatBudget, ShowsTheFundAndTheClosedYearsEqualisation) {
  v1::BudgetView view;
  view.set_municipality("Den Haag");
  view.set_year(2016);
  EXPECT_THAT(FormatBudget(view), AllOf(Not(HasSubstr("fluctuation fund")),
                                        Not(HasSubstr("cost at close"))));
  view.set_closed(true);
  view.set_closed_cost_cents(400'000'000);
  view.set_equalisation_cents(150'000'000);
  view.set_fund_deposited_cents(2'500'000);
  view.set_fund_balance_cents(5'000'000);
  const std::string text = FormatBudget(view);
  EXPECT_THAT(text, HasSubstr("fluctuation fund: deposited 25,000.00, drawn 0.00 (the fund holds "
                              "50,000.00)"));
  EXPECT_THAT(text, HasSubstr("cost at close 4,000,000.00, risk equalisation 1,500,000.00"));
}

TEST(FormatContract, ShowsARegionWideContractsSharedCeilingAndItsMembersClaims) {
  v1::ContractRecord contract;
  contract.set_contract_id("REG-CRISIS");
  contract.set_region_ceiling_cents(300'000'000);
  v1::MunicipalityCeiling& own = *contract.add_ceilings();
  own.set_municipality("Den Haag");
  own.set_ceiling_cents(150'000'000);
  for (const auto& [municipality, cents] :
       std::vector<std::pair<std::string, int64_t>>{{"Den Haag", 96'000}, {"Wassenaar", 4'800}}) {
    v1::ClaimedYear& year = *contract.add_claimed();
    year.set_municipality(municipality);
    year.set_year(2016);
    year.set_claimed_cents(cents);
  }
  const std::string text = FormatContract(contract);
  EXPECT_THAT(text, ::testing::ContainsRegex("region \\(all members\\) +ceiling/year +3,000,000.00 "
                                             " claimed +1,008.00"));
  EXPECT_THAT(text, ::testing::ContainsRegex("Wassenaar +region's +claimed +48.00"));
  EXPECT_THAT(text, ::testing::ContainsRegex("Den Haag +ceiling/year +1,500,000.00  claimed +960.00"));
  EXPECT_THAT(text, Not(HasSubstr("transition arrangement")));
  contract.set_arrangement_id("OVG-2015-2017");
  EXPECT_THAT(FormatContract(contract), HasSubstr("under transition arrangement OVG-2015-2017"));
}

TEST_F(ShowTest, ProvidersOfTheNamedRegionOnly) {
  Shown shown = Show({"providers", "--region", "holland-rijnland"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, AllOf(HasSubstr("Rijnland care"), Not(HasSubstr("Haaglanden care"))));
}

TEST_F(ShowTest, BudgetOfTheRegionFromTheEnvironment) {
  setenv("INKOOP_REGION", "haaglanden", 1);
  Shown shown = Show({"budget", "--municipality", "Delft", "--year", "2016"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("1,000.00"));
  EXPECT_THAT(shown.out, Not(HasSubstr("70.00")));
}

TEST_F(ShowTest, WithoutARegionAndSeveralInTheProjectionItNamesThem) {
  Shown shown = Show({"contracts"});
  EXPECT_EQ(shown.exit_code, 2);
  EXPECT_THAT(shown.err,
              HasSubstr("--region: expected one of haaglanden, holland-rijnland, got none"));
}

TEST_F(ShowTest, AnEmptyResultSaysWhatWasFiltered) {
  Shown shown = Show({"contracts", "--region", "haaglanden", "--provider", "nobody"});
  EXPECT_EQ(shown.exit_code, 1);
  EXPECT_THAT(shown.err, HasSubstr("no contracts of provider 'nobody' in region 'haaglanden'"));
}

TEST_F(ShowTest, BudgetRefusesOptionsItDoesNotTake) {
  Shown shown = Show({"budget", "--region", "haaglanden", "--municipality", "Delft", "--lot", "x"});
  EXPECT_EQ(shown.exit_code, 2);
  EXPECT_THAT(shown.err, HasSubstr("lot"));
}

class ShowOneRegionTest : public ShowTest {
 protected:
  void SetUp() override {
    two_regions_ = false;
    ShowTest::SetUp();
  }
};

TEST_F(ShowOneRegionTest, TheOnlyRegionNeedsNoName) {
  Shown shown = Show({"contracts"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("C-1"));
}

// Access records as the access topic would get them; or a topic that fails.
class ListSink : public AccessSink {
 public:
  absl::Status Write(const std::string& region, const v1::SignedAccess& access) override {
    if (fail) return absl::UnavailableError("no broker (nothing is shown)");
    written.emplace_back(region, access);
    return absl::OkStatus();
  }
  bool fail = false;
  std::vector<std::pair<std::string, v1::SignedAccess>> written;
};

// A region whose registry holds Delft's key and provider p9's, with client
// cl-7's assignment a1 (Delft, p1 on C-1, from 2016-02-01, not started) on
// the region's day 2016-03-01.
class ShowClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("INKOOP_REGION");
    unsetenv("INKOOP_KEY");
    std::vector<v1::Event> extra;
    using Entry = std::tuple<const char*, const char*, const SigningKey*>;
    for (const auto& [who, role, key] : std::vector<Entry>{
             {"Delft", "ROLE_MUNICIPALITY", &delft_}, {"p9", "ROLE_PROVIDER", &p9_}}) {
      extra.push_back(testing::EventOf(absl::StrCat(
          "actor_key_registered { key { actor_id: '", who, "' role: ", role, " public_key: '",
          absl::BytesToHexString(key->public_key()), "' key_id: '", key->key_id(), "' } }")));
    }
    extra.push_back(testing::EventOf(R"pb(care_assigned {
      assignment_id: "a1" contract_id: "C-1" provider_id: "p1" municipality: "Delft"
      client: "cl-7" lot: "ambulatory" product_code: "45A12" volume: 10 unit: UNIT_HOUR
      period_start: "2016-02-01" period_end: "2016-06-30" }
      occurred_at { seconds: 1456790400 })pb"));
    absl::StatusOr<std::unique_ptr<Projection>> projection =
        Projection::Open(db_, testing::TestProjectionOptions());
    ASSERT_THAT(projection, IsOk());
    int64_t offset = 0;
    for (const v1::Event& event : RegionEvents("haaglanden", 100, "care", extra)) {
      ASSERT_THAT((*projection)->Apply("events", 0, Offset(offset++), testing::Signed(event)),
                  IsOk());
    }
    ASSERT_THAT((*projection)->Commit(), IsOk());
    for (const auto& [path, key] : {std::pair{delft_pem_, &delft_}, std::pair{p9_pem_, &p9_},
                                    std::pair{stranger_pem_, &stranger_}}) {
      std::ofstream(path) << key->ToPem();
    }
  }

  Shown Show(std::vector<std::string> words) {
    absl::StatusOr<Args> args = Args::Parse(words, {"json", "overdue"});
    EXPECT_THAT(args, IsOk());
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int code = RunShow(db_, *args, false, &sink_);
    std::string out = ::testing::internal::GetCapturedStdout();
    return {code, std::move(out), ::testing::internal::GetCapturedStderr()};
  }
  v1::AccessRecorded Record(size_t i) {
    v1::AccessRecorded record;
    EXPECT_TRUE(record.ParseFromString(sink_.written.at(i).second.record()));
    return record;
  }

  static SigningKey Key(char seed) { return *SigningKey::FromSeed(std::string(32, seed)); }
  testing::TempDir dir_;
  const std::string db_ = dir_.Sub("projection");
  const SigningKey delft_ = Key('d');
  const SigningKey p9_ = Key('9');
  const SigningKey stranger_ = Key('s');
  const std::string delft_pem_ = dir_.Sub("delft.pem");
  const std::string p9_pem_ = dir_.Sub("p9.pem");
  const std::string stranger_pem_ = dir_.Sub("stranger.pem");
  ListSink sink_;
};

TEST_F(ShowClientsTest, AssignmentsAreShownAfterTheReadIsRecordedAndSigned) {
  Shown shown = Show({"assignments", "--client", "cl-7", "--key", delft_pem_, "--purpose",
                      "review of the care plan"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, AllOf(HasSubstr("a1"), HasSubstr("client cl-7"), HasSubstr("assigned")));
  ASSERT_EQ(sink_.written.size(), 1u);
  EXPECT_EQ(sink_.written[0].first, "haaglanden");
  const v1::AccessRecorded record = Record(0);
  EXPECT_EQ(record.reader(), "Delft");
  EXPECT_EQ(record.role(), v1::ROLE_MUNICIPALITY);
  EXPECT_EQ(record.what(), "assignments");
  EXPECT_EQ(record.filter(), "--client cl-7");
  EXPECT_EQ(record.purpose(), "review of the care plan");
  EXPECT_THAT(record.clients(), ::testing::ElementsAre("cl-7"));
  const v1::SignedAccess& signed_access = sink_.written[0].second;
  EXPECT_EQ(signed_access.key_id(), delft_.key_id());
  EXPECT_THAT(VerifySignature(delft_.public_key(), AccessStatement(signed_access.record()),
                              signed_access.signature()),
              IsOk());
}

TEST_F(ShowClientsTest, AReadThatCannotBeRecordedShowsNothing) {
  sink_.fail = true;
  Shown shown = Show({"assignments", "--key", delft_pem_, "--purpose", "review"});
  EXPECT_EQ(shown.exit_code, 3);
  EXPECT_EQ(shown.out, "");
  EXPECT_THAT(shown.err, HasSubstr("nothing is shown"));
}

TEST_F(ShowClientsTest, AReaderNamesItselfWithARegisteredKeyAndAPurpose) {
  for (const auto& [words, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"assignments", "--purpose", "x"}, "--key: expected the reader's Ed25519 key"},
           {{"placements", "--key", delft_pem_}, "--purpose: expected why"},
           {{"assignments", "--key", stranger_pem_, "--purpose", "x"},
            "is not in the registry of region 'haaglanden'"},
           {{"assignments", "--key", delft_pem_, "--purpose", "x", "--limit", "5000"},
            "--limit: expected 1 to 1000 records, got '5000'"},
       }) {
    Shown shown = Show(words);
    EXPECT_EQ(shown.exit_code, 2) << words[0];
    EXPECT_THAT(shown.err, HasSubstr(message));
    EXPECT_EQ(shown.out, "");
  }
  EXPECT_TRUE(sink_.written.empty());
}

TEST_F(ShowClientsTest, AProviderSeesOnlyItsOwnAndNothingIsRecordedWhenNothingIsShown) {
  Shown shown = Show({"assignments", "--key", p9_pem_, "--purpose", "x"});
  EXPECT_EQ(shown.exit_code, 1);
  EXPECT_THAT(shown.err, HasSubstr("no assignments in region 'haaglanden' that p9 (provider)"));
  EXPECT_TRUE(sink_.written.empty());
}

TEST_F(ShowClientsTest, RegistrationCountsAreNotLoggedAndTheOverdueListIs) {
  Shown counts = Show({"registrations"});
  ASSERT_EQ(counts.exit_code, 0) << counts.err;
  EXPECT_THAT(counts.out, AllOf(HasSubstr("registrations on 2016-03-01"),
                                HasSubstr("C-1"), HasSubstr("overdue: 1 start(s), 0 stop(s)")));
  EXPECT_THAT(counts.out, Not(HasSubstr("a1")));
  EXPECT_TRUE(sink_.written.empty());
  Shown listed = Show({"registrations", "--overdue", "--provider", "p1", "--key", delft_pem_,
                       "--purpose", "follow-up"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("a1: start due by 2016-02-08, 22 day(s) overdue"));
  ASSERT_EQ(sink_.written.size(), 1u);
  EXPECT_THAT(Record(0).clients(), ::testing::ElementsAre("cl-7"));
}

}  // namespace
}  // namespace inkoop
