// certshare::agent::RunSubscriberSession — one run of a subscriber once
// subscribed (`certshare subscribe`; docs/agent.md, "Subscriber feeds"):
// receive DELIVERs, hand each to the Feed, commit the output when due,
// acknowledge (CONSUMED) exactly what the Feed says is done, keep the
// subscription alive (heartbeats, subscribing again after a broker
// restart), and stop at SessionOptions::count, at the broker's CAUGHT_UP
// (until_caught_up), after timeout_seconds without a record, or when
// *stop becomes true.
//
// One connection per durable subscription: when another connection takes
// the subscription over (SUBSCRIPTION_TAKEN_OVER), the session commits what
// its output holds and ends (kTakenOver), without subscribing again. When
// it subscribes again after the broker lost the subscription and is told
// SUBSCRIPTION_HELD, it tries again for up to 20 s (the broker may not yet
// have noticed that this subscriber's previous connection is gone), then
// ends (kRefused).
//
// Heartbeats: after 5 s without a message the session repeats its last
// acknowledgement with a PING, which the broker answers; after 20 s without
// any message it gives up (kBrokerLost).
//
// Receipts (docs/receipts.md): receipt records go to the Feed's receipts
// store, never the output; the receipts the Feed queues are sealed and
// spooled when due (checked on every wake-up, ReceiptBatcher::Deadline
// counting as a commit deadline) and all of them before the session ends.
//
// Acknowledgements and credit: each record taken is owed back as one
// record of credit, so the window stays at the request's credit whatever
// the output batches. The owed credit is granted, with
// CONSUMED(Feed::DoneThrough()), once it reaches a quarter of the window
// (at least 1) or when no further message has come for 10 ms: a burst, or
// records trickling in live, cost the broker two frames per quarter window
// (or per 10 ms) instead of two per record, and a lone record is
// acknowledged within 10 ms.
// Before returning normally (kDone, kIdle), the session commits what the
// output holds, acknowledges it and waits (up to 2 s) for the broker to
// answer a PING, so the last acknowledgement has been read before the
// connection closes. Nothing is acknowledged that the Feed has not done.
//
// Thread-safety: runs on the caller's thread, which owns the connection
// and the Feed for the session's duration. `stop` may be set from any
// thread or a signal handler.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "agent/link/broker_client.h"
#include "agent/link/live_trust.h"
#include "agent/receive/feed.h"
#include "common/base/status.h"
#include "common/wire/frame.h"

namespace certshare::agent {

// What a session needs of its connection to the broker: the BrokerClient
// calls of the same names. BrokerConnection is the real one; a test can
// stand between the session and the broker with its own (a connection
// lost at a chosen moment) instead of hooks in the session.
class SubscriberConnection {
 public:
  virtual ~SubscriberConnection() = default;
  virtual Result<wire::Message> Subscribe(const wire::SubscribeRequest& request,
                                          std::chrono::milliseconds timeout) = 0;
  virtual Status Acknowledge(std::uint64_t sequence, std::uint32_t credit) = 0;
  virtual Status Ping() = 0;
  virtual Result<Received> Next(std::chrono::milliseconds timeout) = 0;
  // BrokerClient::SendTrustGet (federation mode only: SessionOptions::trust).
  virtual Result<std::uint64_t> SendTrustGet(std::uint64_t root_version,
                                             std::uint64_t registry_version) {
    (void)root_version;
    (void)registry_version;
    return Status(ErrorCode::kNotFederated, "this connection does not ask for trust files");
  }
};

// A BrokerClient as a SubscriberConnection. `client` must outlive it.
class BrokerConnection final : public SubscriberConnection {
 public:
  explicit BrokerConnection(BrokerClient& client) : client_(client) {}
  Result<wire::Message> Subscribe(const wire::SubscribeRequest& request,
                                  std::chrono::milliseconds timeout) override {
    return client_.Subscribe(request, timeout);
  }
  Status Acknowledge(std::uint64_t sequence, std::uint32_t credit) override {
    return client_.Acknowledge(sequence, credit);
  }
  Status Ping() override { return client_.Ping(); }
  Result<Received> Next(std::chrono::milliseconds timeout) override {
    return client_.Next(timeout);
  }
  Result<std::uint64_t> SendTrustGet(std::uint64_t root_version,
                                     std::uint64_t registry_version) override {
    return client_.SendTrustGet(root_version, registry_version);
  }

 private:
  BrokerClient& client_;
};

struct SessionOptions {
  // Stop once this many records were taken (output or quarantined); 0:
  // never (--count).
  std::uint64_t count = 0;
  // Stop at the broker's CAUGHT_UP (--until-caught-up).
  bool until_caught_up = false;
  // Stop after this many seconds without a record; 0: never (--timeout).
  int timeout_seconds = 0;
  // When *stop becomes true (SIGINT, SIGTERM), stop taking records, commit
  // what the output holds, acknowledge it and end (kDone). May be null.
  const std::atomic<bool>* stop = nullptr;
  // What the session tells a person as it goes, one line each without a
  // newline: a record skipped as already output or REJECTED (and where it
  // was quarantined), caught up, subscribing again, stopping, and an error
  // met while finishing after another. May be empty.
  std::function<void(const std::string&)> say;
  // Federation mode: keeps the trust current on the session's connection
  // (agent/link/live_trust.h): TRUST_GET at the start and after
  // subscribing again, on TRUST_NOTICE and every refresh; the TRUST,
  // TRUST_NOTICE and trust ERROR frames go to it, never end the session.
  // The Feed verifies with the registry the trust makes current
  // (LiveTrust::OnRegistry). Null: local mode.
  TrustRefresh* trust = nullptr;
};

// How a session ended.
struct SessionEnd {
  enum class Why {
    kDone,        // count, caught up, or *stop: what was output is committed
                  // and acknowledged
    kIdle,        // timeout_seconds without a record: committed and acknowledged
    kTakenOver,   // another connection took the subscription over: what was
                  // output is committed, not acknowledged (the new
                  // subscriber receives it too; its duplicate check skips it)
    kFailed,      // the output, quarantine or seen store failed (`status`): the
                  // records not done are not acknowledged and come again
    kBrokerLost,  // the broker was not reached, or went silent (`status`)
    kRefused,     // the broker refused or ended the subscription (`status`)
  };
  Why why = Why::kDone;
  Status status;  // kFailed, kBrokerLost, kRefused: why
  std::uint64_t passed = 0;       // records output
  std::uint64_t quarantined = 0;  // records that failed verification
  std::uint64_t receipts = 0;       // receipt records taken (never output)
  std::uint64_t receipts_kept = 0;  // receipts in them kept in the receipts store
};

// Runs the session on `connection`, whose broker answered `request` with
// `subscribed` (SUBSCRIBED). `feed` takes every record.
SessionEnd RunSubscriberSession(SubscriberConnection& connection, wire::SubscribeRequest request,
                                const wire::Message& subscribed, Feed& feed,
                                const SessionOptions& options);

}  // namespace certshare::agent
