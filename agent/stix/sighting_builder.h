// certshare::agent — `certshare new sighting`: "we saw this": a sighting of
// an indicator (or any SDO) by the organisation.
//
// The bundle holds the TLP marking (when a TLP is given), the
// organisation's identity, and the sighting: sighting_of_ref, count,
// first_seen / last_seen, where_sighted_refs [the organisation's identity].
// The sighted object itself is not included; attach it with
// `certshare new bundle` if the recipients lack it.
//
// Thread-safe: no shared state.
#pragma once

#include <optional>
#include <string>

#include "agent/stix/bundle.h"
#include "agent/stix/stix_objects.h"
#include "common/base/status.h"
#include "common/base/timestamp.h"
#include "common/base/tlp.h"

namespace certshare::agent {

// STIX 2.1 §5.2: count is 0 to 999,999,999.
inline constexpr long long kMaxSightingCount = 999'999'999;

struct SightingSpec {
  std::string sighting_of;             // an SDO id, e.g. indicator--...
  std::optional<long long> count;      // 0 to kMaxSightingCount
  std::optional<StixMillis> first_seen;
  std::optional<StixMillis> last_seen; // not before first_seen
  std::string description;
  std::optional<Tlp> tlp;
};

Status CheckSightingSpec(const SightingSpec& spec);

// Adds the objects above to `bundle`; returns the sighting's id.
Result<std::string> BuildSighting(const SightingSpec& spec, const Author& author,
                                  StixMillis now, Bundle* bundle);

}  // namespace certshare::agent
