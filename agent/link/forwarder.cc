// Forwarder: the contract is in forwarder.h.
#include "agent/link/forwarder.h"

#include <algorithm>
#include <thread>

namespace certshare::agent {

namespace {

using std::chrono::milliseconds;

// Broker errors that say "not now" about its own state rather than "no"
// about the record: the record stays pending and is sent again later.
bool IsTransientRefusal(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kIoError:
    case ErrorCode::kStorageError:
    case ErrorCode::kCorruption:
    case ErrorCode::kTimeout:
    case ErrorCode::kTransportError:
    case ErrorCode::kDiskFull:  // the broker resumes by itself once space is back
    case ErrorCode::kBusy:      // the broker is at a limit for this organisation
      return true;
    default:
      return false;
  }
}

milliseconds Left(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline -
                                                       std::chrono::steady_clock::now());
  return std::max(left, milliseconds(0));
}

std::string Seconds(milliseconds ms) {
  std::string s = std::to_string(ms.count() / 1000);
  if (ms.count() % 1000 != 0) s += "." + std::to_string(ms.count() % 1000 / 100);
  return s + " s";
}

}  // namespace

Forwarder::Forwarder(Spool& spool, Connector connect, ForwarderOptions options)
    : spool_(spool),
      connect_(std::move(connect)),
      options_(options),
      rng_(std::random_device{}()) {
  if (options_.window == 0) options_.window = 1;
}

Forwarder::~Forwarder() = default;

ForwarderStats Forwarder::stats() const {
  MutexLock lock(&stats_mu_);
  return stats_;
}

void Forwarder::UpdateStats() {
  MutexLock lock(&stats_mu_);
  stats_.in_flight = in_flight_.size();
  stats_.connected = client_ != nullptr;
}

Status Forwarder::Drain(milliseconds idle_timeout, const std::atomic<bool>* stop) {
  heard_ = false;
  const milliseconds ack_timeout = std::min(options_.ack_timeout, idle_timeout);
  auto deadline = Clock::now() + idle_timeout;
  while (spool_.Depth() > 0 || !in_flight_.empty()) {
    if (stop != nullptr && *stop) return Status::Ok();
    milliseconds left = Left(deadline);
    if (left.count() == 0) {
      // The last connection problem, unless it only repeats "no answer".
      Status last = stats().last_error;
      std::string why = last.ok() || last.code() == ErrorCode::kTimeout
                            ? std::string()
                            : " (last problem: " + last.ToString() + ")";
      return Status(ErrorCode::kTimeout, "no acknowledgement from the broker within " +
                                             Seconds(idle_timeout) + why + "; " +
                                             std::to_string(spool_.Depth()) +
                                             " records stay in the spool " + spool_.dir());
    }
    CERTSHARE_ASSIGN_OR_RETURN(Step step,
                               Pump(std::min(left, milliseconds(250)), ack_timeout));
    if (step == Step::kProgress) {
      deadline = Clock::now() + idle_timeout;
      ResetBackoff();
    } else if (step == Step::kLost) {
      // What waiting would not change: the handshake refused this
      // organisation, or nothing has accepted a connection since this
      // Drain started (the client retried for its connect timeout). A
      // broker that answered earlier and now refuses is restarting: that
      // is waited for until idle_timeout, as any outage.
      Status last = stats().last_error;
      if (last.code() == ErrorCode::kUnauthenticated || last.code() == ErrorCode::kRevoked ||
          (last.code() == ErrorCode::kUnreachable && !heard_)) {
        return last;
      }
      const auto until = Clock::now() + std::min(NextBackoff(), Left(deadline));
      while (Clock::now() < until && !(stop != nullptr && *stop)) {
        std::this_thread::sleep_for(std::min(options_.poll, Left(until)));
      }
    }
  }
  return Status::Ok();
}

Status Forwarder::Run(const std::atomic<bool>& stop) {
  while (!stop) {
    const std::uint64_t seen = spool_.LastId();
    CERTSHARE_ASSIGN_OR_RETURN(Step step, Pump(options_.poll, options_.ack_timeout));
    if (step == Step::kProgress) {
      ResetBackoff();
    } else if (step == Step::kIdle && in_flight_.empty()) {
      spool_.WaitForNewerThan(seen, options_.poll);
    } else if (step == Step::kLost) {
      const auto until = Clock::now() + NextBackoff();
      while (!stop && Clock::now() < until) {
        std::this_thread::sleep_for(std::min(options_.poll, Left(until)));
      }
    }
  }
  return Status::Ok();
}

Result<Forwarder::Step> Forwarder::Pump(milliseconds wait, milliseconds ack_timeout) {
  if (!client_) {
    CERTSHARE_ASSIGN_OR_RETURN(client_, connect_());
    in_flight_.clear();
    next_unsent_ = 0;
    last_heard_ = Clock::now();
    if (trust_ != nullptr) trust_->Connected();
  }
  if (!TickTrust()) return Step::kLost;
  // Fill the window, oldest first.
  while (in_flight_.size() < options_.window) {
    CERTSHARE_ASSIGN_OR_RETURN(std::vector<SpooledRecord> batch,
                               spool_.Pending(next_unsent_, options_.window - in_flight_.size()));
    if (batch.empty()) break;
    for (SpooledRecord& rec : batch) {
      if (in_flight_.empty()) last_heard_ = Clock::now();  // the wait starts now
      auto correlation = client_->SendPublish(rec.record);
      if (!correlation.ok()) {
        Drop(correlation.status());
        return Step::kLost;
      }
      in_flight_.emplace(*correlation, InFlight{rec.id, std::move(rec.dedupe_key)});
      next_unsent_ = rec.id + 1;
      MutexLock lock(&stats_mu_);
      ++stats_.sent;
    }
  }

  bool progress = false;
  bool lost = false;
  Status lost_why;
  if (in_flight_.empty()) {
    // Nothing to wait for; answer the broker's PINGs, if any, and return.
    while (true) {
      auto msg = client_->Next(milliseconds(0));
      if (!msg.ok()) break;
      if (trust_ != nullptr) trust_->Handle(msg->msg);
    }
    UpdateStats();
    return Step::kIdle;
  }

  milliseconds wait_now = wait;
  while (!in_flight_.empty()) {
    auto msg = client_->Next(wait_now);
    wait_now = milliseconds(0);  // after the first, take only what has arrived
    if (!msg.ok()) {
      if (msg.status().code() != ErrorCode::kTimeout) {
        lost = true;
        lost_why = msg.status();
      } else if (!progress && Clock::now() - last_heard_ >= ack_timeout) {
        lost = true;
        lost_why = Status(ErrorCode::kTimeout,
                          "no answer from the broker within " + Seconds(ack_timeout));
      }
      break;
    }
    last_heard_ = Clock::now();
    heard_ = true;
    if (trust_ != nullptr && trust_->Handle(msg->msg)) continue;
    bool transient = false;
    Handle(*msg, &progress, &transient);
    if (transient) {
      lost = true;
      lost_why = Status(msg->msg.error, "the broker cannot store records now: " + msg->msg.text);
      break;
    }
  }
  // What was acknowledged before a loss is settled all the same.
  CERTSHARE_RETURN_IF_ERROR(Settle());
  if (lost) {
    Drop(lost_why);
    return Step::kLost;
  }
  UpdateStats();
  return progress ? Step::kProgress : Step::kIdle;
}

bool Forwarder::TickTrust() {
  if (trust_ == nullptr) return true;
  Status sent = trust_->Tick([this](std::uint64_t root, std::uint64_t registry) {
    return client_->SendTrustGet(root, registry);
  });
  if (sent.ok()) return true;
  Drop(sent);
  return false;
}

void Forwarder::Handle(const Received& r, bool* progress, bool* transient) {
  const wire::Message& msg = r.msg;
  if (msg.command != wire::Command::kAck && msg.command != wire::Command::kError) return;
  auto it = in_flight_.find(msg.correlation);
  if (it == in_flight_.end()) return;  // an answer to something no longer in flight
  if (msg.command == wire::Command::kError && IsTransientRefusal(msg.error)) {
    *transient = true;
    return;
  }
  Outcome outcome;
  outcome.spool_id = it->second.spool_id;
  outcome.dedupe_key = std::move(it->second.dedupe_key);
  if (msg.command == wire::Command::kAck) {
    outcome.kind = msg.duplicate ? Outcome::Kind::kDuplicate : Outcome::Kind::kStored;
    outcome.sequence = msg.sequence;
    acked_.push_back({outcome.spool_id, msg.sequence, msg.duplicate});
  } else {
    outcome.kind = Outcome::Kind::kRefused;
    outcome.refusal = Status(msg.error, "the broker refused the record: " + msg.text);
  }
  in_flight_.erase(it);
  settled_.push_back(std::move(outcome));
  *progress = true;
}

Status Forwarder::Settle() {
  if (settled_.empty()) return Status::Ok();
  CERTSHARE_RETURN_IF_ERROR(spool_.Acknowledge(acked_));
  acked_.clear();
  for (const Outcome& o : settled_) {
    if (o.kind == Outcome::Kind::kRefused) {
      CERTSHARE_RETURN_IF_ERROR(spool_.Refuse(o.spool_id, o.refusal));
    }
  }
  {
    MutexLock lock(&stats_mu_);
    for (const Outcome& o : settled_) {
      switch (o.kind) {
        case Outcome::Kind::kStored: ++stats_.stored; break;
        case Outcome::Kind::kDuplicate: ++stats_.duplicates; break;
        case Outcome::Kind::kRefused: ++stats_.refused; break;
      }
    }
  }
  std::vector<Outcome> settled = std::move(settled_);
  settled_.clear();
  if (on_outcome_) {
    for (const Outcome& o : settled) on_outcome_(o);
  }
  return Status::Ok();
}

void Forwarder::Drop(const Status& why) {
  client_.reset();  // queued frames go with the socket (linger 0)
  in_flight_.clear();
  next_unsent_ = 0;
  MutexLock lock(&stats_mu_);
  ++stats_.reconnects;
  stats_.last_error = why;
  stats_.in_flight = 0;
  stats_.connected = false;
}

milliseconds Forwarder::NextBackoff() {
  const int shift = std::min(attempt_, 20);
  ++attempt_;
  auto base = options_.backoff_initial * (1ll << shift);
  if (base > options_.backoff_max || base.count() <= 0) base = options_.backoff_max;
  std::uniform_int_distribution<long long> jitter(base.count() / 2, base.count());
  return milliseconds(jitter(rng_));
}

}  // namespace certshare::agent
