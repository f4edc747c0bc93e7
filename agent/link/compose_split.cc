#include "agent/link/compose_split.h"

#include "common/base/json.h"
#include "common/base/tlp.h"
#include "schemas/stix_check.h"

namespace certshare::agent {

namespace {

bool IsTlpMarkingDefinition(const rapidjson::Value& object) {
  std::string type, id;
  return json::GetString(object, "type", &type) && type == "marking-definition" &&
         json::GetString(object, "id", &id) && schemas::TlpOfMarking(id).has_value();
}

}  // namespace

Result<SplitRecords> ComposeSplit(std::string_view text, const ComposeOptions& options,
                                  const identity::Identity& me,
                                  const identity::Registry& registry, envelope::Sealer& sealer) {
  SplitRecords out;
  rapidjson::Document doc;
  CERTSHARE_RETURN_IF_ERROR(json::Parse(text, &doc));
  std::string type;
  if (!doc.IsObject() || !json::GetString(doc, "type", &type) || type != "bundle") {
    CERTSHARE_ASSIGN_OR_RETURN(Composed one, Compose(text, options, me, registry, sealer));
    out.source_id = one.header.stix_id;
    out.records.push_back(std::move(one));
    return out;
  }
  json::GetString(doc, "id", &out.source_id);
  const rapidjson::Value* objects = json::Member(doc, "objects");
  if (objects == nullptr || !objects->IsArray() || objects->Empty()) {
    // Let the STIX check say what is wrong with it.
    CERTSHARE_RETURN_IF_ERROR(schemas::Summarise(text).status());
    return Status(ErrorCode::kInvalidStix, "the bundle has no objects to publish");
  }
  out.records.reserve(objects->Size());
  for (rapidjson::SizeType i = 0; i < objects->Size(); ++i) {
    const rapidjson::Value& object = (*objects)[i];
    std::string id;
    if (object.IsObject()) json::GetString(object, "id", &id);
    const std::string where = "object " + std::to_string(i + 1) + " of " +
                              std::to_string(objects->Size()) +
                              (id.empty() ? std::string() : " (" + id + ")");
    if (object.IsObject() && IsTlpMarkingDefinition(object)) {
      ++out.skipped_markings;
      continue;
    }
    const std::string object_text = json::Write(object);
    auto summary = schemas::Summarise(object_text);
    if (!summary.ok()) return summary.status().WithContext(where);
    ComposeOptions these = options;
    // --tlp raises an object marked lower; one marked higher keeps its own.
    if (summary->tlp && these.tlp && *these.tlp < *summary->tlp) these.tlp.reset();
    auto composed = Compose(object_text, these, me, registry, sealer);
    if (!composed.ok()) return composed.status().WithContext(where);
    out.records.push_back(std::move(*composed));
  }
  if (out.records.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "the bundle holds only TLP marking definitions: nothing to publish");
  }
  return out;
}

}  // namespace certshare::agent
