// Who may act, end to end against the real broker and engine: commands are
// signed by their actor's registered key, the role comes from the region's
// registry, and each hostile input of the findings is refused with a result
// naming the actor and key while the region goes on.
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/authentication.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cluster.h"
#include "tools/client/submitter.h"

namespace inkoop::testing {
namespace {

using ::testing::HasSubstr;

class AuthenticatedActorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FreshTopics("actors");
    engine_ = StartEngine(options_, dir_);
    absl::StatusOr<std::unique_ptr<Submitter>> submitter =
        ConnectSigned(options_, absl::Seconds(30));
    ASSERT_TRUE(submitter.ok()) << submitter.status();
    submitter_ = std::move(*submitter);
    auto adopted = submitter_->Submit(AdoptFramework("north", {"Delft", "Westland"}, {"lot-a"}),
                                      absl::Seconds(60));
    ASSERT_TRUE(adopted.ok() && adopted->accepted())
        << (adopted.ok() ? adopted->message() : "") << Tail(engine_->log_path());
  }

  // Sends `record` for `command` and waits for its result.
  v1::CommandResult SendRecord(const v1::Command& command, const v1::SignedCommand& record) {
    EXPECT_TRUE(submitter_->SendSigned({{command.region(), record}}).ok());
    auto results =
        submitter_->AwaitResults({{command.region(), command.command_id()}}, absl::Seconds(60));
    EXPECT_TRUE(results.ok()) << results.status() << Tail(engine_->log_path());
    return results.ok() ? results->front() : v1::CommandResult();
  }

  v1::CommandResult Submit(const v1::Command& command) {
    auto result = submitter_->Submit(command, absl::Seconds(60));
    EXPECT_TRUE(result.ok()) << result.status() << Tail(engine_->log_path());
    return result.ok() ? *result : v1::CommandResult();
  }

  size_t Events() { return ReadAllEvents(options_).size(); }

  TempDir dir_;
  KafkaOptions options_;
  std::unique_ptr<ChildProcess> engine_;
  std::unique_ptr<Submitter> submitter_;
};

// `--actor Delft --role bureau` registered a provider.
TEST_F(AuthenticatedActorsTest, AForgedRoleIsRefusedAndTheRegionGoesOn) {
  const size_t before = Events();
  v1::Command forged = SetBudget("north", "Delft", 2016, 5);
  forged.clear_set_budget();
  forged.mutable_actor()->set_role(v1::ROLE_BUREAU);
  forged.mutable_register_provider()->set_provider_id("p1");
  forged.mutable_register_provider()->set_name("P1");
  v1::CommandResult result = Submit(forged);
  EXPECT_FALSE(result.accepted());
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(result.message(), HasSubstr("holds actor 'Delft' as municipality: the role comes "
                                          "from the registry"));
  EXPECT_EQ(Events(), before);
  EXPECT_TRUE(Submit(SetBudget("north", "Delft", 2016, 5)).accepted());
}

// `--actor anyone --role system` expired a contract.
TEST_F(AuthenticatedActorsTest, AForgedActorIsRefused) {
  v1::Command forged = SetBudget("north", "anyone", 2016, 5);
  forged.mutable_actor()->set_role(v1::ROLE_SYSTEM);
  forged.clear_set_budget();
  forged.mutable_expire_contract()->set_contract_id("C1");
  v1::CommandResult result = Submit(forged);
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(result.message(),
              HasSubstr("actor 'anyone': key '" + TestActorKeys().For("anyone")->key_id() +
                        "' is not in the registry of region 'north'"));

  // Westland's key on a command naming Delft.
  v1::Command budget = SetBudget("north", "Delft", 2016, 5);
  result = SendRecord(budget, SignCommand(budget, *TestActorKeys().For("Westland")));
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(result.message(), HasSubstr("belongs to actor 'Westland'"));
}

TEST_F(AuthenticatedActorsTest, UnsignedAndWronglySignedCommandsAreRefused) {
  const size_t before = Events();
  v1::Command budget = SetBudget("north", "Delft", 2016, 5);
  v1::SignedCommand unsigned_record = ActorKeys().Sign(budget);
  v1::CommandResult result = SendRecord(budget, unsigned_record);
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(result.message(), HasSubstr("of actor 'Delft': unsigned"));

  v1::Command other = SetBudget("north", "Delft", 2016, 6);
  v1::SignedCommand flipped = TestActorKeys().Sign(other);
  flipped.mutable_signature()->at(0) ^= 0x40;
  result = SendRecord(other, flipped);
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(result.message(), HasSubstr("does not verify over the command's bytes"));

  // Garbage on the commands topic is refused, not fatal.
  v1::SignedCommand garbage;
  garbage.set_command("\xff\xff\xff not a command");
  v1::Command named;
  named.set_region("north");
  ASSERT_TRUE(submitter_->SendSigned({{"north", garbage}}).ok());
  EXPECT_EQ(Events(), before);
  // The region goes on, and the unsigned command did not take its id.
  result = Submit(budget);
  EXPECT_TRUE(result.accepted()) << result.message();
  EXPECT_FALSE(result.duplicate());
}

TEST_F(AuthenticatedActorsTest, ARevokedKeyIsRefused) {
  v1::Command revoke = SetBudget("north", "bureau", 2016, 5);
  revoke.clear_set_budget();
  revoke.mutable_actor()->clear_role();
  revoke.mutable_revoke_key()->set_key_id(TestActorKeys().For("Delft")->key_id());
  revoke.mutable_revoke_key()->set_reason("key leaked");
  v1::CommandResult revoked = Submit(revoke);
  ASSERT_TRUE(revoked.accepted()) << revoked.message();

  v1::CommandResult result = Submit(SetBudget("north", "Delft", 2016, 5));
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(result.message(),
              HasSubstr("of actor 'Delft' was revoked by event " +
                        absl::StrCat(revoked.sequences(0)) + " (key leaked)"));

  // A new key registered by the bureau acts; the engine rebuilt from the
  // log keeps the registry (the revocation holds after a restart).
  absl::StatusOr<SigningKey> fresh = SigningKey::FromSeed(std::string(32, 'd'));
  ASSERT_TRUE(fresh.ok());
  v1::Command add = revoke;
  add.set_command_id(revoke.command_id() + "-add");
  add.clear_revoke_key();
  v1::ActorKey& key = *add.mutable_register_key()->mutable_actor_key();
  key.set_actor_id("Delft");
  key.set_role(v1::ROLE_MUNICIPALITY);
  key.set_public_key(absl::BytesToHexString(fresh->public_key()));
  ASSERT_TRUE(Submit(add).accepted());
  engine_->Signal(SIGTERM);
  ASSERT_TRUE(engine_->Wait(absl::Seconds(30)).has_value());
  engine_ = StartEngine(options_, dir_);
  v1::Command budget = SetBudget("north", "Delft", 2016, 7);
  result = SendRecord(budget, SignCommand(budget, *fresh));
  EXPECT_TRUE(result.accepted()) << result.message() << Tail(engine_->log_path());
  v1::Command old = SetBudget("north", "Delft", 2016, 8);
  EXPECT_EQ(Submit(old).code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
}

TEST_F(AuthenticatedActorsTest, ARegionIsFoundedOnlyWithAFoundingKey) {
  v1::Command adopt = AdoptFramework("south", {"m0"}, {"lot-a"});
  adopt.mutable_actor()->set_id("someone");
  v1::CommandResult result = SendRecord(adopt, SignCommand(adopt, *TestActorKeys().For("someone")));
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(result.message(), HasSubstr("is not a founding key of the engine for region 'south'"));
}

}  // namespace
}  // namespace inkoop::testing
