// certshare::agent — `certshare new incident`: an incident as a STIX 2.1
// bundle an analyst can publish without writing JSON.
//
// The bundle holds, in this order:
//   marking-definition  the official TLP 2.0 marking of `tlp`
//   identity            the organisation (agent/stix/stix_objects.h), created_by_ref
//                       of everything else
//   incident            name, description, labels [the RSIT machine tag], the
//                       Incident Core extension (extension-definition--ef765651-
//                       680c-498d-9894-99799f2fa126, property-extension):
//                       determination, investigation_status, criticality,
//                       incident_types, events
//   event               (when first or last seen is given) the Incident Core
//                       event SDO (new-sdo extension-definition--4ca6de00-5b0d-
//                       45ef-a1dc-ea7279ea910e): start_time = first seen,
//                       end_time = last seen; the incident's events list names it
//   identity / location one per affected sector / country (shared reference
//                       objects), with relationships incident `targets`
//                       sector and incident `located-at` country
// Every object the organisation creates is marked with the TLP and has
// created = modified = the same "now". docs/agent.md explains each choice.
//
// Thread-safe: no shared state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/stix/bundle.h"
#include "agent/stix/rsit.h"
#include "agent/stix/stix_objects.h"
#include "common/base/status.h"
#include "common/base/timestamp.h"
#include "common/base/tlp.h"

namespace certshare::agent {

inline constexpr std::string_view kIncidentCoreExtensionId =
    "extension-definition--ef765651-680c-498d-9894-99799f2fa126";
inline constexpr std::string_view kEventExtensionId =
    "extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e";

struct IncidentSpec {
  std::string name;                      // required, non-empty
  std::string description;               // optional
  const rsit::Type* rsit = nullptr;      // required (rsit::Find)
  std::string determination;             // required, kIncidentDeterminations
  std::string investigation_status;      // required, kInvestigationStatuses
  std::optional<int> criticality;        // 0-100
  std::vector<std::string> extra_incident_types;  // added to the RSIT mapping
  std::vector<std::string> sectors;      // kIndustrySectors
  std::vector<std::string> countries;    // ISO 3166-1 alpha-2, upper case
  std::optional<StixMillis> first_seen;
  std::optional<StixMillis> last_seen;   // not before first_seen
  Tlp tlp = Tlp::kAmber;                 // certshare never guesses: callers set it
};

// Checks the values an analyst gave; kInvalidArgument naming the flag and
// the allowed values.
Status CheckIncidentSpec(const IncidentSpec& spec);

// Adds the objects above to `bundle`; returns the incident's id.
// REQUIRES: CheckIncidentSpec(spec) is OK.
Result<std::string> BuildIncident(const IncidentSpec& spec, const Author& author,
                                  StixMillis now, Bundle* bundle);

// Links attached objects to an incident: an `indicates` relationship from
// every indicator, and `related-to` from the incident to every observed-data
// and cyber-observable (an object without `created`) in `bundle` that is
// not yet the target or source of a relationship with the incident.
// Returns how many relationships were added.
Result<std::size_t> LinkToIncident(std::string_view incident_id, const Stamp& stamp,
                                   Bundle* bundle);

}  // namespace certshare::agent
