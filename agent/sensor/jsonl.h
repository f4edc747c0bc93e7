// certshare::agent::sensor::JsonlMapper — JSON lines of ready STIX 2.1
// documents: each line one object or one bundle, published as is (one
// record per line) once schemas::Summarise accepts it and no object in it
// names another registered organisation as its creator
// (agent::CheckCreators). A line that fails is an error naming the problems
// (the sensor reports it with its line number and goes on). Blank lines
// never reach it: the pipeline skips them for every format.
//
// The record's TLP is the line's own TLP marking (TLP 1.0 or 2.0, the most
// restrictive in it), raised to the sensor's --tlp when that is stricter;
// a line marked above --tlp is a bad line (agent::ChooseTlp).
//
// Thread-safety: no state but the registry it reads; one thread at a time
// like every EventMapper.
#pragma once

#include <string>

#include "agent/sensor/event.h"
#include "common/identity/registry.h"

namespace certshare::agent::sensor {

class JsonlMapper final : public EventMapper {
 public:
  // Without a registry the creators are not checked (tests).
  JsonlMapper() = default;
  // `origin`: this organisation; `registry` must outlive the mapper.
  JsonlMapper(std::string origin, const identity::Registry& registry)
      : origin_(std::move(origin)), registry_(&registry) {}

  Result<std::optional<SensorEvent>> Map(std::string_view line) override;

 private:
  std::string origin_;
  const identity::Registry* registry_ = nullptr;
};

}  // namespace certshare::agent::sensor
