// certshare::agent::sensor::JsonlMapper — JSON lines of ready STIX 2.1
// documents: each line one object or one bundle, published as is (one
// record per line) once schemas::Summarise accepts it. A line that is not
// valid STIX is an error naming the problems (the sensor reports it with
// its line number and goes on). Blank lines never reach it: the
// pipeline skips them for every format.
//
// The record's TLP is the line's own TLP 2.0 marking, else the sensor's
// --tlp; the two must agree (agent::Route).
//
// Thread-safety: no state; one thread at a time like every EventMapper.
#pragma once

#include "agent/sensor/event.h"

namespace certshare::agent::sensor {

class JsonlMapper final : public EventMapper {
 public:
  Result<std::optional<SensorEvent>> Map(std::string_view line) override;
};

}  // namespace certshare::agent::sensor
