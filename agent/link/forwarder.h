// certshare::agent::Forwarder — sends what a Spool holds to the broker and
// settles each record: acknowledged (stored, or a duplicate of a stored
// one) -> Spool::Acknowledge; refused by the broker -> Spool::Refuse, reported,
// never retried by itself. docs/agent.md, "Store and forward".
//
// Pipelining: up to ForwarderOptions::window PUBLISH frames in flight on
// one BrokerClient, each matched to its ACK or ERROR by correlation.
// Records are sent in spool id order.
//
// When the broker is unreachable (no answer for ack_timeout while records
// are in flight, kTimeout / kTransportError / kUnreachable from the socket,
// or kUnauthenticated / kRevoked from the handshake) or answers with a
// transient error (kUnavailable, kIoError, kStorageError, kCorruption,
// kTimeout, kDiskFull: its storage cannot take the record now; kBusy: the
// broker holds as much as it allows for this organisation), the forwarder
// drops the connection, waits (exponential backoff from backoff_initial to
// backoff_max, with jitter), connects again and resends everything not yet
// acknowledged. Resending is safe: the broker stores one record per origin, STIX id and
// modified, and acknowledges a resent one as a duplicate.
//
// Two ways to run it:
//   Drain(idle_timeout)  `certshare publish` / `flush`: forwards until the
//                        spool holds nothing pending, or until the broker
//                        has acknowledged nothing for idle_timeout.
//   Run(stop)            `certshare sensor`: forwards, waits for more
//                        records (Spool::WaitForNewerThan), forwards again,
//                        until `stop` becomes true; never gives up on the
//                        broker.
//
// Thread-safety: Drain and Run must not run concurrently, and the outcome
// callback runs on their thread. Other threads may Add to the spool while
// they run, and may call stats() at any time. The Spool must outlive the
// Forwarder.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "agent/link/broker_client.h"
#include "agent/link/live_trust.h"
#include "agent/link/spool.h"
#include "common/base/mutex.h"
#include "common/base/status.h"

namespace certshare::agent {

struct ForwarderOptions {
  // PUBLISH frames in flight. Default 256: enough to keep the broker's
  // group commit busy (one fsync per batch of waiting records) on a LAN or
  // WAN link; must stay below the broker's high-water mark (10,000).
  std::size_t window = 256;
  // With records in flight and no message from the broker for this long,
  // the connection is presumed lost: reconnect and resend. Default 10 s.
  // Drain uses the smaller of this and its idle_timeout.
  std::chrono::milliseconds ack_timeout{10'000};
  // Backoff between connection attempts: starts at backoff_initial,
  // doubles per failed attempt up to backoff_max, each wait drawn
  // uniformly from [half, all] of it (jitter, so that many agents
  // reconnecting after a broker restart do not arrive together). Reset by
  // any acknowledgement. Defaults 200 ms and 30 s.
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30'000};
  // Run: how often it looks at `stop` while idle. Default 100 ms.
  std::chrono::milliseconds poll{100};
};

// How one record was settled.
struct Outcome {
  enum class Kind {
    kStored,     // ACK: the broker stored it now
    kDuplicate,  // ACK with the duplicate flag: it was already stored
    kRefused,    // ERROR: moved to the spool's refused area
  };
  Kind kind = Kind::kStored;
  std::uint64_t spool_id = 0;
  std::string dedupe_key;
  std::uint64_t sequence = 0;  // kStored, kDuplicate: the broker's sequence
  Status refusal;              // kRefused: the broker's code and message
};

struct ForwarderStats {
  std::uint64_t stored = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t refused = 0;
  std::uint64_t sent = 0;         // PUBLISH frames, resends included
  std::uint64_t reconnects = 0;   // connections dropped and made again
  std::uint64_t in_flight = 0;
  bool connected = false;         // a connection exists (not proof of reachability)
  Status last_error;              // why the last connection was dropped (OK if none)
};

class Forwarder {
 public:
  // Makes a connection (BrokerClient::Connect with the agent's identity
  // and the broker's card). Called again after every drop. An error is
  // final: a bad endpoint or card does not get better by retrying.
  using Connector = std::function<Result<std::unique_ptr<BrokerClient>>()>;
  using OutcomeCallback = std::function<void(const Outcome&)>;

  Forwarder(Spool& spool, Connector connect, ForwarderOptions options = {});
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Called for every record settled, after the spool has been updated.
  void OnOutcome(OutcomeCallback callback) { on_outcome_ = std::move(callback); }

  // Federation mode: keeps the trust current on every connection the
  // forwarder makes (TRUST_GET after connecting, on TRUST_NOTICE and every
  // refresh; live_trust.h). The TRUST, TRUST_NOTICE and trust ERROR frames
  // go to `refresh`, never to the records in flight. Null (the default):
  // local mode. `refresh` must outlive the forwarder; used on the thread
  // of Drain and Run only. Set before Drain or Run.
  void KeepTrustCurrent(TrustRefresh* refresh) { trust_ = refresh; }

  // Forwards until nothing is pending (OK) or the broker has acknowledged
  // nothing for `idle_timeout`: then kTimeout, its message naming the last
  // problem (no answer, a transport error, a transient broker error) and
  // how many records stay in the spool. kUnauthenticated and kRevoked (the
  // broker refused this organisation's key) return at once, and so does
  // kUnreachable (nothing accepted a connection for the client's connect
  // timeout) while the broker has not been heard from in this Drain:
  // retrying within one command does not help. (Once it has answered, a
  // refused connection is a restart, waited for until idle_timeout.) The
  // Connector's error, or a spool error, also returns at once.
  // With `stop`, also returns (OK) soon after *stop becomes true (within
  // about 250 ms); what is not acknowledged stays in the spool.
  Status Drain(std::chrono::milliseconds idle_timeout,
               const std::atomic<bool>* stop = nullptr);

  // Forwards until `stop` is true (checked at least every options.poll),
  // then returns OK. Retries the broker forever with backoff; returns early
  // only with the Connector's error or a spool error (a disk problem the
  // sensor must report).
  Status Run(const std::atomic<bool>& stop);

  ForwarderStats stats() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct InFlight {
    std::uint64_t spool_id;
    std::string dedupe_key;
  };
  enum class Step { kProgress, kIdle, kLost };

  // One round: connect if needed, fill the window, wait up to `wait` for
  // answers and take all that have arrived, settle them. kProgress when a
  // record was settled, kLost when the connection was dropped (stats_
  // .last_error says why), kIdle otherwise. Errors are final (Connector,
  // spool).
  Result<Step> Pump(std::chrono::milliseconds wait, std::chrono::milliseconds ack_timeout);
  // Sends TRUST_GET when due (federation mode); false when the
  // connection was dropped.
  bool TickTrust();
  // Handles one ACK or ERROR; sets *transient on a "not now" refusal.
  void Handle(const Received& r, bool* progress, bool* transient);
  // Applies acked_ and refusals to the spool, then runs the callbacks.
  Status Settle();
  void Drop(const Status& why);
  std::chrono::milliseconds NextBackoff();
  void ResetBackoff() { attempt_ = 0; }
  void UpdateStats();

  Spool& spool_;
  Connector connect_;
  ForwarderOptions options_;
  OutcomeCallback on_outcome_;
  TrustRefresh* trust_ = nullptr;

  std::unique_ptr<BrokerClient> client_;
  std::map<std::uint64_t, InFlight> in_flight_;  // by correlation
  std::uint64_t next_unsent_ = 0;  // lowest spool id not sent on this connection
  Clock::time_point last_heard_;   // last message on this connection
  bool heard_ = false;             // a message from the broker during this Drain
  std::vector<Acknowledgement> acked_;  // awaiting Spool::Acknowledge
  std::vector<Outcome> settled_;      // awaiting the callback
  int attempt_ = 0;
  std::mt19937_64 rng_;

  mutable Mutex stats_mu_;
  ForwarderStats stats_ GUARDED_BY(stats_mu_);
};

}  // namespace certshare::agent
