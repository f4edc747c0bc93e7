// Fan-out: every subscriber is a cursor into the log, served from storage
// at its own pace and within the credit it granted. Only records its
// organisation may receive (routing.h) and its filter asks for are sent.
// A slow subscriber costs nothing but its cursor: it never holds up ingest
// or other subscribers, and memory does not grow with its backlog.
#include <spdlog/spdlog.h>

#include <map>
#include <vector>

#include "broker/broker.h"
#include "common/envelope/envelope.h"

namespace certshare::broker {

namespace {
// Records considered per subscriber per loop turn: keeps one subscriber's
// backlog from starving the others and ingest.
constexpr std::size_t kPumpBatch = 256;
// Wait when some subscriber's queue is full: lets ZeroMQ drain it.
constexpr auto kBusyWait = std::chrono::milliseconds(5);
constexpr auto kIdleWait = std::chrono::milliseconds(100);
// Credit a subscriber may hold: bounds what one request can make the
// broker queue in ZeroMQ for it.
constexpr std::uint64_t kMaxCredit = 8192;
constexpr std::size_t kMaxNameLength = 64;

bool IsValidName(const std::string& name) {
  if (name.size() > kMaxNameLength) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}
}  // namespace

Result<std::uint64_t> Broker::ResolveStart(const wire::SubscribeRequest& req,
                                           const std::string& cursor_key) {
  std::uint64_t first = log_->FirstSequence();
  std::uint64_t start = 1;
  switch (req.start) {
    case wire::StartKind::kResume: {
      if (cursor_key.empty()) {
        start = first;
        break;
      }
      auto cursor = log_->GetCursor(cursor_key);
      if (cursor.ok()) {
        start = *cursor + 1;
      } else if (cursor.status().code() == ErrorCode::kNotFound) {
        start = first;
      } else {
        return cursor.status();
      }
      break;
    }
    case wire::StartKind::kSequence:
      start = std::max<std::uint64_t>(1, req.start_value);
      break;
    case wire::StartKind::kTime: {
      CERTSHARE_ASSIGN_OR_RETURN(start, log_->FirstReceivedAtOrAfter(req.start_value));
      break;
    }
  }
  // A position retention has removed: records were lost to this
  // subscriber, which it must be told rather than silently skip.
  if (start < first && first <= log_->LastSequence() + 1 && start <= log_->LastSequence()) {
    return Status(ErrorCode::kPositionRemoved,
                  "sequence " + std::to_string(start) +
                      " was removed by retention; the oldest sequence still held is " +
                      std::to_string(first));
  }
  if (start < first) start = first;
  return start;
}

void Broker::HandleSubscribe(const transport::Incoming& in, const wire::Message& msg) {
  const wire::SubscribeRequest& req = msg.subscribe;
  if (!IsValidName(req.name)) {
    Refuse(in.peer, in.org, msg.correlation,
           Status(ErrorCode::kBadSubscription,
                  "subscription names are up to 64 of A-Z a-z 0-9 . _ -"));
    return;
  }
  Subscription sub;
  sub.org = in.org;
  sub.name = req.name;
  if (!req.name.empty()) sub.cursor_key = in.org + "/" + req.name;
  sub.filter = req;
  sub.credit = std::min<std::uint64_t>(req.credit, kMaxCredit);
  auto start = ResolveStart(req, sub.cursor_key);
  if (!start.ok()) {
    Refuse(in.peer, in.org, msg.correlation, start.status());
    return;
  }
  sub.next = *start;
  sub.consumed = sub.next - 1;
  // One connection per durable subscription: a newer one takes over.
  if (!sub.cursor_key.empty()) {
    for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
      if (it->first != in.peer && it->second.cursor_key == sub.cursor_key) {
        spdlog::info("{}: subscription {} taken over by a new connection", in.org, req.name);
        metrics_.ForgetSubscription(it->second.cursor_key);
        it = subscriptions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  spdlog::info("{} subscribed{} from sequence {}", in.org,
               req.name.empty() ? std::string() : " as " + req.name, sub.next);
  SendTo(in.peer, wire::EncodeSubscribed(msg.correlation, sub.next, log_->LastSequence(),
                                         log_->FirstSequence()));
  subscriptions_[in.peer] = std::move(sub);
}

void Broker::HandleConsumed(const transport::Incoming& in, const wire::Message& msg) {
  auto it = subscriptions_.find(in.peer);
  if (it == subscriptions_.end()) {
    Refuse(in.peer, in.org, msg.correlation,
           Status(ErrorCode::kBadSubscription, "CONSUMED without a subscription"));
    return;
  }
  Subscription& sub = it->second;
  // Only what was actually offered can be consumed.
  std::uint64_t upto = std::min(msg.sequence, sub.next - 1);
  if (upto <= sub.consumed) return;
  sub.consumed = upto;
  if (!sub.cursor_key.empty()) {
    Status s = log_->PutCursor(sub.cursor_key, upto);
    if (!s.ok()) spdlog::error("saving the cursor of {}: {}", sub.cursor_key, s.ToString());
  }
}

void Broker::HandleCredit(const transport::Incoming& in, const wire::Message& msg) {
  auto it = subscriptions_.find(in.peer);
  if (it == subscriptions_.end()) {
    Refuse(in.peer, in.org, msg.correlation,
           Status(ErrorCode::kBadSubscription, "CREDIT without a subscription"));
    return;
  }
  it->second.credit = std::min<std::uint64_t>(it->second.credit + msg.credit, kMaxCredit);
}

// Answered from the cursors family and the live subscriptions: one bounded
// RocksDB iteration over the sender's own prefix, on request only, never on
// the ingest or fan-out path. The prefix "<org>/" can match no other
// organisation: organisation ids and subscription names have no '/'.
void Broker::HandlePositions(const transport::Incoming& in, const wire::Message& msg) {
  const std::string prefix = in.org + "/";
  auto cursors = log_->ListCursors(prefix, wire::kMaxPositions + 1);
  if (!cursors.ok()) {
    Refuse(in.peer, in.org, msg.correlation, cursors.status());
    return;
  }
  std::map<std::string, wire::Position> by_name;
  for (const auto& [key, sequence] : *cursors) {
    std::string name = key.substr(prefix.size());
    if (name.empty() || name.size() > kMaxNameLength) continue;  // not the broker's key
    by_name[name] = wire::Position{name, sequence, false};
  }
  // Durable subscriptions held by a live connection; one not yet
  // acknowledged has no stored cursor and is listed at 0.
  for (const auto& [peer, sub] : subscriptions_) {
    if (sub.org != in.org || sub.cursor_key.empty()) continue;
    wire::Position& p = by_name[sub.name];
    p.name = sub.name;
    p.connected = true;
  }
  std::vector<wire::Position> positions;
  for (auto& [name, p] : by_name) {
    if (positions.size() == wire::kMaxPositions) {
      spdlog::warn("{} has more than {} durable subscriptions; POSITIONS lists the first {}",
                   in.org, wire::kMaxPositions, wire::kMaxPositions);
      break;
    }
    positions.push_back(std::move(p));
  }
  const std::uint64_t head = log_->LastSequence();
  const std::uint64_t first = log_->FirstSequence();
  SendTo(in.peer, wire::EncodePositionsOk(msg.correlation, head, first <= head ? first : 0,
                                          positions));
}

void Broker::CloseSubscription(const std::string& peer, const char* why) {
  auto it = subscriptions_.find(peer);
  if (it == subscriptions_.end()) return;
  spdlog::info("{}: subscription {} closed ({})", it->second.org,
               it->second.name.empty() ? "(not durable)" : it->second.name, why);
  if (!it->second.cursor_key.empty()) metrics_.ForgetSubscription(it->second.cursor_key);
  subscriptions_.erase(it);
}

std::chrono::milliseconds Broker::PumpSubscribers() {
  auto wait = kIdleWait;
  std::uint64_t head = log_->LastSequence();
  for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
    Subscription& sub = it->second;
    PumpOutcome outcome = Pump(it->first, sub);
    if (outcome == PumpOutcome::kGone) {
      spdlog::info("{} disconnected; subscription closed", sub.org);
      if (!sub.cursor_key.empty()) metrics_.ForgetSubscription(sub.cursor_key);
      it = subscriptions_.erase(it);
      continue;
    }
    if (!sub.cursor_key.empty()) metrics_.SetLag(sub.cursor_key, head - std::min(head, sub.consumed));
    if (outcome == PumpOutcome::kMore) wait = std::chrono::milliseconds(0);
    if (outcome == PumpOutcome::kBusy) wait = std::min(wait, kBusyWait);
    ++it;
  }
  return wait;
}

Broker::PumpOutcome Broker::Pump(const std::string& peer, Subscription& sub) {
  if (outbox_.count(peer) > 0) return PumpOutcome::kBusy;
  std::uint64_t head = log_->LastSequence();
  if (sub.next < log_->FirstSequence()) {
    // Retention removed records this subscriber had not yet been sent.
    SendTo(peer, wire::EncodeError(0, ErrorCode::kPositionRemoved,
                                   "sequence " + std::to_string(sub.next) +
                                       " was removed by retention; the oldest sequence still "
                                       "held is " +
                                       std::to_string(log_->FirstSequence())));
    return PumpOutcome::kGone;
  }
  transport::SendOutcome sent = transport::SendOutcome::kSent;
  std::size_t budget = static_cast<std::size_t>(std::min<std::uint64_t>(sub.credit, kPumpBatch));
  if (budget == 0 && sub.next <= head) return PumpOutcome::kIdle;  // waits for CREDIT
  Status scanned = log_->Scan(sub.next, kPumpBatch, [&](std::uint64_t seq, ByteView bytes) {
    Result<envelope::Record> record = envelope::Decode(bytes);
    if (!record.ok()) {
      spdlog::error("stored record {} does not decode: {}", seq, record.status().ToString());
    } else if (MayReceive(routing_, record->header, sub.org) &&
               MatchesFilter(sub.filter, record->header)) {
      if (budget == 0) return false;
      sent = server_->Send(peer, wire::EncodeDeliver(0, seq, bytes));
      if (sent != transport::SendOutcome::kSent) return false;
      --budget;
      --sub.credit;
      spdlog::trace("delivered {} to {}", seq, sub.org);
      metrics_.Delivered(sub.cursor_key.empty() ? sub.org : sub.cursor_key);
    }
    sub.next = seq + 1;
    return true;
  });
  if (!scanned.ok()) {
    spdlog::error("reading the log for {}: {}", sub.org, scanned.ToString());
    return PumpOutcome::kBusy;
  }
  if (sent == transport::SendOutcome::kGone) return PumpOutcome::kGone;
  if (sent == transport::SendOutcome::kBusy) return PumpOutcome::kBusy;
  if (sub.next <= head) return sub.credit > 0 ? PumpOutcome::kMore : PumpOutcome::kIdle;
  if (!sub.caught_up_sent) {
    sent = server_->Send(peer, wire::EncodeCaughtUp(0, head));
    if (sent == transport::SendOutcome::kGone) return PumpOutcome::kGone;
    if (sent == transport::SendOutcome::kBusy) return PumpOutcome::kBusy;
    sub.caught_up_sent = true;
  }
  return PumpOutcome::kIdle;
}

}  // namespace certshare::broker
