#include "agent/sensor/jsonl.h"

#include "schemas/stix_check.h"

namespace certshare::agent::sensor {

Result<std::optional<SensorEvent>> JsonlMapper::Map(std::string_view line) {
  CERTSHARE_ASSIGN_OR_RETURN(schemas::Summary summary, schemas::Summarise(line));
  SensorEvent event;
  event.stix_type = std::move(summary.type);
  event.stix_id = std::move(summary.id);
  event.modified = std::move(summary.modified);
  event.marked = summary.tlp;
  event.payload = std::string(line);
  return std::optional<SensorEvent>(std::move(event));
}

}  // namespace certshare::agent::sensor
