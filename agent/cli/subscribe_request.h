// The SUBSCRIBE request `certshare subscribe` sends, from its flags.
#pragma once

#include "agent/cli/subscribe_flags.h"
#include "common/base/status.h"
#include "common/wire/frame.h"

namespace certshare::cli {

// kInvalidArgument for a bad --since, TLP range or --from with --since.
Result<wire::SubscribeRequest> BuildSubscribeRequest(const SubscribeFlags& flags);

}  // namespace certshare::cli
