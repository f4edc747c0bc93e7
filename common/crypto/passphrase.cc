// Argon2id key derivation (crypto_pwhash) and the self-wiping Passphrase.
#include "common/crypto/passphrase.h"

#include <sodium.h>

#include "common/crypto/sodium_init.h"

namespace certshare::crypto {

static_assert(crypto_pwhash_SALTBYTES == sizeof(PassphraseSalt));
static_assert(crypto_pwhash_OPSLIMIT_MODERATE == kPassphraseOpsLimit);
static_assert(crypto_pwhash_MEMLIMIT_MODERATE == kPassphraseMemLimit);
static_assert(crypto_pwhash_ALG_ARGON2ID13 == 2);

Passphrase::Passphrase(std::string_view text) {
  // Reserve first so the text is written once, on the heap, and never
  // moved by a reallocation that would leave an unwiped copy behind.
  text_.reserve(std::max<std::size_t>(text.size(), 32));
  text_.assign(text.data(), text.size());
}

Passphrase::~Passphrase() { Wipe(); }

Passphrase::Passphrase(Passphrase&& other) noexcept : text_(std::move(other.text_)) {
  other.Wipe();
}

Passphrase& Passphrase::operator=(Passphrase&& other) noexcept {
  if (this != &other) {
    Wipe();
    text_ = std::move(other.text_);
    other.Wipe();
  }
  return *this;
}

void Passphrase::Wipe() {
  // The whole buffer, not just the current length.
  if (text_.capacity() > 0) sodium_memzero(text_.data(), text_.capacity());
  text_.clear();
}

PassphraseSalt RandomPassphraseSalt() {
  internal::EnsureInit();
  PassphraseSalt salt;
  randombytes_buf(salt.data(), salt.size());
  return salt;
}

Status DeriveKeyFromPassphrase(const Passphrase& passphrase, const PassphraseSalt& salt,
                               ContentKey* key) {
  internal::EnsureInit();
  if (crypto_pwhash(key->data(), key->size(), passphrase.view().data(), passphrase.size(),
                    salt.data(), kPassphraseOpsLimit, kPassphraseMemLimit,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    sodium_memzero(key->data(), key->size());
    return Status(ErrorCode::kInternal,
                  "cannot derive a key from the passphrase: Argon2id needs 256 MiB of memory");
  }
  return Status::Ok();
}

}  // namespace certshare::crypto
