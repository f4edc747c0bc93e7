// certshare::agent::CheckCreators — the objects of a record may not claim
// another registered organisation as their creator.
//
// STIX names an object's creator in `created_by_ref`; certshare names each
// organisation by one identity, identity--uuid5("org:<ORG-ID>")
// (OrganisationIdentityId, docs/agent.md "The organisation's identity
// object"). A record is signed by its origin, so an object in it whose
// `created_by_ref` is *another* registered organisation's identity would be
// passed on to the recipients' tools (MISP, OpenCTI, a SIEM) as that
// organisation's, which only that organisation's signature may claim.
//
// The rule, for the document and each object of a bundle: `created_by_ref`
// is absent, or the origin's identity, or the identity of no organisation
// in the registry (revoked ones included). So objects without a creator
// (observables, marking definitions, the shared sector and country
// objects), objects of the origin's own, and objects of identities that
// are no registered organisation's (MITRE ATT&CK's, a vendor's, an identity
// the origin made itself) pass: certshare cannot tell whose those are, and
// the recipient still sees the signed origin beside them. A record that
// refers to another CERT's object by id (a relationship, `object_refs`)
// passes too: only `created_by_ref` claims authorship.
//
// Otherwise kOriginMismatch, naming the object and the organisation it
// claims. `certshare publish` checks this before sealing (agent::Compose),
// a subscriber again after opening (agent::Verify), which quarantines.
//
// Cost: one string comparison per object; the registry's identity ids are
// derived (a SHA-1 each) only when an object names some other identity.
//
// Thread-safe: no shared state.
#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "common/base/status.h"
#include "common/identity/registry.h"

namespace certshare::agent {

// `document`: a STIX object or bundle (anything else passes: the STIX
// checks say what is wrong with it).
Status CheckCreators(const rapidjson::Value& document, std::string_view origin,
                     const identity::Registry& registry);

}  // namespace certshare::agent
