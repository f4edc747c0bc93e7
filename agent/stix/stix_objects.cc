#include "agent/stix/stix_objects.h"

#include <cctype>

#include "agent/stix/uuid.h"

namespace certshare::agent {

namespace {

constexpr std::string_view kTlpExtensionId =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
// `created` of the five official TLP 2.0 marking definitions.
constexpr std::string_view kTlpMarkingCreated = "2022-10-01T00:00:00.000Z";

rapidjson::Value Str(std::string_view s, Allocator& a) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

rapidjson::Value ReferenceObject(std::string_view type, std::string_view id, Allocator& a) {
  rapidjson::Value o(rapidjson::kObjectType);
  SetString(o, "type", type, a);
  SetString(o, "spec_version", "2.1", a);
  SetString(o, "id", id, a);
  SetString(o, "created", kReferenceTimestamp, a);
  SetString(o, "modified", kReferenceTimestamp, a);
  return o;
}

}  // namespace

void SetString(rapidjson::Value& object, std::string_view name, std::string_view value,
               Allocator& a) {
  object.AddMember(Str(name, a), Str(value, a), a);
}

void SetStringList(rapidjson::Value& object, std::string_view name,
                   const std::vector<std::string>& values, Allocator& a) {
  rapidjson::Value list(rapidjson::kArrayType);
  for (const std::string& v : values) list.PushBack(Str(v, a), a);
  object.AddMember(Str(name, a), list, a);
}

std::string OrganisationIdentityId(std::string_view org) {
  return NamedStixId("identity", "org:" + std::string(org));
}

rapidjson::Value OrganisationIdentity(const Author& author, Allocator& a) {
  rapidjson::Value o = ReferenceObject("identity", OrganisationIdentityId(author.org), a);
  SetString(o, "name", author.name.empty() ? author.org : author.name, a);
  SetString(o, "identity_class", "organization", a);
  return o;
}

rapidjson::Value TlpMarkingDefinition(Tlp tlp, Allocator& a) {
  rapidjson::Value o(rapidjson::kObjectType);
  SetString(o, "type", "marking-definition", a);
  SetString(o, "spec_version", "2.1", a);
  SetString(o, "id", TlpMarkingId(tlp), a);
  SetString(o, "created", kTlpMarkingCreated, a);
  std::string name = "TLP:" + std::string(TlpName(tlp));
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  SetString(o, "name", name, a);
  rapidjson::Value ext(rapidjson::kObjectType);
  SetString(ext, "extension_type", "property-extension", a);
  SetString(ext, "tlp_2_0", TlpName(tlp), a);
  rapidjson::Value extensions(rapidjson::kObjectType);
  extensions.AddMember(Str(kTlpExtensionId, a), ext, a);
  o.AddMember("extensions", extensions, a);
  return o;
}

rapidjson::Value NewObject(std::string_view type, const Stamp& stamp, Allocator& a) {
  rapidjson::Value o(rapidjson::kObjectType);
  SetString(o, "type", type, a);
  SetString(o, "spec_version", "2.1", a);
  SetString(o, "id", NewStixId(type), a);
  SetString(o, "created_by_ref", stamp.identity_id, a);
  SetString(o, "created", stamp.now, a);
  SetString(o, "modified", stamp.now, a);
  return o;
}

void AddMarkings(rapidjson::Value& object, const Stamp& stamp, Allocator& a) {
  if (!stamp.tlp) return;
  SetStringList(object, "object_marking_refs", {std::string(TlpMarkingId(*stamp.tlp))}, a);
}

rapidjson::Value Relationship(std::string_view relationship_type, std::string_view source_ref,
                              std::string_view target_ref, const Stamp& stamp, Allocator& a) {
  rapidjson::Value o = NewObject("relationship", stamp, a);
  SetString(o, "relationship_type", relationship_type, a);
  SetString(o, "source_ref", source_ref, a);
  SetString(o, "target_ref", target_ref, a);
  AddMarkings(o, stamp, a);
  return o;
}

rapidjson::Value SectorIdentity(std::string_view sector, Allocator& a) {
  rapidjson::Value o =
      ReferenceObject("identity", NamedStixId("identity", "sector:" + std::string(sector)), a);
  SetString(o, "name", sector, a);
  SetString(o, "description",
            "Organisations of the " + std::string(sector) +
                " sector (STIX industry-sector-ov).",
            a);
  SetString(o, "identity_class", "class", a);
  SetStringList(o, "sectors", {std::string(sector)}, a);
  return o;
}

rapidjson::Value CountryLocation(std::string_view country_code, Allocator& a) {
  rapidjson::Value o = ReferenceObject(
      "location", NamedStixId("location", "country:" + std::string(country_code)), a);
  SetString(o, "name", country_code, a);
  SetString(o, "country", country_code, a);
  return o;
}

}  // namespace certshare::agent
