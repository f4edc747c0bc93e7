// certshare::crypto — the few fixed operations certshare needs, on libsodium.
// No algorithm choices: Ed25519 signatures, X25519 key agreement,
// XChaCha20-Poly1305 (IETF) for payloads, crypto_box (XSalsa20-Poly1305
// under a precomputed X25519 shared key) for wrapping payload keys,
// BLAKE2b-256 for hashing.
//
// Secret types wipe their memory (sodium_memzero) on destruction and on
// move-from; they cannot be copied by accident (Clone() is explicit).
// Everything here is thread-safe once Init() has returned OK.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "common/base/bytes.h"
#include "common/base/status.h"

namespace certshare::crypto {

// Initialises libsodium. Idempotent and thread-safe. Every other function
// here initialises libsodium itself on first use (and aborts the process if
// libsodium cannot start: no crypto without a working RNG); calling Init()
// first turns that failure into a kInternal Status at startup instead.
Status Init();

// A fixed-size secret that wipes itself.
template <std::size_t N>
class Secret {
 public:
  static constexpr std::size_t kSize = N;
  Secret() { bytes_.fill(0); }
  ~Secret() { Wipe(); }
  Secret(Secret&& other) noexcept : bytes_(other.bytes_) { other.Wipe(); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      bytes_ = other.bytes_;
      other.Wipe();
    }
    return *this;
  }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  Secret Clone() const {
    Secret s;
    s.bytes_ = bytes_;
    return s;
  }
  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  static constexpr std::size_t size() { return N; }
  ByteView view() const { return {bytes_.data(), N}; }

 private:
  void Wipe();
  std::array<std::uint8_t, N> bytes_;
};

using SigningPublicKey = std::array<std::uint8_t, 32>;  // Ed25519
using SigningSecretKey = Secret<64>;                    // Ed25519 (seed || pk)
using BoxPublicKey = std::array<std::uint8_t, 32>;      // X25519
using BoxSecretKey = Secret<32>;                        // X25519
using Signature = std::array<std::uint8_t, 64>;
using Hash256 = std::array<std::uint8_t, 32>;
using Nonce = std::array<std::uint8_t, 24>;
using ContentKey = Secret<32>;  // XChaCha20-Poly1305 key
using SharedKey = Secret<32>;   // crypto_box_beforenm output

struct SigningKeyPair {
  SigningPublicKey public_key;
  SigningSecretKey secret_key;
};
struct BoxKeyPair {
  BoxPublicKey public_key;
  BoxSecretKey secret_key;
};

SigningKeyPair GenerateSigningKeyPair();
BoxKeyPair GenerateBoxKeyPair();
// The Ed25519 key pair of a 32-byte seed (crypto_sign_seed_keypair): the
// same seed always gives the same pair. For fixed test data and worked
// examples (docs/trust.md); real keys come from GenerateSigningKeyPair.
SigningKeyPair SigningKeyPairFromSeed(const Secret<32>& seed);
// Recomputes the public half (to check a loaded secret matches its card).
SigningPublicKey SigningPublicFromSecret(const SigningSecretKey& secret);
BoxPublicKey BoxPublicFromSecret(const BoxSecretKey& secret);

Signature Sign(const SigningSecretKey& key, ByteView message);
[[nodiscard]] bool Verify(const SigningPublicKey& key, ByteView message,
                          const Signature& signature);

// BLAKE2b-256 over the concatenation of the parts.
Hash256 Hash(std::initializer_list<ByteView> parts);

ContentKey NewContentKey();
Nonce RandomNonce();

// XChaCha20-Poly1305-IETF. The ciphertext is the plaintext length + 16.
Bytes AeadSeal(const ContentKey& key, const Nonce& nonce, ByteView plaintext,
               ByteView associated_data);
// On failure returns kDecryptFailed and leaves *plaintext empty; nothing
// unauthenticated is ever returned.
[[nodiscard]] Status AeadOpen(const ContentKey& key, const Nonce& nonce,
                              ByteView ciphertext, ByteView associated_data,
                              std::string* plaintext);

// X25519 shared key between `mine` and `theirs` (crypto_box_beforenm). The
// same value results on both sides; callers may cache it per peer, which is
// what makes wrapping a key for many recipients cheap.
// Fails (kDecryptFailed) for a low-order public key.
[[nodiscard]] Status ComputeSharedKey(const BoxSecretKey& mine,
                                      const BoxPublicKey& theirs,
                                      SharedKey* out);

// A content key wrapped under a shared key: crypto_box_easy_afternm with a
// random 24-byte nonce; 32 bytes of key + 16 bytes of MAC.
struct WrappedKey {
  Nonce nonce;
  std::array<std::uint8_t, 48> box;
};
WrappedKey WrapKey(const SharedKey& shared, const ContentKey& key);
// kDecryptFailed (and *key zeroed) unless the box authenticates.
[[nodiscard]] Status UnwrapKey(const SharedKey& shared, const WrappedKey& wrapped,
                               ContentKey* key);

}  // namespace certshare::crypto
