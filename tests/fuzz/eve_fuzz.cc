// Fuzz target: Suricata EVE lines (agent/sensor/eve.h, ParseEve), as
// `certshare sensor` reads them from a file, a pipe or a socket, and their
// mapping to STIX (agent/sensor/eve_stix.h, EveMapper::Map).
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refused line carries kMalformedJson or kInvalidArgument and a
//     message;
//   * an alert has a signature id and at least one address; only alerts
//     are mapped;
//   * every event the mapper makes is valid STIX (schemas::Summarise
//     accepts its payload) and names the object its payload holds.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/sensor/eve.h"
#include "agent/sensor/eve_stix.h"
#include "schemas/stix_check.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sensor = certshare::agent::sensor;
  const std::string_view line(reinterpret_cast<const char*>(data), size);

  const certshare::Result<sensor::EveEvent> event = sensor::ParseEve(line);
  if (!event.ok()) {
    const certshare::ErrorCode code = event.status().code();
    FUZZ_REQUIRE(code == certshare::ErrorCode::kMalformedJson ||
                 code == certshare::ErrorCode::kInvalidArgument);
    FUZZ_REQUIRE(!event.status().message().empty());
  } else {
    FUZZ_REQUIRE(event->alert.has_value() == (event->event_type == "alert"));
    if (event->alert) FUZZ_REQUIRE(event->alert->src || event->alert->dst);
  }

  static sensor::EveMapper mapper({"CERT-EE", "CERT Estonia"}, certshare::Tlp::kGreen);
  const certshare::Result<std::optional<sensor::SensorEvent>> mapped = mapper.Map(line);
  if (!mapped.ok() || !mapped->has_value()) return 0;
  FUZZ_REQUIRE(event.ok() && event->alert.has_value());
  const sensor::SensorEvent& out = **mapped;
  const certshare::Result<certshare::schemas::Summary> summary =
      certshare::schemas::Summarise(out.payload);
  FUZZ_REQUIRE(summary.ok());
  FUZZ_REQUIRE(summary->type == out.stix_type && summary->id == out.stix_id &&
               summary->modified == out.modified && summary->tlp == out.marked);
  return 0;
}
