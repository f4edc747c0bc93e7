// Which records a subscription asked for: its filter (types, origins, TLP
// range, topics) matched against the signed routing header. The filter
// narrows what an organisation may receive (envelope::MayReceive,
// common/envelope/routing.h); it never widens it.
//
// Thread-safety: pure functions.
#pragma once

#include "common/envelope/envelope.h"
#include "common/wire/frame.h"

namespace certshare::broker {

bool MatchesFilter(const wire::SubscribeRequest& filter, const envelope::Header& header);

}  // namespace certshare::broker
