// Who may act: every hostile input a client can send, against the command
// handler the engine uses. The actor is the registered key's, the role the
// registry's; an unsigned, wrongly signed, revoked or foreign-keyed command
// is refused and changes nothing; the registry is kept as events.
#include "engine/authentication.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "engine/command_handler.h"
#include "engine/domain/decide.h"
#include "engine/domain/registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tools/client/actor_keys.h"

namespace inkoop {
namespace {

using ::testing::HasSubstr;

constexpr char kRegion[] = "haaglanden";
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

class AuthenticationTest : public ::testing::Test {
 protected:
  AuthenticationTest() : keys_(ActorKeys::Derived("authentication test")) {
    KeyRing founders;
    TrustedKey bureau;
    bureau.key_id = keys_.For("bureau")->key_id();
    bureau.public_key = keys_.For("bureau")->public_key();
    bureau.region = kRegion;
    founders.Add(bureau);
    handler_ = std::make_unique<CommandHandler>(std::move(founders));
  }

  void SetUp() override {
    v1::Command adopt = Command("adopt", "bureau");
    v1::AdoptFramework& body = *adopt.mutable_adopt_framework();
    body.set_framework_id("H10");
    body.add_municipalities("Delft");
    body.add_municipalities("Den Haag");
    v1::Lot& lot = *body.add_lots();
    lot.set_code("ambulatory");
    lot.set_name("Ambulatory");
    body.set_period_start("2016-01-01");
    body.set_period_end("2017-12-31");
    keys_.Enroll(adopt, {{"region-clock", v1::ROLE_CLOCK}, {"expiry", v1::ROLE_SYSTEM}});
    ASSERT_TRUE(Send(adopt).accepted()) << Send(adopt).message();
  }

  static v1::Command Command(const std::string& id, const std::string& actor) {
    v1::Command command;
    command.set_command_id(id);
    command.set_region(kRegion);
    command.mutable_actor()->set_id(actor);
    return command;
  }

  static v1::Command Budget(const std::string& id, const std::string& actor,
                            const std::string& municipality) {
    v1::Command command = Command(id, actor);
    v1::SetBudget& budget = *command.mutable_set_budget();
    budget.set_municipality(municipality);
    budget.set_year(2016);
    budget.set_source(v1::BUDGET_SOURCE_MAY_CIRCULAR);
    budget.set_amount_cents(100);
    return command;
  }

  v1::CommandResult SendRecord(const v1::SignedCommand& record) {
    v1::Command command;
    EXPECT_TRUE(command.ParseFromString(record.command()));
    return handler_->Handle(record, command, kNow).result;
  }
  v1::CommandResult Send(const v1::Command& command) { return SendRecord(keys_.Sign(command)); }

  uint64_t Sequence() { return handler_->State(kRegion).sequence.value(); }

  ActorKeys keys_;
  std::unique_ptr<CommandHandler> handler_;
};

TEST_F(AuthenticationTest, TheAdoptionRegistersTheBureauMunicipalitiesAndServiceActors) {
  const RegionState& state = handler_->State(kRegion);
  EXPECT_EQ(state.sequence.value(), 1u);
  EXPECT_EQ(RegisteredRole(state, "bureau"), v1::ROLE_BUREAU);
  EXPECT_EQ(RegisteredRole(state, "Delft"), v1::ROLE_MUNICIPALITY);
  EXPECT_EQ(RegisteredRole(state, "region-clock"), v1::ROLE_CLOCK);
  EXPECT_EQ(RegisteredRole(state, "expiry"), v1::ROLE_SYSTEM);
  EXPECT_EQ(state.actor_keys.size(), 5u);
}

TEST_F(AuthenticationTest, ASignedCommandActsInTheRegisteredRole) {
  v1::Command budget = Budget("b1", "Delft", "Delft");  // no role stated
  v1::CommandResult result = Send(budget);
  ASSERT_TRUE(result.accepted()) << result.message();
  // The events carry the registry's role.
  absl::StatusOr<std::optional<v1::CommandResult>> seen = handler_->cache().Result(kRegion, "b1");
  ASSERT_TRUE(seen.ok() && seen->has_value());
}

// `--actor Delft --role bureau` registered a provider.
TEST_F(AuthenticationTest, AMunicipalityClaimingTheBureauRoleIsRefused) {
  v1::Command forged = Command("forged-role", "Delft");
  forged.mutable_actor()->set_role(v1::ROLE_BUREAU);
  forged.mutable_register_provider()->set_provider_id("p1");
  forged.mutable_register_provider()->set_name("P1");
  v1::CommandResult result = Send(forged);
  EXPECT_FALSE(result.accepted());
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(result.message(),
              HasSubstr("the command says role bureau, the registry of region 'haaglanden' holds "
                        "actor 'Delft' as municipality: the role comes from the registry"));
  EXPECT_EQ(Sequence(), 1u);
}

// `--actor anyone --role system` expired a contract.
TEST_F(AuthenticationTest, AnActorOutsideTheRegistryIsRefused) {
  v1::Command forged = Command("anyone", "anyone");
  forged.mutable_actor()->set_role(v1::ROLE_SYSTEM);
  forged.mutable_expire_contract()->set_contract_id("C1");
  v1::CommandResult result = Send(forged);
  EXPECT_FALSE(result.accepted());
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(result.message(), HasSubstr("actor 'anyone': key '" +
                                          keys_.For("anyone")->key_id() +
                                          "' is not in the registry of region 'haaglanden'"));
}

TEST_F(AuthenticationTest, AnUnsignedCommandIsRefusedAndDoesNotTakeTheCommandId) {
  v1::Command budget = Budget("squatted", "Delft", "Delft");
  v1::SignedCommand unsigned_record = ActorKeys().Sign(budget);
  v1::CommandResult result = SendRecord(unsigned_record);
  EXPECT_FALSE(result.accepted());
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(result.message(), HasSubstr("command 'squatted' of actor 'Delft': unsigned"));
  // The actor's own command with that id is decided, not taken for a repeat.
  budget.mutable_set_budget()->set_amount_cents(200);
  result = Send(budget);
  EXPECT_TRUE(result.accepted()) << result.message();
  EXPECT_FALSE(result.duplicate());
}

TEST_F(AuthenticationTest, AChangedSignatureOrChangedBytesAreRefused) {
  v1::SignedCommand record = keys_.Sign(Budget("b1", "Delft", "Delft"));
  v1::SignedCommand flipped = record;
  flipped.mutable_signature()->at(5) ^= 0x01;
  v1::CommandResult result = SendRecord(flipped);
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(result.message(), HasSubstr("the signature by key '" + record.key_id() +
                                          "' does not verify over the command's bytes"));

  // The signed command with a larger amount spliced in.
  v1::Command changed;
  ASSERT_TRUE(changed.ParseFromString(record.command()));
  changed.mutable_set_budget()->set_amount_cents(999'999'999);
  v1::SignedCommand spliced = record;
  spliced.set_command(changed.SerializeAsString());
  result = SendRecord(spliced);
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(Sequence(), 1u);
  EXPECT_TRUE(SendRecord(record).accepted());
}

TEST_F(AuthenticationTest, AKeyOfAnotherActorIsRefused) {
  // Den Haag signs a command that names Delft.
  v1::Command budget = Budget("b1", "Delft", "Delft");
  v1::SignedCommand record = SignCommand(budget, *keys_.For("Den Haag"));
  v1::CommandResult result = SendRecord(record);
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(result.message(), HasSubstr("belongs to actor 'Den Haag', not to the actor the "
                                          "command names"));
}

TEST_F(AuthenticationTest, ARevokedKeyIsRefusedAndARotatedOneActs) {
  const std::string old_id = keys_.For("Delft")->key_id();
  // Delft rotates to a new key (the old one signs the rotation).
  absl::StatusOr<SigningKey> fresh = SigningKey::FromSeed(std::string(32, '\x07'));
  ASSERT_TRUE(fresh.ok());
  v1::Command rotate = Command("rotate", "Delft");
  rotate.mutable_rotate_key()->mutable_new_key()->set_public_key(
      absl::BytesToHexString(fresh->public_key()));
  rotate.mutable_rotate_key()->set_replaces_key_id(old_id);
  rotate.mutable_rotate_key()->set_reason("laptop lost");
  v1::CommandResult rotated = Send(rotate);
  ASSERT_TRUE(rotated.accepted()) << rotated.message();

  v1::CommandResult refused = Send(Budget("b-old", "Delft", "Delft"));
  EXPECT_EQ(refused.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(refused.message(), HasSubstr("key '" + old_id + "' of actor 'Delft' was revoked by "
                                           "event 3 (laptop lost)"));
  v1::CommandResult accepted = SendRecord(SignCommand(Budget("b-new", "Delft", "Delft"), *fresh));
  EXPECT_TRUE(accepted.accepted()) << accepted.message();

  // The bureau revokes the new key too.
  v1::Command revoke = Command("revoke", "bureau");
  revoke.mutable_revoke_key()->set_key_id(fresh->key_id());
  revoke.mutable_revoke_key()->set_reason("left the region");
  ASSERT_TRUE(Send(revoke).accepted());
  EXPECT_EQ(SendRecord(SignCommand(Budget("b-3", "Delft", "Delft"), *fresh)).code(),
            static_cast<int>(absl::StatusCode::kUnauthenticated));
}

TEST_F(AuthenticationTest, OnlyTheBureauOrTheOwnerRevokesAndTheLastBureauKeyStays) {
  v1::Command revoke = Command("revoke", "Den Haag");
  revoke.mutable_revoke_key()->set_key_id(keys_.For("Delft")->key_id());
  revoke.mutable_revoke_key()->set_reason("spite");
  v1::CommandResult result = Send(revoke);
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kPermissionDenied));

  v1::Command last = Command("last", "bureau");
  last.mutable_revoke_key()->set_key_id(keys_.For("bureau")->key_id());
  last.mutable_revoke_key()->set_reason("oops");
  result = Send(last);
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(result.message(), HasSubstr("is the last bureau key of region 'haaglanden'"));
}

TEST_F(AuthenticationTest, RegisteringKeysChecksTheActorAndTheKeyId) {
  v1::Command outsider = Command("k1", "bureau");
  *outsider.mutable_register_key()->mutable_actor_key() = keys_.Entry("Gouda", v1::ROLE_MUNICIPALITY);
  EXPECT_THAT(Send(outsider).message(),
              HasSubstr("actor_key.actor_id: 'Gouda' is not a municipality of region"));

  v1::Command wrong_id = Command("k2", "bureau");
  *wrong_id.mutable_register_key()->mutable_actor_key() = keys_.Entry("auditor-x", v1::ROLE_SYSTEM);
  wrong_id.mutable_register_key()->mutable_actor_key()->set_key_id("0000000000000000");
  EXPECT_THAT(Send(wrong_id).message(), HasSubstr("actor_key.key_id: expected '"));

  // Delft's key again, for another actor.
  v1::Command reused = Command("k3", "bureau");
  v1::ActorKey entry = keys_.Entry("Delft", v1::ROLE_MUNICIPALITY);
  entry.set_actor_id("Den Haag");
  *reused.mutable_register_key()->mutable_actor_key() = entry;
  EXPECT_THAT(Send(reused).message(), HasSubstr("is already registered, for actor 'Delft'"));

  // A municipality cannot register keys.
  v1::Command by_municipality = Command("k4", "Delft");
  *by_municipality.mutable_register_key()->mutable_actor_key() =
      keys_.Entry("helper", v1::ROLE_SYSTEM);
  EXPECT_EQ(Send(by_municipality).code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(Sequence(), 1u);
}

TEST_F(AuthenticationTest, AProviderRegisteredWithItsKeySignsItsOwnCommands) {
  v1::Command provider = Command("p", "bureau");
  provider.mutable_register_provider()->set_provider_id("horizon");
  provider.mutable_register_provider()->set_name("Stichting Horizon");
  keys_.Enroll(provider);
  ASSERT_TRUE(Send(provider).accepted());
  EXPECT_EQ(RegisteredRole(handler_->State(kRegion), "horizon"), v1::ROLE_PROVIDER);
  v1::Command report = Command("r", "horizon");
  report.mutable_withdraw_bid()->set_tender_id("T1");
  report.mutable_withdraw_bid()->set_bid_id("b");
  report.mutable_withdraw_bid()->set_reason("r");
  // Authenticated as the provider: the refusal is the domain's, not the
  // registry's.
  v1::CommandResult result = Send(report);
  EXPECT_NE(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated))
      << result.message();
}

TEST_F(AuthenticationTest, ANewRegionIsFoundedOnlyWithAFoundingKey) {
  v1::Command adopt = Command("adopt-other", "bureau");
  adopt.set_region("elsewhere");  // the founding key is for haaglanden only
  adopt.mutable_adopt_framework()->set_framework_id("F");
  keys_.Enroll(adopt);
  v1::CommandResult result = Send(adopt);
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(result.message(),
              HasSubstr("is not a founding key of the engine for region 'elsewhere'"));

  v1::Command budget = Budget("early", "Delft", "Delft");
  budget.set_region("elsewhere");
  EXPECT_THAT(Send(budget).message(),
              HasSubstr("has no framework and so no registry of actors yet"));
}

TEST_F(AuthenticationTest, TheClockMovesOnlyByTheClockRoleOnAManualClock) {
  v1::Command advance = Command("tick", "region-clock");
  advance.mutable_advance_clock()->mutable_to()->set_seconds(1'900'000'000);
  v1::CommandResult result = Send(advance);
  // This region runs on the wall clock.
  EXPECT_THAT(result.message(), HasSubstr("runs on the engine's wall clock"));
  v1::Command by_bureau = Command("tick-2", "bureau");
  by_bureau.mutable_advance_clock()->mutable_to()->set_seconds(1'900'000'000);
  EXPECT_EQ(Send(by_bureau).code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  // A command dated ahead of the engine's clock cannot move it.
  v1::Command ahead = Budget("ahead", "Delft", "Delft");
  ahead.mutable_occurred_at()->set_seconds(1'900'000'000);
  EXPECT_THAT(Send(ahead).message(), HasSubstr("a command cannot be dated ahead of the engine's clock"));
}

}  // namespace
}  // namespace inkoop

namespace inkoop {
namespace {

// The engine verifies a batch's signatures ahead on two threads; what it
// checked counts only for the key the registry names when the command is
// decided (a key rotated earlier in the batch is verified again).
TEST_F(AuthenticationTest, ASignatureCheckedAheadCountsOnlyForTheRegisteredKey) {
  v1::Command budget = Budget("b1", "Delft", "Delft");
  v1::SignedCommand forged = SignCommand(budget, *keys_.For("Den Haag"));
  forged.set_key_id(keys_.For("Delft")->key_id());  // a signature by another key
  const RegionState& state = handler_->State(kRegion);
  // Checked "valid" against some other public key: verified again, refused.
  CheckedSignature elsewhere{keys_.For("Den Haag")->public_key(), true};
  EXPECT_EQ(Authenticate(state, KeyRing(), forged, budget, &elsewhere).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Checked against the registered key: the verdict is taken.
  const std::string registered = ExpectedSigner(state, KeyRing(), forged, budget);
  EXPECT_EQ(registered, keys_.For("Delft")->public_key());
  CheckedSignature ahead = CheckSignature(forged, registered);
  EXPECT_FALSE(ahead.valid);
  EXPECT_EQ(Authenticate(state, KeyRing(), forged, budget, &ahead).status().code(),
            absl::StatusCode::kUnauthenticated);
  v1::SignedCommand good = keys_.Sign(budget);
  CheckedSignature fine = CheckSignature(good, registered);
  EXPECT_TRUE(fine.valid);
  absl::StatusOr<v1::Actor> actor = Authenticate(state, KeyRing(), good, budget, &fine);
  ASSERT_TRUE(actor.ok()) << actor.status();
  EXPECT_EQ(actor->role(), v1::ROLE_MUNICIPALITY);
}

}  // namespace
}  // namespace inkoop
