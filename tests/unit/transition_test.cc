// Decide/Evolve for transition arrangements beside successive frameworks:
// adopt_transition_arrangement and the contracts that name it.
#include "engine/domain/transition.h"

#include <string>

#include "absl/strings/str_cat.h"
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
using ::inkoop::testing::Denied;
using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::Invalid;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::Municipality;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::Unknown;

// 2015-2017 for focus providers p1 and p2 on ambulatory care. The same text
// is the payload of the TransitionArrangementAdopted it causes.
constexpr char kArrangement[] = R"(
  arrangement_id: "OVG-2015-2017" period_start: "2015-01-01" period_end: "2017-12-31"
  focus_providers: [ "p1", "p2" ] lots: "ambulatory"
  purpose: "care of clients in care on 31 December 2014 continues with their provider")";

v1::Command Adopt() {
  return CommandOf(Bureau(), absl::StrCat("adopt_transition_arrangement {", kArrangement, "}"));
}

// A contract of `provider` under the arrangement, 2015 to 2017, for Delft.
v1::Command Contract(const std::string& provider, const std::string& extra = "") {
  return CommandOf(
      Bureau(),
      absl::StrCat("sign_contract { contract_id: 'ovg-", provider, "' provider_id: '", provider,
                   "' lot: 'ambulatory' funding_model: FUNDING_MODEL_PER_UNIT "
                   "term_start: '2015-01-01' term_end: '2017-12-31' "
                   "arrangement_id: 'OVG-2015-2017' "
                   "ceilings { municipality: 'Delft' ceiling_cents: 1000000 } "
                   "tariffs { product_code: '45A12' unit: UNIT_HOUR tariff_cents: 9000 } ",
                   extra, " }"));
}

// Frameworks 2015-2016 and 2017-2018 with ambulatory care (2017-2018 also
// specialist care); Delft funds ambulatory care every year; providers p1,
// p2 and p3.
class TransitionTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(CommandOf(Bureau(), R"(adopt_framework {
      framework_id: "H10-2015-2016" municipalities: [ "Den Haag", "Delft" ]
      lots { code: "ambulatory" } period_start: "2015-01-01" period_end: "2016-12-31"
      lot_rules { lot: "ambulatory" funding_models: FUNDING_MODEL_PER_UNIT
        max_tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 9500 } } })"));
    Accept(CommandOf(Bureau(), R"(adopt_framework {
      framework_id: "H10-2017-2018" municipalities: [ "Den Haag", "Delft" ]
      lots { code: "ambulatory" } lots { code: "specialist" }
      period_start: "2017-01-01" period_end: "2018-12-31"
      lot_rules { lot: "ambulatory" funding_models: FUNDING_MODEL_PER_UNIT
        max_tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 9800 } } })"));
    for (const char* id : {"p1", "p2", "p3"}) state_.providers[id].set_provider_id(id);
    const v1::Actor delft = Municipality("Delft");
    for (int32_t year : {2015, 2016, 2017}) {
      const std::string who = absl::StrCat("municipality: 'Delft' year: ", year);
      Accept(CommandOf(delft, absl::StrCat("set_budget { ", who, " amount_cents: 100000000 ",
                                           "source: BUDGET_SOURCE_MAY_CIRCULAR }")));
      Accept(CommandOf(delft, absl::StrCat("submit_local_plan { ", who,
                                           " lots { lot: 'ambulatory' amount_cents: 5000000 } }")));
    }
  }

  int64_t Committed(int32_t year) {
    return state_.municipalities["Delft"].years[year].lots["ambulatory"].committed_cents;
  }
};

TEST_F(TransitionTest, AnArrangementIsAdoptedBesideTheFrameworks) {
  EXPECT_THAT(DecideOne(Adopt()), EqualsProto(ParseText<v1::Event>(absl::StrCat(
                                      "transition_arrangement_adopted {", kArrangement, "}"))));
  Accept(Adopt());
  ASSERT_TRUE(state_.framework.arrangements.contains("OVG-2015-2017"));
  // It stays with the region when another framework follows.
  Accept(CommandOf(Bureau(), R"(adopt_framework {
      framework_id: "H10-2019" municipalities: [ "Den Haag", "Delft" ]
      lots { code: "ambulatory" } period_start: "2019-01-01" period_end: "2019-12-31" })"));
  EXPECT_TRUE(state_.framework.arrangements.contains("OVG-2015-2017"));
  absl::StatusOr<RegionState> restored = FromSnapshot(ToSnapshot(state_));
  ASSERT_THAT(restored.status(), IsOk());
  EXPECT_EQ(ToSnapshot(*restored).SerializeAsString(), ToSnapshot(state_).SerializeAsString());
  EXPECT_TRUE(restored->framework.arrangements.contains("OVG-2015-2017"));
}

TEST_F(TransitionTest, AdoptingIsRefusedWithTheRuleItBreaks) {
  ExpectRefusals(Adopt(), {
      {"not the bureau",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Delft"); },
       Denied("adopt a transition arrangement")},
      {"already adopted",
       [](v1::Command&, RegionState& s) {
         s.framework.arrangements["OVG-2015-2017"].set_arrangement_id("OVG-2015-2017");
       },
       Broken("arrangement_id: 'OVG-2015-2017' is already adopted in region 'haaglanden'")},
      {"no purpose",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_transition_arrangement()->clear_purpose();
       },
       Invalid("purpose")},
      {"starting in a year without a framework",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_transition_arrangement()->set_period_start("2014-01-01");
       },
       Broken("got 2014")},
      {"a lot of no framework",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_transition_arrangement()->set_lots(0, "specialist");
       },
       Unknown("lots[0]: 'specialist' is not a lot of framework 'H10-2015-2016'")},
      {"an unregistered provider",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_transition_arrangement()->add_focus_providers("p9");
       },
       Unknown("p9")},
      {"a provider twice",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_transition_arrangement()->add_focus_providers("p1");
       },
       Invalid("focus_providers[2]: 'p1' appears twice")},
      {"no focus providers",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_transition_arrangement()->clear_focus_providers();
       },
       Invalid("focus_providers: expected at least one provider id, got none")},
  });
}

TEST_F(TransitionTest, AnArrangementMayRunPastTheFrameworksAdoptedSoFar) {
  v1::Command longer = Adopt();
  longer.mutable_adopt_transition_arrangement()->set_period_end("2020-12-31");
  Accept(longer);
  // A contract under it still needs a framework for every year of its term.
  v1::Command contract = Contract("p1");
  contract.mutable_sign_contract()->set_term_end("2019-12-31");
  EXPECT_THAT(Decide(state_, contract),
              ::inkoop::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                          ::testing::HasSubstr("got 2019")));
}

TEST_F(TransitionTest, AFocusProvidersContractRunsAcrossFrameworksAndCommitsEachYear) {
  Accept(Adopt());
  const v1::Event event = DecideOne(Contract("p1"));
  EXPECT_EQ(event.contract_signed().arrangement_id(), "OVG-2015-2017");
  Accept(Contract("p1"));
  EXPECT_EQ(state_.contracts.at("ovg-p1").arrangement_id(), "OVG-2015-2017");
  for (int32_t year : {2015, 2016, 2017}) EXPECT_EQ(Committed(year), 1000000) << year;
}

TEST_F(TransitionTest, AContractUnderAnArrangementIsRefusedWithTheRuleItBreaks) {
  Accept(Adopt());
  ExpectRefusals(Contract("p1"), {
      {"an unknown arrangement",
       [](v1::Command& c, RegionState&) { c.mutable_sign_contract()->set_arrangement_id("X"); },
       Unknown("arrangement_id: 'X' is not a transition arrangement of region 'haaglanden' "
               "(expected one of: OVG-2015-2017)")},
      {"not a focus provider",
       [](v1::Command& c, RegionState&) { c.mutable_sign_contract()->set_provider_id("p3"); },
       Broken("provider_id: 'p3' is not a focus provider of transition arrangement "
              "'OVG-2015-2017' (expected one of: p1, p2)")},
      {"beyond its period",
       [](v1::Command& c, RegionState&) {
         c.mutable_sign_contract()->set_term_end("2018-06-30");
       },
       Broken("term: 2015-01-01 to 2018-06-30 is not within the period of transition "
              "arrangement 'OVG-2015-2017' (2015-01-01 to 2017-12-31)")},
      {"with a tender",
       [](v1::Command& c, RegionState&) { c.mutable_sign_contract()->set_tender_id("t1"); },
       Invalid("continues existing care without a tender, got 't1'")},
  });
  // Without the arrangement the same term crosses from one framework into the next.
  v1::Command plain = Contract("p1");
  plain.mutable_sign_contract()->clear_arrangement_id();
  EXPECT_THAT(Decide(state_, plain),
              ::inkoop::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                          ::testing::HasSubstr("within framework 'H10-2015-2016'")));
}

TEST_F(TransitionTest, ExtendingStaysWithinTheArrangement) {
  Accept(Adopt());
  v1::Command shorter = Contract("p2");
  shorter.mutable_sign_contract()->set_term_end("2016-12-31");
  Accept(shorter);
  v1::Command extend =
      CommandOf(Bureau(), "extend_contract { contract_id: 'ovg-p2' term_end: '2017-12-31' }");
  EXPECT_THAT(Decide(state_, extend), IsOk());
  extend.mutable_extend_contract()->set_term_end("2018-03-31");
  EXPECT_THAT(Decide(state_, extend),
              ::inkoop::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                          ::testing::HasSubstr("not within the period of transition "
                                                               "arrangement 'OVG-2015-2017'")));
}

}  // namespace
}  // namespace inkoop
