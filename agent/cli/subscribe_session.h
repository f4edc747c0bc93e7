// One run of `certshare subscribe` once connected: receive DELIVERs, hand
// each to the Feed, commit the output when due, acknowledge (CONSUMED)
// exactly what the Feed says is done, keep the subscription alive
// (heartbeats, subscribing again after a broker restart), and stop at
// --count, --until-caught-up or --timeout.
//
// One connection per durable subscription: when another connection takes
// the subscription over (SUBSCRIPTION_TAKEN_OVER), the session commits what
// its output holds and stops with exit 8, without subscribing again. When
// it subscribes again after the broker lost the subscription and is told
// SUBSCRIPTION_HELD, it tries again for up to 20 s (the broker may not yet
// have noticed that this subscriber's previous connection is gone), then
// stops with exit 4.
//
// Acknowledgements and credit: after each record the broker is told
// CONSUMED(Feed::DoneThrough()) and granted one more record of credit, so
// the window stays at --credit whatever the output batches. Before
// returning, the session commits what the output holds, acknowledges it
// and waits (up to 2 s) for the broker to answer a PING, so the last
// acknowledgement has been read before the connection closes.
#pragma once

#include "agent/broker_client.h"
#include "agent/cli/subscribe_flags.h"
#include "agent/output/feed.h"
#include "common/wire/frame.h"

namespace certshare::cli {

// Returns the command's exit status (agent/cli/exit_codes.h); reports on
// standard error. `subscribed` is the broker's SUBSCRIBED answer to
// `request`.
int RunSubscribeSession(const SubscribeFlags& flags, agent::BrokerClient& client,
                        wire::SubscribeRequest request, const wire::Message& subscribed,
                        agent::Feed& feed);

}  // namespace certshare::cli
