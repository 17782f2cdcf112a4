// Ed25519 signatures over a region's chain, and the key file auditors hold.
//
// The engine signs, per region per transaction, a chain statement naming the
// region's latest event:
//
//   "inkoop.v1.chain" 0x00 <region> 0x00 <sequence BE64> <hash, 32 bytes>
//   <recorded_at seconds BE64> <recorded_at nanos BE32>
//
// Because every hash covers the previous one, one signature vouches for the
// whole history of the region up to that event. The same statement, printed
// by `inkoopctl checkpoint`, is a signed checkpoint kept outside the system.
//
// Key file: one key per line, `#` starts a comment:
//
//   <key id> <public key: 64 hex digits> [region=<region>] [from=<sequence>] [until=<sequence>]
//
// A key is trusted for events of `region` (all regions when absent) with
// from <= sequence <= until (from defaults to 1, until to no end). A key id
// is the first 16 hex digits of SHA-256 over the raw public key.
//
// Signing keys are PKCS#8 PEM files (what `openssl genpkey -algorithm
// ed25519` writes). All cryptography is OpenSSL's libcrypto.
#ifndef INKOOP_ENGINE_SIGNING_H_
#define INKOOP_ENGINE_SIGNING_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"

namespace inkoop {

inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

// The bytes signed for `region` at `sequence` with event hash `hash`.
std::string ChainStatement(absl::string_view region, uint64_t sequence, absl::string_view hash,
                           const google::protobuf::Timestamp& recorded_at);

// The key id of a raw 32-byte public key.
std::string KeyId(absl::string_view public_key);

// The raw 32-byte public key written as 64 hex digits; nothing when `hex` is
// not that.
std::optional<std::string> PublicKeyFromHex(absl::string_view hex);

// The bytes an actor signs for a command: "inkoop.v1.command" 0x00 followed
// by the serialized Command exactly as SignedCommand.command carries it.
std::string CommandStatement(absl::string_view command_bytes);

class SigningKey {
 public:
  // A fresh key.
  static absl::StatusOr<SigningKey> Generate();
  // From the 32-byte private seed (tests, deterministic keys).
  static absl::StatusOr<SigningKey> FromSeed(absl::string_view seed);
  static absl::StatusOr<SigningKey> FromPem(absl::string_view pem);
  // Reads the PEM file at `path`.
  static absl::StatusOr<SigningKey> Load(const std::string& path);
  // Reads `path`, or when it does not exist generates a key, writes it there
  // (mode 0600) and its key file line to `path` + ".pub". `created` tells.
  static absl::StatusOr<SigningKey> LoadOrCreate(const std::string& path, bool* created);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  const std::string& public_key() const { return public_key_; }
  const std::string& key_id() const { return key_id_; }
  // The key file line for this key, with `extra` (e.g. "from=1") appended.
  std::string KeyFileLine(absl::string_view extra = "") const;
  std::string ToPem() const;
  // 64-byte Ed25519 signature of `message`.
  std::string Sign(absl::string_view message) const;

 private:
  struct Handle;
  explicit SigningKey(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
  std::string public_key_;
  std::string key_id_;
};

// kDataLoss (naming `what`) when `signature` is not `public_key`'s signature
// of `message`.
absl::Status VerifySignature(absl::string_view public_key, absl::string_view message,
                             absl::string_view signature);

struct TrustedKey {
  std::string key_id;
  std::string public_key;  // raw, 32 bytes
  std::string region;      // empty: every region
  uint64_t from = 1;
  uint64_t until = UINT64_MAX;
};

// The keys an auditor, projector or engine trusts.
class KeyRing {
 public:
  KeyRing() = default;
  // Parses key file text; errors name the line and what was expected.
  static absl::StatusOr<KeyRing> Parse(absl::string_view text, absl::string_view name = "keys");
  static absl::StatusOr<KeyRing> Load(const std::string& path);

  void Add(TrustedKey key) { keys_.push_back(std::move(key)); }
  // Trusts `key` for every region and sequence.
  void Trust(const SigningKey& key);
  bool empty() const { return keys_.empty(); }
  const std::vector<TrustedKey>& keys() const { return keys_; }
  // Whether `key_id` may sign `region`'s event at `sequence`.
  bool Trusts(absl::string_view key_id, absl::string_view region, uint64_t sequence) const;

  // OK when `signature` by `key_id` verifies `statement` and the key is
  // trusted for `region` at `sequence`; else kDataLoss saying which.
  absl::Status Verify(absl::string_view key_id, absl::string_view region, uint64_t sequence,
                      absl::string_view statement, absl::string_view signature) const;

 private:
  std::vector<TrustedKey> keys_;
};

}  // namespace inkoop

#endif  // INKOOP_ENGINE_SIGNING_H_
