// certshare::agent::ProbeBroker — what `certshare status` asks the broker
// (docs/agent.md, "certshare status"): whether it answers (a PING round
// trip) and, once it has, this organisation's durable subscriptions
// (POSITIONS) and how far behind each is.
//
// Thread-safety: plain functions; ProbeBroker makes and closes its own
// connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "agent/link/broker_client.h"
#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/wire/frame.h"

namespace certshare::agent {

struct BrokerProbe {
  bool reachable = false;  // the broker answered the PING
  std::chrono::milliseconds round_trip{0};
  Status error;  // why not reachable
  // The durable subscriptions (asked once the broker answered the PING);
  // unknown (with why) when the broker was not reachable or did not list
  // them.
  Result<SubscriptionPositions> positions =
      Status(ErrorCode::kUnavailable, "the broker is not reachable");
};

// Connects to `endpoint` (BrokerClient::Connect with `broker`, `me` and
// `connect_timeout`), sends a PING and waits up to `timeout` for its PONG,
// then asks for the positions, waiting up to `timeout` again. Never fails:
// what went wrong is in the result.
BrokerProbe ProbeBroker(const std::string& endpoint, const identity::Card& broker,
                        const identity::Identity& me, std::chrono::milliseconds connect_timeout,
                        std::chrono::milliseconds timeout);

// How far behind a subscription is: for a connected one, the broker's
// count of what it still has to process (its lag: records sent and not
// acknowledged, and records it would still be sent; docs/broker.md,
// "Lag"). Otherwise, or from a broker older than the lag, every record
// stored after the acknowledged position: an upper bound, since the broker
// skips what the organisation may not receive and what the filter leaves
// out.
std::uint64_t Behind(std::uint64_t head, const wire::Position& position);

// Whether retention removed the record after the acknowledged position:
// resuming this subscription is then refused with POSITION_REMOVED.
bool PositionRemoved(const SubscriptionPositions& positions, const wire::Position& position);

}  // namespace certshare::agent
