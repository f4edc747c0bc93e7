#include "agent/sensor/jsonl.h"

#include "agent/stix/creators.h"
#include "common/base/json.h"
#include "schemas/stix_check.h"

namespace certshare::agent::sensor {

Result<std::optional<SensorEvent>> JsonlMapper::Map(std::string_view line) {
  CERTSHARE_ASSIGN_OR_RETURN(schemas::Summary summary, schemas::Summarise(line));
  if (registry_ != nullptr) {
    // A second parse, of a line already known to be valid: simpler than
    // threading the document through schemas::Summarise.
    rapidjson::Document document;
    CERTSHARE_RETURN_IF_ERROR(json::Parse(line, &document));
    CERTSHARE_RETURN_IF_ERROR(CheckCreators(document, origin_, *registry_));
  }
  SensorEvent event;
  event.marked_by = schemas::DescribeTlpMarking(summary);
  event.stix_type = std::move(summary.type);
  event.stix_id = std::move(summary.id);
  event.modified = std::move(summary.modified);
  event.marked = summary.tlp;
  event.payload = std::string(line);
  return std::optional<SensorEvent>(std::move(event));
}

}  // namespace certshare::agent::sensor
