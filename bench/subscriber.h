// certshare bench: one subscriber of the load generator, over its own
// BrokerClient, already subscribed by the caller (so that every
// subscriber is in place before the first record is published).
//
// Each DELIVER is stamped when it arrives (latency: SendTimes), then,
// unless `verify` is off, checked as `certshare subscribe` checks it
// (agent::Verify: the origin's signature, once per batch as the feed
// checks it (envelope::VerifiedRoots), this organisation's key slot,
// the payload against its signed header); without `verify` only its
// header is decoded. Credit is granted back in halves, as the records are
// processed. A stalled subscriber reads nothing and only PINGs, so the
// broker keeps its subscription (it would drop a silent one).
//
// Thread-safety: one thread per subscriber; `stop` and SendTimes shared.
#pragma once

#include <atomic>
#include <chrono>
#include <vector>

#include "agent/link/broker_client.h"
#include "bench/publisher.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::bench {

struct SubscriberOptions {
  bool verify = true;
  bool stalled = false;
  std::uint32_t credit = 1024;  // what the caller's SUBSCRIBE granted
  std::size_t expect = 0;       // records to receive; 0: until CAUGHT_UP
  std::chrono::milliseconds idle_timeout{60000};  // fail after this long without a message
};

struct SubscriberResult {
  Status status;
  std::size_t received = 0;
  std::size_t rejected = 0;  // failed agent::Verify (never expected)
  Clock::time_point first{}, last{};  // the first and last DELIVER
  std::vector<double> latency_ms;     // one per record sent with a known time
};

SubscriberResult RunSubscriber(agent::BrokerClient& client, const SubscriberOptions& options,
                               const identity::Identity& me, const identity::Registry& registry,
                               const SendTimes* sent, const std::atomic<bool>& stop);

}  // namespace certshare::bench
