// certshare::agent::BrokerClient — an organisation's connection to the
// broker: CURVE-authenticated with its transport key, the broker's key
// pinned from its card. Speaks the wire protocol (certshare::wire).
//
// Thread-safety: one thread per BrokerClient.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/transport/transport.h"
#include "common/transport/wire_client.h"
#include "common/wire/frame.h"

namespace certshare::agent {

struct Ack {
  std::uint64_t sequence = 0;
  bool duplicate = false;
};

// The organisation's durable subscriptions as the broker sees them
// (POSITIONS_OK): the log's head and oldest sequence held (0 if none), and
// each subscription's acknowledged position, whether a connection holds
// it now and, for a connected one, its lag as the broker counts it (not
// from a broker older than the lag).
struct SubscriptionPositions {
  std::uint64_t head = 0;
  std::uint64_t first = 0;
  std::vector<wire::Position> subscriptions;  // by name
};

// A message from the broker, owning its bytes (msg.record points into them).
using Received = transport::Received;

class BrokerClient {
 public:
  // Makes the socket and starts connecting (nothing is sent yet). Errors
  // here are about the endpoint or keys. `connect_timeout`: how long the
  // first connection may keep being refused (or find no route) before
  // Next and the calls that wait report kUnreachable
  // (transport::ClientOptions::connect_timeout; `--connect-timeout`).
  static Result<std::unique_ptr<BrokerClient>> Connect(
      const std::string& endpoint, const identity::Card& broker, const identity::Identity& me,
      std::chrono::milliseconds connect_timeout = transport::ClientOptions{}.connect_timeout);

  // Sends one record and waits for its ACK. A refusal comes back as the
  // broker's error code and message (prefixed "the broker refused the
  // record"); kTimeout when no answer came in time.
  Result<Ack> Publish(ByteView record, std::chrono::milliseconds timeout);

  // Pipelining: sends a record without waiting; returns its correlation.
  // The ACK or ERROR naming it arrives later through Next().
  Result<std::uint64_t> SendPublish(ByteView record);

  // Starts a subscription; waits for SUBSCRIBED (returned) or the broker's
  // refusal (its error code). DELIVERs follow through Next().
  Result<wire::Message> Subscribe(const wire::SubscribeRequest& request,
                                  std::chrono::milliseconds timeout);
  // Tells the broker everything up to `sequence` is processed (the durable
  // cursor moves) and grants `credit` more records.
  Status Acknowledge(std::uint64_t sequence, std::uint32_t credit);
  Status Ping();
  // Asks the broker for this organisation's durable subscriptions
  // (POSITIONS, asking for the lag, and again without when the broker is
  // older than the lag) and waits for the answer. A refusal comes back as
  // the broker's error code (a broker older than POSITIONS: UNKNOWN_COMMAND);
  // kTimeout when no answer came in time. Meant for a connection without
  // a subscription: other messages arriving meanwhile are dropped.
  Result<SubscriptionPositions> Positions(std::chrono::milliseconds timeout);
  // Asks the broker for the federation's trust files after the versions
  // this agent holds (TRUST_GET, docs/protocol.md "Trust"; 0: none) and
  // waits for its TRUST. Checks no signature: agent::TrustStore::Apply
  // does. A refusal comes back as the broker's error code (a local-mode
  // broker: NOT_FEDERATED); kTimeout when no answer came in time.
  Result<wire::TrustFiles> FetchTrust(std::uint64_t root_version,
                                      std::uint64_t registry_version,
                                      std::chrono::milliseconds timeout);
  // Sends TRUST_GET without waiting (a long-lived link, agent::TrustRefresh);
  // returns its correlation. The TRUST or ERROR naming it arrives later
  // through Next().
  Result<std::uint64_t> SendTrustGet(std::uint64_t root_version, std::uint64_t registry_version);
  // The next message from the broker (DELIVER, CAUGHT_UP, ERROR, PING,
  // PONG, TRUST, TRUST_NOTICE), or kTimeout. PINGs from the broker are answered here.
  Result<Received> Next(std::chrono::milliseconds timeout);

 private:
  explicit BrokerClient(std::unique_ptr<transport::WireClient> wire) : wire_(std::move(wire)) {}
  std::unique_ptr<transport::WireClient> wire_;
};

// Whether `s`, from a BrokerClient call, says the broker was not reached
// (transport/wire_client.h).
using transport::BrokerNotReached;

}  // namespace certshare::agent
