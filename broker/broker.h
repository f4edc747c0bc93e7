// certshare::broker::Broker — receives records over CURVE-secured ZeroMQ,
// verifies them, stores them durably and fans them out to subscribers.
//
// The hot path (publish.cc, Broker::HandlePublish) reads top to bottom:
//   decode → authenticate origin → verify signature → append (synced) → ACK.
// Fan-out (fanout.cc) serves every subscriber from storage at its own pace:
// a subscriber is a cursor, never a queue, so memory stays bounded and a
// slow subscriber never holds up ingest.
//
// Thread-safety: Run() owns the broker's socket and must be called from one
// thread; `stop` may be set from any thread or a signal handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "broker/options.h"
#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"
#include "common/transport/transport.h"
#include "common/wire/frame.h"
#include "storage/log.h"

namespace certshare::broker {

class Broker {
 public:
  // Opens storage and binds the socket. Errors name what failed (identity,
  // registry, storage, bind).
  static Result<std::unique_ptr<Broker>> Open(const Options& options,
                                              identity::Identity identity,
                                              identity::Registry registry);
  ~Broker();

  // The bound endpoint (ephemeral port resolved).
  const std::string& endpoint() const;

  // Serves until `stop` is true. Returns an error only if the transport
  // fails; refused records are answered, not returned.
  Status Run(const std::atomic<bool>& stop);

 private:
  struct Subscription {
    std::string org;
    std::uint64_t next = 1;      // next sequence to consider
    bool caught_up_sent = false;
  };
  enum class PumpOutcome { kIdle, kMore, kBusy, kGone };

  Broker(Options options, identity::Identity identity, identity::Registry registry);

  void HandleMessage(const transport::Incoming& in);
  // publish.cc
  void HandlePublish(const transport::Incoming& in, const wire::Message& msg);
  Result<storage::AppendResult> Ingest(const std::string& sender, ByteView record);
  void Refuse(const transport::Incoming& in, std::uint64_t correlation,
              const Status& why);
  // fanout.cc
  void HandleSubscribe(const transport::Incoming& in, const wire::Message& msg);
  // Sends what each subscriber is due; returns the shortest useful wait.
  std::chrono::milliseconds PumpSubscribers();
  PumpOutcome Pump(const std::string& peer, Subscription& sub);

  Options options_;
  identity::Identity identity_;
  std::shared_ptr<const identity::Registry> registry_;
  std::unique_ptr<storage::Log> log_;
  std::unique_ptr<transport::Server> server_;
  std::map<std::string, Subscription> subscriptions_;  // by peer routing id
};

}  // namespace certshare::broker
