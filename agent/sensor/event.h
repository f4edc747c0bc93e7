// certshare::agent::sensor — what a sensor makes of one input line: a STIX
// document ready to seal (SensorEvent), or nothing (a line it does not
// publish, such as a Suricata flow event), or an error (the line is bad:
// reported with its number and skipped, never fatal).
//
// An EventMapper turns lines into events; agent/sensor/eve_stix.h (Suricata
// EVE) and agent/sensor/jsonl.h (ready STIX objects) implement it.
//
// Thread-safety: a mapper is used by one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/base/status.h"
#include "common/base/tlp.h"

namespace certshare::agent::sensor {

struct SensorEvent {
  // What the record's signed header names (schemas::Summary of payload).
  std::string stix_type;
  std::string stix_id;
  std::string modified;
  // The document's own TLP marking, if it has one (schemas::Summary::tlp):
  // the sensor's --tlp may raise the record's TLP above it, never lower it
  // (agent::ChooseTlp). `marked_by` says where it is, for that error
  // (schemas::DescribeTlpMarking; may be empty).
  std::optional<Tlp> marked;
  std::string marked_by;
  std::string payload;  // the STIX JSON, valid (schemas::Check)
};

class EventMapper {
 public:
  virtual ~EventMapper() = default;
  // An event to publish; nullopt for a line that is not one (counted as
  // skipped); an error for a bad line (counted, reported).
  virtual Result<std::optional<SensorEvent>> Map(std::string_view line) = 0;
};

}  // namespace certshare::agent::sensor
