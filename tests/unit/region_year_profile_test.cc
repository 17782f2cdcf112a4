// The region-year load profile (tools/loadgen/region_year.h): the pure
// domain accepts every command it generates, in order, with the events
// sealed into the region's chain as the engine seals them; the stream holds
// exactly the claims asked for, is the same for the same seed, crosses
// year boundaries and keeps its schedule small.
#include "tools/loadgen/region_year.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/domain/decide.h"
#include "engine/domain/state.h"
#include "engine/envelope.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::IsOk;
using ::inkoop::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Le;

// 150 clients claim 1,800 times a year, so 3,000 claims run into a second year.
constexpr int32_t kSmallYear = 150;
constexpr int64_t kClaims = 3'000;

RegionYearOptions Small(const std::string& region, uint64_t seed = 7, int64_t claims = kClaims) {
  RegionYearOptions options;
  options.region = region;
  options.seed = seed;
  options.claims = claims;
  options.clients_per_year = kSmallYear;
  return options;
}

std::unique_ptr<RegionYearProfile> Profile(const RegionYearOptions& options) {
  absl::StatusOr<std::unique_ptr<RegionYearProfile>> profile = RegionYearProfile::Create(options);
  EXPECT_THAT(profile, IsOk());
  return profile.ok() ? std::move(*profile) : nullptr;
}

std::string Kind(const v1::Command& command) {
  const auto* field = v1::Command::descriptor()->FindFieldByNumber(command.body_case());
  return field == nullptr ? "none" : field->name();
}

int32_t ClaimYear(const v1::Command& command) {
  return std::stoi(command.record_claim().period_start().substr(0, 4));
}

// What a stream left after the domain took it.
struct Played {
  int64_t commands = 0;
  std::map<std::string, int64_t> kinds;  // by command body
  std::set<int32_t> claim_years;
  RegionState state;
};

// Decides every command of `profile` on the region's state, envelopes and
// seals its events as the engine does (engine/command_handler.cc) and
// evolves them. Fails at the first refusal, naming the command.
void Play(RegionYearProfile& profile, const std::string& region, Played& played) {
  played.state.region = region;
  v1::Command command;
  while (profile.Next(command)) {
    ++played.commands;
    ++played.kinds[Kind(command)];
    if (command.has_record_claim()) played.claim_years.insert(ClaimYear(command));
    absl::StatusOr<std::vector<v1::Event>> events = Decide(played.state, command);
    ASSERT_THAT(events.status(), IsOk())
        << "command " << played.commands << " refused: " << command.ShortDebugString();
    for (v1::Event& event : *events) {
      event.set_region(region);
      event.set_sequence(played.state.sequence.value() + 1);
      event.set_event_id(absl::StrCat(region, "/", event.sequence()));
      *event.mutable_occurred_at() = command.occurred_at();
      *event.mutable_recorded_at() = command.occurred_at();
      *event.mutable_actor() = command.actor();
      event.set_command_id(command.command_id());
      event.set_correlation_id(command.command_id());
      event.set_schema_version(kSchemaVersion);
      event.set_previous_hash(played.state.last_hash);
      Seal(event);
      ASSERT_THAT(Evolve(played.state, event), IsOk()) << command.ShortDebugString();
    }
  }
}

TEST(RegionYearProfile, EveryCommandOfTwoRegionsIsAcceptedByTheDomain) {
  for (const std::string region : {"haaglanden-0", "haaglanden-1"}) {
    SCOPED_TRACE(region);
    std::unique_ptr<RegionYearProfile> profile = Profile(Small(region));
    ASSERT_NE(profile, nullptr);
    Played played;
    ASSERT_NO_FATAL_FAILURE(Play(*profile, region, played));

    EXPECT_EQ(played.kinds["record_claim"], kClaims);
    EXPECT_EQ(played.state.claims.size(), static_cast<size_t>(kClaims));
    EXPECT_THAT(played.claim_years, ElementsAre(2016, 2017));
    EXPECT_EQ(played.kinds["adopt_framework"], 1);
    EXPECT_EQ(played.kinds["register_provider"], 160);
    // Two years of procurement; the first year is closed and equalised.
    EXPECT_EQ(played.kinds["set_budget"], 20);
    EXPECT_EQ(played.kinds["publish_tender"], 12);
    // Specialist and top-specialist care are tendered and awarded; the other
    // four lots admit their providers (open house).
    EXPECT_EQ(played.kinds["award_tender"], 4);
    EXPECT_EQ(played.kinds["submit_bid"], 100);
    EXPECT_EQ(played.kinds["apply_for_admission"], 220);
    EXPECT_EQ(played.kinds["assess_application"], 220);
    EXPECT_EQ(played.kinds["sign_contract"], 320);
    EXPECT_EQ(played.kinds["expire_contract"], 160);
    EXPECT_EQ(played.kinds["close_year"], 10);
    EXPECT_EQ(played.kinds["equalise_risk"], 1);
    EXPECT_GT(played.kinds["record_payment"], 0);
    EXPECT_GT(played.kinds["report_indicator"], 0);
    EXPECT_GT(played.kinds["shift_budget"], 0);
    EXPECT_EQ(played.state.sequence.value(), static_cast<uint64_t>(played.commands));
  }
}

TEST(RegionYearProfile, FiveYearsOfProcurementAreAcceptedByTheDomain) {
  RegionYearOptions options = Small("haaglanden", 3, 5 * 12 * 20);
  options.clients_per_year = 20;
  std::unique_ptr<RegionYearProfile> profile = Profile(options);
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->years(), 5);
  Played played;
  ASSERT_NO_FATAL_FAILURE(Play(*profile, options.region, played));
  EXPECT_THAT(played.claim_years, ElementsAre(2016, 2017, 2018, 2019, 2020));
  EXPECT_EQ(played.kinds["close_year"], 40);
}

TEST(RegionYearProfile, StopsRightAfterTheRequestedNumberOfClaims) {
  for (int64_t claims : {int64_t{1}, int64_t{1'799}, int64_t{1'800}, int64_t{1'801}, kClaims}) {
    SCOPED_TRACE(claims);
    std::unique_ptr<RegionYearProfile> profile = Profile(Small("haaglanden", 7, claims));
    ASSERT_NE(profile, nullptr);
    EXPECT_EQ(profile->years(), claims > 1'800 ? 2 : 1);
    int64_t counted = 0;
    v1::Command command;
    v1::Command last;
    while (profile->Next(command)) {
      counted += command.has_record_claim() ? 1 : 0;
      last = command;
    }
    EXPECT_EQ(counted, claims);
    EXPECT_TRUE(last.has_record_claim());
    EXPECT_FALSE(profile->Next(command));
  }
}

TEST(RegionYearProfile, TheSameSeedGivesTheSameCommandsByteForByte) {
  std::unique_ptr<RegionYearProfile> first = Profile(Small("haaglanden", 11));
  std::unique_ptr<RegionYearProfile> second = Profile(Small("haaglanden", 11));
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  v1::Command a, b;
  int64_t compared = 0;
  while (first->Next(a)) {
    ASSERT_TRUE(second->Next(b)) << "the second stream ended after " << compared;
    ASSERT_EQ(a.SerializeAsString(), b.SerializeAsString()) << "command " << compared + 1;
    ++compared;
  }
  EXPECT_FALSE(second->Next(b));
  EXPECT_GT(compared, kClaims);
}

TEST(RegionYearProfile, AnotherSeedGivesOtherCommandsWithTheSameNumberOfClaims) {
  std::unique_ptr<RegionYearProfile> first = Profile(Small("haaglanden", 11));
  std::unique_ptr<RegionYearProfile> second = Profile(Small("haaglanden", 12));
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  std::set<std::string> first_claims;
  int64_t second_claims = 0;
  int64_t shared = 0;
  v1::Command command;
  while (first->Next(command)) {
    if (command.has_record_claim()) first_claims.insert(command.record_claim().claim_id());
  }
  while (second->Next(command)) {
    if (!command.has_record_claim()) continue;
    ++second_claims;
    shared += first_claims.contains(command.record_claim().claim_id()) ? 1 : 0;
  }
  EXPECT_EQ(static_cast<int64_t>(first_claims.size()), kClaims);
  EXPECT_EQ(second_claims, kClaims);
  EXPECT_EQ(shared, 0) << "client pseudonyms depend on the seed";
}

TEST(RegionYearProfile, TimeOnlyMovesForwardAndCommandIdsCountUp) {
  std::unique_ptr<RegionYearProfile> profile = Profile(Small("haaglanden-3"));
  ASSERT_NE(profile, nullptr);
  v1::Command command;
  int64_t previous = 0;
  uint64_t n = 0;
  while (profile->Next(command)) {
    ++n;
    ASSERT_EQ(command.command_id(), absl::StrCat("haaglanden-3-", n));
    ASSERT_EQ(command.region(), "haaglanden-3");
    ASSERT_GE(command.occurred_at().seconds(), previous) << command.ShortDebugString();
    previous = command.occurred_at().seconds();
  }
}

// "cl-" + 16 lowercase hex digits + "-" + year + "-" + month 01..12.
bool IsPseudonymousClaimId(std::string_view id, std::string_view year) {
  constexpr size_t kHex = 16;
  if (id.size() != 3 + kHex + 1 + year.size() + 3) return false;
  if (id.substr(0, 3) != "cl-") return false;
  for (char c : id.substr(3, kHex)) {
    if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return false;
  }
  std::string_view rest = id.substr(3 + kHex);
  if (rest[0] != '-' || rest.substr(1, year.size()) != year || rest[1 + year.size()] != '-') {
    return false;
  }
  const std::string_view mm = rest.substr(2 + year.size());
  if (mm[0] < '0' || mm[0] > '9' || mm[1] < '0' || mm[1] > '9') return false;
  const int month = (mm[0] - '0') * 10 + (mm[1] - '0');
  return month >= 1 && month <= 12;
}

TEST(RegionYearProfile, EachClientClaimsEveryMonthUnderAPseudonym) {
  std::unique_ptr<RegionYearProfile> profile = Profile(Small("haaglanden", 7, 1'800));
  ASSERT_NE(profile, nullptr);
  std::map<std::string, int> months_per_client;
  v1::Command command;
  while (profile->Next(command)) {
    if (!command.has_record_claim()) continue;
    const std::string& id = command.record_claim().claim_id();
    ASSERT_TRUE(IsPseudonymousClaimId(id, "2016")) << id;
    ++months_per_client[id.substr(0, id.size() - 8)];
    EXPECT_EQ(command.record_claim().period_start().substr(0, 7), id.substr(id.size() - 7));
  }
  EXPECT_EQ(months_per_client.size(), static_cast<size_t>(kSmallYear));
  for (const auto& [client, months] : months_per_client) EXPECT_EQ(months, 12) << client;
}

TEST(RegionYearProfile, ARealYearBudgetsAbout198MillionWithDenHaagTheLargest) {
  RegionYearOptions options;  // a real region: 20,834 clients, 250,008 claims a year
  options.claims = 1;
  std::unique_ptr<RegionYearProfile> profile = Profile(options);
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->claims_per_year(), 250'008);
  std::map<std::string, int64_t> budgets;
  std::map<std::string, int64_t> kinds;
  v1::Command command;
  while (profile->Next(command)) {
    ++kinds[Kind(command)];
    if (command.has_set_budget()) {
      budgets[command.set_budget().municipality()] = command.set_budget().amount_cents();
    }
  }
  int64_t total = 0;
  for (const auto& [municipality, cents] : budgets) total += cents;
  EXPECT_EQ(budgets.size(), 10u);
  EXPECT_EQ(total, int64_t{198'000'000} * 100);
  EXPECT_EQ(std::max_element(budgets.begin(), budgets.end(),
                             [](const auto& a, const auto& b) { return a.second < b.second; })
                ->first,
            "Den Haag");
  EXPECT_EQ(kinds["register_provider"], 160);
  EXPECT_EQ(kinds["submit_bid"], 50);
  EXPECT_EQ(kinds["apply_for_admission"], 110);
  EXPECT_EQ(kinds["sign_contract"], 160);
  EXPECT_EQ(kinds["publish_tender"], 6);
}

TEST(RegionYearProfile, TheScheduleStaysBoundedOverThirtyYears) {
  RegionYearOptions options = Small("haaglanden", 5, 30 * 12 * 10);
  options.clients_per_year = 10;
  std::unique_ptr<RegionYearProfile> profile = Profile(options);
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->years(), 30);
  size_t most = 0;
  int64_t claims = 0;
  v1::Command command;
  while (profile->Next(command)) {
    most = std::max(most, profile->pending());
    claims += command.has_record_claim() ? 1 : 0;
  }
  EXPECT_EQ(claims, 30 * 12 * 10);
  EXPECT_THAT(most, Le(2'000u));
}

TEST(RegionYearProfile, RefusesOptionsItCannotMakeValid) {
  RegionYearOptions options = Small("haaglanden");
  options.claims = 0;
  EXPECT_THAT(RegionYearProfile::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("claims: expected")));
  options = Small("");
  EXPECT_THAT(RegionYearProfile::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("region")));
  options = Small("haaglanden");
  options.clients_per_year = 0;
  EXPECT_THAT(RegionYearProfile::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("clients_per_year")));
  options.clients_per_year = kMaxClientsPerYear + 1;
  EXPECT_THAT(RegionYearProfile::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("clients_per_year")));
  options.clients_per_year = kMaxClientsPerYear;
  EXPECT_THAT(RegionYearProfile::Create(options), IsOk());
}

}  // namespace
}  // namespace inkoop
