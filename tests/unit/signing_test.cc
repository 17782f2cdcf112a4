// Ed25519 keys, chain statements and the key file, on OpenSSL's libcrypto.
#include "engine/signing.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace inkoop {
namespace {

using ::inkoop::testing::IsOk;
using ::inkoop::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp time;
  time.set_seconds(seconds);
  return time;
}

SigningKey Key(char seed) { return SigningKey::FromSeed(std::string(32, seed)).value(); }

TEST(Signing, ASignatureVerifiesAndAnyChangeToTheStatementBreaksIt) {
  const SigningKey key = Key('\x11');
  const std::string hash(32, '\x05');
  const std::string statement = ChainStatement("haaglanden", 7, hash, At(1462060800));
  const std::string signature = key.Sign(statement);
  ASSERT_THAT(signature, SizeIs(kSignatureBytes));
  EXPECT_THAT(VerifySignature(key.public_key(), statement, signature), IsOk());
  for (const std::string& other :
       {ChainStatement("haaglanden", 8, hash, At(1462060800)),
        ChainStatement("haaglandeN", 7, hash, At(1462060800)),
        ChainStatement("haaglanden", 7, std::string(32, '\x06'), At(1462060800)),
        ChainStatement("haaglanden", 7, hash, At(1462060801))}) {
    EXPECT_THAT(VerifySignature(key.public_key(), other, signature),
                StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
  }
  EXPECT_THAT(VerifySignature(Key('\x12').public_key(), statement, signature),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
}

TEST(Signing, TheSameSeedIsTheSameKeyAndAPemRoundTrips) {
  const SigningKey key = Key('\x11');
  EXPECT_EQ(key.public_key(), Key('\x11').public_key());
  EXPECT_EQ(key.key_id().size(), 16u);
  absl::StatusOr<SigningKey> back = SigningKey::FromPem(key.ToPem());
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->public_key(), key.public_key());
  EXPECT_THAT(key.ToPem(), HasSubstr("-----BEGIN PRIVATE KEY-----"));
  EXPECT_THAT(SigningKey::FromPem("no key here"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a PEM private key")));
}

TEST(Signing, LoadOrCreateWritesTheKeyOnceWithItsKeyFileLine) {
  testing::TempDir dir;
  const std::string path = dir.Sub("engine.pem");
  bool created = false;
  absl::StatusOr<SigningKey> first = SigningKey::LoadOrCreate(path, &created);
  ASSERT_THAT(first, IsOk());
  EXPECT_TRUE(created);
  absl::StatusOr<SigningKey> again = SigningKey::LoadOrCreate(path, &created);
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(created);
  EXPECT_EQ(again->public_key(), first->public_key());
  absl::StatusOr<KeyRing> ring = KeyRing::Load(path + ".pub");
  ASSERT_THAT(ring, IsOk());
  ASSERT_THAT(ring->keys(), SizeIs(1));
  EXPECT_EQ(ring->keys()[0].key_id, first->key_id());
  EXPECT_TRUE(ring->Trusts(first->key_id(), "any region", 1));
}

TEST(KeyRing, KeysAreTrustedForTheirRegionAndSequenceRange) {
  const SigningKey old_key = Key('\x01');
  const SigningKey new_key = Key('\x02');
  const SigningKey delft = Key('\x03');
  absl::StatusOr<KeyRing> ring = KeyRing::Parse(absl::StrCat(
      "# rotated at sequence 1000\n", old_key.KeyFileLine("until=999"), "\n",
      new_key.KeyFileLine("from=1000"), "  # the current key\n\n",
      delft.KeyFileLine("region=delft"), "\n"));
  ASSERT_THAT(ring, IsOk());
  EXPECT_TRUE(ring->Trusts(old_key.key_id(), "haaglanden", 999));
  EXPECT_FALSE(ring->Trusts(old_key.key_id(), "haaglanden", 1000));
  EXPECT_FALSE(ring->Trusts(new_key.key_id(), "haaglanden", 999));
  EXPECT_TRUE(ring->Trusts(new_key.key_id(), "haaglanden", 5000));
  EXPECT_TRUE(ring->Trusts(delft.key_id(), "delft", 1));
  EXPECT_FALSE(ring->Trusts(delft.key_id(), "haaglanden", 1));

  const std::string statement = ChainStatement("haaglanden", 1000, std::string(32, 'h'), At(0));
  EXPECT_THAT(ring->Verify(new_key.key_id(), "haaglanden", 1000, statement,
                           new_key.Sign(statement)),
              IsOk());
  EXPECT_THAT(ring->Verify(old_key.key_id(), "haaglanden", 1000, statement,
                           old_key.Sign(statement)),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("is not trusted for region 'haaglanden' at sequence 1000")));
  EXPECT_THAT(ring->Verify("0123456789abcdef", "haaglanden", 1000, statement,
                           new_key.Sign(statement)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("unknown key '0123456789abcdef'")));
  EXPECT_THAT(ring->Verify(new_key.key_id(), "haaglanden", 1000, statement,
                           old_key.Sign(statement)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not verify")));
}

TEST(KeyRing, ABadLineIsNamedWithWhatWasExpected) {
  const SigningKey key = Key('\x01');
  const std::string hex = absl::BytesToHexString(key.public_key());
  struct Case {
    std::string text;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {"justone", "keys:1: expected '<key id> <public key hex>"},
           {absl::StrCat("\n", key.key_id(), " abc"), "keys:2: public key: expected 64 hex digits"},
           {absl::StrCat("0000000000000000 ", hex), "is not the id of its public key"},
           {absl::StrCat(key.key_id(), " ", hex, " from=0"), "from: expected a sequence of 1"},
           {absl::StrCat(key.key_id(), " ", hex, " after=3"), "expected region=, from= or until="},
           {absl::StrCat(key.key_id(), " ", hex, " from=5 until=4"), "from=5 is after until=4"},
       }) {
    EXPECT_THAT(KeyRing::Parse(c.text), StatusIs(absl::StatusCode::kInvalidArgument,
                                                 HasSubstr(c.error)))
        << c.text;
  }
  EXPECT_THAT(KeyRing::Load("/nonexistent/keys"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("cannot be read")));
}

}  // namespace
}  // namespace inkoop
