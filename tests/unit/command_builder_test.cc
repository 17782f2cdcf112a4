// inkoopctl's words -> inkoop.v1.Command: Args, FillBody, CommandFromJsonFile
// and BuildSubmittedCommand.
#include "tools/inkoopctl/command_builder.h"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tools/inkoopctl/args.h"
#include "tools/inkoopctl/submit.h"

namespace inkoop {
namespace {

using ::inkoop::testing::EqualsProto;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::Not;

// Every test runs without INKOOP_REGION in the environment, unless it sets
// it itself; the value it had is restored afterwards.
class CommandBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* region = std::getenv("INKOOP_REGION")) saved_region_ = region;
    unsetenv("INKOOP_REGION");
  }
  void TearDown() override {
    if (saved_region_.has_value()) {
      setenv("INKOOP_REGION", saved_region_->c_str(), 1);
    } else {
      unsetenv("INKOOP_REGION");
    }
  }

  // The words after "inkoopctl submit".
  static absl::StatusOr<v1::Command> Build(const std::vector<std::string>& words) {
    absl::StatusOr<Args> args = Args::Parse(words, {"json"});
    if (!args.ok()) return args.status();
    return BuildSubmittedCommand(*args);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path) << text;
    return path;
  }

  std::optional<std::string> saved_region_;
  testing::TempDir dir_;
};

TEST_F(CommandBuilderTest, SetBudgetFlagsMapToFieldsAndEurosBecomeCents) {
  absl::StatusOr<v1::Command> command =
      Build({"set-budget", "--region", "haaglanden", "--actor", "Delft", "--role", "municipality",
             "--municipality", "Delft", "--year", "2016", "--source", "may_circular", "--amount",
             "1200000.50"});
  ASSERT_THAT(command, IsOk());
  EXPECT_THAT(command->set_budget(), EqualsProto(ParseText<v1::SetBudget>(R"pb(
                municipality: "Delft"
                year: 2016
                source: BUDGET_SOURCE_MAY_CIRCULAR
                amount_cents: 120000050
              )pb")));
  EXPECT_EQ(command->region(), "haaglanden");
  EXPECT_EQ(command->actor().id(), "Delft");
  EXPECT_EQ(command->actor().role(), v1::ROLE_MUNICIPALITY);
  EXPECT_THAT(command->command_id(), Not(IsEmpty()));
  EXPECT_FALSE(command->has_expected_sequence());
}

TEST_F(CommandBuilderTest, AmountCentsIsTakenAsWholeCents) {
  absl::StatusOr<v1::Command> command =
      Build({"set_budget", "--region", "haaglanden", "--amount-cents", "5"});
  ASSERT_THAT(command, IsOk());
  EXPECT_EQ(command->set_budget().amount_cents(), 5);
}

TEST_F(CommandBuilderTest, OptionsAcceptNameEqualsValueAndUnderscores) {
  absl::StatusOr<v1::Command> command =
      Build({"set-budget", "--region=haaglanden", "--amount_cents=7", "--year=2017"});
  ASSERT_THAT(command, IsOk());
  EXPECT_EQ(command->set_budget().amount_cents(), 7);
  EXPECT_EQ(command->set_budget().year(), 2017);
}

TEST_F(CommandBuilderTest, EnumsAreTakenByFullNameOrLastWordsInAnyCase) {
  absl::StatusOr<v1::Command> full =
      Build({"set-budget", "--region", "r", "--source", "BUDGET_SOURCE_OWN_FUNDS"});
  ASSERT_THAT(full, IsOk());
  EXPECT_EQ(full->set_budget().source(), v1::BUDGET_SOURCE_OWN_FUNDS);
  absl::StatusOr<v1::Command> words =
      Build({"set-budget", "--region", "r", "--source", "September_Circular", "--role", "BUREAU"});
  ASSERT_THAT(words, IsOk());
  EXPECT_EQ(words->set_budget().source(), v1::BUDGET_SOURCE_SEPTEMBER_CIRCULAR);
  EXPECT_EQ(words->actor().role(), v1::ROLE_BUREAU);
}

TEST_F(CommandBuilderTest, RepeatedStringsAreCommaSeparated) {
  absl::StatusOr<v1::Command> command =
      Build({"submit-local-plan", "--region", "haaglanden", "--priorities",
             "early help, fewer placements,,crisis care "});
  ASSERT_THAT(command, IsOk());
  EXPECT_THAT(command->submit_local_plan().priorities(),
              ElementsAre("early help", "fewer placements", "crisis care"));
}

TEST_F(CommandBuilderTest, MessageListsAreGivenAsJson) {
  absl::StatusOr<v1::Command> command =
      Build({"adopt-framework", "--region", "haaglanden", "--actor", "bureau", "--role", "bureau",
             "--framework-id", "H10-2016", "--municipalities", "Den Haag,Delft", "--lots",
             R"([{"code": "ambulatory", "name": "Ambulatory youth care"},
           {"code": "housing", "name": "Housing and guidance"}])",
             "--period-start", "2016-01-01", "--period-end", "2017-12-31"});
  ASSERT_THAT(command, IsOk());
  EXPECT_THAT(command->adopt_framework(), EqualsProto(ParseText<v1::AdoptFramework>(R"pb(
                framework_id: "H10-2016"
                municipalities: [ "Den Haag", "Delft" ]
                lots { code: "ambulatory" name: "Ambulatory youth care" }
                lots { code: "housing" name: "Housing and guidance" }
                period_start: "2016-01-01"
                period_end: "2017-12-31"
              )pb")));
}

TEST_F(CommandBuilderTest, PlanLotsAreGivenAsJsonWithCents) {
  absl::StatusOr<v1::Command> command = Build(
      {"submit-local-plan", "--region", "haaglanden", "--municipality", "Delft", "--year", "2016",
       "--lots",
       R"([{"lot": "ambulatory", "amountCents": "700"}, {"lot": "housing", "amount_cents": 300}])"});
  ASSERT_THAT(command, IsOk());
  EXPECT_THAT(command->submit_local_plan(), EqualsProto(ParseText<v1::SubmitLocalPlan>(R"pb(
                municipality: "Delft"
                year: 2016
                lots { lot: "ambulatory" amount_cents: 700 }
                lots { lot: "housing" amount_cents: 300 }
              )pb")));
}

TEST_F(CommandBuilderTest, EnvelopeOptionsSetIdsAndExpectedSequence) {
  absl::StatusOr<v1::Command> command =
      Build({"set-budget", "--region", "haaglanden", "--command-id", "c-42", "--correlation-id",
             "may-2016", "--expected-sequence", "0"});
  ASSERT_THAT(command, IsOk());
  EXPECT_EQ(command->command_id(), "c-42");
  EXPECT_EQ(command->correlation_id(), "may-2016");
  ASSERT_TRUE(command->has_expected_sequence());
  EXPECT_EQ(command->expected_sequence(), 0u);
}

TEST_F(CommandBuilderTest, GeneratedCommandIdsDiffer) { EXPECT_NE(NewCommandId(), NewCommandId()); }

TEST_F(CommandBuilderTest, RegionComesFromTheEnvironmentWhenNotGiven) {
  setenv("INKOOP_REGION", "holland-rijnland", 1);
  absl::StatusOr<v1::Command> command = Build({"set-budget", "--year", "2016"});
  ASSERT_THAT(command, IsOk());
  EXPECT_EQ(command->region(), "holland-rijnland");
}

TEST_F(CommandBuilderTest, MissingRegionIsRefusedNamingTheRegionOption) {
  ASSERT_EQ(std::getenv("INKOOP_REGION"), nullptr);
  EXPECT_THAT(Build({"set-budget", "--year", "2016"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--region: expected the region id (or INKOOP_REGION), got none")));
}

TEST_F(CommandBuilderTest, UnknownCommandNameListsTheKnownOnes) {
  EXPECT_THAT(Build({"frobnicate", "--region", "haaglanden"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("unknown command 'frobnicate' (expected one of: "
                                       "adopt_framework, "),
                             HasSubstr(", set_budget, "), HasSubstr("submit_local_plan"))));
  EXPECT_THAT(CommandNames(), IsSupersetOf({"adopt_framework", "set_budget", "submit_local_plan"}));
}

TEST_F(CommandBuilderTest, EnvelopeFieldIsNotACommandName) {
  EXPECT_THAT(Build({"region", "--region", "haaglanden"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown command 'region'")));
}

TEST_F(CommandBuilderTest, MissingCommandNameIsRefusedListingTheKnownOnes) {
  EXPECT_THAT(Build({"--region", "haaglanden"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("submit: expected a command name"), HasSubstr("set_budget"),
                             HasSubstr("--file FILE"))));
}

TEST_F(CommandBuilderTest, UnknownOptionIsRefusedNamingTheFields) {
  EXPECT_THAT(Build({"set-budget", "--region", "haaglanden", "--colour", "blue"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("set-budget: unknown option --colour (fields: municipality, year, "
                                 "source, amount_cents)")));
}

TEST_F(CommandBuilderTest, EuroAliasOnlyExistsForCentsFields) {
  // --year_cents does not exist, so --year is the field itself; --source is
  // not money, so "--municipality_cents" style aliases do not apply.
  EXPECT_THAT(Build({"submit-local-plan", "--region", "r", "--lot", "ambulatory"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("submit-local-plan: unknown option --lot (fields: municipality, "
                                 "year, lots, priorities)")));
}

TEST_F(CommandBuilderTest, BadEnumNameIsRefusedNamingTheChoices) {
  EXPECT_THAT(Build({"set-budget", "--region", "haaglanden", "--source", "june_circular"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--source: expected one of budget_source_may_circular, "
                                 "budget_source_september_circular, "
                                 "budget_source_december_circular, budget_source_own_funds, got "
                                 "'june_circular'")));
}

TEST_F(CommandBuilderTest, BadRoleIsRefusedNamingTheChoices) {
  EXPECT_THAT(Build({"set-budget", "--region", "haaglanden", "--role", "mayor"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--role: expected one of role_municipality"),
                             HasSubstr("got 'mayor'"))));
}

// "--source circular" fits the last word of three budget sources (may,
// september, december); taking the first of them silently records the wrong
// source. An ambiguous abbreviation should be refused, naming the choices.
TEST_F(CommandBuilderTest, AmbiguousEnumAbbreviationIsRefused) {
  absl::StatusOr<int> parsed = ParseEnum(*v1::BudgetSource_descriptor(), "circular", "source");
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("budget_source_september_circular")))
      << "'circular' was taken as "
      << v1::BudgetSource_Name(static_cast<v1::BudgetSource>(parsed.value_or(0)));
}

TEST_F(CommandBuilderTest, BadNumberIsRefusedNamingTheField) {
  EXPECT_THAT(Build({"set-budget", "--region", "haaglanden", "--year", "twenty"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--year: expected a whole number, got 'twenty'")));
  EXPECT_THAT(Build({"set-budget", "--region", "haaglanden", "--year", "99999999999"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--year: expected")));
}

TEST_F(CommandBuilderTest, FractionalCentsAreRefusedNamingTheField) {
  EXPECT_THAT(Build({"set-budget", "--region", "haaglanden", "--amount-cents", "1.5"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--amount_cents: expected a whole number of cents, got '1.5'")));
}

TEST_F(CommandBuilderTest, BadEuroAmountIsRefusedNamingTheOption) {
  EXPECT_THAT(Build({"set-budget", "--region", "haaglanden", "--amount", "1,200,000.50"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--amount: expected an amount in euros"),
                             HasSubstr("not a plain number"))));
  EXPECT_THAT(Build({"set-budget", "--region", "haaglanden", "--amount", "1.005"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("more than two decimals")));
}

TEST_F(CommandBuilderTest, BadJsonForAMessageListIsRefusedNamingTheField) {
  EXPECT_THAT(Build({"submit-local-plan", "--region", "haaglanden", "--lots", "ambulatory=5"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--lots: expected JSON for LotAmount list, got 'ambulatory=5'")));
}

TEST_F(CommandBuilderTest, BadExpectedSequenceIsRefused) {
  EXPECT_THAT(Build({"set-budget", "--region", "haaglanden", "--expected-sequence", "-1"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--expected-sequence: expected a whole number >= 0, got '-1'")));
}

TEST_F(CommandBuilderTest, CommandIsReadFromAJsonFile) {
  const std::string path = WriteFile("budget.json", R"({
    "commandId": "c-1",
    "region": "haaglanden",
    "actor": {"id": "Delft", "role": "ROLE_MUNICIPALITY"},
    "expectedSequence": "3",
    "setBudget": {"municipality": "Delft", "year": 2016,
                  "source": "BUDGET_SOURCE_MAY_CIRCULAR", "amountCents": "120000050"}
  })");
  absl::StatusOr<v1::Command> command = Build({"--file", path});
  ASSERT_THAT(command, IsOk());
  EXPECT_THAT(*command, EqualsProto(ParseText<v1::Command>(R"pb(
    command_id: "c-1"
    region: "haaglanden"
    actor { id: "Delft" role: ROLE_MUNICIPALITY }
    expected_sequence: 3
    set_budget {
      municipality: "Delft"
      year: 2016
      source: BUDGET_SOURCE_MAY_CIRCULAR
      amount_cents: 120000050
    }
  )pb")));
}

TEST_F(CommandBuilderTest, EnvelopeOptionsOverrideTheJsonFile) {
  const std::string path =
      WriteFile("budget.json",
                R"({"commandId": "c-1", "region": "haaglanden", "setBudget": {"year": 2016}})");
  absl::StatusOr<v1::Command> command =
      Build({"--file", path, "--region", "utrecht", "--command-id", "c-2"});
  ASSERT_THAT(command, IsOk());
  EXPECT_EQ(command->region(), "utrecht");
  EXPECT_EQ(command->command_id(), "c-2");
  EXPECT_EQ(command->set_budget().year(), 2016);
}

TEST_F(CommandBuilderTest, MalformedJsonFileIsRefusedNamingTheFile) {
  const std::string path = WriteFile("broken.json", R"({"region": "haaglanden", "setBudget": )");
  EXPECT_THAT(Build({"--file", path}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(path + ": not a valid inkoop.v1.Command in JSON")));
  EXPECT_THAT(CommandFromJsonFile(path),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(path)));
}

TEST_F(CommandBuilderTest, JsonFileWithAnUnknownFieldIsRefusedNamingTheFile) {
  const std::string path =
      WriteFile("unknown.json", R"({"region": "r", "frobnicateContract": {}})");
  EXPECT_THAT(CommandFromJsonFile(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(path + ": not a valid inkoop.v1.Command in JSON")));
}

TEST_F(CommandBuilderTest, MissingJsonFileIsNotFoundNamingTheFile) {
  const std::string path = dir_.Sub("absent.json");
  EXPECT_THAT(Build({"--file", path}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(path + ": cannot read the file")));
}

TEST_F(CommandBuilderTest, FileAndCommandNameTogetherAreRefused) {
  const std::string path = WriteFile("budget.json", R"({"region": "haaglanden"})");
  EXPECT_THAT(Build({"set-budget", "--file", path}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("give either a command name or --file, not both (got "
                                 "'set-budget')")));
}

TEST_F(CommandBuilderTest, OptionsLeftOverWithAJsonFileAreRefused) {
  const std::string path =
      WriteFile("budget.json", R"({"region": "haaglanden", "setBudget": {"year": 2016}})");
  EXPECT_THAT(
      Build({"--file", path, "--year", "2017"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("submit: unknown option --year")));
}

TEST(Args, SplitsPositionalWordsAndOptions) {
  absl::StatusOr<Args> args =
      Args::Parse({"show", "--municipality", "Delft", "budget", "--json", "--year=2016"}, {"json"});
  ASSERT_THAT(args, IsOk());
  EXPECT_THAT(args->positional(), ElementsAre("show", "budget"));
  EXPECT_TRUE(args->TakeFlag("json"));
  EXPECT_FALSE(args->TakeFlag("json"));
  EXPECT_EQ(args->Take("municipality"), "Delft");
  EXPECT_EQ(args->Take("municipality"), std::nullopt);
  EXPECT_EQ(args->TakeOr("year", "0"), "2016");
  EXPECT_EQ(args->TakeOr("year", "0"), "0");
  EXPECT_THAT(args->RequireAllTaken("show"), IsOk());
}

TEST(Args, OptionWithoutValueIsRefused) {
  EXPECT_THAT(Args::Parse({"set-budget", "--year"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--year: expected a value, got none")));
}

TEST(Args, OptionGivenTwiceIsRefusedEvenInAnotherSpelling) {
  EXPECT_THAT(
      Args::Parse({"--amount-cents", "1", "--amount_cents", "2"}, {}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--amount_cents: given twice")));
}

TEST(Args, FlagSetToFalseIsNotSet) {
  absl::StatusOr<Args> args = Args::Parse({"--json=false"}, {"json"});
  ASSERT_THAT(args, IsOk());
  EXPECT_FALSE(args->TakeFlag("json"));
}

TEST(Args, OptionNobodyTookIsRefusedNamingIt) {
  absl::StatusOr<Args> args = Args::Parse({"--b", "1", "--a", "2"}, {});
  ASSERT_THAT(args, IsOk());
  EXPECT_THAT(args->RequireAllTaken("show"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("show: unknown option --a")));
}

}  // namespace
}  // namespace inkoop
