// certshare::trust::SignedEnvelope — how trust metadata is signed
// (docs/trust.md, "The signed envelope").
//
// A federation root and a registry version each travel as one JSON file:
//
//   {"format": "certshare-signed-v1",
//    "payload_type": "certshare-root-v1",
//    "payload": "<hex of the exact payload bytes>",
//    "signatures": [{"key_id": "<64 hex>", "sig": "<128 hex>"}, ...]}
//
// The payload (itself JSON) is carried as the hex of its bytes, so the
// signed bytes are exactly the decoded payload: no canonical JSON. Each
// signature is Ed25519 over
//
//   "certshare/trust/v1" 0x00 || u32 len(payload_type) || payload_type
//                           || u32 len(payload) || payload
//
// (big-endian lengths), so a signature over a root can never pass as one
// over a registry version, a record or an admin command.
//
// Thread-safe: plain values and pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/crypto/keys.h"
#include "common/trust/key_id.h"

namespace certshare::trust {

inline constexpr std::string_view kEnvelopeFormat = "certshare-signed-v1";
// Most signatures one envelope may carry (root and registry roles list at
// most kMaxRoleKeys keys each; a root update is signed by two roles).
inline constexpr std::size_t kMaxSignatures = 32;

struct EnvelopeSignature {
  KeyId key_id{};
  crypto::Signature sig{};
};

struct SignedEnvelope {
  std::string payload_type;
  std::string payload;  // the exact signed bytes
  std::vector<EnvelopeSignature> signatures;
};

// Parses an envelope's JSON text (strict JSON, at most 2 * max_payload +
// 64 KiB). Refuses, with kMalformedTrust: another "format", a
// "payload_type" other than `expected_type`, a payload that is not hex or
// is longer than `max_payload` bytes, more than kMaxSignatures
// signatures, two signatures naming the same key id, unknown members.
// Checks no signature: see CountValidSignatures.
Result<SignedEnvelope> ParseEnvelope(std::string_view text, std::string_view expected_type,
                                     std::size_t max_payload);

// The envelope as a JSON file (indented, members in the order above,
// signatures in the order held, a final newline). ParseEnvelope reads it
// back to an equal envelope.
std::string EncodeEnvelope(const SignedEnvelope& envelope);

// The bytes each signature covers.
Bytes SignedMessage(std::string_view payload_type, std::string_view payload);

// Signs the envelope's payload with `key`, replacing a signature by the
// same key if there is one. The holders of a threshold of keys each add
// theirs in turn.
void AddSignature(SignedEnvelope* envelope, const crypto::SigningSecretKey& key);

// How many of `authorised` made a valid signature: each key counts once,
// signatures by other keys are ignored.
std::size_t CountValidSignatures(const SignedEnvelope& envelope,
                                 const std::vector<crypto::SigningPublicKey>& authorised);

// kUnderThreshold unless at least `threshold` of `authorised` signed;
// `who` names them in the message ("the root keys of root version 1").
Status CheckThreshold(const SignedEnvelope& envelope,
                      const std::vector<crypto::SigningPublicKey>& authorised,
                      std::size_t threshold, std::string_view who);

}  // namespace certshare::trust
