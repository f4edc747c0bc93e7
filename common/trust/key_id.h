// certshare::trust — key ids and fingerprints (docs/trust.md, "Key ids and
// fingerprints").
//
// A key id names a public key in signed trust metadata: a signature entry
// says which key made it by its key id. It is computed from the key, never
// read from a file and believed:
//
//   key_id = BLAKE2b-256("certshare/key-id/v1" 0x00 || kind 0x00 || key)
//
// with kind "ed25519" (signing keys) or "x25519" (box and transport keys).
// The fingerprint is what people compare out of band, read aloud: the
// first 16 bytes of the key id as 8 groups of 4 lower-case hex digits,
// "3f2a 9c01 ...".
//
// Thread-safe: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "common/crypto/keys.h"

namespace certshare::trust {

using KeyId = crypto::Hash256;

enum class KeyKind {
  kEd25519,  // signing keys: root, registry signers, organisations' sign keys
  kX25519,   // box and transport keys
};

KeyId KeyIdOf(KeyKind kind, const std::array<std::uint8_t, 32>& key);

// "3f2a 9c01 77de 0b45 e1aa 9f30 5c62 d8b4": 128 bits, 39 characters.
std::string Fingerprint(KeyKind kind, const std::array<std::uint8_t, 32>& key);

}  // namespace certshare::trust
