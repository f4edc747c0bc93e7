// certshare::agent::Render — what a subscriber does with a delivered
// record: verify the origin's signature against the registry, open this
// organisation's key slot, check the payload is the STIX object the header
// names, and render one JSON line:
//
//   {"sequence":N,"origin":"CERT-EE","tlp":"amber","type":"bundle",
//    "id":"bundle--…","modified":"…","recipients":[…],"object":{…}}
//
// The origin's keys come from this agent's registry: its current signing
// and box keys, then (for records from before a rotation) those its card
// keeps in previous_sign_keys / previous_box_keys. A revoked origin's
// records still verify: revocation stops what it sends from then on, the
// broker refuses those.
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
  // envelope::DedupeKey of the signed header (origin, id, modified).
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
