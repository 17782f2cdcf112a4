#include "engine/signing.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace inkoop {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

absl::StatusOr<std::string> RawPublicKey(EVP_PKEY* key) {
  unsigned char raw[kPublicKeyBytes];
  size_t length = sizeof(raw);
  if (EVP_PKEY_get_raw_public_key(key, raw, &length) != 1 || length != kPublicKeyBytes) {
    return absl::InternalError("cannot read the Ed25519 public key");
  }
  return std::string(reinterpret_cast<const char*>(raw), length);
}

bool IsHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string ChainStatement(absl::string_view region, uint64_t sequence, absl::string_view hash,
                           const google::protobuf::Timestamp& recorded_at) {
  std::string statement = "inkoop.v1.chain";
  statement.push_back('\0');
  statement.append(region.data(), region.size());
  statement.push_back('\0');
  AppendBigEndian(statement, sequence, 8);
  statement.append(hash.data(), hash.size());
  AppendBigEndian(statement, static_cast<uint64_t>(recorded_at.seconds()), 8);
  AppendBigEndian(statement, static_cast<uint32_t>(recorded_at.nanos()), 4);
  return statement;
}

std::string KeyId(absl::string_view public_key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(public_key.data()), public_key.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 8));
}

std::optional<std::string> PublicKeyFromHex(absl::string_view hex) {
  if (hex.size() != 2 * kPublicKeyBytes || !IsHex(hex)) return std::nullopt;
  return absl::HexStringToBytes(hex);
}

std::string CommandStatement(absl::string_view command_bytes) {
  std::string statement = "inkoop.v1.command";
  statement.push_back('\0');
  statement.append(command_bytes.data(), command_bytes.size());
  return statement;
}

struct SigningKey::Handle {
  Pkey key;
};

SigningKey::SigningKey(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {
  public_key_ = RawPublicKey(handle_->key.get()).value_or("");
  key_id_ = KeyId(public_key_);
}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

absl::StatusOr<SigningKey> SigningKey::Generate() {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  if (ctx == nullptr) return absl::InternalError("Ed25519 is not available in libcrypto");
  EVP_PKEY* raw = nullptr;
  const bool ok = EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &raw) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return absl::InternalError("cannot generate an Ed25519 key");
  auto handle = std::make_unique<Handle>();
  handle->key.reset(raw);
  return SigningKey(std::move(handle));
}

absl::StatusOr<SigningKey> SigningKey::FromSeed(absl::string_view seed) {
  if (seed.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("Ed25519 seed: expected 32 bytes, got ", seed.size()));
  }
  auto handle = std::make_unique<Handle>();
  handle->key.reset(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  if (handle->key == nullptr) return absl::InternalError("cannot make an Ed25519 key of the seed");
  return SigningKey(std::move(handle));
}

absl::StatusOr<SigningKey> SigningKey::FromPem(absl::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  auto handle = std::make_unique<Handle>();
  handle->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (handle->key == nullptr) {
    return absl::InvalidArgumentError("not a PEM private key");
  }
  if (EVP_PKEY_get_id(handle->key.get()) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("expected an Ed25519 private key, got another algorithm");
  }
  return SigningKey(std::move(handle));
}

absl::StatusOr<SigningKey> SigningKey::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("signing key ", path, ": cannot be read"));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<SigningKey> key = FromPem(text.str());
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("signing key ", path, ": ", key.status().message()));
  }
  return key;
}

absl::StatusOr<SigningKey> SigningKey::LoadOrCreate(const std::string& path, bool* created) {
  *created = false;
  if (access(path.c_str(), F_OK) == 0) return Load(path);
  absl::StatusOr<SigningKey> key = Generate();
  if (!key.ok()) return key.status();
  const std::string pem = key->ToPem();
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("signing key ", path, ": cannot be created: ", std::strerror(errno)));
  }
  const bool written = write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
  close(fd);
  if (!written) return absl::InternalError(absl::StrCat("signing key ", path, ": write failed"));
  std::ofstream pub(path + ".pub");
  pub << "# inkoop signing key, generated; give this line to auditors and projectors\n"
      << key->KeyFileLine() << "\n";
  if (!pub) return absl::InternalError(absl::StrCat(path, ".pub: write failed"));
  *created = true;
  return key;
}

std::string SigningKey::KeyFileLine(absl::string_view extra) const {
  return absl::StrCat(key_id_, " ", absl::BytesToHexString(public_key_),
                      extra.empty() ? "" : " ", extra);
}

std::string SigningKey::ToPem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), handle_->key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string SigningKey::Sign(absl::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned char signature[kSignatureBytes];
  size_t length = sizeof(signature);
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, handle_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature, &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return std::string();  // cannot happen with a valid Ed25519 key
  }
  return std::string(reinterpret_cast<const char*>(signature), length);
}

absl::Status VerifySignature(absl::string_view public_key, absl::string_view message,
                             absl::string_view signature) {
  if (public_key.size() != kPublicKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("public key: expected ", kPublicKeyBytes,
                                                   " bytes, got ", public_key.size()));
  }
  if (signature.size() != kSignatureBytes) {
    return absl::DataLossError(absl::StrCat("signature: expected ", kSignatureBytes,
                                            " bytes, got ", signature.size()));
  }
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(public_key.data()),
                                       public_key.size()));
  if (key == nullptr) return absl::InvalidArgumentError("not an Ed25519 public key");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
    return absl::DataLossError("signature does not verify");
  }
  return absl::OkStatus();
}

absl::StatusOr<KeyRing> KeyRing::Parse(absl::string_view text, absl::string_view name) {
  KeyRing ring;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (words.empty()) continue;
    const std::string where = absl::StrCat(name, ":", number, ": ");
    if (words.size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "expected '<key id> <public key hex> [region=R] [from=N] [until=N]', "
                              "got '", line, "'"));
    }
    TrustedKey key;
    key.key_id = std::string(words[0]);
    std::optional<std::string> public_key = PublicKeyFromHex(words[1]);
    if (!public_key.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "public key: expected 64 hex digits, got '", words[1], "'"));
    }
    key.public_key = *std::move(public_key);
    if (KeyId(key.public_key) != key.key_id) {
      return absl::InvalidArgumentError(absl::StrCat(where, "key id '", key.key_id,
                                                     "' is not the id of its public key (",
                                                     KeyId(key.public_key), ")"));
    }
    for (size_t i = 2; i < words.size(); ++i) {
      std::pair<absl::string_view, absl::string_view> option =
          absl::StrSplit(words[i], absl::MaxSplits('=', 1));
      if (option.first == "region" && !option.second.empty()) {
        key.region = std::string(option.second);
      } else if (option.first == "from" || option.first == "until") {
        uint64_t value = 0;
        if (!absl::SimpleAtoi(option.second, &value) || value == 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              where, option.first, ": expected a sequence of 1 or more, got '", option.second, "'"));
        }
        (option.first == "from" ? key.from : key.until) = value;
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            where, "expected region=, from= or until=, got '", words[i], "'"));
      }
    }
    if (key.from > key.until) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "from=", key.from, " is after until=", key.until));
    }
    ring.Add(std::move(key));
  }
  return ring;
}

absl::StatusOr<KeyRing> KeyRing::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("key file ", path, ": cannot be read"));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

void KeyRing::Trust(const SigningKey& key) {
  TrustedKey trusted;
  trusted.key_id = key.key_id();
  trusted.public_key = key.public_key();
  Add(std::move(trusted));
}

bool KeyRing::Trusts(absl::string_view key_id, absl::string_view region, uint64_t sequence) const {
  for (const TrustedKey& key : keys_) {
    if (key.key_id == key_id && (key.region.empty() || key.region == region) &&
        key.from <= sequence && sequence <= key.until) {
      return true;
    }
  }
  return false;
}

absl::Status KeyRing::Verify(absl::string_view key_id, absl::string_view region, uint64_t sequence,
                             absl::string_view statement, absl::string_view signature) const {
  bool known = false;
  for (const TrustedKey& key : keys_) {
    if (key.key_id != key_id) continue;
    known = true;
    if (!key.region.empty() && key.region != region) continue;
    if (sequence < key.from || sequence > key.until) continue;
    absl::Status verified = VerifySignature(key.public_key, statement, signature);
    if (verified.ok()) return verified;
    return absl::DataLossError(absl::StrCat("the signature by key ", key_id, " does not verify: ",
                                            verified.message()));
  }
  if (!known) return absl::DataLossError(absl::StrCat("signed by unknown key '", key_id, "'"));
  return absl::DataLossError(absl::StrCat("key ", key_id, " is not trusted for region '", region,
                                          "' at sequence ", sequence));
}

}  // namespace inkoop
