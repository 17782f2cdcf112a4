// Decide/Evolve for report_indicator: count (N), municipality, case and
// population level, and the baseline (nulmeting) later reports compare with.
#include "engine/domain/indicators.h"

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

using ::inkoop::testing::Broken;
using ::inkoop::testing::Bureau;
using ::inkoop::testing::CommandOf;
using ::inkoop::testing::Denied;
using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::Invalid;
using ::inkoop::testing::Municipality;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::Provider;
using ::inkoop::testing::Unknown;
using ::testing::SizeIs;

// Drop-out on c1 (provider p1, Delft and Den Haag), over `period` ("start
// end"), at case level.
v1::Command DropOut(int32_t permille, const std::string& start, const std::string& end,
                    const std::string& extra = "") {
  return CommandOf(Provider("p1"),
                   absl::StrCat("report_indicator { provider_id: 'p1' contract_id: 'c1' "
                                "indicator: INDICATOR_DROP_OUT level: INDICATOR_LEVEL_CASE "
                                "period_start: '",
                                start, "' period_end: '", end, "' value_permille: ", permille,
                                " count: 40 ", extra, " }"));
}

// Satisfaction among Delft's youth, reported by Delft.
v1::Command Population(int32_t permille, const std::string& start, const std::string& end) {
  return CommandOf(Municipality("Delft"),
                   absl::StrCat("report_indicator { municipality: 'Delft' "
                                "indicator: INDICATOR_SATISFACTION level: INDICATOR_LEVEL_POPULATION "
                                "period_start: '",
                                start, "' period_end: '", end, "' value_permille: ", permille,
                                " count: 2400 }"));
}

class IndicatorsTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(CommandOf(Bureau(), R"(adopt_framework {
      framework_id: "H10-2016" municipalities: [ "Den Haag", "Delft", "Rijswijk" ]
      lots { code: "ambulatory" } period_start: "2016-01-01" period_end: "2017-12-31" })"));
    for (const char* id : {"p1", "p2"}) state_.providers[id].set_provider_id(id);
    state_.contracts["c1"] = ParseText<v1::ContractRecord>(R"pb(
      contract_id: "c1" provider_id: "p1" lot: "ambulatory"
      ceilings { municipality: "Delft" ceiling_cents: 100 }
      ceilings { municipality: "Den Haag" ceiling_cents: 100 })pb");
  }
};

TEST_F(IndicatorsTest, TheFirstReportIsTheBaselineAndLaterOnesCompareWithIt) {
  v1::Event expected;
  *expected.mutable_indicator_reported() = ParseText<v1::IndicatorReported>(R"pb(
    provider_id: "p1" contract_id: "c1" period_start: "2016-01-01" period_end: "2016-06-30"
    indicator: INDICATOR_DROP_OUT value_permille: 120 count: 40 level: INDICATOR_LEVEL_CASE
    baseline: true)pb");
  EXPECT_THAT(DecideOne(DropOut(120, "2016-01-01", "2016-06-30")), EqualsProto(expected));
  Accept(DropOut(120, "2016-01-01", "2016-06-30"));
  ASSERT_THAT(state_.contracts.at("c1").baselines(), SizeIs(1));
  EXPECT_THAT(state_.contracts.at("c1").baselines(0),
              EqualsProto(ParseText<v1::IndicatorBaseline>(R"pb(
                indicator: INDICATOR_DROP_OUT period_start: "2016-01-01"
                period_end: "2016-06-30" value_permille: 120 count: 40)pb")));

  *expected.mutable_indicator_reported() = ParseText<v1::IndicatorReported>(R"pb(
    provider_id: "p1" contract_id: "c1" period_start: "2016-07-01" period_end: "2016-12-31"
    indicator: INDICATOR_DROP_OUT value_permille: 90 count: 40 level: INDICATOR_LEVEL_CASE
    baseline_permille: 120 change_permille: -30)pb");
  EXPECT_THAT(DecideOne(DropOut(90, "2016-07-01", "2016-12-31")), EqualsProto(expected));
  Accept(DropOut(90, "2016-07-01", "2016-12-31"));
  EXPECT_THAT(state_.indicators, SizeIs(2));
  // A report for the baseline's own period corrects it.
  const v1::Event correction = DecideOne(DropOut(110, "2016-01-01", "2016-06-30"));
  EXPECT_TRUE(correction.indicator_reported().baseline());
  Accept(DropOut(110, "2016-01-01", "2016-06-30"));
  EXPECT_EQ(state_.contracts.at("c1").baselines(0).value_permille(), 110);
  EXPECT_EQ(DecideOne(DropOut(99, "2017-01-01", "2017-06-30")).indicator_reported()
                .change_permille(),
            -11);
}

TEST_F(IndicatorsTest, EachMunicipalityOfAContractHasItsOwnBaseline) {
  Accept(DropOut(120, "2016-01-01", "2016-06-30"));
  // Delft's first report is Delft's baseline, whatever the contract's is.
  const v1::Event delft =
      DecideOne(DropOut(150, "2016-01-01", "2016-03-31", "municipality: 'Delft'"));
  EXPECT_TRUE(delft.indicator_reported().baseline());
  EXPECT_EQ(delft.indicator_reported().municipality(), "Delft");
  Accept(DropOut(150, "2016-01-01", "2016-03-31", "municipality: 'Delft'"));
  Accept(DropOut(100, "2016-04-01", "2016-06-30", "municipality: 'Den Haag'"));
  EXPECT_THAT(state_.contracts.at("c1").baselines(), SizeIs(3));
  // Each report is kept under its own key.
  EXPECT_THAT(state_.indicators, SizeIs(3));
  EXPECT_EQ(DecideOne(DropOut(140, "2016-04-01", "2016-06-30", "municipality: 'Delft'"))
                .indicator_reported()
                .change_permille(),
            -10);
}

TEST_F(IndicatorsTest, APopulationIndicatorIsTheMunicipalitysOwnWithItsBaseline) {
  v1::Event expected;
  *expected.mutable_indicator_reported() = ParseText<v1::IndicatorReported>(R"pb(
    municipality: "Delft" period_start: "2016-01-01" period_end: "2016-12-31"
    indicator: INDICATOR_SATISFACTION value_permille: 810 count: 2400
    level: INDICATOR_LEVEL_POPULATION baseline: true)pb");
  EXPECT_THAT(DecideOne(Population(810, "2016-01-01", "2016-12-31")), EqualsProto(expected));
  Accept(Population(810, "2016-01-01", "2016-12-31"));
  ASSERT_THAT(state_.population_baselines, SizeIs(1));
  EXPECT_EQ(state_.population_baselines.begin()->first,
            PopulationBaselineKey("Delft", v1::INDICATOR_SATISFACTION));
  v1::Command next = Population(840, "2017-01-01", "2017-12-31");
  *next.mutable_actor() = Bureau();
  const v1::IndicatorReported later = DecideOne(next).indicator_reported();
  EXPECT_FALSE(later.baseline());
  EXPECT_EQ(later.baseline_permille(), 810);
  EXPECT_EQ(later.change_permille(), 30);
}

TEST_F(IndicatorsTest, CaseLevelRefusals) {
  Accept(DropOut(120, "2016-01-01", "2016-06-30"));
  ExpectRefusals(
      DropOut(100, "2016-07-01", "2016-12-31"),
      {
          {"WithoutLevel",
           [](v1::Command& c, RegionState&) { c.mutable_report_indicator()->clear_level(); },
           Invalid("level: expected INDICATOR_LEVEL_CASE (a contract's clients) or "
                   "INDICATOR_LEVEL_POPULATION (a municipality's youth), got none")},
          {"WithALevelThisBuildDoesNotKnow",
           [](v1::Command& c, RegionState&) {
             c.mutable_report_indicator()->set_level(static_cast<v1::IndicatorLevel>(7));
           },
           Invalid("INDICATOR_LEVEL_POPULATION (a municipality's youth), got 7")},
          {"WithoutCount",
           [](v1::Command& c, RegionState&) { c.mutable_report_indicator()->clear_count(); },
           Invalid("count: expected a value from 1 to 10000000, got 0")},
          {"WithAnImpossibleCount",
           [](v1::Command& c, RegionState&) {
             c.mutable_report_indicator()->set_count(10'000'001);
           },
           Invalid("count: expected a value from 1 to 10000000, got 10000001")},
          {"ForAMunicipalityOutsideTheContract",
           [](v1::Command& c, RegionState&) {
             c.mutable_report_indicator()->set_municipality("Rijswijk");
           },
           Invalid("municipality: 'Rijswijk' is not a municipality of contract 'c1' (expected "
                   "one of: Delft, Den Haag, or none for all of them)")},
          {"ForAPeriodOverlappingTheBaseline",
           [](v1::Command& c, RegionState&) {
             c.mutable_report_indicator()->set_period_start("2016-06-01");
           },
           Broken("indicator drop-out of contract 'c1': period 2016-06-01..2016-12-31 does not "
                  "follow its baseline of 2016-01-01..2016-06-30")},
          {"ForAPeriodBeforeTheBaseline",
           [](v1::Command& c, RegionState&) {
             c.mutable_report_indicator()->set_period_start("2015-07-01");
             c.mutable_report_indicator()->set_period_end("2015-12-31");
           },
           Broken("period 2015-07-01..2015-12-31 does not follow its baseline")},
          {"ByAMunicipality",
           [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Delft"); },
           Denied("role rule: only provider 'p1' itself or the bureau may report its "
                  "indicators; actor 'Delft' is municipality")},
      });
}

TEST_F(IndicatorsTest, PopulationLevelRefusals) {
  ExpectRefusals(
      Population(810, "2016-01-01", "2016-12-31"),
      {
          {"WithoutMunicipality",
           [](v1::Command& c, RegionState&) { c.mutable_report_indicator()->clear_municipality(); },
           Invalid("municipality: expected the municipality whose youth the indicator measures, "
                   "got ''")},
          {"ForAnUnknownMunicipality",
           [](v1::Command& c, RegionState&) {
             c.mutable_report_indicator()->set_municipality("Leiden");
           },
           Unknown("municipality: 'Leiden' is not a municipality of region 'haaglanden'")},
          {"ByAnotherMunicipality",
           [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Rijswijk"); },
           Denied("role rule: only municipality 'Delft' itself or the bureau may report its "
                  "population indicators; actor 'Rijswijk' is municipality")},
          {"ByAProvider",
           [](v1::Command& c, RegionState&) { *c.mutable_actor() = Provider("p1"); },
           Denied("actor 'p1' is provider")},
          {"NamingAProvider",
           [](v1::Command& c, RegionState&) {
             c.mutable_report_indicator()->set_provider_id("p1");
           },
           Invalid("provider_id: a population-level indicator measures a municipality's youth "
                   "and names no provider or contract, got 'p1'")},
          {"NamingAContract",
           [](v1::Command& c, RegionState&) {
             c.mutable_report_indicator()->set_contract_id("c1");
           },
           Invalid("contract_id: a population-level indicator measures a municipality's youth "
                   "and names no provider or contract, got 'c1'")},
          {"ForAPeriodOverlappingTheBaseline",
           [](v1::Command&, RegionState& s) {
             v1::IndicatorBaseline& b =
                 s.population_baselines[PopulationBaselineKey("Delft", v1::INDICATOR_SATISFACTION)];
             b.set_period_start("2015-01-01");
             b.set_period_end("2016-03-31");
           },
           Broken("indicator satisfaction of Delft's youth: period 2016-01-01..2016-12-31 does "
                  "not follow its baseline of 2015-01-01..2016-03-31")},
      });
}

}  // namespace
}  // namespace inkoop
