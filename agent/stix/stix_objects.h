// certshare::agent — the STIX 2.1 objects every builder shares: the TLP 2.0
// marking definition, the organisation's identity, relationships, and the
// shared reference objects for an affected sector and country.
//
// Ids (agent/stix/uuid.h): objects an analyst creates get random UUIDv4 ids.
// Objects that must be the same whoever builds them get UUIDv5 ids under
// certshare's namespace, fixed `created` / `modified` (kReferenceTimestamp)
// and content that depends only on their name, so every record carries the
// same version of them and bundles merge them without conflict:
//   the organisation's identity   identity--uuid5("org:<ORG-ID>")
//   an affected sector            identity--uuid5("sector:<sector>")
//   an affected country           location--uuid5("country:<CC>")
// The organisation's identity object is thus the same in every record it
// publishes, and recipients can correlate incidents by sector and country
// object across CERTs.
//
// Thread-safe: no shared state. Values use the allocator passed in.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/tlp.h"

namespace certshare::agent {

using Allocator = rapidjson::Document::AllocatorType;

// `created` and `modified` of the name-based reference objects.
inline constexpr std::string_view kReferenceTimestamp = "2020-01-01T00:00:00.000Z";

// Who builds: the organisation (from its card) and when.
struct Author {
  std::string org;   // organisation id, e.g. "CERT-EE"
  std::string name;  // display name (the card's), e.g. "CERT Estonia"
};

// What every object an author builds in one run shares.
struct Stamp {
  std::string identity_id;  // created_by_ref
  std::string now;          // created = modified, STIX timestamp
  std::optional<Tlp> tlp;   // object_marking_refs, when set
};

// identity--<UUIDv5 of "org:<org>">.
std::string OrganisationIdentityId(std::string_view org);
// The organisation's identity: identity_class "organization", its name.
rapidjson::Value OrganisationIdentity(const Author& author, Allocator& a);

// The official TLP 2.0 marking definition (as published by OASIS in
// cti-stix-common-objects), e.g. marking-definition--55d920b0-... for AMBER.
rapidjson::Value TlpMarkingDefinition(Tlp tlp, Allocator& a);

// {type, spec_version, id (fresh UUIDv4), created_by_ref, created, modified}.
rapidjson::Value NewObject(std::string_view type, const Stamp& stamp, Allocator& a);
// Adds object_marking_refs [the TLP marking] when the stamp has a TLP.
void AddMarkings(rapidjson::Value& object, const Stamp& stamp, Allocator& a);

// A relationship object, marked like the stamp says.
rapidjson::Value Relationship(std::string_view relationship_type, std::string_view source_ref,
                              std::string_view target_ref, const Stamp& stamp, Allocator& a);

// The class of organisations of one industry sector (identity_class
// "class", sectors [sector]). REQUIRES: sector from kIndustrySectors.
rapidjson::Value SectorIdentity(std::string_view sector, Allocator& a);
// A country (location with `country`). REQUIRES: an ISO 3166-1 alpha-2 code.
rapidjson::Value CountryLocation(std::string_view country_code, Allocator& a);

// Helpers for building objects.
void SetString(rapidjson::Value& object, std::string_view name, std::string_view value,
               Allocator& a);
void SetStringList(rapidjson::Value& object, std::string_view name,
                   const std::vector<std::string>& values, Allocator& a);

}  // namespace certshare::agent
