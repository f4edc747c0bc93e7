// Protected secret files: sealing and opening the secret keys under a
// passphrase, and reading passphrase files.
#include "common/identity/protected_secret.h"

#include <sodium.h>

#include <array>

#include "common/base/bytes.h"
#include "common/base/file_util.h"
#include "common/base/json.h"

namespace certshare::identity {

namespace internal {

namespace {

constexpr std::size_t kSecretsSize =
    crypto::SigningSecretKey::kSize + 2 * crypto::BoxSecretKey::kSize;  // 128

// Bytes that wipe themselves: the concatenated secrets in transit.
struct WipedBytes {
  std::array<std::uint8_t, kSecretsSize> bytes{};
  ~WipedBytes() { sodium_memzero(bytes.data(), bytes.size()); }
};

// What the AEAD tag binds besides the secrets.
Bytes AssociatedData(const Card& card, const crypto::PassphraseSalt& salt) {
  ByteWriter w;
  w.Blob32(AsBytes(kProtectedSecretFormat));
  w.Blob32(AsBytes(card.org));
  w.Blob32(AsBytes(card.name));
  w.Raw(card.sign_key);
  w.Raw(card.box_key);
  w.Raw(card.transport_key);
  w.Blob32(AsBytes(crypto::kPassphraseKdf));
  w.U64(crypto::kPassphraseOpsLimit);
  w.U64(crypto::kPassphraseMemLimit);
  w.Raw(salt);
  return w.Take();
}

template <std::size_t N>
bool DecodeHex(const rapidjson::Value& doc, const char* field, std::array<std::uint8_t, N>* out) {
  std::string hex;
  Bytes raw;
  if (!json::GetString(doc, field, &hex) || !HexDecode(hex, &raw) || raw.size() != N) {
    return false;
  }
  std::copy(raw.begin(), raw.end(), out->begin());
  return true;
}

bool GetUint64(const rapidjson::Value& doc, const char* field, std::uint64_t* out) {
  const rapidjson::Value* v = json::Member(doc, field);
  if (v == nullptr || !v->IsUint64()) return false;
  *out = v->GetUint64();
  return true;
}

}  // namespace

Status WriteProtectedSecrets(const Identity& id, const crypto::Passphrase& passphrase,
                             rapidjson::PrettyWriter<rapidjson::StringBuffer>& w) {
  const crypto::PassphraseSalt salt = crypto::RandomPassphraseSalt();
  crypto::ContentKey key;
  CERTSHARE_RETURN_IF_ERROR(crypto::DeriveKeyFromPassphrase(passphrase, salt, &key));
  WipedBytes secrets;
  auto it = std::copy(id.sign_secret.data(), id.sign_secret.data() + id.sign_secret.size(),
                      secrets.bytes.begin());
  it = std::copy(id.box_secret.data(), id.box_secret.data() + id.box_secret.size(), it);
  std::copy(id.transport_secret.data(), id.transport_secret.data() + id.transport_secret.size(),
            it);
  const crypto::Nonce nonce = crypto::RandomNonce();
  const Bytes sealed = crypto::AeadSeal(key, nonce, secrets.bytes, AssociatedData(id.card, salt));

  w.Key("kdf");
  w.String(crypto::kPassphraseKdf.data(), crypto::kPassphraseKdf.size());
  w.Key("kdf_opslimit");
  w.Uint64(crypto::kPassphraseOpsLimit);
  w.Key("kdf_memlimit");
  w.Uint64(crypto::kPassphraseMemLimit);
  w.Key("salt");
  w.String(HexEncode(salt));
  w.Key("nonce");
  w.String(HexEncode(nonce));
  w.Key("encrypted_secrets");
  w.String(HexEncode(sealed));
  return Status::Ok();
}

Status OpenProtectedSecrets(const rapidjson::Value& doc,
                            const std::function<Result<crypto::Passphrase>()>& passphrase,
                            Identity* id) {
  std::string kdf;
  std::uint64_t ops = 0;
  std::uint64_t mem = 0;
  if (!json::GetString(doc, "kdf", &kdf) || !GetUint64(doc, "kdf_opslimit", &ops) ||
      !GetUint64(doc, "kdf_memlimit", &mem)) {
    return Status(ErrorCode::kInvalidConfig,
                  "a protected secret file needs \"kdf\", \"kdf_opslimit\" and \"kdf_memlimit\"");
  }
  if (kdf != crypto::kPassphraseKdf || ops != crypto::kPassphraseOpsLimit ||
      mem != crypto::kPassphraseMemLimit) {
    return Status(ErrorCode::kInvalidConfig,
                  "protected with a key derivation this certshare does not use (it uses " +
                      std::string(crypto::kPassphraseKdf) + ", opslimit " +
                      std::to_string(crypto::kPassphraseOpsLimit) + ", memlimit " +
                      std::to_string(crypto::kPassphraseMemLimit) + ")");
  }
  crypto::PassphraseSalt salt;
  crypto::Nonce nonce;
  std::string hex;
  Bytes sealed;
  if (!DecodeHex(doc, "salt", &salt) || !DecodeHex(doc, "nonce", &nonce) ||
      !json::GetString(doc, "encrypted_secrets", &hex) || !HexDecode(hex, &sealed)) {
    return Status(ErrorCode::kInvalidConfig,
                  "\"salt\" (32 hex digits), \"nonce\" (48) and \"encrypted_secrets\" (hex) "
                  "are required");
  }
  CERTSHARE_ASSIGN_OR_RETURN(const crypto::Passphrase given, passphrase());
  crypto::ContentKey key;
  CERTSHARE_RETURN_IF_ERROR(crypto::DeriveKeyFromPassphrase(given, salt, &key));
  std::string plain;
  Status opened = crypto::AeadOpen(key, nonce, sealed, AssociatedData(id->card, salt), &plain);
  if (!opened.ok()) {
    return Status(ErrorCode::kDecryptFailed,
                  "wrong passphrase (or the file was altered since it was protected)");
  }
  if (plain.size() != kSecretsSize) {
    sodium_memzero(plain.data(), plain.size());
    return Status(ErrorCode::kInvalidConfig, "the encrypted secrets have the wrong length");
  }
  const auto* p = reinterpret_cast<const std::uint8_t*>(plain.data());
  std::copy(p, p + 64, id->sign_secret.data());
  std::copy(p + 64, p + 96, id->box_secret.data());
  std::copy(p + 96, p + 128, id->transport_secret.data());
  sodium_memzero(plain.data(), plain.size());
  return Status::Ok();
}

}  // namespace internal

Result<crypto::Passphrase> ReadPassphraseFile(const std::string& path) {
  // Its first line is the passphrase; a file of more than this is no
  // passphrase file.
  constexpr std::size_t kMaxFileBytes = 64 * 1024;
  CERTSHARE_ASSIGN_OR_RETURN(
      std::string text,
      files::ReadProtected(path, files::Protection::kSecret, "the passphrase file", kMaxFileBytes));
  std::string_view first(text);
  first = first.substr(0, first.find('\n'));
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  Status bad;
  if (first.size() > crypto::kMaxPassphraseLength) {
    bad = Status(ErrorCode::kInvalidConfig, "the passphrase in " + path + " is longer than " +
                                                std::to_string(crypto::kMaxPassphraseLength) +
                                                " bytes");
  } else if (first.empty()) {
    bad = Status(ErrorCode::kInvalidConfig,
                 "the passphrase file " + path + " is empty; its first line is the passphrase");
  }
  crypto::Passphrase passphrase(bad.ok() ? first : std::string_view());
  sodium_memzero(text.data(), text.size());
  if (!bad.ok()) return bad;
  return passphrase;
}

}  // namespace certshare::identity
