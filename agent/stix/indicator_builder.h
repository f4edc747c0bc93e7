// certshare::agent — `certshare new indicator`: an indicator with a STIX
// pattern generated from observables (agent/stix/pattern.h).
//
// The bundle holds the TLP marking (when a TLP is given), the
// organisation's identity, the indicator (pattern_type "stix",
// pattern_version "2.1", valid_from, indicator_types) and, with
// `incident_id`, a relationship indicator `indicates` incident.
//
// Thread-safe: no shared state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/stix/bundle.h"
#include "agent/stix/pattern.h"
#include "agent/stix/stix_objects.h"
#include "common/base/status.h"
#include "common/base/timestamp.h"
#include "common/base/tlp.h"

namespace certshare::agent {

struct IndicatorSpec {
  std::vector<Observable> observables;   // at least one
  std::string name;                      // default: "Indicator: <observables>"
  std::string description;
  std::vector<std::string> indicator_types = {"malicious-activity"};  // kIndicatorTypes
  std::optional<StixMillis> valid_from;  // default: now
  std::optional<StixMillis> valid_until; // after valid_from
  std::optional<Tlp> tlp;
  std::string incident_id;               // "incident--<uuid>", optional
};

Status CheckIndicatorSpec(const IndicatorSpec& spec);

// Adds the objects above to `bundle`; returns the indicator's id.
Result<std::string> BuildIndicator(const IndicatorSpec& spec, const Author& author,
                                   StixMillis now, Bundle* bundle);

}  // namespace certshare::agent
