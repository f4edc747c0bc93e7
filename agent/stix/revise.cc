#include "agent/stix/revise.h"

#include <rapidjson/document.h>

#include "agent/stix/bundle.h"
#include "agent/stix/incident_builder.h"
#include "agent/stix/uuid.h"
#include "agent/stix/vocab.h"
#include "common/base/json.h"

namespace certshare::agent {

namespace {

using Allocator = rapidjson::Document::AllocatorType;

std::string Str(const rapidjson::Value& obj, const char* name) {
  std::string out;
  json::GetString(obj, name, &out);
  return out;
}

bool IsRevoked(const rapidjson::Value& obj) {
  const rapidjson::Value* v = json::Member(obj, "revoked");
  return v != nullptr && v->IsBool() && v->GetBool();
}

void Put(rapidjson::Value& obj, const char* name, rapidjson::Value value, Allocator& a) {
  auto it = obj.FindMember(name);
  if (it != obj.MemberEnd()) {
    it->value = value;
  } else {
    obj.AddMember(rapidjson::Value(name, a), value, a);
  }
}

Status CheckOptions(const ReviseOptions& o) {
  if (o.investigation_status && !kInvestigationStatuses.Contains(*o.investigation_status)) {
    return Status(ErrorCode::kInvalidArgument, "--investigation-status must be one of " +
                                                   kInvestigationStatuses.Join());
  }
  if (o.determination && !kIncidentDeterminations.Contains(*o.determination)) {
    return Status(ErrorCode::kInvalidArgument,
                  "--determination must be one of " + kIncidentDeterminations.Join());
  }
  if (o.criticality && (*o.criticality < 0 || *o.criticality > 100)) {
    return Status(ErrorCode::kInvalidArgument,
                  "--criticality must be an integer from 0 to 100");
  }
  return Status::Ok();
}

bool HasEdits(const ReviseOptions& o) {
  return o.investigation_status || o.determination || o.criticality;
}

// Applies the incident edits; returns whether `obj` is an incident that
// took them.
bool EditIncident(rapidjson::Value& obj, const ReviseOptions& o, Allocator& a) {
  if (Str(obj, "type") != "incident") return false;
  auto exts = obj.FindMember("extensions");
  if (exts == obj.MemberEnd() || !exts->value.IsObject()) return false;
  auto core = exts->value.FindMember(kIncidentCoreExtensionId.data());
  if (core == exts->value.MemberEnd() || !core->value.IsObject()) return false;
  rapidjson::Value& ext = core->value;
  if (o.investigation_status) {
    Put(ext, "investigation_status", rapidjson::Value(o.investigation_status->c_str(), a), a);
  }
  if (o.determination) Put(ext, "determination", rapidjson::Value(o.determination->c_str(), a), a);
  if (o.criticality) Put(ext, "criticality", rapidjson::Value(*o.criticality), a);
  return true;
}

// Revises one object in place. REQUIRES: it is the reviser's, has
// `modified` and is not revoked.
Status ReviseObject(rapidjson::Value& obj, const ReviseOptions& o, Allocator& a,
                    bool* edited_incident) {
  CERTSHARE_ASSIGN_OR_RETURN(std::string modified, NextModified(Str(obj, "modified"), o.now));
  Put(obj, "modified", rapidjson::Value(modified.c_str(), a), a);
  if (HasEdits(o) && EditIncident(obj, o, a)) *edited_incident = true;
  if (o.revoke) Put(obj, "revoked", rapidjson::Value(true), a);
  return Status::Ok();
}

bool Revisable(const rapidjson::Value& obj, const std::string& identity_id) {
  return obj.IsObject() && Str(obj, "created_by_ref") == identity_id &&
         !Str(obj, "modified").empty() && !IsRevoked(obj);
}

}  // namespace

Result<Revised> Revise(std::string_view text, const ReviseOptions& options) {
  CERTSHARE_RETURN_IF_ERROR(CheckOptions(options));
  rapidjson::Document doc;
  CERTSHARE_RETURN_IF_ERROR(json::Parse(text, &doc));
  if (!doc.IsObject()) {
    return Status(ErrorCode::kInvalidStix, "expected a STIX object or bundle");
  }
  Allocator& a = doc.GetAllocator();
  Revised out;
  bool edited_incident = false;

  if (Str(doc, "type") != "bundle") {
    const std::string id = Str(doc, "id");
    if (Str(doc, "created_by_ref") != options.identity_id) {
      return Status(ErrorCode::kInvalidArgument,
                    id + " was not created by this organisation (" + options.identity_id +
                        "); STIX lets only an object's creator make new versions of it");
    }
    if (Str(doc, "modified").empty()) {
      return Status(ErrorCode::kInvalidArgument, id + " has no \"modified\": it is not versioned");
    }
    if (IsRevoked(doc)) {
      return Status(ErrorCode::kInvalidArgument, id + " is revoked: it cannot be revised");
    }
    CERTSHARE_RETURN_IF_ERROR(ReviseObject(doc, options, a, &edited_incident));
    out.ids.push_back(id);
  } else {
    auto objects = doc.FindMember("objects");
    if (objects != doc.MemberEnd() && objects->value.IsArray()) {
      for (auto& obj : objects->value.GetArray()) {
        if (!Revisable(obj, options.identity_id)) {
          ++out.unchanged;
          continue;
        }
        CERTSHARE_RETURN_IF_ERROR(ReviseObject(obj, options, a, &edited_incident));
        out.ids.push_back(Str(obj, "id"));
      }
    }
    if (out.ids.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    "nothing to revise: no object in the bundle was created by this "
                    "organisation (" + options.identity_id + ") and is still current");
    }
    const std::string bundle_id = NewStixId("bundle");
    Put(doc, "id", rapidjson::Value(bundle_id.c_str(), a), a);
  }
  if (HasEdits(options) && !edited_incident) {
    return Status(ErrorCode::kInvalidArgument,
                  "--investigation-status, --determination and --criticality change an "
                  "incident with the Incident Core extension, and there is none to revise");
  }
  out.json = ToPrettyJson(doc);
  return out;
}

}  // namespace certshare::agent
