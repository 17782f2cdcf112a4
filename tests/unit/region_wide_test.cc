// Decide/Evolve for region-wide contracts: a contract with a region ceiling
// that every member may claim on, the municipalities' own ceilings within
// it, and claims of members without a ceiling committed on their plans.
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/commitment.h"
#include "engine/domain/decide.h"
#include "engine/domain/snapshot.h"
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
using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::Invalid;
using ::inkoop::testing::On;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::Provider;
using ::inkoop::testing::Refusal;
using ::inkoop::testing::StatusIs;
using ::inkoop::testing::Unknown;
using ::testing::HasSubstr;

// w1: the region-wide fan of ambulatory care in 2016, 400,000.00 for the
// region, of which Den Haag has 100,000.00 of its own. The same text is the
// payload of the ContractSigned it causes.
constexpr char kFan[] = R"(
  contract_id: "w1" provider_id: "p1" lot: "ambulatory" funding_model: FUNDING_MODEL_PER_UNIT
  term_start: "2016-01-01" term_end: "2016-12-31" region_ceiling_cents: 40000000
  ceilings { municipality: "Den Haag" ceiling_cents: 10000000 }
  tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8500 })";

v1::Command Sign() { return CommandOf(Bureau(), absl::StrCat("sign_contract {", kFan, "}")); }

// 12 hours of 45A48 in January 2016 (1,020.00) for `municipality`, under
// its assignment "a-<municipality>".
v1::Command Claim(const std::string& municipality, const std::string& claim_id = "k1") {
  return CommandOf(Provider("p1"),
                   absl::StrCat("record_claim { claim_id: '", claim_id,
                                "' contract_id: 'w1' municipality: '", municipality,
                                "' assignment_id: 'a-", municipality, "' period_start: '2016-01-01' period_end: '2016-01-31' "
                                "product_code: '45A48' units: 12 amount_cents: 102000 }"));
}

// Claimed so far on w1 by `municipality` in 2016, as the claims concern records it.
void Claimed(RegionState& state, const std::string& municipality, int64_t cents) {
  *state.contracts["w1"].add_claimed() = ParseText<v1::ClaimedYear>(
      absl::StrCat("municipality: '", municipality, "' year: 2016 claimed_cents: ", cents));
}

// Plans on lot ambulatory in 2016: Delft and Den Haag 3,000,000.00,
// Rijswijk 500.00; Leidschendam has none.
class RegionWideTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(CommandOf(Bureau(), R"(adopt_framework {
      framework_id: "H10-2016" municipalities: [ "Den Haag", "Delft", "Rijswijk", "Leidschendam" ]
      lots { code: "ambulatory" } period_start: "2016-01-01" period_end: "2017-12-31"
      lot_rules { lot: "ambulatory" funding_models: FUNDING_MODEL_PER_UNIT
        max_tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 9000 } } })"));
    Fund("Delft", 300000000);
    Fund("Den Haag", 300000000);
    Fund("Rijswijk", 50000);
    state_.providers["p1"].set_provider_id("p1");
    // Each member's client on w1, started, with room for any volume (the
    // rules of assignments: assignments_test.cc).
    for (const char* m : {"Den Haag", "Delft", "Rijswijk", "Leidschendam"}) {
      state_.assignments[absl::StrCat("a-", m)] = ParseText<v1::AssignmentRecord>(absl::StrCat(
          "assignment_id: 'a-", m, "' contract_id: 'w1' provider_id: 'p1' municipality: '", m,
          "' product_code: '45A48' volume: 1000000 period_start: '2016-01-01' "
          "period_end: '2016-12-31' status: ASSIGNMENT_STATUS_STARTED started_on: '2016-01-01'"));
    }
  }

  void Fund(const std::string& municipality, int64_t cents) {
    const v1::Actor actor = Actor(municipality, v1::ROLE_MUNICIPALITY);
    const std::string who = absl::StrCat("municipality: '", municipality, "' year: 2016");
    Accept(CommandOf(actor, absl::StrCat("set_budget { ", who, " amount_cents: 1000000000 ",
                                         "source: BUDGET_SOURCE_MAY_CIRCULAR }")));
    Accept(CommandOf(actor, absl::StrCat("submit_local_plan { ", who,
                                         " lots { lot: 'ambulatory' amount_cents: ", cents,
                                         " } }")));
  }

  int64_t Committed(const std::string& municipality) {
    return state_.municipalities[municipality].years[2016].lots["ambulatory"].committed_cents;
  }
};

TEST_F(RegionWideTest, SigningCommitsOnlyTheMunicipalitiesOwnCeilings) {
  EXPECT_THAT(DecideOne(Sign()),
              EqualsProto(ParseText<v1::Event>(absl::StrCat("contract_signed {", kFan, " registration_days: 7 }"))));
  Accept(Sign());
  EXPECT_EQ(state_.contracts.at("w1").region_ceiling_cents(), 40000000);
  EXPECT_EQ(Committed("Den Haag"), 10000000);
  EXPECT_EQ(Committed("Delft"), 0);
  EXPECT_EQ(RegionCapOf(state_.contracts.at("w1"), 2016), 40000000);
}

TEST_F(RegionWideTest, ARegionCeilingHalfAYearCapsHalfOfIt) {
  v1::Command sign = Sign();
  sign.mutable_sign_contract()->set_term_start("2016-07-01");
  Accept(sign);
  // 184 of 366 days.
  EXPECT_EQ(RegionCapOf(state_.contracts.at("w1"), 2016), 40000000LL * 184 / 366);
}

TEST_F(RegionWideTest, SigningIsRefusedWithTheRuleItBreaks) {
  ExpectRefusals(Sign(), {
      {"negative region ceiling",
       [](v1::Command& c, RegionState&) {
         c.mutable_sign_contract()->set_region_ceiling_cents(-1);
       },
       Invalid("region_ceiling_cents")},
      {"own ceilings above the region ceiling",
       [](v1::Command& c, RegionState&) {
         c.mutable_sign_contract()->mutable_ceilings(0)->set_ceiling_cents(40000001);
       },
       Broken("sum to 400,000.01, above the region ceiling 400,000.00 of contract 'w1'")},
      {"neither ceilings nor a region ceiling",
       [](v1::Command& c, RegionState&) {
         c.mutable_sign_contract()->set_region_ceiling_cents(0);
         c.mutable_sign_contract()->clear_ceilings();
       },
       Invalid("at least one municipality (or region_ceiling_cents")},
  });
}

TEST_F(RegionWideTest, AnAwardBindsTheRegionCeiling) {
  state_.tenders["t1"] = ParseText<v1::TenderRecord>(R"(tender_id: "t1" lot: "ambulatory"
      year: 2016 status: TENDER_STATUS_AWARDED awarded_provider_ids: "p1" awarded_bid_ids: "b1"
      funding_model: FUNDING_MODEL_PER_UNIT ceiling_cents: 50000000
      bids { bid_id: "b1" provider_id: "p1" amount_cents: 30000000
             tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8500 } })");
  v1::Command sign = Sign();
  sign.mutable_sign_contract()->set_tender_id("t1");
  sign.mutable_sign_contract()->set_bid_id("b1");
  EXPECT_THAT(Decide(state_, sign), StatusIs(absl::StatusCode::kFailedPrecondition,
                                             HasSubstr("sum to 400,000.00, above")));
  sign.mutable_sign_contract()->set_region_ceiling_cents(30000000);
  EXPECT_THAT(Decide(state_, sign).status(), ::inkoop::testing::IsOk());
}

TEST_F(RegionWideTest, AMemberWithoutACeilingClaimsAndCommitsOnItsOwnPlan) {
  Accept(Sign());
  Accept(Claim("Delft"));
  EXPECT_EQ(Committed("Delft"), 102000);
  EXPECT_EQ(Committed("Den Haag"), 10000000);
  EXPECT_EQ(ClaimedIn(state_.contracts.at("w1"), 2016), 102000);
  // The commitment is what CommitmentsOf derives again from the record.
  const Commitments commitments = CommitmentsOf(state_.contracts.at("w1"));
  EXPECT_EQ(commitments.at({"Delft", 2016}), 102000);
  EXPECT_EQ(commitments.at({"Den Haag", 2016}), 10000000);
}

TEST_F(RegionWideTest, AMemberWithACeilingClaimsWithinItAndCommitsNothingMore) {
  Accept(Sign());
  Accept(Claim("Den Haag"));
  EXPECT_EQ(Committed("Den Haag"), 10000000);
}

TEST_F(RegionWideTest, AClaimIsRefusedWithTheRuleItBreaks) {
  Accept(Sign());
  ExpectRefusals(Claim("Delft"), {
      {"above the region ceiling",
       [](v1::Command&, RegionState& s) { Claimed(s, "Den Haag", 39950000); },
       Broken("claim of 1,020.00 on region-wide contract 'w1' in 2016 would exceed its region "
              "ceiling 400,000.00 (claimed so far by all members 399,500.00)")},
      {"no room on the member's plan",
       [](v1::Command& c, RegionState&) {
         c.mutable_record_claim()->set_municipality("Rijswijk");
         c.mutable_record_claim()->set_assignment_id("a-Rijswijk");
       },
       Broken("claim of 1,020.00 by Rijswijk on region-wide contract 'w1' commits on its own "
              "plan, which has no room: lot 'ambulatory' of Rijswijk 2016")},
      {"a member without a plan",
       [](v1::Command& c, RegionState&) {
         c.mutable_record_claim()->set_municipality("Leidschendam");
         c.mutable_record_claim()->set_assignment_id("a-Leidschendam");
       },
       Broken("no local procurement plan")},
      {"not a member",
       [](v1::Command& c, RegionState&) { c.mutable_record_claim()->set_municipality("Leiden"); },
       Unknown("municipality: 'Leiden' is not a municipality of region 'haaglanden'")},
      {"a member with a ceiling beyond it",
       [](v1::Command& c, RegionState& s) {
         c.mutable_record_claim()->set_municipality("Den Haag");
         c.mutable_record_claim()->set_assignment_id("a-Den Haag");
         Claimed(s, "Den Haag", 9950000);
       },
       Broken("would exceed the ceiling 100,000.00")},
  });
}

TEST_F(RegionWideTest, TerminationKeepsWhatMembersClaimed) {
  Accept(Sign());
  Accept(Claim("Delft"));
  v1::Command terminate = CommandOf(
      Bureau(), "terminate_contract { contract_id: 'w1' reason: 'quality' effective_on: "
                "'2016-07-01' }");
  Accept(terminate);
  EXPECT_EQ(Committed("Delft"), 102000);
  // Den Haag keeps 182 of 366 days of its own ceiling.
  EXPECT_EQ(Committed("Den Haag"), 10000000LL * 182 / 366);
  EXPECT_EQ(RegionCapOf(state_.contracts.at("w1"), 2016), 40000000LL * 182 / 366);
}

TEST_F(RegionWideTest, ATransferGivesAMemberWithoutACeilingOneAboveWhatItClaimed) {
  Accept(Sign());
  Accept(Claim("Delft"));
  // p2 fails on 1 March 2016 with a contract for Delft; its clients move to w1.
  state_.providers["p2"].set_provider_id("p2");
  Accept(CommandOf(Bureau(), R"(sign_contract {
    contract_id: "c2" provider_id: "p2" lot: "ambulatory" funding_model: FUNDING_MODEL_PER_UNIT
    term_start: "2016-01-01" term_end: "2016-12-31"
    ceilings { municipality: "Delft" ceiling_cents: 3660000 }
    tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 8500 } })"));
  v1::Command failure = CommandOf(
      Bureau(), "declare_provider_failure { provider_id: 'p2' failed_on: '2016-03-01' "
                "reason: FAILURE_REASON_BANKRUPTCY explanation: 'declared bankrupt' }");
  On(failure, 2016, 3, 1);
  Accept(failure);
  v1::Command transfer = CommandOf(
      Bureau(), "transfer_clients { case_id: 'c2/Delft' to_contract_id: 'w1' client_count: 1 "
                "client_ids: ['cl-000001'] ceiling_cents: 500000 }");
  On(transfer, 2016, 3, 2);
  const int64_t before = Committed("Delft");
  Accept(transfer);
  // Delft's new ceiling on w1 starts from the 1,020.00 it claimed.
  EXPECT_EQ(YearCeilingOf(state_.contracts.at("w1"), "Delft", 2016), 102000 + 500000);
  EXPECT_EQ(Committed("Delft"), before + 500000);
  // Transfers stay within the region ceiling with Den Haag's own 100,000.00.
  ExpectRefusals(transfer, {
      {"above the region ceiling",
       [](v1::Command&, RegionState& s) {
         s.contracts["w1"].set_region_ceiling_cents(10500000);
       },
       Broken("above the region ceiling 105,000.00 of contract 'w1'")},
  });
}

TEST_F(RegionWideTest, TheRegionCeilingSurvivesASnapshot) {
  Accept(Sign());
  Accept(Claim("Delft"));
  absl::StatusOr<RegionState> restored = FromSnapshot(ToSnapshot(state_));
  ASSERT_THAT(restored.status(), ::inkoop::testing::IsOk());
  EXPECT_EQ(restored->contracts.at("w1").region_ceiling_cents(), 40000000);
  EXPECT_EQ(restored->municipalities["Delft"].years[2016].lots["ambulatory"].committed_cents,
            102000);
}

}  // namespace
}  // namespace inkoop
