// XChaCha20-Poly1305 (IETF) for payloads. libsodium checks the tag before it
// decrypts anything, and AeadOpen returns nothing unless the tag verifies.
#include <sodium.h>

#include "common/crypto/keys.h"
#include "common/crypto/sodium_init.h"

namespace certshare::crypto {

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == ContentKey::kSize);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == sizeof(Nonce));

namespace {
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
// libsodium accepts (nullptr, 0), but some of its memcpy/memmove calls are
// then formally undefined; point empty inputs at a real byte instead.
const std::uint8_t kNothing = 0;
const std::uint8_t* Ptr(ByteView v) { return v.empty() ? &kNothing : v.data(); }
}  // namespace

Bytes AeadSeal(const ContentKey& key, const Nonce& nonce, ByteView plaintext,
               ByteView associated_data) {
  internal::EnsureInit();
  Bytes out(plaintext.size() + kTagBytes);
  unsigned long long out_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data(), &out_len, Ptr(plaintext), plaintext.size(),
      Ptr(associated_data), associated_data.size(), nullptr, nonce.data(),
      key.data());
  out.resize(out_len);
  return out;
}

Status AeadOpen(const ContentKey& key, const Nonce& nonce, ByteView ciphertext,
                ByteView associated_data, std::string* plaintext) {
  internal::EnsureInit();
  plaintext->clear();
  if (ciphertext.size() < kTagBytes) {
    return Status(ErrorCode::kDecryptFailed,
                  "ciphertext is shorter than the authentication tag");
  }
  std::string out(ciphertext.size() - kTagBytes, '\0');
  std::uint8_t dummy = 0;
  std::uint8_t* dst =
      out.empty() ? &dummy : reinterpret_cast<std::uint8_t*>(out.data());
  unsigned long long out_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          dst, &out_len, nullptr, ciphertext.data(), ciphertext.size(),
          Ptr(associated_data), associated_data.size(), nonce.data(),
          key.data()) != 0) {
    sodium_memzero(out.data(), out.size());
    return Status(ErrorCode::kDecryptFailed,
                  "ciphertext failed to authenticate");
  }
  out.resize(out_len);
  *plaintext = std::move(out);
  return Status::Ok();
}

}  // namespace certshare::crypto
