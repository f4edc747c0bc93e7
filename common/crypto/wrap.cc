// X25519 shared keys and content-key wrapping (crypto_box afternm).
//
// Wrapping for many recipients is the hot part of sealing: one X25519
// scalar multiplication per recipient (crypto_box_beforenm) dominates, while
// the XSalsa20-Poly1305 box of a 32-byte key is almost free. Callers cache
// the shared key per peer so each record costs only the boxes.
#include <sodium.h>

#include "common/crypto/keys.h"
#include "common/crypto/sodium_init.h"

namespace certshare::crypto {

static_assert(crypto_box_BEFORENMBYTES == SharedKey::kSize);
static_assert(crypto_box_NONCEBYTES == sizeof(Nonce));
static_assert(crypto_box_MACBYTES + ContentKey::kSize ==
              sizeof(WrappedKey::box));

Status ComputeSharedKey(const BoxSecretKey& mine, const BoxPublicKey& theirs,
                        SharedKey* out) {
  internal::EnsureInit();
  // crypto_box_beforenm fails when the X25519 result is all zero, i.e. for
  // a low-order public key that would make the "shared" key public.
  if (crypto_box_beforenm(out->data(), theirs.data(), mine.data()) != 0) {
    sodium_memzero(out->data(), out->size());
    return Status(ErrorCode::kDecryptFailed,
                  "public key is of low order (no shared key)");
  }
  return Status::Ok();
}

WrappedKey WrapKey(const SharedKey& shared, const ContentKey& key) {
  internal::EnsureInit();
  WrappedKey wrapped;
  randombytes_buf(wrapped.nonce.data(), wrapped.nonce.size());
  crypto_box_easy_afternm(wrapped.box.data(), key.data(), key.size(),
                          wrapped.nonce.data(), shared.data());
  return wrapped;
}

Status UnwrapKey(const SharedKey& shared, const WrappedKey& wrapped,
                 ContentKey* key) {
  internal::EnsureInit();
  if (crypto_box_open_easy_afternm(key->data(), wrapped.box.data(),
                                   wrapped.box.size(), wrapped.nonce.data(),
                                   shared.data()) != 0) {
    sodium_memzero(key->data(), key->size());
    return Status(ErrorCode::kDecryptFailed, "key slot failed to authenticate");
  }
  return Status::Ok();
}

}  // namespace certshare::crypto
