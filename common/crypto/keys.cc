// Init, Secret<N>::Wipe, key generation and random values.
#include "common/crypto/keys.h"

#include <sodium.h>

#include <cstdlib>

#include "common/crypto/sodium_init.h"

namespace certshare::crypto {

Status Init() {
  // A function-local static is initialised exactly once, thread-safely;
  // later calls cost one load. sodium_init returns 1 when already done.
  static const int rc = sodium_init();
  if (rc < 0) {
    return Status(ErrorCode::kInternal, "libsodium failed to initialise");
  }
  return Status::Ok();
}

namespace internal {
void EnsureInit() {
  static const bool ok = Init().ok();
  if (!ok) std::abort();
}
}  // namespace internal

template <std::size_t N>
void Secret<N>::Wipe() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

// The sizes keys.h uses. Another size needs a line here.
template class Secret<32>;
template class Secret<64>;

static_assert(crypto_sign_PUBLICKEYBYTES == sizeof(SigningPublicKey));
static_assert(crypto_sign_SECRETKEYBYTES == SigningSecretKey::kSize);
static_assert(crypto_box_PUBLICKEYBYTES == sizeof(BoxPublicKey));
static_assert(crypto_box_SECRETKEYBYTES == BoxSecretKey::kSize);
static_assert(crypto_scalarmult_BYTES == BoxPublicKey().size());

SigningKeyPair GenerateSigningKeyPair() {
  internal::EnsureInit();
  SigningKeyPair pair;
  crypto_sign_keypair(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

SigningKeyPair SigningKeyPairFromSeed(const Secret<32>& seed) {
  internal::EnsureInit();
  SigningKeyPair pair;
  crypto_sign_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
  return pair;
}

BoxKeyPair GenerateBoxKeyPair() {
  internal::EnsureInit();
  BoxKeyPair pair;
  crypto_box_keypair(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

SigningPublicKey SigningPublicFromSecret(const SigningSecretKey& secret) {
  internal::EnsureInit();
  SigningPublicKey pk;
  crypto_sign_ed25519_sk_to_pk(pk.data(), secret.data());
  return pk;
}

BoxPublicKey BoxPublicFromSecret(const BoxSecretKey& secret) {
  internal::EnsureInit();
  BoxPublicKey pk;
  crypto_scalarmult_base(pk.data(), secret.data());
  return pk;
}

ContentKey NewContentKey() {
  internal::EnsureInit();
  ContentKey key;
  crypto_aead_xchacha20poly1305_ietf_keygen(key.data());
  return key;
}

Nonce RandomNonce() {
  internal::EnsureInit();
  Nonce nonce;
  randombytes_buf(nonce.data(), nonce.size());
  return nonce;
}

}  // namespace certshare::crypto
