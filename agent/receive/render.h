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
// keeps in previous_sign_keys / previous_box_keys. A revoked origin's
// records are refused (kRevoked), whenever they were signed, unless the
// origin's card lists the record's signed Merkle root in allowed_roots
// (records known good at the revocation, docs/trust.md): whoever revoked
// it may have done so because its keys were stolen.
//
// Any failure returns an error and no output: nothing unverified is ever
// rendered as valid.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"
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
  // The STIX object or bundle, verified and decrypted, compact JSON.
  std::string object;
  // The JSON line above (without a newline).
  std::string line;
};

// Every check of Render; on success the record's parts and its line.
Result<Verified> Verify(std::uint64_t sequence, ByteView record,
                        const identity::Identity& me,
                        const identity::Registry& registry);

// Verify(...).line.
Result<std::string> Render(std::uint64_t sequence, ByteView record,
                           const identity::Identity& me,
                           const identity::Registry& registry);

}  // namespace certshare::agent
