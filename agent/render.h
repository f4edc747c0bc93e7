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

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {

Result<std::string> Render(std::uint64_t sequence, ByteView record,
                           const identity::Identity& me,
                           const identity::Registry& registry);

}  // namespace certshare::agent
