// certshare::crypto — a key from a passphrase, for secret files protected
// by one (docs/identity.md, "Protected secret files").
//
// One fixed derivation, no knobs: Argon2id (libsodium crypto_pwhash,
// ALG_ARGON2ID13) with OPSLIMIT_MODERATE (3 passes) and MEMLIMIT_MODERATE
// (256 MiB), a random 16-byte salt per file, giving a 32-byte
// XChaCha20-Poly1305 key (ContentKey, for AeadSeal / AeadOpen). On the
// 2-core reference machine one derivation takes about a second, which is
// what makes guessing passphrases offline expensive; it happens once per
// command.
//
// Passphrase holds the text and wipes it (sodium_memzero) when destroyed or
// moved from; it cannot be copied by accident. Thread-safe once Init() has
// returned OK.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/status.h"
#include "common/crypto/keys.h"

namespace certshare::crypto {

// The parameters, as written into a protected file. Never change them for
// existing files: a file records which it was made with.
inline constexpr std::string_view kPassphraseKdf = "argon2id13";
inline constexpr std::uint64_t kPassphraseOpsLimit = 3;           // OPSLIMIT_MODERATE
inline constexpr std::uint64_t kPassphraseMemLimit = 256u << 20;  // MEMLIMIT_MODERATE
// The shortest passphrase certshare accepts when protecting a file.
inline constexpr std::size_t kMinPassphraseLength = 8;
// The longest it reads (a passphrase file's first line, a typed line).
inline constexpr std::size_t kMaxPassphraseLength = 1024;

using PassphraseSalt = std::array<std::uint8_t, 16>;

class Passphrase {
 public:
  Passphrase() = default;
  // Copies `text`; the caller wipes its own copy.
  explicit Passphrase(std::string_view text);
  ~Passphrase();
  Passphrase(Passphrase&& other) noexcept;
  Passphrase& operator=(Passphrase&& other) noexcept;
  Passphrase(const Passphrase&) = delete;
  Passphrase& operator=(const Passphrase&) = delete;

  std::string_view view() const { return text_; }
  bool empty() const { return text_.empty(); }
  std::size_t size() const { return text_.size(); }

 private:
  void Wipe();
  std::string text_;
};

PassphraseSalt RandomPassphraseSalt();

// Derives the key for `passphrase` and `salt` with the fixed parameters.
// kInternal if libsodium cannot (it needs 256 MiB of memory); *key is then
// zero.
[[nodiscard]] Status DeriveKeyFromPassphrase(const Passphrase& passphrase,
                                             const PassphraseSalt& salt, ContentKey* key);

}  // namespace certshare::crypto
