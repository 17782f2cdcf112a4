// Decide/Evolve for sign, amend, extend, suspend, resume, terminate and
// expire of contracts, and the money they commit.
#include "engine/domain/contract.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/domain/budget.h"
#include "engine/domain/commitment.h"
#include "engine/domain/decide.h"
#include "engine/domain/rules.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/domain_test.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::Actor;
using ::inkoop::testing::Broken;
using ::inkoop::testing::Bureau;
using ::inkoop::testing::CommandOf;
using ::inkoop::testing::Denied;
using ::inkoop::testing::Expected;
using ::inkoop::testing::Invalid;
using ::inkoop::testing::On;
using ::inkoop::testing::Refusal;
using ::inkoop::testing::Unknown;
using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::StatusIs;
using ::testing::HasSubstr;

constexpr const char* kRegion = ::inkoop::testing::kTestRegion;

v1::Command ContractCommand(const std::string& text) { return CommandOf(Bureau(), text); }

constexpr char kFramework[] = R"(adopt_framework {
  framework_id: "H10-2016" municipalities: [ "Den Haag", "Delft", "Rijswijk" ]
  lots { code: "ambulatory" } lots { code: "housing" } lots { code: "specialist" }
  period_start: "2016-01-01" period_end: "2017-12-31"
  lot_rules { lot: "ambulatory" funding_models: [ FUNDING_MODEL_PER_UNIT, FUNDING_MODEL_LUMP_SUM ]
    max_tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 9000 }
    max_tariffs { product_code: "45A49" unit: UNIT_DAY tariff_cents: 25000 } }
  lot_rules { lot: "housing" funding_models: FUNDING_MODEL_LUMP_SUM } })";

// c1: Delft and Den Haag 1,000,000.00 each in 2016, per unit, carrying out
// bid b1 on tender t1. The same text is the payload of the ContractSigned it
// causes.
constexpr char kContractC1[] = R"(
  contract_id: "c1" provider_id: "p1" lot: "ambulatory" tender_id: "t1"
  funding_model: FUNDING_MODEL_PER_UNIT term_start: "2016-01-01" term_end: "2016-12-31"
  ceilings { municipality: "Delft" ceiling_cents: 100000000 }
  ceilings { municipality: "Den Haag" ceiling_cents: 100000000 }
  tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8500 } bid_id: "b1")";

v1::Command SignContract() {
  return ContractCommand(absl::StrCat("sign_contract {", kContractC1, "}"));
}



// Records a claim on c1 the way the claims concern would.
void AddClaim(RegionState& state, const std::string& municipality, int32_t year, int64_t cents) {
  *state.contracts["c1"].add_claimed() = ParseText<v1::ClaimedYear>(
      absl::StrCat("municipality: '", municipality, "' year: ", year, " claimed_cents: ", cents));
}

// Budgets (plans on lot ambulatory): Delft 3,000,000.00 in 2016 and 2017,
// Den Haag 5,000,000.00 in 2016 and 1,000,000.00 in 2017, Rijswijk
// 1,000,000.00 in 2016 and no plan for 2017. Provider p1 won tender t1
// (ceiling 3,000,000.00) with bid b1: 2,500,000.00 a year at 85.00 an hour.
class ContractTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(ContractCommand(kFramework));
    for (int32_t year : {2016, 2017}) {
      Fund("Delft", year, 300000000);
      Fund("Den Haag", year, year == 2016 ? 500000000 : 100000000);
    }
    Fund("Rijswijk", 2016, 100000000);
    state_.providers["p1"].set_provider_id("p1");
    state_.providers["p2"].set_provider_id("p2");
    state_.tenders["t1"] = ParseText<v1::TenderRecord>(R"(tender_id: "t1" lot: "ambulatory"
        year: 2016 status: TENDER_STATUS_AWARDED awarded_provider_ids: "p1" awarded_bid_ids: "b1"
        funding_model: FUNDING_MODEL_PER_UNIT ceiling_cents: 300000000
        bids { bid_id: "b1" provider_id: "p1" amount_cents: 250000000
               tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8500 } }
        bids { bid_id: "b2" provider_id: "p2" amount_cents: 10000000 })");
  }

  // A budget of 20,000,000.00 and a plan of `ambulatory_cents` on lot ambulatory.
  void Fund(const std::string& municipality, int32_t year, int64_t ambulatory_cents) {
    const v1::Actor actor = Actor(municipality, v1::ROLE_MUNICIPALITY);
    const std::string who = absl::StrCat("municipality: '", municipality, "' year: ", year);
    Accept(CommandOf(actor, absl::StrCat("set_budget { ", who, " amount_cents: 2000000000 ",
                                       "source: BUDGET_SOURCE_MAY_CIRCULAR }")));
    Accept(CommandOf(actor, absl::StrCat("submit_local_plan { ", who, " lots { lot: 'ambulatory' ",
                                       "amount_cents: ", ambulatory_cents, " } }")));
  }




  int64_t Committed(const std::string& municipality, int32_t year) {
    return state_.municipalities[municipality].years[year].lots["ambulatory"].committed_cents;
  }

  const v1::ContractRecord& C1() { return state_.contracts.at("c1"); }

};

using C = v1::Command;
using S = RegionState;
using Code = absl::StatusCode;
using Change = std::function<void(C&, S&)>;

Change As(const v1::Actor& actor) {
  return [actor](C& c, S&) { *c.mutable_actor() = actor; };
}
Change WithStatus(v1::ContractStatus status) {
  return [status](C&, S& s) { s.contracts["c1"].set_status(status); };
}
// Merges `text` into the command (for singular fields).
Change Merge(const std::string& text) {
  return [text](C& c, S&) {
    EXPECT_TRUE(google::protobuf::TextFormat::MergeFromString(text, &c)) << text;
  };
}
Change ProviderFailed(const std::string& day) {
  return [day](C&, S& s) {
    s.providers["p1"].set_failed(true);
    s.providers["p1"].set_failed_on(day);
  };
}

// sign_contract

TEST_F(ContractTest, SignContractProducesContractSignedAndEvolveCommitsTheCeilings) {
  EXPECT_THAT(
      DecideOne(SignContract()),
      EqualsProto(ParseText<v1::Event>(absl::StrCat("contract_signed {", kContractC1, " registration_days: 7 }"))));
  Accept(SignContract());
  EXPECT_EQ(C1().status(), v1::CONTRACT_STATUS_ACTIVE);
  EXPECT_EQ(C1().provider_id(), "p1");
  EXPECT_EQ(C1().term_end(), "2016-12-31");
  EXPECT_EQ(C1().ceilings_size(), 2);
  EXPECT_EQ(C1().tariffs_size(), 1);
  EXPECT_EQ(Committed("Delft", 2016), 100000000);
  EXPECT_EQ(Committed("Den Haag", 2016), 100000000);
  EXPECT_EQ(Committed("Delft", 2017), 0);
  EXPECT_EQ(state_.tenders.at("t1").bids(0).contract_id(), "c1");
}

TEST_F(ContractTest, AYearlessCeilingCommitsEachYearInProportionToTheDaysOfTheTermInIt) {
  v1::Command command = SignContract();
  command.mutable_sign_contract()->set_term_start("2016-07-01");
  command.mutable_sign_contract()->set_term_end("2017-06-30");
  Accept(command);
  EXPECT_EQ(Committed("Delft", 2016), 50273224);  // 1,000,000.00 x 184 / 366
  EXPECT_EQ(Committed("Delft", 2017), 49589041);  // 1,000,000.00 x 181 / 365
  EXPECT_EQ(Committed("Den Haag", 2017), 49589041);
  EXPECT_EQ(Committed("Rijswijk", 2016), 0);
}

TEST_F(ContractTest, ACeilingWrittenForAYearIsThatYearsWholeCeiling) {
  v1::Command command = SignContract();
  v1::SignContract& body = *command.mutable_sign_contract();
  body.set_term_start("2016-07-01");
  body.set_term_end("2017-06-30");
  *body.add_ceilings() = ParseText<v1::MunicipalityCeiling>(
      R"pb(municipality: "Delft" year: 2017 ceiling_cents: 40000000)pb");
  Accept(command);
  EXPECT_EQ(Committed("Delft", 2016), 50273224);  // yearless, half a year
  EXPECT_EQ(Committed("Delft", 2017), 40000000);  // the 2017 row
  EXPECT_EQ(Committed("Den Haag", 2017), 49589041);
}

TEST_F(ContractTest, LumpSumContractWithoutTenderOrTariffsIsSigned) {
  EXPECT_THAT(Decide(state_, ContractCommand(R"(sign_contract { contract_id: "c2" provider_id: "p2"
      lot: "ambulatory" funding_model: FUNDING_MODEL_LUMP_SUM term_start: "2016-01-01"
      term_end: "2016-12-31" ceilings { municipality: "Delft" ceiling_cents: 100 } })")),
              IsOk());
}

TEST_F(ContractTest, SignContractIsRefusedWhenARuleIsBroken) {
  auto body = [](C& c) { return c.mutable_sign_contract(); };
  ExpectRefusals(
      SignContract(),
      {
          {"a municipality may not sign", As(Actor("Delft", v1::ROLE_MUNICIPALITY)),
           Denied("role rule: only the bureau may sign a contract")},
          {"the id is required", [&](C& c, S&) { body(c)->clear_contract_id(); },
           Invalid("contract_id: expected a contract id, got ''")},
          {"the id is new", [](C&, S& s) { s.contracts["c1"].set_contract_id("c1"); },
           Broken("contract_id: 'c1' is already signed")},
          {"the provider is registered", [&](C& c, S&) { body(c)->set_provider_id("p9"); },
           Unknown("provider_id: 'p9' is not a registered provider")},
          {"a failed provider signs nothing", ProviderFailed("2016-01-20"),
           Broken("provider 'p1' failed on 2016-01-20")},
          {"the lot is of the framework", [&](C& c, S&) { body(c)->set_lot("dental"); },
           Unknown("lot: 'dental' is not a lot of framework")},
          {"the funding model is specified",
           [&](C& c, S&) { body(c)->set_funding_model(v1::FUNDING_MODEL_UNSPECIFIED); },
           Invalid("funding_model: expected per_unit, lump_sum or population")},
          {"the lot allows the funding model",
           [&](C& c, S&) { body(c)->set_funding_model(v1::FUNDING_MODEL_POPULATION); },
           Broken("lot 'ambulatory' allows per_unit, lump_sum; got population")},
          {"term_start is a date", [&](C& c, S&) { body(c)->set_term_start("2016-1-1"); },
           Invalid("term_start: expected a date YYYY-MM-DD, got '2016-1-1'")},
          {"term_end is a date", [&](C& c, S&) { body(c)->clear_term_end(); },
           Invalid("term_end: expected a date YYYY-MM-DD, got ''")},
          {"the term does not end before it starts",
           [&](C& c, S&) { body(c)->set_term_end("2015-12-31"); },
           Invalid("term_end: expected a day on or after 2016-01-01, got 2015-12-31")},
          {"the term starts within the framework",
           [&](C& c, S&) { body(c)->set_term_start("2015-12-01"); },
           Broken("term_start: expected a day within framework 'H10-2016' (2016-01-01 to "
                  "2017-12-31), got 2015-12-01")},
          {"the term ends within the framework",
           [&](C& c, S&) { body(c)->set_term_end("2018-01-01"); },
           Broken("term_end: expected a day within framework 'H10-2016'")},
          {"the tender exists", [&](C& c, S&) { body(c)->set_tender_id("t9"); },
           Unknown("tender_id: 't9' is not a tender")},
          {"the tender is awarded",
           [](C&, S& s) { s.tenders["t1"].set_status(v1::TENDER_STATUS_OPEN); },
           Broken("tender 't1' is open; expected awarded")},
          {"the tender is of the same lot", [](C&, S& s) { s.tenders["t1"].set_lot("housing"); },
           Broken("lot: tender 't1' is for lot 'housing', got 'ambulatory'")},
          {"a bid id comes with its tender", [&](C& c, S&) { body(c)->clear_tender_id(); },
           Invalid("tender_id: expected the tender of bid 'b1', got ''")},
          {"a tendered contract names its bid", [&](C& c, S&) { body(c)->clear_bid_id(); },
           Invalid("bid_id: expected the awarded bid of tender 't1' the contract carries out")},
          {"the bid was awarded", [&](C& c, S&) { body(c)->set_bid_id("b2"); },
           Broken("bid_id: 'b2' is not an awarded bid of tender 't1' (awarded: b1)")},
          {"the provider won the bid", [&](C& c, S&) { body(c)->set_provider_id("p2"); },
           Broken("provider 'p2' was not awarded bid 'b1' (provider 'p1') of tender 't1'")},
          {"a bid is carried out once",
           [](C&, S& s) { s.tenders["t1"].mutable_bids(0)->set_contract_id("c0"); },
           Broken("bid_id: bid 'b1' is already carried out by contract 'c0'")},
          {"the funding model is the award's",
           [&](C& c, S&) { body(c)->set_funding_model(v1::FUNDING_MODEL_LUMP_SUM); },
           Broken("funding_model: lump_sum differs from the award of bid 'b1' on tender 't1' "
                  "(per_unit)")},
          {"the term starts in the award's year",
           [&](C& c, S&) {
             body(c)->set_term_start("2017-01-01");
             body(c)->set_term_end("2017-12-31");
           },
           Broken("term_start: 2017-01-01 is not in 2016, the year of the award of bid 'b1'")},
          {"the tariffs are the award's",
           [&](C& c, S&) { body(c)->mutable_tariffs(0)->set_tariff_cents(8600); },
           Broken("tariffs: product '45A48' at 86.00 per hour differs from the award of bid 'b1' "
                  "on tender 't1' (85.00 per hour); negotiate_award first")},
          {"no product beyond the award's",
           [&](C& c, S&) {
             *body(c)->add_tariffs() = ParseText<v1::Tariff>(
                 R"pb(product_code: "45A49" unit: UNIT_DAY tariff_cents: 100)pb");
           },
           Broken("tariffs: product '45A49' is not in the award of bid 'b1'")},
          {"every product of the award",
           [](C&, S& s) {
             *s.tenders["t1"].mutable_bids(0)->add_tariffs() = ParseText<v1::Tariff>(
                 R"pb(product_code: "45A49" unit: UNIT_DAY tariff_cents: 100)pb");
           },
           Broken("tariffs: expected the 2 tariffs of the award of bid 'b1' on tender 't1', got 1")},
          {"a year's ceilings stay within the awarded bid",
           [&](C& c, S&) { body(c)->mutable_ceilings(0)->set_ceiling_cents(150000001); },
           Broken("ceilings: the ceilings of 2016 sum to 2,500,000.01, above the award of bid "
                  "'b1' on tender 't1' of 2,500,000.00; negotiate_award first")},
          {"a ceiling's year lies in the term",
           [&](C& c, S&) { body(c)->mutable_ceilings(0)->set_year(2017); },
           Invalid("ceilings[0].year: expected a year of the term 2016-01-01 to 2016-12-31 (or "
                   "none for every year), got 2017")},
          {"at least one ceiling", [&](C& c, S&) { body(c)->clear_ceilings(); },
           Invalid("ceilings: expected a ceiling for at least one municipality")},
          {"each ceiling names a municipality of the region",
           [&](C& c, S&) { body(c)->mutable_ceilings(1)->set_municipality("Leiden"); },
           Unknown("municipality: 'Leiden' is not a municipality of region")},
          {"each municipality once",
           [&](C& c, S&) { body(c)->mutable_ceilings(1)->set_municipality("Delft"); },
           Invalid("ceilings[1].municipality: 'Delft' appears twice")},
          {"ceilings are not negative",
           [&](C& c, S&) { body(c)->mutable_ceilings(0)->set_ceiling_cents(-1); },
           Invalid("ceilings[0].ceiling_cents: expected an amount >= 0.00")},
          {"each product priced once",
           [&](C& c, S&) { *body(c)->add_tariffs() = body(c)->tariffs(0); },
           Invalid("tariffs[1].product_code: '45A48' appears twice")},
          {"each product is of the lot",
           [&](C& c, S&) { body(c)->mutable_tariffs(0)->set_product_code("54001"); },
           Broken("'54001' is not a product of lot 'ambulatory'")},
          {"each tariff has the lot's unit",
           [&](C& c, S&) { body(c)->mutable_tariffs(0)->set_unit(v1::UNIT_MINUTE); },
           Broken("is priced per hour, got minute")},
          {"each tariff is at most the lot's maximum",
           [&](C& c, S&) { body(c)->mutable_tariffs(0)->set_tariff_cents(9500); },
           Broken("95.00 for product '45A48' exceeds the maximum 90.00")},
          {"per unit needs tariffs", [&](C& c, S&) { body(c)->clear_tariffs(); },
           Invalid("tariffs: a per_unit contract expected at least one tariff")},
          {"each ceiling fits the uncommitted budget of each year",
           [&](C& c, S&) {
             body(c)->set_term_end("2017-12-31");
             body(c)->mutable_ceilings(1)->set_ceiling_cents(100000001);
           },
           Broken("lot 'ambulatory' of Den Haag 2017: ceiling 1,000,000.01 would exceed the "
                  "uncommitted budget 1,000,000.00")},
          {"each year needs a local plan",
           [&](C& c, S&) {
             body(c)->set_term_end("2017-01-31");
             body(c)->mutable_ceilings(1)->set_municipality("Rijswijk");
           },
           Broken("lot 'ambulatory' of Rijswijk 2017: no local procurement plan for that year")},
      });
}

// amend_contract

// c1 signed without a tender: its amendments are bound by the budget only.
class SignedContractTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    v1::Command command = SignContract();
    command.mutable_sign_contract()->clear_tender_id();
    command.mutable_sign_contract()->clear_bid_id();
    Accept(command);
  }
};

// Its text is also the payload of the ContractAmended it causes.
constexpr char kAmendment[] = R"(contract_id: "c1"
  ceilings { municipality: "Delft" ceiling_cents: 150000000 }
  ceilings { municipality: "Rijswijk" ceiling_cents: 25000000 }
  replace_tariffs: true tariffs { product_code: "45A49" unit: UNIT_DAY tariff_cents: 20000 }
  term_end: "2016-10-31" reason: "more demand in Delft")";

v1::Command AmendContract() {
  return ContractCommand(absl::StrCat("amend_contract {", kAmendment, "}"));
}

TEST_F(SignedContractTest, AmendContractProducesContractAmendedAndEvolveCommitsTheDifference) {
  EXPECT_THAT(
      DecideOne(AmendContract()),
      EqualsProto(ParseText<v1::Event>(absl::StrCat("contract_amended {", kAmendment, "}"))));
  Accept(AmendContract());
  ASSERT_EQ(C1().ceilings_size(), 3);
  EXPECT_EQ(C1().ceilings(2).municipality(), "Rijswijk");
  EXPECT_EQ(YearCeilingOf(C1(), "Delft", 0), 150000000);
  EXPECT_EQ(YearCeilingOf(C1(), "Den Haag", 0), 100000000);
  EXPECT_EQ(YearCeilingOf(C1(), "Rijswijk", 0), 25000000);
  ASSERT_EQ(C1().tariffs_size(), 1);
  EXPECT_EQ(C1().tariffs(0).product_code(), "45A49");
  EXPECT_EQ(C1().term_end(), "2016-10-31");
  // Ten months of 2016 (305 of 366 days) of each yearly ceiling.
  EXPECT_EQ(Committed("Delft", 2016), 125000000);
  EXPECT_EQ(Committed("Den Haag", 2016), 83333333);
  EXPECT_EQ(Committed("Rijswijk", 2016), 20833333);
}

TEST_F(SignedContractTest, AmendmentOfASuspendedContractMovingItsEndCommitsAndReleasesWholeYears) {
  state_.contracts["c1"].set_status(v1::CONTRACT_STATUS_SUSPENDED);
  Accept(ContractCommand(R"(amend_contract { contract_id: "c1" term_end: "2017-12-31"
      ceilings { municipality: "Den Haag" ceiling_cents: 0 } reason: "two-year term" })"));
  EXPECT_EQ(Committed("Delft", 2016), 100000000);
  EXPECT_EQ(Committed("Delft", 2017), 100000000);
  EXPECT_EQ(Committed("Den Haag", 2016), 0);
  EXPECT_EQ(Committed("Den Haag", 2017), 0);
  Accept(ContractCommand(
      R"(amend_contract { contract_id: "c1" term_end: "2016-12-31" reason: "back to one" })"));
  EXPECT_EQ(Committed("Delft", 2016), 100000000);
  EXPECT_EQ(Committed("Delft", 2017), 0);
}

TEST_F(SignedContractTest, AmendContractIsRefusedWhenARuleIsBroken) {
  auto body = [](C& c) { return c.mutable_amend_contract(); };
  ExpectRefusals(
      AmendContract(),
      {
          {"a provider may not amend", As(Actor("p1", v1::ROLE_PROVIDER)),
           Denied("role rule: only the bureau may amend a contract")},
          {"the contract exists", Merge(R"pb(amend_contract { contract_id: "c9" })pb"),
           Unknown("contract_id: 'c9' is not a contract of region 'haaglanden'")},
          {"the contract is active or suspended", WithStatus(v1::CONTRACT_STATUS_TERMINATED),
           Broken("contract 'c1' is terminated; expected active or suspended")},
          {"the reason is required", [&](C& c, S&) { body(c)->clear_reason(); },
           Invalid("reason: expected why the contract is amended")},
          {"something changes",
           [&](C& c, S&) {
             *body(c) = ParseText<v1::AmendContract>(R"(contract_id: "c1" reason: "r")");
           },
           Invalid("expected new ceilings, replace_tariffs or a new term_end")},
          {"tariffs only with replace_tariffs",
           Merge(R"pb(amend_contract { replace_tariffs: false })pb"),
           Invalid("tariffs: given without replace_tariffs")},
          {"ceilings name municipalities of the region",
           [&](C& c, S&) { body(c)->mutable_ceilings(1)->set_municipality("Leiden"); },
           Unknown("municipality: 'Leiden' is not a municipality")},
          {"ceilings are not negative",
           [&](C& c, S&) { body(c)->mutable_ceilings(0)->set_ceiling_cents(-100); },
           Invalid("ceilings[0].ceiling_cents: expected an amount >= 0.00")},
          {"a ceiling stays above what was claimed",
           [](C&, S& s) { AddClaim(s, "Delft", 2016, 125000001); },
           Broken("the amendment would leave Delft 2016 of contract 'c1' a ceiling of "
                  "1,250,000.00, below the 1,250,000.01 already claimed")},
          {"the term keeps the care already claimed",
           [](C&, S& s) { s.contracts["c1"].set_last_claimed_day("2016-11-30"); },
           Broken("term_end: 2016-10-31 is before 2016-11-30, the last day of care already "
                  "claimed on contract 'c1'")},
          {"new tariffs keep to the lot's maximum",
           [&](C& c, S&) { body(c)->mutable_tariffs(0)->set_tariff_cents(25001); },
           Broken("exceeds the maximum 250.00 of lot 'ambulatory'")},
          {"a per unit contract keeps a tariff", [&](C& c, S&) { body(c)->clear_tariffs(); },
           Invalid("a per_unit contract expected at least one tariff")},
          {"term_end is a date", Merge(R"pb(amend_contract { term_end: "31-10-2016" })pb"),
           Invalid("term_end: expected a date YYYY-MM-DD, got '31-10-2016'")},
          {"term_end is not before term_start",
           [](C& c, S& s) {
             s.contracts["c1"].set_term_start("2016-06-01");
             c.mutable_amend_contract()->set_term_end("2016-05-31");
           },
           Broken(
               "term_end: expected a day on or after the term start 2016-06-01, got 2016-05-31")},
          {"term_end is within the framework",
           Merge(R"pb(amend_contract { term_end: "2018-03-31" })pb"),
           Broken("term_end: expected a day within framework 'H10-2016'")},
          {"a raised ceiling fits the uncommitted budget",
           [&](C& c, S&) { body(c)->mutable_ceilings(0)->set_ceiling_cents(360000002); },
           Broken("lot 'ambulatory' of Delft 2016: ceiling 2,000,000.01 would exceed the "
                  "uncommitted budget 2,000,000.00")},
      });
}

TEST_F(SignedContractTest, AmendmentMayNotDropAYearWithClaims) {
  Accept(ContractCommand(
      R"(amend_contract { contract_id: "c1" term_end: "2017-06-30" reason: "longer" })"));
  AddClaim(state_, "Den Haag", 2017, 5000000);
  const v1::Command command = ContractCommand(
      R"(amend_contract { contract_id: "c1" term_end: "2016-12-31" reason: "shorter" })");
  EXPECT_THAT(Decide(state_, command),
              StatusIs(Code::kFailedPrecondition,
                       HasSubstr("the amendment would leave Den Haag 2017 of contract 'c1' a "
                                 "ceiling of 0.00, below the 50,000.00 already claimed")));
}

// extend_contract

TEST_F(SignedContractTest, ExtendContractProducesContractExtendedAndEvolveCommitsTheAddedYears) {
  state_.contracts["c1"].set_status(v1::CONTRACT_STATUS_SUSPENDED);
  const v1::Command command =
      ContractCommand(R"pb(extend_contract { contract_id: "c1" term_end: "2017-03-31" })pb");
  EXPECT_THAT(DecideOne(command),
              EqualsProto(ParseText<v1::Event>(
                  R"(contract_extended { contract_id: "c1" term_end: "2017-03-31" })")));
  Accept(command);
  EXPECT_EQ(C1().term_end(), "2017-03-31");
  EXPECT_EQ(Committed("Delft", 2016), 100000000);
  EXPECT_EQ(Committed("Delft", 2017), 24657534);  // 90 of 365 days
  EXPECT_EQ(Committed("Den Haag", 2017), 24657534);
}

TEST_F(SignedContractTest, ExtendContractIsRefusedWhenARuleIsBroken) {
  ExpectRefusals(
      ContractCommand(R"pb(extend_contract { contract_id: "c1" term_end: "2017-12-31" })pb"),
      {
          {"a municipality may not extend", As(Actor("Delft", v1::ROLE_MUNICIPALITY)),
           Denied("role rule: only the bureau may extend a contract")},
          {"the contract exists", Merge(R"pb(extend_contract { contract_id: "c9" })pb"),
           Unknown("contract_id: 'c9' is not a contract")},
          {"the contract is active or suspended", WithStatus(v1::CONTRACT_STATUS_EXPIRED),
           Broken("contract 'c1' is expired; expected active or suspended")},
          {"term_end is a date", Merge(R"pb(extend_contract { term_end: "2017-02-29" })pb"),
           Invalid("term_end: expected a date YYYY-MM-DD, got '2017-02-29'")},
          {"term_end is after the current end",
           Merge(R"pb(extend_contract { term_end: "2016-12-31" })pb"),
           Broken("term_end: expected a day after the current term end 2016-12-31 of contract "
                  "'c1', got 2016-12-31")},
          {"term_end is within the framework",
           Merge(R"pb(extend_contract { term_end: "2018-12-31" })pb"),
           Broken(
               "term_end: expected a day within framework 'H10-2016' (2016-01-01 to 2017-12-31)")},
          {"the added years fit the uncommitted budget",
           [](C&, S& s) { ApplyCommit(s, "Den Haag", 2017, "ambulatory", 50000000); },
           Broken("lot 'ambulatory' of Den Haag 2017: ceiling 1,000,000.00 would exceed the "
                  "uncommitted budget 500,000.00")},
      });
}

// suspend_contract and resume_contract

TEST_F(SignedContractTest, SuspensionReleasesTheDaysSuspendedAndResumptionCommitsThemAgain) {
  const v1::Command suspend =
      ContractCommand(R"pb(suspend_contract { contract_id: "c1" reason: "inspection" })pb");
  EXPECT_THAT(DecideOne(suspend),
              EqualsProto(ParseText<v1::Event>(R"(contract_suspended { contract_id: "c1"
                  reason: "inspection" effective_on: "2016-02-01" })")));
  Accept(suspend);
  EXPECT_EQ(C1().status(), v1::CONTRACT_STATUS_SUSPENDED);
  EXPECT_EQ(C1().status_reason(), "inspection");
  EXPECT_EQ(Committed("Delft", 2016), 8469945);  // January: 31 of 366 days
  const v1::Command resume = ContractCommand(
      R"pb(resume_contract { contract_id: "c1" effective_on: "2016-03-01" })pb");
  EXPECT_THAT(DecideOne(resume), EqualsProto(ParseText<v1::Event>(
                                     R"pb(contract_resumed { contract_id: "c1"
                                                             effective_on: "2016-03-01" })pb")));
  Accept(resume);
  EXPECT_EQ(C1().status(), v1::CONTRACT_STATUS_ACTIVE);
  EXPECT_EQ(C1().status_reason(), "");
  ASSERT_EQ(C1().suspensions_size(), 1);
  EXPECT_EQ(C1().suspensions(0).resumed_on(), "2016-03-01");
  EXPECT_EQ(Committed("Delft", 2016), 92076502);  // all but February: 337 of 366 days
  EXPECT_EQ(Committed("Den Haag", 2016), 92076502);
}

TEST_F(SignedContractTest, ASuspensionTakesEffectOnTheDayItNames) {
  Accept(ContractCommand(R"pb(suspend_contract { contract_id: "c1" reason: "move"
                                                 effective_on: "2016-07-01" })pb"));
  EXPECT_EQ(C1().suspensions(0).from(), "2016-07-01");
  EXPECT_EQ(Committed("Delft", 2016), 49726775);  // 182 of 366 days
}

TEST_F(SignedContractTest, SuspendContractIsRefusedWhenARuleIsBroken) {
  ExpectRefusals(
      ContractCommand(R"pb(suspend_contract { contract_id: "c1" reason: "inspection" })pb"),
      {
          {"a provider may not suspend", As(Actor("p1", v1::ROLE_PROVIDER)),
           Denied("role rule: only the bureau may suspend a contract")},
          {"the contract exists", Merge(R"pb(suspend_contract { contract_id: "c9" })pb"),
           Unknown("contract_id: 'c9' is not a contract")},
          {"the contract is active", WithStatus(v1::CONTRACT_STATUS_SUSPENDED),
           Broken("contract 'c1' is suspended; expected active")},
          {"the reason is required", Merge(R"pb(suspend_contract { reason: "" })pb"),
           Invalid("reason: expected why the contract is suspended")},
          {"effective_on is a date", Merge(R"pb(suspend_contract { effective_on: "1 July" })pb"),
           Invalid("effective_on: expected a date YYYY-MM-DD, got '1 July'")},
          {"effective_on lies in the term",
           Merge(R"pb(suspend_contract { effective_on: "2017-01-01" })pb"),
           Broken("effective_on: expected a day within the term of contract 'c1' (2016-01-01 to "
                  "2016-12-31), got 2017-01-01")},
          {"care already claimed is not suspended",
           [](C&, S& s) { s.contracts["c1"].set_last_claimed_day("2016-02-29"); },
           Broken("effective_on: 2016-02-01 is not after 2016-02-29, the last day of care already "
                  "claimed on contract 'c1'")},
          {"not before the last resumption",
           [](C&, S& s) {
             v1::Suspension& earlier = *s.contracts["c1"].add_suspensions();
             earlier.set_from("2016-01-10");
             earlier.set_resumed_on("2016-02-10");
           },
           Broken("effective_on: 2016-02-01 is before 2016-02-10, when contract 'c1' resumed")},
      });
}

TEST_F(SignedContractTest, ResumeContractIsRefusedWhenARuleIsBroken) {
  Accept(ContractCommand(R"pb(suspend_contract { contract_id: "c1" reason: "inspection"
                                                 effective_on: "2016-01-15" })pb"));
  ExpectRefusals(
      ContractCommand(R"pb(resume_contract { contract_id: "c1" })pb"),
      {
          {"a municipality may not resume", As(Actor("Delft", v1::ROLE_MUNICIPALITY)),
           Denied("role rule: only the bureau may resume a contract")},
          {"the contract exists", Merge(R"pb(resume_contract { contract_id: "c9" })pb"),
           Unknown("contract_id: 'c9' is not a contract")},
          {"the contract is suspended", WithStatus(v1::CONTRACT_STATUS_ACTIVE),
           Broken("contract 'c1' is active; expected suspended")},
          {"the provider has not failed", ProviderFailed("2016-05-01"),
           Broken("provider 'p1' failed on 2016-05-01; its contracts cannot resume")},
          {"not before the suspension began",
           Merge(R"pb(resume_contract { effective_on: "2016-01-14" })pb"),
           Broken("effective_on: expected a day on or after 2016-01-15, when the suspension of "
                  "contract 'c1' began, got 2016-01-14")},
          {"the days resumed fit the uncommitted budget",
           [](C&, S& s) { ApplyCommit(s, "Delft", 2016, "ambulatory", 220000000); },
           Broken("lot 'ambulatory' of Delft 2016: ceiling ")},
      });
}

// terminate_contract and expire_contract

// Its text is also the payload of the ContractTerminated it causes.
constexpr char kTermination[] = R"(contract_id: "c1" reason: "quality" effective_on: "2016-06-30")";

TEST_F(SignedContractTest, TerminationReleasesTheDaysFromItsEffectiveDateKeepingWhatWasClaimed) {
  const v1::Command command =
      ContractCommand(absl::StrCat("terminate_contract {", kTermination, "}"));
  EXPECT_THAT(
      DecideOne(command),
      EqualsProto(ParseText<v1::Event>(absl::StrCat("contract_terminated {", kTermination, "}"))));
  AddClaim(state_, "Delft", 2016, 30000000);
  Accept(command);
  EXPECT_EQ(C1().status(), v1::CONTRACT_STATUS_TERMINATED);
  EXPECT_EQ(C1().status_reason(), "quality");
  EXPECT_EQ(C1().ends_on(), "2016-06-30");
  EXPECT_EQ(Committed("Delft", 2016), 49453551);  // 181 of 366 days
  EXPECT_EQ(Committed("Den Haag", 2016), 49453551);
}

TEST_F(SignedContractTest, TerminateContractIsRefusedWhenARuleIsBroken) {
  ExpectRefusals(
      ContractCommand(absl::StrCat("terminate_contract {", kTermination, "}")),
      {
          {"a provider may not terminate", As(Actor("p1", v1::ROLE_PROVIDER)),
           Denied("role rule: only the bureau may terminate a contract")},
          {"the contract exists", Merge(R"pb(terminate_contract { contract_id: "c9" })pb"),
           Unknown("contract_id: 'c9' is not a contract")},
          {"the contract is active or suspended", WithStatus(v1::CONTRACT_STATUS_TERMINATED),
           Broken("contract 'c1' is terminated; expected active or suspended")},
          {"the reason is required", Merge(R"pb(terminate_contract { reason: "" })pb"),
           Invalid("reason: expected why the contract is terminated")},
          {"effective_on is a date", Merge(R"pb(terminate_contract { effective_on: "" })pb"),
           Invalid("effective_on: expected a date YYYY-MM-DD, got ''")},
          {"effective_on is within the term",
           Merge(R"pb(terminate_contract { effective_on: "2017-01-01" })pb"),
           Broken("effective_on: expected a day within the term of contract 'c1' (2016-01-01 to "
                  "2016-12-31), got 2017-01-01")},
          {"care already claimed is not terminated",
           [](C&, S& s) { s.contracts["c1"].set_last_claimed_day("2016-06-30"); },
           Broken("effective_on: 2016-06-30 is not after 2016-06-30, the last day of care "
                  "already claimed on contract 'c1'")},
      });
}

v1::Command ExpireContract(const v1::Actor& actor) {
  v1::Command command = CommandOf(actor);
  command.mutable_expire_contract()->set_contract_id("c1");
  On(command, 2017, 1, 1);
  return command;
}

TEST_F(SignedContractTest, BureauOrSystemExpiresAContractKeepingItsMoneyForLateClaims) {
  const v1::Event expected = ParseText<v1::Event>(R"pb(contract_expired { contract_id: "c1" })pb");
  EXPECT_THAT(DecideOne(ExpireContract(Actor("engine", v1::ROLE_SYSTEM))), EqualsProto(expected));
  EXPECT_THAT(DecideOne(ExpireContract(Bureau())), EqualsProto(expected));
  state_.contracts["c1"].set_status(v1::CONTRACT_STATUS_SUSPENDED);
  AddClaim(state_, "Den Haag", 2016, 99999999);
  Accept(ExpireContract(Bureau()));
  EXPECT_EQ(C1().status(), v1::CONTRACT_STATUS_EXPIRED);
  EXPECT_EQ(Committed("Delft", 2016), 100000000);
  EXPECT_EQ(Committed("Den Haag", 2016), 100000000);
}

TEST_F(SignedContractTest, ExpireContractIsRefusedWhenARuleIsBroken) {
  ExpectRefusals(
      ExpireContract(Bureau()),
      {
          {"a provider may not expire", As(Actor("p1", v1::ROLE_PROVIDER)),
           Denied("role rule: only the bureau or the system may expire a contract; actor 'p1' is "
                  "provider")},
          {"the contract exists", Merge(R"pb(expire_contract { contract_id: "c9" })pb"),
           Unknown("contract_id: 'c9' is not a contract")},
          {"the contract is active or suspended", WithStatus(v1::CONTRACT_STATUS_TERMINATED),
           Broken("contract 'c1' is terminated; expected active or suspended")},
          {"the term has ended", [](C& c, S&) { On(c, 2016, 6, 1); },
           Broken("contract 'c1' runs until 2016-12-31; it cannot expire on 2016-06-01")},
          {"the last day of the term is still within it", [](C& c, S&) { On(c, 2016, 12, 31); },
           Broken("it cannot expire on 2016-12-31")},
      });
}

}  // namespace
}  // namespace inkoop
