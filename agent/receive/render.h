// certshare::agent::Render — what a subscriber does with a delivered
// record: verify the origin's signature against the registry, open this
// organisation's key slot, check the payload agrees with its signed header
// and render one JSON line. The payload agrees when it is valid STIX and
// the object the header names (same id, type and `modified`:
// kInvalidStix otherwise), when no TLP marking in it is stricter than the
// header's TLP (schemas::Summary::tlp, the most restrictive TLP 1.0 or 2.0
// marking on any object; a header above the payload's marking is fine:
// `publish --tlp` may raise a record's TLP; kInvalidStix otherwise), and
// when no object in it names another registered organisation as its
// creator (agent/stix/creators.h; kOriginMismatch). The line:
//
//   {"sequence":N,"origin":"CERT-EE","tlp":"amber","type":"bundle",
//    "id":"bundle--…","modified":"…","recipients":[…],"object":{…}}
//
// The origin's keys come from this agent's registry: its current signing
// and box keys, then (for records from before a rotation) those its card
// keeps in previous_sign_keys / previous_box_keys. Once the signature
// verifies, what the registry says of the origin decides (docs/agent.md,
// "Revoked, rotated and compromised origins"), unless the record's signed
// Merkle root is on the origin's allow-list (Card::allowed_roots, records
// known good when the key was revoked or replaced):
//  - a revoked origin's records are refused (kRevoked): whoever holds its
//    keys may still sign;
//  - a record verified only by a previous signing key is refused
//    (kPreviousKey) unless options.accept_previous_keys;
//  - a record whose `modified` is at or after the origin's
//    compromised_since is refused (kKeyCompromised). `modified` is the
//    origin's claim: a thief can backdate it; rotation and the allow-list
//    are what bind.
//
// Any failure returns an error and no output: nothing unverified is ever
// rendered as valid.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/envelope/envelope.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {

// A delivered record that passed every check, with what the outputs need.
struct Verified {
  std::uint64_t sequence = 0;
  std::string origin;
  std::string tlp;  // TlpName of the signed header's level
  std::string type;
  std::string id;
  std::string modified;
  std::vector<std::string> recipients;
  // The dedupe key of the signed header (origin, id, modified:
  // envelope::EncodeRecordKey).
  std::string dedupe_key;
  // The record's Merkle leaf hash (envelope::LeafHash): what a delivery
  // receipt names it by (docs/receipts.md).
  crypto::Hash256 leaf{};
  // The STIX object or bundle, verified and decrypted, compact JSON.
  std::string object;
  // The JSON line above (without a newline).
  std::string line;
};

struct VerifyOptions {
  // Accept records verified only by an origin's previous signing key, as
  // before issue 12 (subscribe --accept-previous-keys).
  bool accept_previous_keys = false;
  // What earlier records computed (the Feed keeps both): signatures that
  // verified, so a batch costs one Ed25519 check (envelope::VerifiedRoots),
  // and each origin's X25519 shared key (envelope::SharedKeys). Null: each
  // record in full.
  envelope::OpenMemory memory;
};

// Every check of Render; on success the record's parts and its line.
Result<Verified> Verify(std::uint64_t sequence, ByteView record,
                        const identity::Identity& me,
                        const identity::Registry& registry,
                        const VerifyOptions& options = {});

// Verify(...).line.
Result<std::string> Render(std::uint64_t sequence, ByteView record,
                           const identity::Identity& me,
                           const identity::Registry& registry,
                           const VerifyOptions& options = {});

}  // namespace certshare::agent
