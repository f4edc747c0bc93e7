// BLAKE2b-256 over several parts (multipart state, no concatenation copy).
#include <sodium.h>

#include "common/crypto/keys.h"
#include "common/crypto/sodium_init.h"

namespace certshare::crypto {

Hash256 Hash(std::initializer_list<ByteView> parts) {
  internal::EnsureInit();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, sizeof(Hash256));
  for (ByteView part : parts) {
    if (part.empty()) continue;
    crypto_generichash_update(&state, part.data(), part.size());
  }
  Hash256 out;
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

}  // namespace certshare::crypto
