// Membership of the joint arrangement: a term from the framework's start,
// renewal, leaving only after the term, and no budgets, plans or
// assignments after leaving.
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/domain/decide.h"
#include "engine/domain/membership.h"
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
using ::inkoop::testing::On;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::StatusIs;
using ::testing::HasSubstr;

v1::Command Leave(const std::string& municipality, const std::string& day) {
  return CommandOf(Municipality(municipality),
                   absl::StrCat("leave_arrangement { municipality: '", municipality,
                                "' effective_on: '", day, "' reason: 'council decision 2016/31' }"));
}

v1::Command Renew(const std::string& municipality) {
  return CommandOf(Municipality(municipality),
                   absl::StrCat("renew_membership { municipality: '", municipality, "' }"));
}

v1::Command Budget(const std::string& municipality, int year) {
  return CommandOf(Municipality(municipality),
                   absl::StrCat("set_budget { municipality: '", municipality, "' year: ", year,
                                " amount_cents: 100000 source: BUDGET_SOURCE_MAY_CIRCULAR }"));
}

// A framework 2016-2018 whose members join for one-year terms, so a term
// ends inside it.
class MembershipTest : public ::inkoop::testing::DomainTest {
 protected:
  void SetUp() override {
    Accept(CommandOf(Bureau(), R"(adopt_framework {
      framework_id: "H10-2016-2018" municipalities: [ "Delft", "Rijswijk" ]
      lots { code: "ambulatory" } period_start: "2016-01-01" period_end: "2018-12-31"
      membership_years: 1 })"));
  }
};

TEST_F(MembershipTest, TheFrameworksMunicipalitiesJoinForATermFromItsStart) {
  EXPECT_THAT(state_.memberships.at("Delft"), EqualsProto(ParseText<v1::Membership>(R"(
      municipality: "Delft" joined_on: "2016-01-01" term_end: "2016-12-31" term_years: 1)")));
  // Three years unless the framework says otherwise.
  RegionState fresh;
  fresh.region = state_.region;
  absl::StatusOr<std::vector<v1::Event>> events = Decide(fresh, CommandOf(Bureau(), R"(
      adopt_framework { framework_id: "F" municipalities: [ "Delft" ] lots { code: "a" }
                        period_start: "2016-01-01" period_end: "2016-12-31" })"));
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT((*events)[0].framework_adopted().joined(0), EqualsProto(ParseText<v1::Membership>(R"(
      municipality: "Delft" joined_on: "2016-01-01" term_end: "2018-12-31" term_years: 3)")));
}

TEST_F(MembershipTest, LeavingDuringTheTermIsRefusedWithTheTermsEnd) {
  EXPECT_THAT(Decide(state_, Leave("Delft", "2016-07-01")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("effective_on: Delft's term in the joint arrangement runs to "
                                 "2016-12-31; it may leave from 2017-01-01, got 2016-07-01")));
  ExpectRefusals(Leave("Delft", "2017-01-01"), {
      {"another municipality",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Municipality("Rijswijk"); },
       Denied("only municipality 'Delft' itself may leave the joint arrangement")},
      {"the bureau",
       [](v1::Command& c, RegionState&) { *c.mutable_actor() = Bureau(); },
       Denied("only municipality 'Delft' itself")},
      {"no reason",
       [](v1::Command& c, RegionState&) { c.mutable_leave_arrangement()->clear_reason(); },
       Invalid("reason")},
      {"no date",
       [](v1::Command& c, RegionState&) { c.mutable_leave_arrangement()->clear_effective_on(); },
       Invalid("effective_on")},
      {"a leave that took effect already",
       [](v1::Command& c, RegionState&) { On(c, 2017, 2, 1); },
       Invalid("effective_on: expected a day after today 2017-02-01, got 2017-01-01")},
  });
}

TEST_F(MembershipTest, AfterLeavingAMunicipalityHasNoBudgetsPlansOrAssignments) {
  EXPECT_THAT(DecideOne(Leave("Delft", "2017-01-01")), EqualsProto(ParseText<v1::Event>(R"(
      arrangement_left { municipality: "Delft" leaves_on: "2017-01-01" term_end: "2016-12-31"
                         reason: "council decision 2016/31" })")));
  Accept(Leave("Delft", "2017-01-01"));
  Accept(Budget("Delft", 2016));
  EXPECT_THAT(Decide(state_, Budget("Delft", 2017)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("municipality: 'Delft' is no member of the joint arrangement in "
                                 "2017 (joined on 2016-01-01, left on 2017-01-01)")));
  EXPECT_THAT(Decide(state_, CommandOf(Municipality("Delft"), R"(submit_local_plan {
      municipality: "Delft" year: 2017 lots { lot: "ambulatory" amount_cents: 1 } })")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("in 2017")));
  EXPECT_TRUE(RequireMemberOn(state_, "Delft", absl::CivilDay(2016, 12, 31)).ok());
  EXPECT_THAT(RequireMemberOn(state_, "Delft", absl::CivilDay(2017, 1, 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is no member of the joint arrangement on 2017-01-01")));
  Accept(Budget("Rijswijk", 2017));
  EXPECT_THAT(Decide(state_, Renew("Delft")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("'Delft' leaves the joint arrangement on 2017-01-01")));
  EXPECT_THAT(Decide(state_, Leave("Delft", "2018-01-01")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("leaves the joint")));
}

TEST_F(MembershipTest, ARenewalAddsATermFromTheEndOfTheCurrentOne) {
  EXPECT_THAT(DecideOne(Renew("Delft")), EqualsProto(ParseText<v1::Event>(R"(
      membership_renewed { municipality: "Delft" term_end: "2017-12-31" })")));
  Accept(Renew("Delft"));
  EXPECT_THAT(Decide(state_, Leave("Delft", "2017-01-01")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("runs to 2017-12-31; it may leave from 2018-01-01")));
  v1::Command other = Renew("Delft");
  *other.mutable_actor() = Municipality("Rijswijk");
  EXPECT_THAT(Decide(state_, other),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("only municipality 'Delft' itself may renew its membership")));
  EXPECT_THAT(Decide(state_, Renew("Leiden")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("Leiden")));
}

TEST_F(MembershipTest, ASuccessorFrameworkAddsNewMembersAndKeepsTheTermsOfOthers) {
  Accept(Leave("Rijswijk", "2017-01-01"));
  v1::Command successor = CommandOf(Bureau(), R"(adopt_framework {
      framework_id: "H10-2019" municipalities: [ "Delft", "Rijswijk", "Westland" ]
      lots { code: "ambulatory" } period_start: "2019-01-01" period_end: "2019-12-31" })");
  On(successor, 2018, 9, 1);
  absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, successor);
  ASSERT_TRUE(events.ok()) << events.status();
  // Delft stays a member past its term (it did not leave); Rijswijk, which
  // left, and Westland, new, join for three years.
  ASSERT_EQ((*events)[0].framework_adopted().joined_size(), 2);
  EXPECT_EQ((*events)[0].framework_adopted().joined(0).municipality(), "Rijswijk");
  EXPECT_THAT((*events)[0].framework_adopted().joined(1), EqualsProto(ParseText<v1::Membership>(R"(
      municipality: "Westland" joined_on: "2019-01-01" term_end: "2021-12-31" term_years: 3)")));
}

TEST_F(MembershipTest, MembershipsSurviveTheSnapshot) {
  Accept(Leave("Delft", "2017-01-01"));
  absl::StatusOr<RegionState> restored = FromSnapshot(ToSnapshot(state_));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_THAT(restored->memberships.at("Delft"), EqualsProto(state_.memberships.at("Delft")));
}

}  // namespace
}  // namespace inkoop
