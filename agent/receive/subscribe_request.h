// certshare::agent — the SUBSCRIBE request a subscriber sends: what to
// receive (`certshare subscribe`'s --name, --from, --since, the filters;
// docs/agent.md, "certshare subscribe"), checked and turned into a
// wire::SubscribeRequest.
//
// Thread-safe: plain values and pure functions.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "common/base/status.h"
#include "common/identity/registry.h"
#include "common/wire/frame.h"

namespace certshare::agent {

// What to receive. The error messages name the flags of `certshare
// subscribe` that set each field.
struct SubscriptionOptions {
  std::string name;          // --name: a durable subscription; empty: none
  bool take_over = false;    // --take-over: from the connection holding `name`
  std::uint64_t from = 0;    // --from: start at this sequence; 0: not given
  std::string since;         // --since: start at an RFC 3339 UTC time; empty: not given
  std::vector<std::string> types;    // --type: only these STIX types
  std::vector<std::string> origins;  // --origin: only from these organisations
  std::vector<std::string> topics;   // --topic: only with one of these topics
  std::string min_tlp = "clear";     // --min-tlp
  std::string max_tlp = "red";       // --max-tlp
  std::uint32_t credit = 256;        // --credit: records sent ahead of acknowledgements
};

// kInvalidArgument for a bad --since, TLP range or --from with --since.
// Without --from or --since, a durable subscription resumes and an unnamed
// one starts at the oldest record held.
Result<wire::SubscribeRequest> BuildSubscribeRequest(const SubscriptionOptions& options);

// Checks the names a request filters on against what can exist: an
// --origin must be an organisation of `registry` (else
// UNKNOWN_ORGANISATION, with "did you mean" a registered id: no record can
// come from anyone else); a --type that is not a STIX type this agent
// knows only gets a warning on `warnings` (custom types are legal, but a
// typo would silently match nothing).
Status CheckFilterNames(const wire::SubscribeRequest& request,
                        const identity::Registry& registry, std::ostream& warnings);

}  // namespace certshare::agent
