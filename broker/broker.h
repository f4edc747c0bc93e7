// certshare::broker::Broker — receives records over CURVE-secured ZeroMQ,
// verifies them, stores them durably and fans them out to subscribers.
//
// The hot path (publish.cc) reads top to bottom:
//   HandlePublish (socket thread) → CheckRecord (worker threads: decode,
//   authenticate origin, verify signature) → group commit (committer
//   thread: one synced RocksDB write for every record waiting) →
//   FinishIngested (socket thread: ACK each record, wake the fan-out).
// Fan-out (fanout.cc) serves every subscriber at its own pace, from the
// tail of records just stored (tail.h: decoded once) or from storage: a
// subscriber is a cursor, never a queue, so memory stays bounded and a
// slow subscriber never holds up ingest.
//
// Thread-safety: Run() owns the broker's socket and must be called from one
// thread; `stop` may be set from any thread or a signal handler.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "broker/admin_command.h"
#include "broker/backlog.h"
#include "broker/budget.h"
#include "broker/federation.h"
#include "broker/ingest_pipeline.h"
#include "broker/metrics.h"
#include "broker/options.h"
#include "broker/quarantine.h"
#include "broker/registry_holder.h"
#include "broker/replay_guard.h"
#include "broker/tail.h"
#include "broker/filter.h"
#include "common/base/log_throttle.h"
#include "common/base/mutex.h"
#include "common/envelope/routing.h"
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
  // registry, storage, bind). In federation mode (options.root) `registry`
  // is not used: the broker opens its trust store (OpenFederation) and
  // uses the latest verified registry version and its local additions.
  // `log`, if given, is used instead of opening options.data_dir (tests
  // inject faults this way).
  // `wrap_authorize`, if given, wraps the admission check the broker hands
  // its ZAP handler (tests inject a failing one: the broker must stop).
  using AuthorizeWrapper = std::function<transport::Authorize(transport::Authorize)>;
  static Result<std::unique_ptr<Broker>> Open(const Options& options,
                                              identity::Identity identity,
                                              identity::Registry registry,
                                              std::unique_ptr<storage::Log> log = nullptr,
                                              const AuthorizeWrapper& wrap_authorize = nullptr);
  ~Broker();

  // The bound endpoint (ephemeral port resolved).
  const std::string& endpoint() const;

  // Serves until `stop` is true, then shuts down gracefully: stops reading
  // requests, finishes the writes in flight and acknowledges them. Returns
  // an error (after the same shutdown) only if the transport fails —
  // including its ZAP handler, without which no connection can be
  // authenticated; refused records are answered, not returned.
  Status Run(const std::atomic<bool>& stop);

  const Metrics& metrics() const { return metrics_; }

  // What queueing a reply of `frame_bytes` for a peer that does not read
  // costs against connection_queue_bytes: the bytes and the queue entry.
  static std::size_t ReplyCost(std::size_t frame_bytes) { return frame_bytes + 64; }
  // What the fan-out keeps of the records it read from storage last (a
  // few batches), beside fanout_tail_bytes of the records stored last.
  static constexpr std::size_t kReadWindowBytes = 8u << 20;
  // OK while the broker can acknowledge records; kUnavailable (with the
  // reason) once a failed write has put storage in its failed state.
  // Thread-safe (the metrics server's /healthz calls it).
  Status Health() const;

 private:
  using Clock = std::chrono::steady_clock;
  // One subscriber connection: a cursor into the log, never a queue.
  struct Subscription {
    std::string org;
    std::string name;        // durable name; empty = not durable
    std::string cursor_key;  // "<org>/<name>" for durable ones
    wire::SubscribeRequest filter;
    std::uint64_t next = 1;      // next sequence to consider
    std::uint64_t credit = 0;    // DELIVERs allowed before more CREDIT
    std::uint64_t consumed = 0;  // highest sequence the subscriber processed
    bool caught_up_sent = false;
    // Who holds it, for the one refused or displaced (SUBSCRIPTION_HELD,
    // SUBSCRIPTION_TAKEN_OVER): when it subscribed, and from where.
    std::chrono::system_clock::time_point since;
    std::string address;  // "IP:port"; "" if unknown
    Backlog backlog;      // durable ones: the lag (backlog.h)
  };
  struct Peer {
    std::string org;
    crypto::BoxPublicKey client_key{};  // the transport key it was admitted with
    Clock::time_point last_heard;
    Clock::time_point last_pinged;
  };
  enum class PumpOutcome { kIdle, kMore, kBusy, kGone };

  Broker(Options options, identity::Identity identity, identity::Registry registry);

  void HandleMessage(const transport::Incoming& in);
  void Refuse(const std::string& peer, const std::string& org, std::uint64_t correlation,
              const Status& why);
  // One line per refused-request summary the throttle has (see Refuse).
  void LogSuppressedRefusals();
  // Whether to read more requests: the pipeline's count and the total
  // budget leave room for one more largest frame.
  bool CanRead();
  // Sends now, or queues behind what this peer is already waiting for;
  // dropped (counted) if its queue would pass connection_queue_bytes.
  void SendTo(const std::string& peer, Bytes frame);
  void FlushOutbox();
  void Shutdown();
  // publish.cc
  void HandlePublish(const transport::Incoming& in, const wire::Message& msg);
  Status CheckRecord(IngestJob& job) const;  // thread-safe
  void FinishIngested();
  // fanout.cc
  void HandleSubscribe(const transport::Incoming& in, const wire::Message& msg);
  Result<std::uint64_t> ResolveStart(const wire::SubscribeRequest& req,
                                     const std::string& cursor_key);
  void HandleConsumed(const transport::Incoming& in, const wire::Message& msg);
  void HandleCredit(const transport::Incoming& in, const wire::Message& msg);
  // POSITIONS: the sender's own durable subscriptions (stored cursors, and
  // which a live connection holds), answered with POSITIONS_OK.
  void HandlePositions(const transport::Incoming& in, const wire::Message& msg);
  void CloseSubscription(const std::string& peer, const char* why);
  // One connection per durable subscription: OK if `in` may hold
  // `cursor_key`, after taking it over when the request asks to;
  // kSubscriptionHeld naming the holder otherwise.
  Status ClaimSubscription(const transport::Incoming& in, const wire::SubscribeRequest& req,
                           const std::string& cursor_key);
  // The last sequence the fan-out serves: the tail's last record (records
  // written, whose ACK FinishIngested has sent), or the log's last one
  // while the tail is empty (after a start).
  std::uint64_t FanoutHead() const {
    return tail_.empty() ? log_->LastSequence() : tail_.last();
  }
  // Sends what each subscriber is due; returns the shortest useful wait.
  std::chrono::milliseconds PumpSubscribers();
  PumpOutcome Pump(const std::string& peer, Subscription& sub);
  // Appends the stored record at `sequence` to read_, decoded, with its
  // DELIVER frame (an empty frame if it does not decode: logged).
  void ReadIntoWindow(std::uint64_t sequence, ByteView bytes);
  // OK if `org`'s roles let it make subscription `req`: without the
  // "subscribe" role, only one to its delivery receipts (kNotAuthorized).
  Status MaySubscribe(const std::string& org, const wire::SubscribeRequest& req) const;
  // Whether `sub` is to be sent the record at `sequence` with this header:
  // its organisation may receive it, its filter asks for it, and the
  // operator does not withhold it (quarantine_).
  bool WouldSend(const Subscription& sub, std::uint64_t sequence,
                 const envelope::Header& header) const;
  // Looks at up to a batch of records the fan-out has not reached yet, for
  // a durable subscription's lag (Backlog::Count).
  void CountBacklog(Subscription& sub, std::uint64_t head);
  // admin.cc: the operator's registry changes, and who may still speak.
  // OK if `org`, connected with `client_key`, may still send `command`:
  // kRevoked, kUnauthenticated (key rotated away, or no longer
  // registered), kNotAuthorized (the operator sends only ADMIN; only the
  // operator sends ADMIN).
  Status CheckSpeaker(const std::string& org, const crypto::BoxPublicKey& client_key,
                      wire::Command command) const;
  void HandleAdmin(const transport::Incoming& in, const wire::Message& msg);
  Status ApplyAdmin(const wire::Message& msg, std::string* result);
  // Ends, with an ERROR, every subscription whose peer is no longer
  // admitted (after a revocation or rotation).
  void CloseSubscriptionsNoLongerAdmitted();
  // Federation mode: add-org, rotate and revoke change the local additions
  // only (kAlreadyExists / kNotAuthorized for a federation organisation).
  Result<AdminOutcome> ApplyLocalAdmin(const AdminCommand& command, std::uint64_t now);
  // Makes `registry` current and ends what it no longer admits.
  void UseRegistry(identity::Registry registry);
  // quarantine, release: withholds an origin's records received in a time
  // range from delivery, or stops (kUnknownOrganisation, kNotFound,
  // kInvalidArgument, kIoError).
  Result<AdminOutcome> ApplyQuarantine(const AdminCommand& command, std::uint64_t now);
  // trust_serve.cc: federation mode.
  // TRUST_GET: TRUST with what the peer lacks; NOT_FEDERATED in local mode.
  void HandleTrustGet(const transport::Incoming& in, const wire::Message& msg);
  // ADMIN apply: verify, store, use, notice (TrustStore::Apply).
  Result<AdminOutcome> ApplyTrustFile(const std::string& file);
  // TRUST_NOTICE to every open connection that has sent TRUST_GET.
  void NoticeTrustListeners();
  // The trust state in ADMIN_OK's "trust" member (admin show).
  std::string TrustStateJson() const;
  // heartbeat.cc
  void NotePeer(const transport::Incoming& in);
  void CheckPeers();
  // Forgets the peers whose connection closed (their subscriptions end at
  // once, so a durable one is free and shown not connected).
  void ForgetClosedConnections();
  // retention.cc
  void StartRetention();
  void StopRetention();

  Options options_;
  identity::Identity identity_;
  // The current registry: replaced by admin commands, read by the ZAP
  // handler, the ingest workers and the socket thread.
  std::shared_ptr<RegistryHolder> registry_;
  // The operator (options.operator_card); nullopt: admin disabled.
  std::optional<identity::Card> operator_;
  // Federation mode (options.root): the signed files, and the local
  // additions; nullptr in local mode. Socket thread only.
  std::unique_ptr<TrustStore> trust_;
  identity::Registry local_additions_;
  // Connections that sent TRUST_GET and are open (socket thread only):
  // they get TRUST_NOTICE.
  std::set<std::string> trust_listeners_;
  // Admin commands admitted (in <data_dir>/certshare-admin-nonces).
  ReplayGuard admin_replays_;  // socket thread only
  // The operator's holds (in <data_dir>/certshare-quarantine).
  Quarantine quarantine_;  // socket thread only
  // Signatures the ingest workers verified: a batch's root is checked
  // once (envelope/verified_roots.h). Thread-safe.
  mutable envelope::VerifiedRoots verified_roots_;
  Metrics metrics_;
  std::atomic<bool> storage_failed_{false};
  mutable Mutex health_mu_;
  std::string storage_failure_ GUARDED_BY(health_mu_);
  std::unique_ptr<storage::Log> log_;
  std::unique_ptr<transport::Server> server_;
  std::unique_ptr<IngestPipeline> pipeline_;  // after server_: uses its notifier
  // Records in flight, by organisation (docs/broker.md, "Limits").
  Budget budget_;
  std::int64_t max_frame_bytes_ = 0;  // ZeroMQ's largest frame (QueuesFor)
  bool reading_paused_ = false;       // the total budget stopped reading (logged once)
  // Refusal log lines: a few per organisation and code, then summaries.
  LogThrottle refusal_log_;
  // Replies to peers whose ZeroMQ queue is full, at most
  // connection_queue_bytes each (ReplyCost).
  struct Outbox {
    std::string org;  // for log lines
    std::deque<Bytes> frames;
    std::size_t cost = 0;
  };
  std::map<std::string, Outbox> outbox_;  // by peer routing id
  envelope::RoutingPolicy routing_;
  // The records stored last, decoded, with their DELIVER frames (socket
  // thread only): filled by FinishIngested, read by the fan-out.
  Tail tail_;
  // The records the fan-out read from storage last, decoded (socket thread
  // only): subscribers behind the tail at the same place share one read.
  Tail read_{kReadWindowBytes};
  std::map<std::string, Subscription> subscriptions_;  // by peer routing id
  std::map<std::string, Peer> peers_;                  // by peer routing id
  Clock::time_point next_peer_check_{};
  // Retention runs on its own thread (Trim is a synced write).
  std::thread retention_thread_;
  Mutex retention_mu_;
  CondVar retention_cv_;
  bool retention_stop_ GUARDED_BY(retention_mu_) = false;
};

}  // namespace certshare::broker
