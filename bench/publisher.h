// certshare bench: one publisher of the load generator. Sends the records
// a RecordSource hands out over its own BrokerClient, pipelining up to
// `window` unacknowledged (BrokerClient::SendPublish, as the agent's
// forwarder does), and counts the ACKs. A record refused BUSY (the
// organisation at its memory budget, docs/broker.md "Limits") is sent
// again; any other refusal ends the publisher with that status.
//
// With a rate, records are sent on a fixed schedule (latency runs);
// without, as fast as the window allows (throughput runs). SendTimes
// remembers when each record number was sent, for the subscribers.
//
// Thread-safety: one thread per publisher; SendTimes is shared.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "agent/link/broker_client.h"
#include "bench/records.h"
#include "bench/result.h"

namespace certshare::bench {

class SendTimes {
 public:
  explicit SendTimes(std::size_t count)
      : count_(count), ns_(std::make_unique<std::atomic<std::int64_t>[]>(count)) {}
  void Mark(std::size_t number, Clock::time_point at) {
    if (number < count_) ns_[number].store(at.time_since_epoch().count(), std::memory_order_release);
  }
  // Milliseconds from the record's sending to `at`; nullopt if unknown.
  std::optional<double> MillisTo(std::size_t number, Clock::time_point at) const;

 private:
  std::size_t count_;
  std::unique_ptr<std::atomic<std::int64_t>[]> ns_;
};

struct PublisherOptions {
  std::size_t window = 256;  // records sent and not yet acknowledged, at most
  double rate = 0;           // records per second; 0: as fast as acknowledged
};

struct PublisherResult {
  Status status;
  std::size_t acked = 0;
  std::size_t busy = 0;  // BUSY refusals, each sent again
  Clock::time_point last_ack{};
};

PublisherResult RunPublisher(agent::BrokerClient& client, RecordSource& source,
                             const PublisherOptions& options, SendTimes* sent);

}  // namespace certshare::bench
