// The SUBSCRIBE request `certshare subscribe` sends, from its flags.
#pragma once

#include <iosfwd>

#include "agent/cli/subscribe_flags.h"
#include "common/base/status.h"
#include "common/identity/registry.h"
#include "common/wire/frame.h"

namespace certshare::cli {

// kInvalidArgument for a bad --since, TLP range or --from with --since.
Result<wire::SubscribeRequest> BuildSubscribeRequest(const SubscribeFlags& flags);

// Checks the names a request filters on against what can exist: an
// --origin must be an organisation of `registry` (else
// UNKNOWN_ORGANISATION, with "did you mean" a registered id: no record can
// come from anyone else); a --type that is not a STIX type this agent
// knows only gets a warning on `warnings` (custom types are legal, but a
// typo would silently match nothing).
Status CheckFilterNames(const wire::SubscribeRequest& request,
                        const identity::Registry& registry, std::ostream& warnings);

}  // namespace certshare::cli
