// certshare::agent::ResealWithoutRevoked — one of this agent's own records,
// sealed again for its recipients minus those the registry now marks
// revoked (`certshare flush --reseal`, docs/agent.md).
//
// A record names its recipients inside the signed header, so a broker that
// learnt of a revocation refuses a record naming the revoked organisation
// (REVOKED) and no retry can change that. The origin can open its own
// record: each key slot is wrapped with the X25519 key the origin shares
// with that recipient, which the origin can compute from its box secret
// and the recipient's box key. So the agent opens a slot of a remaining
// recipient, checks the signature with its own signing key, and seals the
// same STIX payload (same type, id, `modified`, TLP, topics) to the
// remaining recipients with a fresh content key and signature. The record
// key (origin, id, `modified`) stays the same, so a broker that stored the
// old record by then answers the new one as a duplicate.
//
// Thread-safe as its arguments are (the sealer is not).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/envelope/envelope.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {

struct Resealed {
  Bytes record;
  envelope::Header header;           // the new record's
  crypto::Hash256 content{};         // ContentDigest of its payload (published.h)
  std::vector<std::string> dropped;  // the revoked recipients left out
};

// nullopt when no recipient of `record` is revoked in `registry` (nothing
// to do). Errors: Decode's; kOriginMismatch when the record is not `me`'s;
// kBadSignature / kDecryptFailed when it does not open with `me`'s keys (a
// record sealed before a rotation of them); kRevoked when every recipient
// is revoked (nothing left to send it to: drop it); Seal's.
Result<std::optional<Resealed>> ResealWithoutRevoked(ByteView record,
                                                     const identity::Identity& me,
                                                     const identity::Registry& registry,
                                                     envelope::Sealer& sealer);

}  // namespace certshare::agent
