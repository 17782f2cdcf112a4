// Decide/Evolve for successive frameworks of one region: adopt_framework of
// a successor, and every budget year decided by the lots, rules, members and
// claim window of the framework in force for it.
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/domain/decide.h"
#include "engine/domain/framework.h"
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
using ::inkoop::testing::On;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::Refusal;
using ::inkoop::testing::StatusIs;
using ::inkoop::testing::Unknown;
using ::testing::HasSubstr;

// The 2015-2016 framework: Den Haag and Delft, ambulatory care at most
// 95.00 an hour, the default claim window.
constexpr char kFirst[] = R"(adopt_framework {
  framework_id: "H10-2015-2016" municipalities: [ "Den Haag", "Delft" ]
  lots { code: "ambulatory" } period_start: "2015-01-01" period_end: "2016-12-31"
  lot_rules { lot: "ambulatory" funding_models: FUNDING_MODEL_PER_UNIT
    max_tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 9500 } } })";

// Its successor 2017-2018: Rijswijk joins, a specialist lot, ambulatory care
// at most 98.00 an hour, four weeks to claim. The same text is the payload
// of the FrameworkAdopted it causes (with `succeeds` added).
constexpr char kSecond[] = R"(
  framework_id: "H10-2017-2018" municipalities: [ "Den Haag", "Delft", "Rijswijk" ]
  lots { code: "ambulatory" } lots { code: "specialist" }
  period_start: "2017-01-01" period_end: "2018-12-31"
  lot_rules { lot: "ambulatory" funding_models: FUNDING_MODEL_PER_UNIT
    max_tariffs { product_code: "45A12" unit: UNIT_HOUR tariff_cents: 9800 } }
  claim_window_days: 28)";

v1::Command Successor() {
  v1::Command command = CommandOf(Bureau(), absl::StrCat("adopt_framework {", kSecond, "}"));
  On(command, 2016, 9, 1);
  return command;
}

// A per-unit contract on ambulatory care for Delft at `tariff` an hour.
v1::Command Contract(const std::string& id, const std::string& start, const std::string& end,
                     int64_t tariff) {
  v1::Command command = CommandOf(
      Bureau(), absl::StrCat("sign_contract { contract_id: '", id,
                             "' provider_id: 'p1' lot: 'ambulatory' funding_model: "
                             "FUNDING_MODEL_PER_UNIT term_start: '",
                             start, "' term_end: '", end,
                             "' ceilings { municipality: 'Delft' ceiling_cents: 1000000 } "
                             "tariffs { product_code: '45A12' unit: UNIT_HOUR tariff_cents: ",
                             tariff, " } }"));
  On(command, 2016, 9, 2);
  return command;
}

class SuccessiveFrameworksTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    v1::Command first = CommandOf(Bureau(), kFirst);
    On(first, 2014, 11, 1);
    Accept(first);
    state_.providers["p1"].set_provider_id("p1");
  }

  // A budget and a plan of 100,000.00 on `lot` for `municipality` in `year`.
  void Fund(const std::string& municipality, int32_t year, const std::string& lot) {
    const v1::Actor actor = Actor(municipality, v1::ROLE_MUNICIPALITY);
    const std::string who = absl::StrCat("municipality: '", municipality, "' year: ", year);
    Accept(CommandOf(actor, absl::StrCat("set_budget { ", who, " amount_cents: 100000000 ",
                                         "source: BUDGET_SOURCE_MAY_CIRCULAR }")));
    Accept(CommandOf(actor, absl::StrCat("submit_local_plan { ", who, " lots { lot: '", lot,
                                         "' amount_cents: 10000000 } }")));
  }
};

TEST_F(SuccessiveFrameworksTest, ASuccessorIsAdoptedAndTheFirstStaysInForceForItsYears) {
  v1::Event expected = ParseText<v1::Event>(absl::StrCat(
      "framework_adopted {", kSecond, " succeeds: 'H10-2015-2016' ",
      // Rijswijk joins the joint arrangement for three years.
      "joined { municipality: 'Rijswijk' joined_on: '2017-01-01' term_end: '2019-12-31' ",
      "term_years: 3 } }"));
  EXPECT_THAT(DecideOne(Successor()), EqualsProto(expected));
  Accept(Successor());
  EXPECT_EQ(state_.framework.id, "H10-2017-2018");
  ASSERT_EQ(state_.framework.predecessors.size(), 1u);
  EXPECT_EQ(FrameworkOfYear(state_, 2015).id, "H10-2015-2016");
  EXPECT_EQ(FrameworkOfYear(state_, 2016).id, "H10-2015-2016");
  EXPECT_EQ(FrameworkOfYear(state_, 2017).id, "H10-2017-2018");
  EXPECT_EQ(FrameworkOfYear(state_, 2018).id, "H10-2017-2018");
  EXPECT_EQ(FrameworkOfYear(state_, 2016).claim_window_days, kDefaultClaimWindowDays);
  EXPECT_EQ(FrameworkOfYear(state_, 2017).claim_window_days, 28);
}

TEST_F(SuccessiveFrameworksTest, ASuccessorIsRefusedWithTheRuleItBreaks) {
  ExpectRefusals(Successor(), {
      {"not the bureau",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Delft"); },
       Denied("adopt a framework")},
      {"an id already adopted",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_framework()->set_framework_id("H10-2015-2016");
       },
       Broken("region 'haaglanden' already adopted framework 'H10-2015-2016'")},
      {"overlapping the current framework",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_framework()->set_period_start("2016-01-01");
       },
       Broken("has framework 'H10-2015-2016' until 2016-12-31; a framework succeeding it starts "
              "after that, got 2016-01-01")},
      {"not starting on 1 January",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_framework()->set_period_start("2017-03-01");
       },
       Invalid("period_start: a successor framework starts on 1 January, with a budget year; "
               "got 2017-03-01")},
      {"a registry of its own",
       [](v1::Command& c, RegionState&) {
         v1::ActorKey& key = *c.mutable_adopt_framework()->add_actor_keys();
         key.set_actor_id("bureau");
         key.set_role(v1::ROLE_BUREAU);
       },
       Invalid("actor_keys: the region's registry carries over to a successor framework")},
      {"a clock of its own",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_framework()->mutable_clock_start()->set_seconds(1);
       },
       Invalid("clock_start: the region's clock carries over")},
      {"a bad date",
       [](v1::Command& c, RegionState&) {
         c.mutable_adopt_framework()->set_period_start("2017-13-01");
       },
       Invalid("period_start")},
  });
}

TEST_F(SuccessiveFrameworksTest, EachYearHasTheLotsOfItsFramework) {
  Accept(Successor());
  Fund("Delft", 2017, "specialist");
  const v1::Actor delft = Municipality("Delft");
  Accept(CommandOf(delft, "set_budget { municipality: 'Delft' year: 2016 amount_cents: 100000000 "
                          "source: BUDGET_SOURCE_MAY_CIRCULAR }"));
  EXPECT_THAT(Decide(state_, CommandOf(delft, "submit_local_plan { municipality: 'Delft' year: "
                                              "2016 lots { lot: 'specialist' amount_cents: 1 } }")),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("lots[0].lot: 'specialist' is not a lot of framework "
                                 "'H10-2015-2016' (expected one of: ambulatory)")));
}

TEST_F(SuccessiveFrameworksTest, AContractHasTheRulesOfTheFrameworkItStartsIn) {
  Accept(Successor());
  Fund("Delft", 2016, "ambulatory");
  Fund("Delft", 2017, "ambulatory");
  // 97.00 an hour is above 2016's maximum and within 2017's.
  EXPECT_THAT(Decide(state_, Contract("c16", "2016-01-01", "2016-12-31", 9700)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("tariffs[0].tariff_cents: 97.00 for product '45A12' exceeds the "
                                 "maximum 95.00 of lot 'ambulatory'")));
  EXPECT_THAT(Decide(state_, Contract("c16", "2016-01-01", "2016-12-31", 9500)), IsOk());
  Accept(Contract("c17", "2017-01-01", "2017-12-31", 9700));
  // A term does not run from one framework into the next.
  EXPECT_THAT(Decide(state_, Contract("c1617", "2016-07-01", "2017-06-30", 9500)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("term_end: expected a day within framework 'H10-2015-2016' "
                                 "(2015-01-01 to 2016-12-31), got 2017-06-30")));
}

TEST_F(SuccessiveFrameworksTest, EachYearHasTheMembersOfItsFramework) {
  Accept(Successor());
  // Rijswijk joins with the successor: its budget for 2017 is accepted.
  Fund("Rijswijk", 2017, "ambulatory");
  Fund("Den Haag", 2017, "ambulatory");
  Fund("Delft", 2016, "ambulatory");
  Fund("Den Haag", 2016, "ambulatory");
  // 2016's order needs the plans of 2016's members only; 2017's Rijswijk's too.
  v1::Command order16 = CommandOf(Bureau(), "issue_purchase_order { year: 2016 }");
  On(order16, 2016, 9, 2);
  EXPECT_THAT(Decide(state_, order16), IsOk());
  v1::Command order17 = CommandOf(Bureau(), "issue_purchase_order { year: 2017 }");
  On(order17, 2016, 9, 2);
  EXPECT_THAT(Decide(state_, order17),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("purchase order 2017: no local plan of Delft for 2017")));
}

TEST_F(SuccessiveFrameworksTest, AYearOutsideEveryFrameworkNamesThemAll) {
  Accept(Successor());
  EXPECT_THAT(
      Decide(state_, CommandOf(Municipality("Delft"),
                               "set_budget { municipality: 'Delft' year: 2019 amount_cents: 1 "
                               "source: BUDGET_SOURCE_MAY_CIRCULAR }")),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("year: expected a year of framework 'H10-2015-2016' (2015-2016), "
                         "'H10-2017-2018' (2017-2018), got 2019")));
  EXPECT_THAT(Decide(state_, CommandOf(Municipality("Gouda"),
                                       "set_budget { municipality: 'Gouda' year: 2017 "
                                       "amount_cents: 1 source: BUDGET_SOURCE_MAY_CIRCULAR }")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("'Gouda' is not a municipality")));
}

TEST_F(SuccessiveFrameworksTest, ASnapshotKeepsThePredecessors) {
  Accept(Successor());
  absl::StatusOr<RegionState> restored = FromSnapshot(ToSnapshot(state_));
  ASSERT_THAT(restored.status(), IsOk());
  EXPECT_EQ(ToSnapshot(*restored).SerializeAsString(), ToSnapshot(state_).SerializeAsString());
  EXPECT_EQ(FrameworkOfYear(*restored, 2016).id, "H10-2015-2016");
  EXPECT_TRUE(FrameworkOfYear(*restored, 2016).lots.contains("ambulatory"));
  EXPECT_FALSE(FrameworkOfYear(*restored, 2016).lots.contains("specialist"));
  EXPECT_EQ(FrameworkOfYear(*restored, 2017).id, "H10-2017-2018");
}

}  // namespace
}  // namespace inkoop
