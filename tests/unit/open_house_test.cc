// Decide/Evolve of the admission procedure (open house): publish_tender with
// a checklist, apply_for_admission, assess_application, close_admission,
// sign_contract of an
// admitted provider at the harmonised tariffs; and the harmonised tariffs a
// competitive per-unit bid or contract must use unless its lot negotiates.
#include "engine/domain/open_house.h"

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
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
using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::Invalid;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::On;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::Provider;
using ::inkoop::testing::StatusIs;
using ::inkoop::testing::Unknown;
using ::testing::HasSubstr;
using C = v1::Command;
using S = RegionState;

// Ambulatory care at harmonised tariffs (85.00 and 104.00 an hour);
// specialist care with a harmonised tariff it may negotiate from; housing
// without harmonised tariffs.
constexpr char kFramework[] = R"(adopt_framework {
  framework_id: "H10-2016" municipalities: [ "Den Haag", "Delft" ]
  lots { code: "ambulatory" } lots { code: "housing" } lots { code: "specialist" }
  period_start: "2016-01-01" period_end: "2017-12-31"
  lot_rules { lot: "ambulatory" funding_models: [ FUNDING_MODEL_PER_UNIT, FUNDING_MODEL_LUMP_SUM ]
    max_tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 9500 }
    max_tariffs { product_code: "45A13" unit: UNIT_HOUR tariff_cents: 11000 }
    harmonised_tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 8500 }
    harmonised_tariffs { product_code: "45A13" unit: UNIT_HOUR tariff_cents: 10400 } }
  lot_rules { lot: "housing" funding_models: [ FUNDING_MODEL_PER_UNIT ]
    max_tariffs { product_code: "43A21" unit: UNIT_DAY tariff_cents: 16000 } }
  lot_rules { lot: "specialist" funding_models: [ FUNDING_MODEL_PER_UNIT ]
    max_tariffs { product_code: "43A11" unit: UNIT_DAY tariff_cents: 28000 }
    harmonised_tariffs { product_code: "43A11" unit: UNIT_DAY tariff_cents: 25000 }
    negotiated_tariffs: true } })";

constexpr char kHarmonised[] = R"(
  tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 8500 }
  tariffs { product_code: "45A13" unit: UNIT_HOUR tariff_cents: 10400 })";

// oh1: an open-ended admission on lot ambulatory in 2016, 4,000,000.00.
v1::Command PublishOpenHouse() {
  return CommandOf(Bureau(), R"(publish_tender { tender_id: "oh1" lot: "ambulatory" year: 2016
    procedure: TENDER_PROCEDURE_OPEN_HOUSE funding_model: FUNDING_MODEL_PER_UNIT
    ceiling_cents: 400000000 requirements: [ "quality mark", "certified staff" ] })");
}

v1::Command Apply(const std::string& provider, const std::string& application) {
  v1::Command command = CommandOf(Provider(provider));
  v1::ApplyForAdmission& body = *command.mutable_apply_for_admission();
  body.set_tender_id("oh1");
  body.set_application_id(application);
  body.set_provider_id(provider);
  return command;
}

// Assesses `application` on both requirements; `certified` says whether the
// second is met.
v1::Command Assess(const std::string& application, bool certified = true) {
  return CommandOf(Bureau(), absl::StrCat(R"(assess_application { tender_id: "oh1"
    application_id: ")", application, R"(" assessments { requirement: "quality mark" met: true }
    assessments { requirement: "certified staff" met: )", certified ? "true" : "false",
                                          certified ? "" : R"( note: "no BIG registration")",
                                          " } }"));
}

// A contract carrying out `application` of `provider`: Delft and Den Haag
// 1,000,000.00 each from March 2016, at the harmonised tariffs.
v1::Command Sign(const std::string& contract, const std::string& provider,
                 const std::string& application) {
  return CommandOf(Bureau(), absl::StrCat(R"(sign_contract { contract_id: ")", contract,
                                          R"(" provider_id: ")", provider, R"(" lot: "ambulatory"
    tender_id: "oh1" bid_id: ")", application, R"(" funding_model: FUNDING_MODEL_PER_UNIT
    term_start: "2016-03-01" term_end: "2016-12-31"
    ceilings { municipality: "Delft" ceiling_cents: 100000000 }
    ceilings { municipality: "Den Haag" ceiling_cents: 100000000 })",
                                          kHarmonised, "}"));
}

class OpenHouseTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(CommandOf(Bureau(), kFramework));
    for (const char* municipality : {"Delft", "Den Haag"}) {
      const v1::Actor actor = Actor(municipality, v1::ROLE_MUNICIPALITY);
      const std::string who = absl::StrCat("municipality: '", municipality, "' year: 2016");
      Accept(CommandOf(actor, absl::StrCat("set_budget { ", who, " amount_cents: 2000000000 ",
                                           "source: BUDGET_SOURCE_MAY_CIRCULAR }")));
      Accept(CommandOf(actor, absl::StrCat("submit_local_plan { ", who,
                                           " lots { lot: 'ambulatory' amount_cents: 300000000 }",
                                           " lots { lot: 'housing' amount_cents: 50000000 }",
                                           " lots { lot: 'specialist' amount_cents: 50000000 }",
                                           " }")));
    }
    v1::PurchaseOrderRecord& order = state_.purchase_orders[2016];
    order.set_year(2016);
    for (const char* lot : {"ambulatory:600000000", "housing:100000000", "specialist:100000000"}) {
      const std::string text = lot;
      const size_t colon = text.find(':');
      *order.add_lots() = ParseText<v1::LotAmount>(absl::StrCat(
          "lot: '", text.substr(0, colon), "' amount_cents: ", text.substr(colon + 1)));
    }
    for (const char* id : {"p1", "p2", "p3"}) {
      Accept(CommandOf(Bureau(), absl::StrCat("register_provider { provider_id: '", id,
                                              "' name: 'Provider ", id, "' }")));
    }
    Accept(PublishOpenHouse());
  }

  const v1::TenderRecord& Procedure() { return state_.tenders.at("oh1"); }
};

// publish_tender

TEST_F(OpenHouseTest, PublishOpenHouseProducesTenderPublishedWithItsChecklistAndNoDeadline) {
  v1::Command publish = PublishOpenHouse();
  publish.mutable_publish_tender()->set_tender_id("oh2");
  publish.mutable_publish_tender()->set_ceiling_cents(100000000);
  EXPECT_THAT(DecideOne(publish), EqualsProto(ParseText<v1::Event>(R"pb(
                tender_published {
                  tender_id: "oh2"
                  lot: "ambulatory"
                  year: 2016
                  procedure: TENDER_PROCEDURE_OPEN_HOUSE
                  funding_model: FUNDING_MODEL_PER_UNIT
                  ceiling_cents: 100000000
                  requirements: [ "quality mark", "certified staff" ]
                })pb")));
}

TEST_F(OpenHouseTest, PublishOpenHouseIsRefusedWhenARuleIsBroken) {
  auto body = [](C& c) { return c.mutable_publish_tender(); };
  v1::Command base = PublishOpenHouse();
  body(base)->set_tender_id("oh2");
  body(base)->set_ceiling_cents(100000000);
  ExpectRefusals(
      base,
      {
          {"admission is per unit",
           [&](C& c, S&) { body(c)->set_funding_model(v1::FUNDING_MODEL_LUMP_SUM); },
           Broken("funding_model: an open-house procedure admits at the harmonised tariffs per "
                  "unit; expected per_unit, got lump_sum")},
          {"the lot has harmonised tariffs", [&](C& c, S&) { body(c)->set_lot("housing"); },
           Broken("lot: lot 'housing' has no harmonised tariffs")},
          {"a checklist is given", [&](C& c, S&) { body(c)->clear_requirements(); },
           Invalid("requirements: expected the quality requirements an admitted provider meets, "
                   "got none")},
          {"each requirement once",
           [&](C& c, S&) { body(c)->set_requirements(1, "quality mark"); },
           Invalid("requirements[1]: 'quality mark' appears twice")},
          {"a requirement says something", [&](C& c, S&) { body(c)->set_requirements(1, ""); },
           Invalid("requirements[1]")},
          {"a deadline, when given, is not past",
           [&](C& c, S&) { body(c)->set_deadline("2016-01-15"); },
           Broken("deadline: expected a day on or after 2016-02-01")},
          {"a competitive tender has no checklist",
           [&](C& c, S&) { body(c)->set_procedure(v1::TENDER_PROCEDURE_COMPETITIVE); },
           Invalid("requirements: a competitive tender has no admission checklist, got 2")},
      });
}

// apply_for_admission

TEST_F(OpenHouseTest, ApplyForAdmissionProducesAdmissionApplied) {
  EXPECT_THAT(DecideOne(Apply("p1", "a1")), EqualsProto(ParseText<v1::Event>(R"pb(
                admission_applied { tender_id: "oh1" application_id: "a1" provider_id: "p1" }
              )pb")));
}

TEST_F(OpenHouseTest, AProviderMayApplyAnyTimeTheProcedureIsOpen) {
  v1::Command late = Apply("p1", "a1");
  On(late, 2016, 11, 30);  // the procedure has no deadline
  Accept(late);
  ASSERT_EQ(Procedure().bids_size(), 1);
  EXPECT_THAT(Procedure().bids(0), EqualsProto(ParseText<v1::BidRecord>(
                                       R"pb(bid_id: "a1" provider_id: "p1")pb")));
}

TEST_F(OpenHouseTest, ApplyForAdmissionIsRefusedWhenARuleIsBroken) {
  Accept(Apply("p2", "a2"));
  auto body = [](C& c) { return c.mutable_apply_for_admission(); };
  ExpectRefusals(
      Apply("p1", "a1"),
      {
          {"a provider applies for itself", [](C& c, S&) { *c.mutable_actor() = Provider("p3"); },
           Denied("role rule: only provider 'p1' itself may apply for its admission; actor 'p3'")},
          {"the bureau does not apply for a provider",
           [](C& c, S&) { *c.mutable_actor() = Bureau(); },
           Denied("only provider 'p1' itself may apply")},
          {"the provider is registered",
           [&](C& c, S&) {
             body(c)->set_provider_id("p9");
             *c.mutable_actor() = Provider("p9");
           },
           Unknown("'p9'")},
          {"a failed provider is not admitted",
           [](C&, S& s) {
             s.providers["p1"].set_failed(true);
             s.providers["p1"].set_failed_on("2016-01-20");
           },
           Broken("provider 'p1' failed on 2016-01-20; it cannot be admitted")},
          {"the procedure exists", [&](C& c, S&) { body(c)->set_tender_id("t9"); },
           Unknown("'t9' is not a tender")},
          {"a competitive tender takes bids",
           [](C&, S& s) { s.tenders["oh1"].set_procedure(v1::TENDER_PROCEDURE_COMPETITIVE); },
           Broken("tender 'oh1' is competitive, not an open-house procedure; submit_bid instead")},
          {"the procedure is open",
           [](C&, S& s) { s.tenders["oh1"].set_status(v1::TENDER_STATUS_CANCELLED); },
           Broken("open-house procedure 'oh1' is cancelled")},
          {"the window, when it closes, is open",
           [](C&, S& s) { s.tenders["oh1"].set_deadline("2016-01-31"); },
           Broken("the admission window of 'oh1' closed on 2016-01-31; the application arrived "
                  "2016-02-01")},
          {"an application has an id", [&](C& c, S&) { body(c)->set_application_id(""); },
           Invalid("application_id")},
          {"application ids are unique", [&](C& c, S&) { body(c)->set_application_id("a2"); },
           Broken("application_id: 'a2' is already an application to 'oh1'")},
          {"one pending application a provider",
           [&](C& c, S&) {
             body(c)->set_provider_id("p2");
             *c.mutable_actor() = Provider("p2");
           },
           Broken("provider 'p2' already applied to 'oh1' (application 'a2', awaiting "
                  "assessment)")},
      });
}

TEST_F(OpenHouseTest, AProviderNotAdmittedMayApplyAgainButAnAdmittedOneNot) {
  Accept(Apply("p1", "a1"));
  Accept(Assess("a1", /*certified=*/false));
  Accept(Apply("p1", "a2"));
  Accept(Assess("a2"));
  EXPECT_THAT(Decide(state_, Apply("p1", "a3")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("provider 'p1' already applied to 'oh1' (application 'a2', "
                                 "admitted)")));
}

// assess_application

TEST_F(OpenHouseTest, AssessApplicationAdmitsWhenEveryRequirementIsMet) {
  Accept(Apply("p1", "a1"));
  EXPECT_THAT(DecideOne(Assess("a1")), EqualsProto(ParseText<v1::Event>(R"pb(
                application_assessed {
                  tender_id: "oh1"
                  application_id: "a1"
                  provider_id: "p1"
                  assessments { requirement: "quality mark" met: true }
                  assessments { requirement: "certified staff" met: true }
                  admitted: true
                })pb")));
}

TEST_F(OpenHouseTest, AssessApplicationDoesNotAdmitWhenARequirementIsNotMet) {
  Accept(Apply("p1", "a1"));
  Accept(Assess("a1", /*certified=*/false));
  const v1::BidRecord& application = Procedure().bids(0);
  EXPECT_TRUE(application.assessed());
  EXPECT_FALSE(application.admitted());
  ASSERT_EQ(application.assessments_size(), 2);
  EXPECT_EQ(application.assessments(1).note(), "no BIG registration");
}

TEST_F(OpenHouseTest, AssessApplicationIsRefusedWhenARuleIsBroken) {
  Accept(Apply("p1", "a1"));
  Accept(Apply("p2", "a2"));
  Accept(Assess("a2"));
  auto body = [](C& c) { return c.mutable_assess_application(); };
  ExpectRefusals(
      Assess("a1"),
      {
          {"only the bureau assesses", [](C& c, S&) { *c.mutable_actor() = Provider("p1"); },
           Denied("role rule: only the bureau may assess an application")},
          {"the procedure is open house",
           [](C&, S& s) { s.tenders["oh1"].set_procedure(v1::TENDER_PROCEDURE_COMPETITIVE); },
           Broken("is competitive, not an open-house procedure; a competitive tender's bids are "
                  "awarded")},
          {"the application exists", [&](C& c, S&) { body(c)->set_application_id("a9"); },
           Unknown("application_id: 'a9' is not an application to 'oh1'")},
          {"an application is assessed once",
           [&](C& c, S&) { body(c)->set_application_id("a2"); },
           Broken("application 'a2' is already assessed (admitted)")},
          {"the provider has not failed",
           [](C&, S& s) {
             s.providers["p1"].set_failed(true);
             s.providers["p1"].set_failed_on("2016-01-20");
           },
           Broken("provider 'p1' failed on 2016-01-20")},
          {"only the procedure's requirements",
           [&](C& c, S&) { body(c)->mutable_assessments(0)->set_requirement("cheap"); },
           Invalid("assessments[0].requirement: 'cheap' is not a requirement of 'oh1' "
                   "(quality mark; certified staff)")},
          {"each requirement once",
           [&](C& c, S&) { body(c)->mutable_assessments(1)->set_requirement("quality mark"); },
           Invalid("assessments[1].requirement: 'quality mark' is assessed twice")},
          {"every requirement assessed",
           [&](C& c, S&) { body(c)->mutable_assessments()->RemoveLast(); },
           Invalid("assessments: requirement 'certified staff' of 'oh1' is not assessed")},
          {"a requirement not met says what is missing",
           [&](C& c, S&) { body(c)->mutable_assessments(0)->set_met(false); },
           Invalid("assessments[0].note")},
      });
}

// close_admission

v1::Command CloseAdmission() {
  v1::Command command = CommandOf(
      Bureau(), R"(close_admission { tender_id: "oh1" reason: "the framework's last year" })");
  On(command, 2016, 6, 30);
  return command;
}

TEST_F(OpenHouseTest, CloseAdmissionProducesAdmissionClosedOnTheCommandsDay) {
  EXPECT_THAT(DecideOne(CloseAdmission()), EqualsProto(ParseText<v1::Event>(R"pb(
                admission_closed {
                  tender_id: "oh1"
                  reason: "the framework's last year"
                  closed_on: "2016-06-30"
                })pb")));
}

TEST_F(OpenHouseTest, AClosedAdmissionTakesNoApplicationsButFinishesThoseItReceived) {
  Accept(Apply("p1", "a1"));
  Accept(Apply("p2", "a2"));
  Accept(Assess("a2"));
  Accept(CloseAdmission());
  EXPECT_EQ(Procedure().status(), v1::TENDER_STATUS_CLOSED);
  EXPECT_EQ(Procedure().closed_on(), "2016-06-30");
  v1::Command late = Apply("p3", "a3");
  On(late, 2016, 7, 1);
  EXPECT_THAT(Decide(state_, late),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("open-house procedure 'oh1' closed on 2016-06-30 and takes no "
                                 "more applications")));
  v1::Command assess = Assess("a1");
  On(assess, 2016, 7, 1);
  Accept(assess);
  for (const auto& [contract, provider, application] :
       std::vector<std::tuple<std::string, std::string, std::string>>{{"k1", "p1", "a1"},
                                                                      {"k2", "p2", "a2"}}) {
    v1::Command sign = Sign(contract, provider, application);
    On(sign, 2016, 7, 1);
    sign.mutable_sign_contract()->set_term_start("2016-07-01");
    Accept(sign);
  }
  EXPECT_EQ(state_.contracts.size(), 2u);
}

TEST_F(OpenHouseTest, CloseAdmissionIsRefusedWhenARuleIsBroken) {
  auto body = [](C& c) { return c.mutable_close_admission(); };
  ExpectRefusals(
      CloseAdmission(),
      {
          {"only the bureau closes", [](C& c, S&) { *c.mutable_actor() = Provider("p1"); },
           Denied("role rule: only the bureau may close an admission")},
          {"the procedure exists", [&](C& c, S&) { body(c)->set_tender_id("t9"); },
           Unknown("'t9' is not a tender")},
          {"a competitive tender is awarded or cancelled",
           [](C&, S& s) { s.tenders["oh1"].set_procedure(v1::TENDER_PROCEDURE_COMPETITIVE); },
           Broken("is competitive, not an open-house procedure; award_tender or cancel_tender "
                  "instead")},
          {"an admission closes once",
           [](C&, S& s) {
             s.tenders["oh1"].set_status(v1::TENDER_STATUS_CLOSED);
             s.tenders["oh1"].set_closed_on("2016-03-01");
           },
           Broken("closed on 2016-03-01")},
          {"a cancelled procedure does not close",
           [](C&, S& s) { s.tenders["oh1"].set_status(v1::TENDER_STATUS_CANCELLED); },
           Broken("open-house procedure 'oh1' is cancelled")},
          {"with a reason", [&](C& c, S&) { body(c)->clear_reason(); },
           Invalid("reason: expected why the admission closes, got ''")},
      });
}

// An open house is not a competition.

TEST_F(OpenHouseTest, AnOpenHouseTakesNoBidsAndNoAward) {
  v1::Command bid = CommandOf(Provider("p1"), R"(submit_bid { tender_id: "oh1" bid_id: "b1"
    provider_id: "p1" amount_cents: 100000000
    tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 8500 } })");
  EXPECT_THAT(Decide(state_, bid),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("'oh1' is an open-house procedure: providers apply_for_admission "
                                 "and are admitted at the harmonised tariffs; they do not bid")));
  Accept(Apply("p1", "a1"));
  v1::Command award = CommandOf(Bureau(), R"(award_tender { tender_id: "oh1" bid_ids: "a1" })");
  EXPECT_THAT(Decide(state_, award),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("'oh1' is an open-house procedure: it admits providers one by "
                                 "one (assess_application)")));
}

// sign_contract of an admitted provider

TEST_F(OpenHouseTest, AnAdmittedProviderIsContractedAtTheHarmonisedTariffs) {
  Accept(Apply("p1", "a1"));
  Accept(Assess("a1"));
  Accept(Sign("k1", "p1", "a1"));
  EXPECT_EQ(state_.contracts.at("k1").bid_id(), "a1");
  EXPECT_EQ(Procedure().bids(0).contract_id(), "k1");
  // The procedure stays open for the next provider.
  EXPECT_EQ(Procedure().status(), v1::TENDER_STATUS_OPEN);
  Accept(Apply("p2", "a2"));
  Accept(Assess("a2"));
  Accept(Sign("k2", "p2", "a2"));
}

TEST_F(OpenHouseTest, SignContractOfAnAdmissionIsRefusedWhenARuleIsBroken) {
  Accept(Apply("p1", "a1"));
  Accept(Assess("a1"));
  Accept(Apply("p2", "a2"));
  Accept(Assess("a2", /*certified=*/false));
  Accept(Apply("p3", "a3"));
  auto body = [](C& c) { return c.mutable_sign_contract(); };
  ExpectRefusals(
      Sign("k1", "p1", "a1"),
      {
          {"an application not admitted",
           [&](C& c, S&) {
             body(c)->set_bid_id("a2");
             body(c)->set_provider_id("p2");
           },
           Broken("bid_id: application 'a2' to 'oh1' is assessed and not admitted; only an "
                  "admitted provider is contracted")},
          {"an application not assessed",
           [&](C& c, S&) {
             body(c)->set_bid_id("a3");
             body(c)->set_provider_id("p3");
           },
           Broken("bid_id: application 'a3' to 'oh1' is not assessed yet")},
          {"the admitted provider itself",
           [&](C& c, S&) { body(c)->set_provider_id("p3"); }, Broken("provider 'p3'")},
          {"the procedure's lot", [&](C& c, S&) { body(c)->set_lot("housing"); },
           Broken("lot: tender 'oh1' is for lot 'ambulatory', got 'housing'")},
          {"at the harmonised tariff",
           [&](C& c, S&) { body(c)->mutable_tariffs(0)->set_tariff_cents(9000); },
           Broken("tariffs[0].tariff_cents: 90.00 for product '45A12' differs from the "
                  "harmonised tariff 85.00 of lot 'ambulatory'")},
          {"every harmonised tariff", [&](C& c, S&) { body(c)->mutable_tariffs()->RemoveLast(); },
           Broken("tariffs: expected the 2 harmonised tariffs of lot 'ambulatory', got 1")},
          {"a term in the procedure's year",
           [&](C& c, S&) {
             body(c)->set_term_start("2017-01-01");
             body(c)->set_term_end("2017-06-30");
           },
           Broken("term_start: 2017-01-01 is not in 2016, the year of the admission of "
                  "application 'a1' to 'oh1'")},
      });
}

TEST_F(OpenHouseTest, TheAdmittedProvidersContractsStayWithinTheProceduresCeiling) {
  for (const char* p : {"p1", "p2"}) {
    const std::string application = absl::StrCat("a-", p);
    Accept(Apply(p, application));
    Accept(Assess(application));
  }
  Accept(Sign("k1", "p1", "a-p1"));  // 2,000,000.00 of the 4,000,000.00
  v1::Command second = Sign("k2", "p2", "a-p2");
  second.mutable_sign_contract()->mutable_ceilings(0)->set_ceiling_cents(150000000);
  second.mutable_sign_contract()->mutable_ceilings(1)->set_ceiling_cents(100000000);
  EXPECT_THAT(Decide(state_, second),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("ceilings: the ceilings of 2016 of the contracts of open-house "
                                 "procedure 'oh1' would sum to 4,500,000.00, above its ceiling "
                                 "4,000,000.00")));
  second.mutable_sign_contract()->mutable_ceilings(0)->set_ceiling_cents(100000000);
  EXPECT_THAT(Decide(state_, second), IsOk());
}

TEST_F(OpenHouseTest, AContractedApplicationCannotBeWithdrawnNorTheProcedureCancelled) {
  Accept(Apply("p1", "a1"));
  Accept(Assess("a1"));
  Accept(Sign("k1", "p1", "a1"));
  v1::Command cancel = CommandOf(Bureau(), R"(cancel_tender { tender_id: "oh1" reason: "x" })");
  EXPECT_THAT(Decide(state_, cancel),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("tender 'oh1' is carried out by contract(s) k1")));
}

// Harmonised tariffs in competitive tenders and contracts

TEST_F(OpenHouseTest, ACompetitiveBidUsesTheHarmonisedTariffsUnlessTheLotNegotiates) {
  Accept(CommandOf(Bureau(), R"(publish_tender { tender_id: "t1" lot: "ambulatory" year: 2016
    procedure: TENDER_PROCEDURE_COMPETITIVE funding_model: FUNDING_MODEL_PER_UNIT
    ceiling_cents: 100000000 deadline: "2016-03-01" })"));
  Accept(CommandOf(Bureau(), R"(publish_tender { tender_id: "t2" lot: "specialist" year: 2016
    procedure: TENDER_PROCEDURE_COMPETITIVE funding_model: FUNDING_MODEL_PER_UNIT
    ceiling_cents: 100000000 deadline: "2016-03-01" })"));
  auto bid = [](const std::string& tender, const std::string& product, int64_t cents) {
    return CommandOf(Provider("p1"),
                     absl::StrCat("submit_bid { tender_id: '", tender, "' bid_id: 'b-", tender,
                                  "' provider_id: 'p1' amount_cents: 50000000 tariffs { ",
                                  "product_code: '", product, "' unit: ",
                                  product == "43A11" ? "UNIT_DAY" : "UNIT_HOUR",
                                  " tariff_cents: ", cents, " } }"));
  };
  EXPECT_THAT(Decide(state_, bid("t1", "45A12", 9000)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("tariffs[0].tariff_cents: 90.00 for product '45A12' differs "
                                 "from the harmonised tariff 85.00 of lot 'ambulatory', which "
                                 "does not allow negotiated tariffs")));
  EXPECT_THAT(Decide(state_, bid("t1", "45A12", 8500)), IsOk());
  EXPECT_THAT(Decide(state_, bid("t2", "43A11", 27000)), IsOk());  // negotiated
  EXPECT_THAT(Decide(state_, bid("t2", "43A11", 29000)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("exceeds the maximum")));
}

TEST_F(OpenHouseTest, AContractWithoutTenderUsesTheHarmonisedTariffs) {
  v1::Command sign = CommandOf(Bureau(), absl::StrCat(R"(sign_contract { contract_id: "k9"
    provider_id: "p3" lot: "ambulatory" funding_model: FUNDING_MODEL_PER_UNIT
    term_start: "2016-03-01" term_end: "2016-12-31"
    ceilings { municipality: "Delft" ceiling_cents: 10000000 })",
                                                      kHarmonised, "}"));
  EXPECT_THAT(Decide(state_, sign), IsOk());
  sign.mutable_sign_contract()->mutable_tariffs(1)->set_tariff_cents(10000);
  EXPECT_THAT(Decide(state_, sign),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("tariffs[1].tariff_cents: 100.00 for product '45A13' differs "
                                 "from the harmonised tariff 104.00")));
}

// adopt_framework: harmonised tariffs

TEST(HarmonisedTariffs, AreRefusedUnlessWithinTheLotsMaximaOncePerProduct) {
  const std::string base = R"(adopt_framework { framework_id: "F"
    municipalities: "Delft" lots { code: "ambulatory" }
    period_start: "2016-01-01" period_end: "2016-12-31"
    lot_rules { lot: "ambulatory" funding_models: FUNDING_MODEL_PER_UNIT
      max_tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 9500 } )";
  struct Case {
    const char* harmonised;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"harmonised_tariffs { product_code: '45A99' unit: UNIT_HOUR tariff_cents: 100 }",
       "lot_rules[0].harmonised_tariffs[0].product_code: expected a product of max_tariffs, got "
       "'45A99'"},
      {"harmonised_tariffs { product_code: '45A12' unit: UNIT_DAY tariff_cents: 100 }",
       "lot_rules[0].harmonised_tariffs[0].unit: expected hour as in max_tariffs, got day"},
      {"harmonised_tariffs { product_code: '45A12' unit: UNIT_HOUR tariff_cents: 9600 }",
       "lot_rules[0].harmonised_tariffs[0].tariff_cents: expected at most the maximum 9500, got "
       "9600"},
      {"harmonised_tariffs { product_code: '45A12' unit: UNIT_HOUR tariff_cents: -1 }",
       "lot_rules[0].harmonised_tariffs[0].tariff_cents"},
      {"harmonised_tariffs { product_code: '45A12' unit: UNIT_HOUR tariff_cents: 9000 } "
       "harmonised_tariffs { product_code: '45A12' unit: UNIT_HOUR tariff_cents: 9000 }",
       "lot_rules[0].harmonised_tariffs[1].product_code: '45A12' appears twice"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.harmonised);
    RegionState state;
    state.region = ::inkoop::testing::kTestRegion;
    v1::Command adopt = CommandOf(Bureau(), absl::StrCat(base, c.harmonised, " } }"));
    EXPECT_THAT(Decide(state, adopt),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  }
}

}  // namespace
}  // namespace inkoop
