// Decide/Evolve for register_provider, publish_tender, submit_bid,
// withdraw_bid, award_tender and cancel_tender.
#include "engine/domain/tender.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "engine/domain/decide.h"
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
using ::inkoop::testing::Provider;
using ::inkoop::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr const char* kRegion = ::inkoop::testing::kTestRegion;
constexpr char kToday[] = "2016-02-01";

constexpr char kFramework[] = R"(adopt_framework {
  framework_id: "H10-2016" municipalities: [ "Den Haag", "Delft", "Rijswijk" ]
  lots { code: "ambulatory" } lots { code: "housing" } lots { code: "specialist" }
  period_start: "2016-01-01" period_end: "2017-12-31"
  lot_rules { lot: "ambulatory" funding_models: [ FUNDING_MODEL_PER_UNIT, FUNDING_MODEL_LUMP_SUM ]
    max_tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 9000 }
    max_tariffs { product_code: "45A49" unit: UNIT_DAY tariff_cents: 25000 } }
  lot_rules { lot: "housing" funding_models: FUNDING_MODEL_LUMP_SUM } })";

v1::Command RegisterProvider(const std::string& id, const std::string& name) {
  v1::Command command = CommandOf(Bureau());
  v1::RegisterProvider& body = *command.mutable_register_provider();
  body.set_provider_id(id);
  body.set_name(name);
  body.set_chamber_of_commerce_number("27123456");
  return command;
}

// t1: competitive, 4,000,000.00 on lot ambulatory in 2016, bids until 2016-03-01.
v1::Command PublishTender() {
  return CommandOf(Bureau(), R"(publish_tender { tender_id: "t1" lot: "ambulatory" year: 2016
    procedure: TENDER_PROCEDURE_COMPETITIVE funding_model: FUNDING_MODEL_PER_UNIT
    ceiling_cents: 400000000 deadline: "2016-03-01" })");
}

v1::Command SubmitBid(const std::string& provider, const std::string& bid, int64_t cents) {
  v1::Command command = CommandOf(Provider(provider));
  v1::SubmitBid& body = *command.mutable_submit_bid();
  body.set_tender_id("t1");
  body.set_bid_id(bid);
  body.set_provider_id(provider);
  body.set_amount_cents(cents);
  *body.add_tariffs() =
      ParseText<v1::Tariff>(R"pb(product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8500)pb");
  return command;
}

v1::Command WithdrawBid(const std::string& provider, const std::string& bid) {
  v1::Command command = CommandOf(Provider(provider));
  v1::WithdrawBid& body = *command.mutable_withdraw_bid();
  body.set_tender_id("t1");
  body.set_bid_id(bid);
  body.set_reason("capacity went elsewhere");
  return command;
}

v1::Command AwardTender(const std::vector<std::string>& bids) {
  v1::Command command = CommandOf(Bureau());
  On(command, 2016, 3, 2);
  v1::AwardTender& body = *command.mutable_award_tender();
  body.set_tender_id("t1");
  for (const std::string& bid : bids) body.add_bid_ids(bid);
  return command;
}

v1::Command CancelTender() {
  v1::Command command = CommandOf(Bureau());
  command.mutable_cancel_tender()->set_tender_id("t1");
  command.mutable_cancel_tender()->set_reason("lot redrawn");
  return command;
}



class TenderTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(CommandOf(Bureau(), kFramework));
    v1::PurchaseOrderRecord& order = state_.purchase_orders[2016];
    order.set_year(2016);
    *order.add_lots() =
        ParseText<v1::LotAmount>(R"pb(lot: "ambulatory" amount_cents: 400000000)pb");
    Accept(RegisterProvider("p1", "Youz"));
    Accept(RegisterProvider("p2", "Cardea"));
    Accept(RegisterProvider("p3", "Ipse de Bruggen"));
  }




  const v1::TenderRecord& Tender() { return state_.tenders.at("t1"); }

};

// register_provider

TEST_F(TenderTest, RegisterProviderProducesProviderRegistered) {
  v1::Event expected;
  *expected.mutable_provider_registered() = ParseText<v1::ProviderRegistered>(
      R"pb(provider_id: "p9" name: "Jeugdformaat" chamber_of_commerce_number: "27123456")pb");
  EXPECT_THAT(DecideOne(RegisterProvider("p9", "Jeugdformaat")), EqualsProto(expected));
}

TEST_F(TenderTest, EvolveOfProviderRegisteredAddsTheProvider) {
  Accept(RegisterProvider("p9", "Jeugdformaat"));
  EXPECT_THAT(state_.providers.at("p9"), EqualsProto(ParseText<v1::ProviderRecord>(R"pb(
                provider_id: "p9"
                name: "Jeugdformaat"
                chamber_of_commerce_number: "27123456"
              )pb")));
}

TEST_F(TenderTest, RegisterProviderIsRefusedWhenARuleIsBroken) {
  using C = v1::Command;
  using S = RegionState;
  ExpectRefusals(
      RegisterProvider("p9", "Jeugdformaat"),
      {
          {"a municipality may not register",
           [](C& c, S&) { *c.mutable_actor() = Actor("Delft", v1::ROLE_MUNICIPALITY); },
           Denied("role rule: only the bureau may register")},
          {"the id is required",
           [](C& c, S&) { c.mutable_register_provider()->clear_provider_id(); },
           Invalid("provider_id: expected a provider id, got ''")},
          {"the name is required", [](C& c, S&) { c.mutable_register_provider()->clear_name(); },
           Invalid("name: expected the provider's name")},
          {"the id is new", [](C& c, S&) { c.mutable_register_provider()->set_provider_id("p1"); },
           Broken("provider_id: 'p1' is already registered")},
      });
}

// publish_tender

TEST_F(TenderTest, PublishTenderProducesTenderPublished) {
  v1::Event expected;
  *expected.mutable_tender_published() = ParseText<v1::TenderPublished>(R"pb(
    tender_id: "t1"
    lot: "ambulatory"
    year: 2016
    procedure: TENDER_PROCEDURE_COMPETITIVE
    funding_model: FUNDING_MODEL_PER_UNIT
    ceiling_cents: 400000000
    deadline: "2016-03-01"
  )pb");
  EXPECT_THAT(DecideOne(PublishTender()), EqualsProto(expected));
}

TEST_F(TenderTest, EvolveOfTenderPublishedAddsAnOpenTender) {
  Accept(PublishTender());
  EXPECT_THAT(Tender(), EqualsProto(ParseText<v1::TenderRecord>(R"pb(
                tender_id: "t1"
                lot: "ambulatory"
                year: 2016
                procedure: TENDER_PROCEDURE_COMPETITIVE
                funding_model: FUNDING_MODEL_PER_UNIT
                ceiling_cents: 400000000
                deadline: "2016-03-01"
                status: TENDER_STATUS_OPEN
              )pb")));
}

TEST_F(TenderTest, TenderMayCloseOnTheDayItIsPublished) {
  v1::Command command = PublishTender();
  command.mutable_publish_tender()->set_deadline(kToday);
  EXPECT_THAT(Decide(state_, command), IsOk());
}

TEST_F(TenderTest, PublishTenderIsRefusedWhenARuleIsBroken) {
  using C = v1::Command;
  using S = RegionState;
  auto body = [](C& c) { return c.mutable_publish_tender(); };
  ExpectRefusals(
      PublishTender(),
      {
          {"a provider may not publish", [](C& c, S&) { *c.mutable_actor() = Provider("p1"); },
           Denied("role rule: only the bureau may publish a tender")},
          {"the id is required", [&](C& c, S&) { body(c)->clear_tender_id(); },
           Invalid("tender_id: expected a tender id, got ''")},
          {"the id is new", [](C&, S& s) { s.tenders["t1"].set_tender_id("t1"); },
           Broken("tender_id: 't1' is already published")},
          {"the lot is of the framework", [&](C& c, S&) { body(c)->set_lot("dental"); },
           Unknown("lot: 'dental' is not a lot of framework 'H10-2016'")},
          {"the year is in the framework period", [&](C& c, S&) { body(c)->set_year(2018); },
           Broken("(2016-2017), got 2018")},
          {"the year has a purchase order", [&](C& c, S&) { body(c)->set_year(2017); },
           Broken("no purchase order issued for 2017")},
          {"the ceiling is not negative", [&](C& c, S&) { body(c)->set_ceiling_cents(-1); },
           Invalid("ceiling_cents: expected an amount >= 0.00")},
          {"the ceiling fits the purchase order",
           [&](C& c, S&) { body(c)->set_ceiling_cents(500000000); },
           Broken(
               "ceiling 5,000,000.00 of tender 't1' exceeds the purchase order's 4,000,000.00 for "
               "lot 'ambulatory' in 2016")},
          {"a lot the purchase order leaves out has nothing to tender",
           [&](C& c, S&) {
             body(c)->set_lot("housing");
             body(c)->set_funding_model(v1::FUNDING_MODEL_LUMP_SUM);
           },
           Broken("exceeds the purchase order's 0.00 for lot 'housing'")},
          {"the tenders on a lot together fit its purchase order",
           [&](C& c, S& s) {
             s.tenders["t0"] = ParseText<v1::TenderRecord>(R"pb(
               tender_id: "t0" lot: "ambulatory" year: 2016 ceiling_cents: 100000000
               status: TENDER_STATUS_AWARDED)pb");
             body(c)->set_ceiling_cents(300000001);
           },
           Broken("ceiling 3,000,000.01 of tender 't1' with the 1,000,000.00 of the other "
                  "tenders exceeds the purchase order's 4,000,000.00 for lot 'ambulatory' in "
                  "2016")},
          {"the bureau tenders regional lots only",
           [](C&, S& s) { s.framework.lots["ambulatory"].scope = v1::LOT_SCOPE_NATIONAL; },
           Broken("lot: lot 'ambulatory' is bought nationally, not by the bureau for the region")},
          {"the procedure is specified",
           [&](C& c, S&) { body(c)->set_procedure(v1::TENDER_PROCEDURE_UNSPECIFIED); },
           Invalid("procedure: expected open_house or competitive, got unspecified")},
          {"the funding model is specified",
           [&](C& c, S&) { body(c)->set_funding_model(v1::FUNDING_MODEL_UNSPECIFIED); },
           Invalid("funding_model: expected per_unit, lump_sum")},
          {"the lot allows the funding model",
           [&](C& c, S&) { body(c)->set_funding_model(v1::FUNDING_MODEL_POPULATION); },
           Broken("funding_model: lot 'ambulatory' allows per_unit, lump_sum; got population")},
          {"a lot without funding models allows none",
           [&](C& c, S& s) {
             body(c)->set_lot("specialist");
             *s.purchase_orders[2016].add_lots() =
                 ParseText<v1::LotAmount>(R"pb(lot: "specialist" amount_cents: 400000000)pb");
           },
           Broken("lot 'specialist' allows no funding model yet; got per_unit")},
          {"the deadline is a date", [&](C& c, S&) { body(c)->set_deadline("2016-02-30"); },
           Invalid("deadline: expected a date YYYY-MM-DD, got '2016-02-30'")},
          {"the deadline is not in the past",
           [&](C& c, S&) { body(c)->set_deadline("2016-01-31"); },
           Broken("deadline: expected a day on or after 2016-02-01 (the day of publication), got "
                  "2016-01-31")},
      });
}

// submit_bid

TEST_F(TenderTest, SubmitBidProducesBidReceived) {
  Accept(PublishTender());
  v1::Event expected;
  *expected.mutable_bid_received() = ParseText<v1::BidReceived>(R"pb(
    tender_id: "t1"
    bid_id: "b1"
    provider_id: "p1"
    amount_cents: 150000000
    tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8500 }
  )pb");
  EXPECT_THAT(DecideOne(SubmitBid("p1", "b1", 150000000)), EqualsProto(expected));
}

TEST_F(TenderTest, EvolveOfBidReceivedAppendsTheBid) {
  Accept(PublishTender());
  Accept(SubmitBid("p1", "b1", 150000000));
  Accept(SubmitBid("p2", "b2", 200000000));
  ASSERT_THAT(Tender().bids(), SizeIs(2));
  EXPECT_THAT(Tender().bids(0), EqualsProto(ParseText<v1::BidRecord>(R"pb(
                bid_id: "b1"
                provider_id: "p1"
                amount_cents: 150000000
                tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8500 }
              )pb")));
  EXPECT_EQ(Tender().bids(1).bid_id(), "b2");
}

TEST_F(TenderTest, BidOnTheDeadlineIsReceived) {
  Accept(PublishTender());
  v1::Command command = SubmitBid("p1", "b1", 150000000);
  On(command, 2016, 3, 1);
  EXPECT_THAT(Decide(state_, command), IsOk());
}

TEST_F(TenderTest, ProviderMayBidAgainAfterWithdrawing) {
  Accept(PublishTender());
  Accept(SubmitBid("p1", "b1", 150000000));
  Accept(WithdrawBid("p1", "b1"));
  EXPECT_THAT(Decide(state_, SubmitBid("p1", "b1-revised", 140000000)), IsOk());
}

TEST_F(TenderTest, SubmitBidIsRefusedWhenARuleIsBroken) {
  Accept(PublishTender());
  Accept(SubmitBid("p2", "b2", 200000000));
  using C = v1::Command;
  using S = RegionState;
  auto body = [](C& c) { return c.mutable_submit_bid(); };
  auto tariff = [&](C& c) { return body(c)->mutable_tariffs(0); };
  ExpectRefusals(
      SubmitBid("p1", "b1", 150000000),
      {
          {"the provider id is required", [&](C& c, S&) { body(c)->clear_provider_id(); },
           Invalid("provider_id: expected the bidding provider's id")},
          {"a provider bids only for itself", [](C& c, S&) { *c.mutable_actor() = Provider("p2"); },
           Denied(
               "role rule: only provider 'p1' itself may submit its bid; actor 'p2' is provider")},
          {"the bureau does not bid", [](C& c, S&) { *c.mutable_actor() = Bureau(); },
           Denied("actor 'bureau' is bureau")},
          {"the provider is registered",
           [&](C& c, S&) {
             body(c)->set_provider_id("p9");
             *c.mutable_actor() = Provider("p9");
           },
           Unknown("provider_id: 'p9' is not a registered provider")},
          {"a failed provider does not bid",
           [](C&, S& s) {
             s.providers["p1"].set_failed(true);
             s.providers["p1"].set_failed_on("2016-01-15");
           },
           Broken("provider 'p1' failed on 2016-01-15")},
          {"the tender exists", [&](C& c, S&) { body(c)->set_tender_id("t9"); },
           Unknown("tender_id: 't9' is not a tender of region 'haaglanden'")},
          {"the tender is open",
           [](C&, S& s) { s.tenders["t1"].set_status(v1::TENDER_STATUS_CANCELLED); },
           Broken("tender 't1' is cancelled; expected open")},
          {"the bid arrives by the deadline", [](C& c, S&) { On(c, 2016, 3, 2); },
           Broken("tender 't1' closed for bids on 2016-03-01; bid arrived 2016-03-02")},
          {"the bid id is required", [&](C& c, S&) { body(c)->clear_bid_id(); },
           Invalid("bid_id: expected a bid id, got ''")},
          {"the bid id is new in the tender", [&](C& c, S&) { body(c)->set_bid_id("b2"); },
           Broken("bid_id: 'b2' is already a bid on tender 't1'")},
          {"a provider has one standing bid",
           [&](C& c, S&) {
             body(c)->set_provider_id("p2");
             *c.mutable_actor() = Provider("p2");
           },
           Broken("provider 'p2' already has bid 'b2' on tender 't1'; withdraw it first")},
          {"the amount is not negative", [&](C& c, S&) { body(c)->set_amount_cents(-5); },
           Invalid("amount_cents: expected an amount >= 0.00")},
          {"the amount fits the ceiling", [&](C& c, S&) { body(c)->set_amount_cents(400000001); },
           Broken(
               "amount 4,000,000.01 of bid 'b1' exceeds the ceiling 4,000,000.00 of tender 't1'")},
          {"each product is of the lot", [&](C& c, S&) { tariff(c)->set_product_code("54001"); },
           Broken("tariffs[0].product_code: '54001' is not a product of lot 'ambulatory'")},
          {"each tariff has the lot's unit", [&](C& c, S&) { tariff(c)->set_unit(v1::UNIT_DAY); },
           Broken(
               "tariffs[0].unit: product '45A48' of lot 'ambulatory' is priced per hour, got day")},
          {"each tariff is at most the lot's maximum",
           [&](C& c, S&) { tariff(c)->set_tariff_cents(9001); },
           Broken("tariffs[0].tariff_cents: 90.01 for product '45A48' exceeds the maximum 90.00")},
          {"each tariff is not negative", [&](C& c, S&) { tariff(c)->set_tariff_cents(-1); },
           Invalid("tariffs[0].tariff_cents: expected an amount >=")},
          {"each product is priced once", [&](C& c, S&) { *body(c)->add_tariffs() = *tariff(c); },
           Invalid("tariffs[1].product_code: '45A48' appears twice")},
      });
}

// withdraw_bid

TEST_F(TenderTest, WithdrawBidProducesBidWithdrawn) {
  Accept(PublishTender());
  Accept(SubmitBid("p1", "b1", 150000000));
  v1::Event expected;
  *expected.mutable_bid_withdrawn() = ParseText<v1::BidWithdrawn>(
      R"pb(tender_id: "t1" bid_id: "b1" reason: "capacity went elsewhere")pb");
  EXPECT_THAT(DecideOne(WithdrawBid("p1", "b1")), EqualsProto(expected));
}

TEST_F(TenderTest, EvolveOfBidWithdrawnMarksTheBidWithdrawn) {
  Accept(PublishTender());
  Accept(SubmitBid("p1", "b1", 150000000));
  Accept(SubmitBid("p2", "b2", 200000000));
  Accept(WithdrawBid("p1", "b1"));
  EXPECT_TRUE(Tender().bids(0).withdrawn());
  EXPECT_FALSE(Tender().bids(1).withdrawn());
}

TEST_F(TenderTest, WithdrawBidIsRefusedWhenARuleIsBroken) {
  Accept(PublishTender());
  Accept(SubmitBid("p1", "b1", 150000000));
  using C = v1::Command;
  using S = RegionState;
  ExpectRefusals(
      WithdrawBid("p1", "b1"),
      {
          {"the bureau does not withdraw bids", [](C& c, S&) { *c.mutable_actor() = Bureau(); },
           Denied("role rule: only the provider may withdraw a bid")},
          {"a provider withdraws only its own bid",
           [](C& c, S&) { *c.mutable_actor() = Provider("p2"); },
           Denied("role rule: only provider 'p1' itself may withdraw bid 'b1'; actor 'p2'")},
          {"the tender exists", [](C& c, S&) { c.mutable_withdraw_bid()->set_tender_id("t9"); },
           Unknown("tender_id: 't9' is not a tender")},
          {"the bid exists", [](C& c, S&) { c.mutable_withdraw_bid()->set_bid_id("b9"); },
           Unknown("bid_id: 'b9' is not a bid on tender 't1'")},
          {"the tender is open",
           [](C&, S& s) { s.tenders["t1"].set_status(v1::TENDER_STATUS_AWARDED); },
           Broken("tender 't1' is awarded; expected open")},
          {"the bid is not withdrawn yet",
           [](C&, S& s) { s.tenders["t1"].mutable_bids(0)->set_withdrawn(true); },
           Broken("bid 'b1' on tender 't1' is already withdrawn")},
      });
}

// award_tender

TEST_F(TenderTest, AwardTenderProducesTenderAwardedWithTheBidsProviders) {
  Accept(PublishTender());
  Accept(SubmitBid("p1", "b1", 150000000));
  Accept(SubmitBid("p2", "b2", 200000000));
  v1::Event expected;
  *expected.mutable_tender_awarded() = ParseText<v1::TenderAwarded>(R"pb(
    tender_id: "t1"
    bid_ids: [ "b2", "b1" ]
    provider_ids: [ "p2", "p1" ]
  )pb");
  EXPECT_THAT(DecideOne(AwardTender({"b2", "b1"})), EqualsProto(expected));
}

TEST_F(TenderTest, EvolveOfTenderAwardedRecordsTheAwardedBidsAndProviders) {
  Accept(PublishTender());
  Accept(SubmitBid("p1", "b1", 150000000));
  Accept(SubmitBid("p2", "b2", 200000000));
  Accept(AwardTender({"b1"}));
  EXPECT_EQ(Tender().status(), v1::TENDER_STATUS_AWARDED);
  EXPECT_THAT(Tender().awarded_bid_ids(), ElementsAre("b1"));
  EXPECT_THAT(Tender().awarded_provider_ids(), ElementsAre("p1"));
}

TEST_F(TenderTest, AwardTenderIsRefusedWhenARuleIsBroken) {
  Accept(PublishTender());
  Accept(SubmitBid("p1", "b1", 150000000));
  Accept(SubmitBid("p2", "b2", 200000000));
  Accept(SubmitBid("p3", "b3", 100000000));
  using C = v1::Command;
  using S = RegionState;
  auto body = [](C& c) { return c.mutable_award_tender(); };
  ExpectRefusals(
      AwardTender({"b1", "b2"}),
      {
          {"a provider may not award", [](C& c, S&) { *c.mutable_actor() = Provider("p1"); },
           Denied("role rule: only the bureau may award a tender")},
          {"the tender exists", [&](C& c, S&) { body(c)->set_tender_id("t9"); },
           Unknown("tender_id: 't9' is not a tender")},
          {"the tender is open",
           [](C&, S& s) { s.tenders["t1"].set_status(v1::TENDER_STATUS_CANCELLED); },
           Broken("tender 't1' is cancelled; expected open")},
          {"at least one bid is awarded", [&](C& c, S&) { body(c)->clear_bid_ids(); },
           Invalid("bid_ids: expected at least one bid to award")},
          {"each bid exists", [&](C& c, S&) { body(c)->set_bid_ids(1, "b9"); },
           Unknown("bid_ids[1]: 'b9' is not a bid on tender 't1'")},
          {"no bid is awarded twice", [&](C& c, S&) { body(c)->set_bid_ids(1, "b1"); },
           Invalid("bid_ids[1]: 'b1' appears twice")},
          {"a withdrawn bid is not awarded",
           [](C&, S& s) { s.tenders["t1"].mutable_bids(1)->set_withdrawn(true); },
           Broken("bid_ids[1]: bid 'b2' of provider 'p2' was withdrawn")},
          {"a competitive tender is awarded after its deadline",
           [](C& c, S&) { On(c, 2016, 3, 1); },
           Broken("tender 't1' is competitive: it can be awarded after its deadline 2016-03-01, "
                  "not on "
                  "2016-03-01")},
          {"the awarded bids fit the ceiling", [&](C& c, S&) { body(c)->add_bid_ids("b3"); },
           Broken("awarded bids of tender 't1' sum to 4,500,000.00, which exceeds its ceiling "
                  "4,000,000.00")},
      });
}

// negotiate_award

v1::Command NegotiateAward(const std::string& bid, int64_t cents) {
  v1::Command command = CommandOf(Bureau());
  On(command, 2016, 3, 10);
  v1::NegotiateAward& body = *command.mutable_negotiate_award();
  body.set_tender_id("t1");
  body.set_bid_id(bid);
  body.set_amount_cents(cents);
  *body.add_tariffs() =
      ParseText<v1::Tariff>(R"pb(product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8200)pb");
  body.set_reason("less capacity, a lower tariff");
  return command;
}

class AwardedTenderTest : public TenderTest {
 protected:
  void SetUp() override {
    TenderTest::SetUp();
    Accept(PublishTender());
    Accept(SubmitBid("p1", "b1", 150000000));
    Accept(SubmitBid("p2", "b2", 200000000));
    Accept(SubmitBid("p3", "b3", 100000000));
    Accept(AwardTender({"b1", "b2"}));
  }
};

TEST_F(AwardedTenderTest, NegotiateAwardRecordsTheNewTermsOfTheBid) {
  v1::Event expected;
  *expected.mutable_award_negotiated() = ParseText<v1::AwardNegotiated>(R"pb(
    tender_id: "t1" bid_id: "b1" provider_id: "p1"
    previous_amount_cents: 150000000 amount_cents: 120000000
    tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8200 }
    reason: "less capacity, a lower tariff"
  )pb");
  EXPECT_THAT(DecideOne(NegotiateAward("b1", 120000000)), EqualsProto(expected));
  Accept(NegotiateAward("b1", 120000000));
  const v1::BidRecord& bid = Tender().bids(0);
  EXPECT_EQ(bid.amount_cents(), 120000000);
  EXPECT_EQ(bid.tariffs(0).tariff_cents(), 8200);
  EXPECT_EQ(bid.negotiation_reason(), "less capacity, a lower tariff");
}

TEST_F(AwardedTenderTest, NegotiateAwardIsRefusedWhenARuleIsBroken) {
  using C = v1::Command;
  using S = RegionState;
  auto body = [](C& c) { return c.mutable_negotiate_award(); };
  ExpectRefusals(
      NegotiateAward("b1", 120000000),
      {
          {"a provider may not negotiate alone",
           [](C& c, S&) { *c.mutable_actor() = Provider("p1"); },
           Denied("role rule: only the bureau may negotiate an award")},
          {"the tender is awarded",
           [](C&, S& s) { s.tenders["t1"].set_status(v1::TENDER_STATUS_OPEN); },
           Broken("tender 't1' is open; only an award can be negotiated")},
          {"the bid exists", [&](C& c, S&) { body(c)->set_bid_id("b9"); },
           Unknown("bid_id: 'b9' is not a bid on tender 't1'")},
          {"the bid was awarded", [&](C& c, S&) { body(c)->set_bid_id("b3"); },
           Broken("bid_id: bid 'b3' was not awarded on tender 't1'")},
          {"the reason is required", [&](C& c, S&) { body(c)->clear_reason(); },
           Invalid("reason: expected what was negotiated and why")},
          {"the amount is not negative", [&](C& c, S&) { body(c)->set_amount_cents(-1); },
           Invalid("amount_cents: expected an amount >= 0.00")},
          {"the tariffs keep to the lot's maximum",
           [&](C& c, S&) { body(c)->mutable_tariffs(0)->set_tariff_cents(9100); },
           Broken("exceeds the maximum 90.00")},
          {"the awarded bids stay within the tender's ceiling",
           [&](C& c, S&) { body(c)->set_amount_cents(200000001); },
           Broken("amount_cents: the awarded bids of tender 't1' would sum to 4,000,000.01, "
                  "above its ceiling 4,000,000.00")},
          {"not once a contract carries it out",
           [](C&, S& s) { s.tenders["t1"].mutable_bids(0)->set_contract_id("c1"); },
           Broken("bid 'b1' is carried out by contract 'c1' already")},
      });
}

// cancel_tender

TEST_F(TenderTest, CancelTenderProducesTenderCancelled) {
  Accept(PublishTender());
  v1::Event expected;
  *expected.mutable_tender_cancelled() =
      ParseText<v1::TenderCancelled>(R"pb(tender_id: "t1" reason: "lot redrawn")pb");
  EXPECT_THAT(DecideOne(CancelTender()), EqualsProto(expected));
}

TEST_F(TenderTest, EvolveOfTenderCancelledClosesTheTender) {
  Accept(PublishTender());
  Accept(CancelTender());
  EXPECT_EQ(Tender().status(), v1::TENDER_STATUS_CANCELLED);
  EXPECT_THAT(Decide(state_, SubmitBid("p1", "b1", 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is cancelled")));
}

TEST_F(TenderTest, CancelTenderIsRefusedWhenARuleIsBroken) {
  Accept(PublishTender());
  using C = v1::Command;
  using S = RegionState;
  ExpectRefusals(
      CancelTender(),
      {
          {"a municipality may not cancel",
           [](C& c, S&) { *c.mutable_actor() = Actor("Delft", v1::ROLE_MUNICIPALITY); },
           Denied("role rule: only the bureau may cancel a tender")},
          {"the tender exists", [](C& c, S&) { c.mutable_cancel_tender()->set_tender_id("t9"); },
           Unknown("tender_id: 't9' is not a tender")},
          {"an awarded tender stays awarded",
           [](C&, S& s) { s.tenders["t1"].set_status(v1::TENDER_STATUS_AWARDED); },
           Broken("tender 't1' is awarded; expected open")},
          {"a cancelled tender is not cancelled again",
           [](C&, S& s) { s.tenders["t1"].set_status(v1::TENDER_STATUS_CANCELLED); },
           Broken("tender 't1' is cancelled; expected open")},
          {"the reason is required", [](C& c, S&) { c.mutable_cancel_tender()->clear_reason(); },
           Invalid("reason: expected why the tender is cancelled")},
      });
}

}  // namespace
}  // namespace inkoop
