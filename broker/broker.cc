#include "broker/broker.h"

#include "broker/logger.h"
#include "common/base/file_util.h"

namespace certshare::broker {

namespace {
// How long the loop may block when nothing is pending: bounds how late a
// stop request is noticed.
constexpr auto kIdleWait = std::chrono::milliseconds(100);
// Messages handled per loop turn before completions and subscribers get
// their turn.
constexpr int kReceiveBurst = 256;
// Records accepted but not yet acknowledged, across all publishers. Above
// it the broker stops reading requests (they wait in ZeroMQ's queues, then
// in the publishers'): with max_buffered_bytes, this bounds the pipeline's
// work for many small records.
constexpr std::size_t kMaxInFlight = 16384;
// When some reply waits for room in a ZeroMQ queue: the longest wait before
// trying again (Receive also wakes as soon as a queue has room).
constexpr auto kOutboxWait = std::chrono::milliseconds(5);
}  // namespace

Broker::Broker(Options options, identity::Identity identity,
               identity::Registry registry)
    : options_(std::move(options)),
      identity_(std::move(identity)),
      registry_(std::make_shared<RegistryHolder>(std::move(registry))),
      budget_(options_.max_buffered_bytes, options_.max_buffered_bytes_per_org),
      tail_(static_cast<std::size_t>(options_.fanout_tail_bytes)) {}

Broker::~Broker() {
  StopRetention();
  if (pipeline_) pipeline_->Drain();
}

Result<std::unique_ptr<Broker>> Broker::Open(const Options& options,
                                             identity::Identity identity,
                                             identity::Registry registry,
                                             std::unique_ptr<storage::Log> log,
                                             const AuthorizeWrapper& wrap_authorize) {
  std::optional<Federation> federation;
  if (!options.root.empty()) {
    Result<Federation> opened = OpenFederation(options, TrustNow());
    if (!opened.ok()) return opened.status();
    federation = std::move(*opened);
    registry = federation->combined;
  }
  std::unique_ptr<Broker> broker(
      new Broker(options, std::move(identity), std::move(registry)));
  if (federation) {
    broker->trust_ = std::move(federation->store);
    broker->local_additions_ = std::move(federation->local);
    for (const std::string& note : federation->notes) Logger()->warn("trust: {}", note);
  }

  if (log == nullptr) {
    auto opened = storage::Log::Open(options.data_dir);
    if (!opened.ok()) return opened.status().WithContext("opening " + options.data_dir);
    log = std::move(*opened);
  }
  broker->log_ = std::move(log);
  broker->metrics_.SetLastSequence(broker->log_->LastSequence());
  // The operator's holds stay in force across restarts, with or without
  // an operator_card now.
  if (!options.data_dir.empty()) {
    auto held = Quarantine::Open(options.data_dir + "/" + std::string(kQuarantineFile));
    if (!held.ok()) return held.status();
    broker->quarantine_ = std::move(*held);
  }

  transport::ServerOptions server_options;
  server_options.endpoint = options.listen;
  server_options.public_key = broker->identity_.card.transport_key;
  server_options.secret_key = &broker->identity_.transport_secret;
  if (!options.operator_card.empty()) {
    if (options.registry.empty() && options.root.empty()) {
      return Status(ErrorCode::kInvalidConfig,
                    "operator_card needs the registry file, to write changes back to");
    }
    auto op = LoadOperatorCard(options, *broker->registry_->Get());
    if (!op.ok()) return op.status();
    broker->operator_ = *op;
    // A command admitted before a restart stays refused as a replay.
    auto guard = ReplayGuard::Open(options.data_dir + "/" + std::string(kAdminNoncesFile), NowMs());
    if (!guard.ok()) return guard.status();
    broker->admin_replays_ = std::move(*guard);
  }
  // Runs on the ZAP thread for every new connection, against the registry
  // of that moment: a revoked or rotated-away key is refused from the next
  // handshake on.
  std::shared_ptr<RegistryHolder> registry_ref = broker->registry_;
  std::optional<crypto::BoxPublicKey> operator_key;
  if (broker->operator_) operator_key = broker->operator_->transport_key;
  // A revoked organisation's key is refused as revoked, which its agent is
  // told (transport::Authorize): it holds the key, so this says nothing it
  // does not know.
  server_options.authorize = [registry_ref, operator_key](
                                 const crypto::BoxPublicKey& key) -> Result<std::string> {
    if (operator_key && key == *operator_key) return std::string(kOperatorUserId);
    std::shared_ptr<const identity::Registry> registry = registry_ref->Get();
    const identity::Card* card = registry->FindByTransportKey(key);
    if (card == nullptr) {
      return Status(ErrorCode::kUnauthenticated, "transport key not registered");
    }
    if (card->revoked) {
      return Status(ErrorCode::kRevoked, card->org + " was revoked at " + card->revoked_at);
    }
    Logger()->debug("admitted a connection of {}", card->org);
    return card->org;
  };
  if (wrap_authorize) server_options.authorize = wrap_authorize(server_options.authorize);
  // ZeroMQ's queues, bounded in bytes (docs/broker.md, "Limits").
  const ConnectionQueues queues = QueuesFor(options);
  server_options.max_frame_bytes = queues.max_frame_bytes;
  server_options.receive_high_water_mark = queues.receive_hwm;
  server_options.send_high_water_mark = queues.send_hwm;
  server_options.max_connections_per_org = options.max_connections_per_org;
  broker->max_frame_bytes_ = queues.max_frame_bytes;
  auto server = transport::Server::Bind(server_options);
  if (!server.ok()) return server.status();
  broker->server_ = std::move(*server);

  auto notifier = broker->server_->NewNotifier();
  if (!notifier.ok()) return notifier.status();
  // The committer thread is the only one that notifies; it owns the socket.
  std::shared_ptr<transport::Notifier> wake(std::move(*notifier));
  Broker* self = broker.get();
  IngestOptions ingest;
  ingest.workers = options.ingest_workers;
  broker->pipeline_ = std::make_unique<IngestPipeline>(
      broker->log_.get(),
      [self](IngestJob& job) { return self->CheckRecord(job); },
      [wake] { wake->Notify(); }, &broker->metrics_, ingest);

  for (const auto& org : options.green_community) {
    broker->routing_.green_community.insert(org);
  }
  broker->StartRetention();

  if (!options.endpoint_file.empty()) {
    CERTSHARE_RETURN_IF_ERROR(
        files::WriteAtomic(options.endpoint_file, broker->endpoint() + "\n"));
  }
  Logger()->info("listening on {} with CURVE; {} organisations registered; {} records stored",
                 broker->endpoint(), broker->registry_->Get()->cards().size(),
                 broker->log_->LastSequence());
  if (broker->trust_) {
    const trust::SignedRegistryVersion* version = broker->trust_->registry();
    Logger()->info("federation {}: root version {}, registry version {}, {} local additions",
                   broker->trust_->root().root.federation, broker->trust_->root().root.version,
                   version == nullptr ? 0 : version->version.version,
                   broker->local_additions_.cards().size());
  }
  return broker;
}

const std::string& Broker::endpoint() const { return server_->endpoint(); }

Status Broker::Health() const {
  if (!storage_failed_.load()) return Status::Ok();
  MutexLock lock(&health_mu_);
  return Status(ErrorCode::kUnavailable,
                "storage failed (" + storage_failure_ + "); restart the broker once the disk is fixed");
}

Status Broker::Run(const std::atomic<bool>& stop) {
  auto wait = kIdleWait;
  Status failed;
  while (!stop.load() && failed.ok()) {
    for (int i = 0; i < kReceiveBurst; ++i) {
      bool accept = CanRead();
      auto in = server_->Receive(i == 0 ? wait : std::chrono::milliseconds(0), accept);
      if (!in.ok()) {
        failed = in.status();
        break;
      }
      ForgetClosedConnections();
      if (!in->has_value()) break;
      HandleMessage(**in);
    }
    FinishIngested();
    FlushOutbox();
    metrics_.SetBufferedBytes(budget_.total());
    CheckPeers();
    LogSuppressedRefusals();
    wait = PumpSubscribers();
    if (!outbox_.empty()) wait = std::min(wait, kOutboxWait);
  }
  if (!failed.ok()) Logger()->critical("stopping: {}", failed.ToString());
  Shutdown();
  return failed;
}

bool Broker::CanRead() {
  const bool full = pipeline_->InFlight() >= kMaxInFlight ||
                    budget_.TotalFull(static_cast<std::size_t>(max_frame_bytes_));
  if (full != reading_paused_) {
    // Said each time (throttled: at the limit it may flip with every group
    // commit).
    reading_paused_ = full;
    if (!full) {
      if (refusal_log_.Allow("reading requests again")) Logger()->info("reading requests again");
    } else if (refusal_log_.Allow("reading requests paused")) {
      Logger()->warn("{} records ({} bytes) in flight, the most the broker holds ({} records, or "
                     "max_buffered_bytes {} less a largest frame): reading requests paused until "
                     "some are acknowledged",
                     pipeline_->InFlight(), budget_.total(), kMaxInFlight, budget_.total_limit());
    }
  }
  return !full;
}

// Stop reading requests, let every record already accepted reach the disk,
// and acknowledge it before closing.
void Broker::Shutdown() {
  StopRetention();
  Logger()->info("stopping: finishing {} records in flight", pipeline_->InFlight());
  pipeline_->Drain();
  FinishIngested();
  FlushOutbox();
  std::size_t unsent = 0;
  for (const auto& [peer, queue] : outbox_) unsent += queue.frames.size();
  if (unsent > 0) Logger()->warn("{} replies could not be sent before closing", unsent);
  Logger()->info("stopped: {} records stored", log_->LastSequence());
}

void Broker::HandleMessage(const transport::Incoming& in) {
  if (in.org.empty()) {
    // Only possible if ZAP did not run: never serve an unauthenticated peer.
    Refuse(in.peer, "(unauthenticated)", 0,
           Status(ErrorCode::kUnauthenticated, "no authenticated organisation"));
    return;
  }
  NotePeer(in);
  wire::Message msg;
  Status decoded = wire::Decode(in.frame, &msg);
  if (!decoded.ok()) {
    Refuse(in.peer, in.org, msg.correlation, decoded);
    return;
  }
  if (in.beyond_connection_limit) {
    Refuse(in.peer, in.org, msg.correlation,
           Status(ErrorCode::kBusy, "this connection is beyond " + in.org + "'s limit of " +
                                        std::to_string(options_.max_connections_per_org) +
                                        " connections (max_connections_per_org): close it, "
                                        "or one of the others"));
    return;
  }
  // The registry may have changed since this connection was admitted.
  Status allowed = CheckSpeaker(in.org, in.client_key, msg.command);
  if (!allowed.ok()) {
    Refuse(in.peer, in.org, msg.correlation, allowed);
    return;
  }
  switch (msg.command) {
    case wire::Command::kPublish:
      HandlePublish(in, msg);
      return;
    case wire::Command::kSubscribe:
      HandleSubscribe(in, msg);
      return;
    case wire::Command::kConsumed:
      HandleConsumed(in, msg);
      return;
    case wire::Command::kCredit:
      HandleCredit(in, msg);
      return;
    case wire::Command::kPositions:
      HandlePositions(in, msg);
      return;
    case wire::Command::kPing:
      SendTo(in.peer, wire::EncodePong(msg.correlation));
      return;
    case wire::Command::kPong:
      return;
    case wire::Command::kAdmin:
      HandleAdmin(in, msg);
      return;
    case wire::Command::kTrustGet:
      HandleTrustGet(in, msg);
      return;
    default:
      Refuse(in.peer, in.org, msg.correlation,
             Status(ErrorCode::kUnknownCommand, "the broker does not accept this command"));
  }
}

namespace {
// Messages may quote what a peer sent: keep them to one printable line of
// bounded length before they reach a log or go back on the wire.
std::string Printable(const std::string& text) {
  constexpr std::size_t kMax = 512;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  if (text.size() > kMax) out += "...";
  return out;
}
}  // namespace

// Every refusal is counted (metrics) and answered; its log line is
// throttled per organisation and code (a few a minute, then one summary),
// so that a flood of bad requests cannot flood the log.
void Broker::Refuse(const std::string& peer, const std::string& org,
                    std::uint64_t correlation, const Status& why) {
  metrics_.RecordRefused(why.code());
  std::string message = Printable(why.message());
  const std::string kind = "refusals of " + org + " with " +
                           std::string(ErrorCodeName(why.code())) + " (" +
                           std::to_string(static_cast<int>(why.code())) + ")";
  if (refusal_log_.Allow(kind)) {
    Logger()->warn("refused request {} from {}: {} ({}): {}", correlation, org,
                   ErrorCodeName(why.code()), static_cast<int>(why.code()), message);
  }
  SendTo(peer, wire::EncodeError(correlation, why.code(), message));
}

void Broker::LogSuppressedRefusals() {
  for (const LogThrottle::Suppressed& s : refusal_log_.TakeSuppressed()) {
    Logger()->warn("{} more like this not logged in the last {} s: {}", s.count,
                   std::chrono::duration_cast<std::chrono::seconds>(
                     refusal_log_.options().interval)
                     .count(),
                   s.key);
  }
}

void Broker::SendTo(const std::string& peer, Bytes frame) {
  auto it = outbox_.find(peer);
  if (it == outbox_.end()) {
    if (server_->Send(peer, frame) != transport::SendOutcome::kBusy) return;
    it = outbox_.emplace(peer, Outbox{}).first;
    auto p = peers_.find(peer);
    if (p != peers_.end()) it->second.org = p->second.org;
  }
  Outbox& box = it->second;
  const std::size_t cost = ReplyCost(frame.size());
  if (box.cost + cost > options_.connection_queue_bytes) {
    // A peer that sends and never reads: its further replies are dropped
    // (counted) instead of held without bound. Only this connection loses
    // anything.
    metrics_.ReplyDropped();
    if (refusal_log_.Allow("replies dropped for " + box.org)) {
      Logger()->warn("a connection of {} leaves {} replies ({} bytes) unread; dropping further "
                     "replies to it (connection_queue_bytes) until it reads them",
                     box.org, box.frames.size(), box.cost);
    }
    if (box.frames.empty()) outbox_.erase(it);
    return;
  }
  box.cost += cost;
  box.frames.push_back(std::move(frame));
}

void Broker::FlushOutbox() {
  for (auto it = outbox_.begin(); it != outbox_.end();) {
    Outbox& box = it->second;
    transport::SendOutcome sent = transport::SendOutcome::kSent;
    while (!box.frames.empty()) {
      sent = server_->Send(it->first, box.frames.front());
      if (sent != transport::SendOutcome::kSent) break;
      box.cost -= ReplyCost(box.frames.front().size());
      box.frames.pop_front();
    }
    if (box.frames.empty() || sent == transport::SendOutcome::kGone) {
      it = outbox_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace certshare::broker
