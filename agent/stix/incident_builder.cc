#include "agent/stix/incident_builder.h"

#include <algorithm>
#include <set>

#include "agent/stix/vocab.h"
#include "common/base/json.h"

namespace certshare::agent {

namespace {

Status Invalid(std::string message) {
  return Status(ErrorCode::kInvalidArgument, message);
}

std::string Str(const rapidjson::Value& obj, const char* name) {
  std::string out;
  json::GetString(obj, name, &out);
  return out;
}

rapidjson::Value IncidentCore(const IncidentSpec& spec, const std::string& event_id,
                              Allocator& a) {
  rapidjson::Value ext(rapidjson::kObjectType);
  SetString(ext, "extension_type", "property-extension", a);
  SetString(ext, "determination", spec.determination, a);
  SetString(ext, "investigation_status", spec.investigation_status, a);
  if (spec.criticality) ext.AddMember("criticality", *spec.criticality, a);
  std::vector<std::string> types;
  if (!spec.rsit->incident_type.empty()) types.emplace_back(spec.rsit->incident_type);
  for (const std::string& t : spec.extra_incident_types) {
    if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
  }
  if (!types.empty()) SetStringList(ext, "incident_types", types, a);
  if (!event_id.empty()) {
    rapidjson::Value entry(rapidjson::kObjectType);
    SetString(entry, "event_ref", event_id, a);
    rapidjson::Value events(rapidjson::kArrayType);
    events.PushBack(entry, a);
    ext.AddMember("events", events, a);
  }
  return ext;
}

rapidjson::Value Event(const IncidentSpec& spec, const Stamp& stamp, Allocator& a) {
  rapidjson::Value o = NewObject("event", stamp, a);
  // occurred: it took place and is over; ongoing: no end seen yet.
  SetString(o, "status", spec.last_seen ? "occurred" : "ongoing", a);
  SetString(o, "name", "Activity of: " + spec.name, a);
  if (spec.first_seen) SetString(o, "start_time", FormatTimestamp(*spec.first_seen), a);
  // The extension wants end_time strictly after start_time: an activity
  // seen at one instant has only start_time.
  if (spec.last_seen && (!spec.first_seen || *spec.last_seen > *spec.first_seen)) {
    SetString(o, "end_time", FormatTimestamp(*spec.last_seen), a);
  }
  AddMarkings(o, stamp, a);
  rapidjson::Value ext(rapidjson::kObjectType);
  SetString(ext, "extension_type", "new-sdo", a);
  rapidjson::Value extensions(rapidjson::kObjectType);
  extensions.AddMember(rapidjson::Value(kEventExtensionId.data(), a), ext, a);
  o.AddMember("extensions", extensions, a);
  return o;
}

}  // namespace

Status CheckIncidentSpec(const IncidentSpec& spec) {
  if (spec.name.empty()) return Invalid("--name must not be empty");
  if (spec.rsit == nullptr) return Invalid("--rsit is required (run: certshare rsit)");
  if (!kIncidentDeterminations.Contains(spec.determination)) {
    return Invalid("--determination \"" + spec.determination + "\" must be one of " +
                   kIncidentDeterminations.Join());
  }
  if (!kInvestigationStatuses.Contains(spec.investigation_status)) {
    return Invalid("--investigation-status \"" + spec.investigation_status +
                   "\" must be one of " + kInvestigationStatuses.Join());
  }
  if (spec.criticality && (*spec.criticality < 0 || *spec.criticality > 100)) {
    return Invalid("--criticality must be an integer from 0 to 100");
  }
  for (const std::string& t : spec.extra_incident_types) {
    const bool ok = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '&';
    });
    if (!ok) {
      return Invalid("--incident-type \"" + t +
                     "\" must be a lower-case event-type-ov value, e.g. "
                     "dissemination-phishing-emails");
    }
  }
  for (const std::string& s : spec.sectors) {
    if (!kIndustrySectors.Contains(s)) {
      return Invalid("--sector \"" + s + "\" must be one of " + kIndustrySectors.Join());
    }
  }
  for (const std::string& c : spec.countries) {
    if (!kCountryCodes.Contains(c)) {
      return Invalid("--country \"" + c +
                     "\" must be an ISO 3166-1 alpha-2 code in upper case, e.g. EE, UA, DE");
    }
  }
  if (spec.first_seen && spec.last_seen && *spec.last_seen < *spec.first_seen) {
    return Invalid("--last-seen is before --first-seen");
  }
  return Status::Ok();
}

Result<std::string> BuildIncident(const IncidentSpec& spec, const Author& author,
                                  StixMillis now, Bundle* bundle) {
  CERTSHARE_RETURN_IF_ERROR(CheckIncidentSpec(spec));
  Allocator& a = bundle->allocator();
  const Stamp stamp{OrganisationIdentityId(author.org), FormatTimestamp(now), spec.tlp};

  CERTSHARE_RETURN_IF_ERROR(bundle->Add(TlpMarkingDefinition(spec.tlp, a)));
  CERTSHARE_RETURN_IF_ERROR(bundle->Add(OrganisationIdentity(author, a)));

  std::string event_id;
  rapidjson::Value event;
  if (spec.first_seen || spec.last_seen) {
    event = Event(spec, stamp, a);
    event_id = Str(event, "id");
  }

  rapidjson::Value incident = NewObject("incident", stamp, a);
  const std::string incident_id = Str(incident, "id");
  SetString(incident, "name", spec.name, a);
  if (!spec.description.empty()) SetString(incident, "description", spec.description, a);
  SetStringList(incident, "labels", {rsit::Label(*spec.rsit)}, a);
  AddMarkings(incident, stamp, a);
  rapidjson::Value extensions(rapidjson::kObjectType);
  extensions.AddMember(rapidjson::Value(kIncidentCoreExtensionId.data(), a),
                       IncidentCore(spec, event_id, a), a);
  incident.AddMember("extensions", extensions, a);
  CERTSHARE_RETURN_IF_ERROR(bundle->Add(std::move(incident)));
  if (!event_id.empty()) CERTSHARE_RETURN_IF_ERROR(bundle->Add(std::move(event)));

  for (const std::string& sector : spec.sectors) {
    rapidjson::Value target = SectorIdentity(sector, a);
    const std::string target_id = Str(target, "id");
    CERTSHARE_RETURN_IF_ERROR(bundle->Add(std::move(target)));
    CERTSHARE_RETURN_IF_ERROR(
        bundle->Add(Relationship("targets", incident_id, target_id, stamp, a)));
  }
  for (const std::string& country : spec.countries) {
    rapidjson::Value place = CountryLocation(country, a);
    const std::string place_id = Str(place, "id");
    CERTSHARE_RETURN_IF_ERROR(bundle->Add(std::move(place)));
    CERTSHARE_RETURN_IF_ERROR(
        bundle->Add(Relationship("located-at", incident_id, place_id, stamp, a)));
  }
  return incident_id;
}

Result<std::size_t> LinkToIncident(std::string_view incident_id, const Stamp& stamp,
                                   Bundle* bundle) {
  std::set<std::string> linked;
  std::vector<std::pair<std::string, bool>> to_link;  // (id, is indicator)
  for (const auto& o : bundle->Objects().GetArray()) {
    const std::string type = Str(o, "type");
    if (type == "relationship") {
      const std::string source = Str(o, "source_ref");
      const std::string target = Str(o, "target_ref");
      if (source == incident_id) linked.insert(target);
      if (target == incident_id) linked.insert(source);
      continue;
    }
    if (type == "indicator") {
      to_link.emplace_back(Str(o, "id"), true);
    } else if (type == "observed-data" ||
               (type != "marking-definition" && type != "bundle" &&
                json::Member(o, "created") == nullptr)) {
      to_link.emplace_back(Str(o, "id"), false);
    }
  }
  std::size_t added = 0;
  Allocator& a = bundle->allocator();
  for (const auto& [id, is_indicator] : to_link) {
    if (!linked.insert(id).second) continue;
    rapidjson::Value rel = is_indicator ? Relationship("indicates", id, incident_id, stamp, a)
                                        : Relationship("related-to", incident_id, id, stamp, a);
    CERTSHARE_RETURN_IF_ERROR(bundle->Add(std::move(rel)));
    ++added;
  }
  return added;
}

}  // namespace certshare::agent
