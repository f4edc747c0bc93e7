#include "agent/stix/indicator_builder.h"

#include "agent/stix/vocab.h"
#include "common/base/json.h"
#include "schemas/stix_check.h"

namespace certshare::agent {

Status CheckIndicatorSpec(const IndicatorSpec& spec) {
  if (spec.observables.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "give at least one observable: --ip, --domain, --url or --file-hash");
  }
  if (spec.indicator_types.empty()) {
    return Status(ErrorCode::kInvalidArgument, "--indicator-type must not be empty");
  }
  for (const std::string& t : spec.indicator_types) {
    if (!kIndicatorTypes.Contains(t)) {
      return Status(ErrorCode::kInvalidArgument, "--indicator-type \"" + t +
                                                     "\" must be one of " +
                                                     kIndicatorTypes.Join());
    }
  }
  if (!spec.incident_id.empty() && !schemas::IsStixId(spec.incident_id, "incident")) {
    return Status(ErrorCode::kInvalidArgument,
                  "--incident \"" + spec.incident_id +
                      "\" must be an incident id: incident--<uuid in lower case>");
  }
  if (spec.valid_from && spec.valid_until && *spec.valid_until <= *spec.valid_from) {
    return Status(ErrorCode::kInvalidArgument, "--valid-until must be after --valid-from");
  }
  return Status::Ok();
}

Result<std::string> BuildIndicator(const IndicatorSpec& spec, const Author& author,
                                   StixMillis now, Bundle* bundle) {
  CERTSHARE_RETURN_IF_ERROR(CheckIndicatorSpec(spec));
  if (!spec.valid_from && spec.valid_until && *spec.valid_until <= now) {
    return Status(ErrorCode::kInvalidArgument,
                  "--valid-until must be after --valid-from (default: now)");
  }
  Allocator& a = bundle->allocator();
  const Stamp stamp{OrganisationIdentityId(author.org), FormatTimestamp(now), spec.tlp};
  if (spec.tlp) CERTSHARE_RETURN_IF_ERROR(bundle->Add(TlpMarkingDefinition(*spec.tlp, a)));
  CERTSHARE_RETURN_IF_ERROR(bundle->Add(OrganisationIdentity(author, a)));

  rapidjson::Value indicator = NewObject("indicator", stamp, a);
  std::string id;
  json::GetString(indicator, "id", &id);
  SetString(indicator, "name",
            spec.name.empty() ? "Indicator: " + DescribeObservables(spec.observables)
                              : spec.name,
            a);
  if (!spec.description.empty()) SetString(indicator, "description", spec.description, a);
  SetStringList(indicator, "indicator_types", spec.indicator_types, a);
  SetString(indicator, "pattern", PatternFor(spec.observables), a);
  SetString(indicator, "pattern_type", "stix", a);
  SetString(indicator, "pattern_version", "2.1", a);
  SetString(indicator, "valid_from", FormatTimestamp(spec.valid_from.value_or(now)), a);
  if (spec.valid_until) SetString(indicator, "valid_until", FormatTimestamp(*spec.valid_until), a);
  AddMarkings(indicator, stamp, a);
  CERTSHARE_RETURN_IF_ERROR(bundle->Add(std::move(indicator)));

  if (!spec.incident_id.empty()) {
    CERTSHARE_RETURN_IF_ERROR(
        bundle->Add(Relationship("indicates", id, spec.incident_id, stamp, a)));
  }
  return id;
}

}  // namespace certshare::agent
