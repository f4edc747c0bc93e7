// Ed25519 detached signatures.
#include <sodium.h>

#include "common/crypto/keys.h"
#include "common/crypto/sodium_init.h"

namespace certshare::crypto {

static_assert(crypto_sign_BYTES == sizeof(Signature));

Signature Sign(const SigningSecretKey& key, ByteView message) {
  internal::EnsureInit();
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(),
                       key.data());
  return sig;
}

bool Verify(const SigningPublicKey& key, ByteView message,
            const Signature& signature) {
  internal::EnsureInit();
  return crypto_sign_verify_detached(signature.data(), message.data(),
                                     message.size(), key.data()) == 0;
}

}  // namespace certshare::crypto
