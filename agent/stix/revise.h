// certshare::agent::Revise — `certshare revise`: a new version of STIX
// objects (STIX 2.1 §3.6): same `id` and `created`, a `modified` strictly
// later than the old one (common/base/timestamp.h NextModified: now, or one
// millisecond after the old value when the clock has not moved past it).
//
// Which objects: STIX lets only an object's creator version it, so only
// objects whose `created_by_ref` is the reviser's identity are revised.
//   - A single object: it must be the reviser's (kInvalidArgument
//     otherwise) and not revoked.
//   - A bundle: every object of the reviser's that has a `modified` and is
//     not revoked is revised; the others (other organisations' objects,
//     marking definitions, the shared identity and reference objects,
//     cyber-observables) are copied unchanged; the bundle gets a fresh id.
//     kInvalidArgument if nothing in it can be revised.
// Optional edits apply to every revised incident that has the Incident
// Core extension (kInvalidArgument if there is none), and `revoke` marks
// every revised object revoked.
//
// Thread-safe: no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/base/timestamp.h"

namespace certshare::agent {

struct ReviseOptions {
  std::string identity_id;  // the reviser's identity (OrganisationIdentityId)
  StixMillis now = 0;
  // Edits to revised incidents.
  std::optional<std::string> investigation_status;  // kInvestigationStatuses
  std::optional<std::string> determination;         // kIncidentDeterminations
  std::optional<int> criticality;                   // 0-100
  bool revoke = false;
};

struct Revised {
  std::string json;                // the new version(s), pretty-printed
  std::vector<std::string> ids;    // ids of the revised objects
  std::size_t unchanged = 0;       // objects copied as they were
};

Result<Revised> Revise(std::string_view text, const ReviseOptions& options);

}  // namespace certshare::agent
