#include "agent/stix/sighting_builder.h"

#include "common/base/json.h"
#include "schemas/stix_check.h"

namespace certshare::agent {

namespace {

// Types a sighting may not be of (STIX 2.1 §5.2: sighting_of_ref names an
// SDO; the OASIS schema spells out these exclusions).
constexpr std::string_view kNotSightable[] = {"sighting", "relationship", "bundle",
                                              "marking-definition", "language-content"};

std::string_view TypeOf(std::string_view id) {
  const std::size_t sep = id.find("--");
  return sep == std::string_view::npos ? std::string_view() : id.substr(0, sep);
}

}  // namespace

Status CheckSightingSpec(const SightingSpec& spec) {
  const std::string_view type = TypeOf(spec.sighting_of);
  if (type.empty() || !schemas::IsStixId(spec.sighting_of, type)) {
    return Status(ErrorCode::kInvalidArgument,
                  "--of \"" + spec.sighting_of +
                      "\" must be a STIX id such as indicator--<uuid in lower case>");
  }
  for (std::string_view bad : kNotSightable) {
    if (type == bad) {
      return Status(ErrorCode::kInvalidArgument,
                    "--of must name what was seen (an indicator, malware, ...), not a " +
                        std::string(type));
    }
  }
  if (spec.count && (*spec.count < 0 || *spec.count > kMaxSightingCount)) {
    return Status(ErrorCode::kInvalidArgument, "--count must be from 0 to 999999999");
  }
  if (spec.first_seen && spec.last_seen && *spec.last_seen < *spec.first_seen) {
    return Status(ErrorCode::kInvalidArgument, "--last-seen is before --first-seen");
  }
  return Status::Ok();
}

Result<std::string> BuildSighting(const SightingSpec& spec, const Author& author,
                                  StixMillis now, Bundle* bundle) {
  CERTSHARE_RETURN_IF_ERROR(CheckSightingSpec(spec));
  Allocator& a = bundle->allocator();
  const Stamp stamp{OrganisationIdentityId(author.org), FormatTimestamp(now), spec.tlp};
  if (spec.tlp) CERTSHARE_RETURN_IF_ERROR(bundle->Add(TlpMarkingDefinition(*spec.tlp, a)));
  CERTSHARE_RETURN_IF_ERROR(bundle->Add(OrganisationIdentity(author, a)));

  rapidjson::Value sighting = NewObject("sighting", stamp, a);
  std::string id;
  json::GetString(sighting, "id", &id);
  if (!spec.description.empty()) SetString(sighting, "description", spec.description, a);
  if (spec.first_seen) SetString(sighting, "first_seen", FormatTimestamp(*spec.first_seen), a);
  if (spec.last_seen) SetString(sighting, "last_seen", FormatTimestamp(*spec.last_seen), a);
  if (spec.count) sighting.AddMember("count", static_cast<std::int64_t>(*spec.count), a);
  SetString(sighting, "sighting_of_ref", spec.sighting_of, a);
  SetStringList(sighting, "where_sighted_refs", {stamp.identity_id}, a);
  AddMarkings(sighting, stamp, a);
  CERTSHARE_RETURN_IF_ERROR(bundle->Add(std::move(sighting)));
  return id;
}

}  // namespace certshare::agent
