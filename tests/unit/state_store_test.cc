// The state store on a real RocksDB in a temporary directory: regions that
// share ids stay apart, a batch writes what changed and nothing more, a
// database this build cannot use is recreated or refused with the reason,
// and results survive a restart with no memory.
#include "engine/store/state_store.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/command_handler.h"
#include "engine/domain/decide.h"
#include "engine/envelope.h"
#include "engine/store/keys.h"
#include "engine/store/region_cache.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/projection.h"
#include "projections/reader.h"
#include "tests/testing/records.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/region_events.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace inkoop {
namespace {

using ::inkoop::testing::EventOf;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::RegionEvents;
using ::inkoop::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class StateStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<StateStore> Open(bool recreate = false) {
    StoreOptions options;
    options.path = dir_.Sub("store");
    options.recreate_if_unusable = recreate;
    absl::StatusOr<std::unique_ptr<StateStore>> store = StateStore::Open(options);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? std::move(*store) : nullptr;
  }

  testing::TempDir dir_;
};

TEST_F(StateStoreTest, TwoRegionsSharingMunicipalityProviderAndContractIdsStayApart) {
  const std::string db = dir_.Sub("projection");
  {
    absl::StatusOr<std::unique_ptr<Projection>> projection = Projection::Open(db, testing::TestProjectionOptions());
    ASSERT_THAT(projection, IsOk());
    int64_t offset = 0;
    for (const auto& [region, scale, name] :
         {std::tuple("haaglanden", int64_t{100}, "Haaglanden care"),
          std::tuple("holland-rijnland", int64_t{7}, "Rijnland care")}) {
      for (const v1::Event& event : RegionEvents(region, scale, name)) {
        ASSERT_THAT((*projection)->Apply("events", 0, Offset(offset++), testing::Signed(event)),
                    IsOk());
      }
    }
    ASSERT_THAT((*projection)->Commit(), IsOk());
    EXPECT_EQ((*projection)->counters().applied, 8u);
    EXPECT_EQ((*projection)->counters().parked, 0u);
  }
  absl::StatusOr<std::unique_ptr<ProjectionReader>> reader = ProjectionReader::Open(db);
  ASSERT_THAT(reader, IsOk());
  EXPECT_THAT((*reader)->RegionNames().value(), ::testing::UnorderedElementsAre(
                                                    "haaglanden", "holland-rijnland"));

  absl::StatusOr<std::optional<v1::BudgetView>> haaglanden =
      (*reader)->Budget("haaglanden", "Delft", 2016);
  absl::StatusOr<std::optional<v1::BudgetView>> rijnland =
      (*reader)->Budget("holland-rijnland", "Delft", 2016);
  ASSERT_THAT(haaglanden, IsOk());
  ASSERT_THAT(rijnland, IsOk());
  ASSERT_TRUE(haaglanden->has_value() && rijnland->has_value());
  EXPECT_EQ((*haaglanden)->budget_cents(), 100'000);
  EXPECT_EQ((*haaglanden)->lots(0).committed_cents(), 100);
  EXPECT_EQ((*haaglanden)->region(), "haaglanden");
  EXPECT_EQ((*rijnland)->budget_cents(), 7'000);
  EXPECT_EQ((*rijnland)->lots(0).committed_cents(), 7);

  absl::StatusOr<std::vector<v1::ProviderRecord>> providers = (*reader)->Providers("haaglanden");
  ASSERT_THAT(providers, IsOk());
  ASSERT_THAT(*providers, SizeIs(1));
  EXPECT_EQ((*providers)[0].name(), "Haaglanden care");
  providers = (*reader)->Providers("holland-rijnland");
  ASSERT_THAT(providers, IsOk());
  ASSERT_THAT(*providers, SizeIs(1));
  EXPECT_EQ((*providers)[0].name(), "Rijnland care");

  absl::StatusOr<std::vector<v1::ContractRecord>> contracts =
      (*reader)->Contracts("holland-rijnland");
  ASSERT_THAT(contracts, IsOk());
  ASSERT_THAT(*contracts, SizeIs(1));
  EXPECT_EQ((*contracts)[0].ceilings(0).ceiling_cents(), 7);
  EXPECT_THAT((*reader)->Contracts("elsewhere").value(), SizeIs(0));

  absl::StatusOr<std::optional<RegionState>> state = (*reader)->Region("haaglanden");
  ASSERT_THAT(state, IsOk());
  ASSERT_TRUE(state->has_value());
  EXPECT_EQ((*state)->sequence, Sequence(4));
  EXPECT_EQ((*state)->contracts.at("C-1").ceilings(0).ceiling_cents(), 100);
}

TEST_F(StateStoreTest, ABatchWritesTheEntitiesItChangedAndNothingElse) {
  std::unique_ptr<StateStore> store = Open();
  ASSERT_NE(store, nullptr);
  RegionCache cache(store.get(), 0);
  CommandHandler handler(&cache);
  for (const v1::Event& event : RegionEvents("haaglanden", 100, "care")) {
    ASSERT_THAT(handler.Replay(event), IsOk());
  }
  StoreBatch first(*store);
  cache.Stage(first);
  // Header, framework, one budget year, one provider, one contract.
  EXPECT_EQ(first.count(), 5u);
  ASSERT_THAT(store->Write(first), IsOk());
  cache.Written();

  // A claim changes the claim and the contract's claimed money; the header
  // moves on. The framework, budget and provider are not written again.
  v1::Event claim = EventOf(R"pb(claim_recorded {
                                   claim_id: "k1"
                                   contract_id: "C-1"
                                   provider_id: "p1"
                                   municipality: "Delft"
                                   period_start: "2016-02-01"
                                   period_end: "2016-02-29"
                                   amount_cents: 40
                                 })pb");
  const RegionState& state = handler.State("haaglanden");
  claim.set_region("haaglanden");
  claim.set_sequence(5);
  claim.set_previous_hash(state.last_hash);
  Seal(claim);
  ASSERT_THAT(handler.Replay(claim), IsOk());
  StoreBatch second(*store);
  cache.Stage(second);
  EXPECT_EQ(second.count(), 3u);
  ASSERT_THAT(store->Write(second), IsOk());
  cache.Written();
  // With no budget for history, the claim is on disk only now.
  EXPECT_FALSE(handler.State("haaglanden").claims.contains("k1"));
  absl::StatusOr<RegionState> whole = store->LoadWholeRegion("haaglanden");
  ASSERT_THAT(whole, IsOk());
  EXPECT_EQ(whole->claims.at("k1").amount_cents(), 40);
  EXPECT_EQ(whole->contracts.at("C-1").claimed(0).claimed_cents(), 40);
}

TEST_F(StateStoreTest, OpenPlacementRequestsStayResidentAndPlacedOnesLeaveMemory) {
  std::unique_ptr<StateStore> store = Open();
  ASSERT_NE(store, nullptr);
  RegionCache cache(store.get(), /*budget_bytes=*/1 << 30);
  CommandHandler handler(&cache);
  for (const v1::Event& event : RegionEvents("haaglanden", 100, "care")) {
    ASSERT_THAT(handler.Replay(event), IsOk());
  }
  std::vector<v1::Event> placements;
  for (const char* id : {"pl1", "pl2"}) {
    placements.push_back(EventOf(absl::StrCat(
        "placement_requested { placement_id: '", id, "' municipality: 'Delft' client: 'cl' ",
        "lot: 'care' court_order: 'o' ordered_on: '2016-02-01' requested_on: '2016-02-01' ",
        "candidates: 'p1' with_provider: 'p1' }")));
  }
  placements.push_back(EventOf(R"pb(placement_accepted {
                                      placement_id: "pl1" provider_id: "p1" contract_id: "C-1"
                                      start_date: "2016-02-02" accepted_on: "2016-02-02"
                                    })pb"));
  for (v1::Event& event : placements) {
    const RegionState& state = handler.State("haaglanden");
    event.set_region("haaglanden");
    event.set_sequence(state.sequence.value() + 1);
    event.set_previous_hash(state.last_hash);
    Seal(event);
    ASSERT_THAT(handler.Replay(event), IsOk());
  }
  StoreBatch batch(*store);
  cache.Stage(batch);
  ASSERT_THAT(store->Write(batch), IsOk());
  cache.Written();
  // The placed request is on disk only, though the budget has room.
  EXPECT_FALSE(handler.State("haaglanden").placements.contains("pl1"));
  EXPECT_TRUE(handler.State("haaglanden").placements.contains("pl2"));
  absl::StatusOr<RegionState> region = store->LoadRegion("haaglanden");
  ASSERT_THAT(region, IsOk());
  EXPECT_THAT(region->placements, SizeIs(1));
  EXPECT_TRUE(region->placements.contains("pl2"));
  ASSERT_THAT(store->LoadPlacement(*region, "pl1"), IsOk());
  EXPECT_EQ(region->placements.at("pl1").status(), v1::PLACEMENT_STATUS_PLACED);
  absl::StatusOr<RegionState> whole = store->LoadWholeRegion("haaglanden");
  ASSERT_THAT(whole, IsOk());
  EXPECT_THAT(whole->placements, SizeIs(2));
}

TEST_F(StateStoreTest, DiscardForgetsWhatWasNotWritten) {
  std::unique_ptr<StateStore> store = Open();
  ASSERT_NE(store, nullptr);
  RegionCache cache(store.get(), 0);
  CommandHandler handler(&cache);
  std::vector<v1::Event> events = RegionEvents("haaglanden", 100, "care");
  ASSERT_THAT(handler.Replay(events[0]), IsOk());
  StoreBatch batch(*store);
  cache.Stage(batch);
  ASSERT_THAT(store->Write(batch), IsOk());
  cache.Written();
  for (size_t i = 1; i < events.size(); ++i) ASSERT_THAT(handler.Replay(events[i]), IsOk());
  EXPECT_EQ(handler.State("haaglanden").sequence, Sequence(4));
  cache.Discard();
  EXPECT_EQ(handler.State("haaglanden").sequence, Sequence(1));
  EXPECT_FALSE(handler.State("haaglanden").contracts.contains("C-1"));
}

TEST_F(StateStoreTest, ARepeatedCommandIdAfterARestartWithNoMemoryReturnsTheFirstResult) {
  v1::Command adopt = testing::ParseText<v1::Command>(R"pb(
    command_id: "adopt-1"
    region: "haaglanden"
    actor { id: "bureau" role: ROLE_BUREAU }
    adopt_framework {
      framework_id: "F"
      municipalities: "Delft"
      lots { code: "ambulatory" name: "Ambulatory" }
      period_start: "2016-01-01"
      period_end: "2017-12-31"
    })pb");
  v1::CommandResult first;
  {
    std::unique_ptr<StateStore> store = Open();
    ASSERT_NE(store, nullptr);
    RegionCache cache(store.get(), 0);
    CommandHandler handler(&cache);
    Outcome outcome = handler.HandleAuthenticated(adopt, absl::UnixEpoch());
    ASSERT_TRUE(outcome.result.accepted()) << outcome.result.message();
    first = outcome.result;
    StoreBatch batch(*store);
    cache.Stage(batch);
    ASSERT_THAT(store->Write(batch), IsOk());
    cache.Written();
  }
  std::unique_ptr<StateStore> store = Open();
  ASSERT_NE(store, nullptr);
  RegionCache cache(store.get(), 0);
  CommandHandler handler(&cache);
  EXPECT_EQ(handler.results_remembered(), 0u);
  Outcome repeat = handler.HandleAuthenticated(adopt, absl::UnixEpoch());
  EXPECT_TRUE(repeat.events.empty());
  EXPECT_TRUE(repeat.result.duplicate());
  EXPECT_TRUE(repeat.result.accepted());
  EXPECT_THAT(repeat.result.sequences(), ElementsAre(1u));
  EXPECT_EQ(handler.State("haaglanden").sequence, Sequence(1));
}

TEST_F(StateStoreTest, ADatabaseOfAnotherLayoutIsRefusedWithTheReasonOrRecreated) {
  {
    std::unique_ptr<StateStore> store = Open();
    ASSERT_NE(store, nullptr);
    StoreBatch batch(*store);
    batch.Put(kMetaFamily, "layout", "inkoop-state-store-0");
    batch.Put(kStateFamily, EntityKey("haaglanden", EntityKind::kHeader, ""), "x");
    ASSERT_THAT(store->Write(batch), IsOk());
  }
  StoreOptions options;
  options.path = dir_.Sub("store");
  EXPECT_THAT(StateStore::Open(options),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("has layout 'inkoop-state-store-0', this build keeps "
                                 "'inkoop-state-store-4'")));
  std::unique_ptr<StateStore> store = Open(/*recreate=*/true);
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->recreated_because(), HasSubstr("has layout 'inkoop-state-store-0'"));
  EXPECT_THAT(store->Regions().value(), SizeIs(0));
}

TEST_F(StateStoreTest, UndecodableEntityBytesAreReportedAsDataLossNamingTheRegion) {
  std::unique_ptr<StateStore> store = Open();
  ASSERT_NE(store, nullptr);
  StoreBatch batch(*store);
  batch.Put(kStateFamily, EntityKey("haaglanden", EntityKind::kHeader, ""), "\xff\xff garbage");
  ASSERT_THAT(store->Write(batch), IsOk());
  EXPECT_THAT(store->LoadRegion("haaglanden"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("header of haaglanden")));
}

TEST_F(StateStoreTest, ASecondWriterOfTheSameDirectoryIsRefusedAndNothingIsRecreated) {
  std::unique_ptr<StateStore> first = Open();
  ASSERT_NE(first, nullptr);
  StoreOptions options;
  options.path = dir_.Sub("store");
  options.recreate_if_unusable = true;
  EXPECT_THAT(StateStore::Open(options),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("in use by another process")));
  EXPECT_THAT(first->Regions(), IsOk());
}

TEST(StoreKeys, RegionsThatArePrefixesOfEachOtherHaveDisjointKeyRanges) {
  const std::string a = RegionPrefix("haag");
  const std::string b = EntityKey("haaglanden", EntityKind::kHeader, "");
  EXPECT_FALSE(absl::StartsWith(b, a));
  EXPECT_EQ(RegionOfKey(b), "haaglanden");
  EXPECT_EQ(RegionOfKey(EntityKey("", EntityKind::kClaim, "k")), "");
  EXPECT_EQ(RegionOfKey("\x01"), std::nullopt);
  EXPECT_LT(YearId(-1), YearId(0));
  EXPECT_LT(YearId(2016), YearId(2017));
}

}  // namespace
}  // namespace inkoop
