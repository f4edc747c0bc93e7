// Fan-out: every subscriber is a cursor into the log, served at its own
// pace and within the credit it granted: from the tail of records just
// stored (tail.h: decoded once, DELIVER encoded once) when it is there,
// from storage otherwise. Only records its organisation may receive
// (common/envelope/routing.h) and its filter asks for are sent.
// A slow subscriber costs nothing but its cursor: it never holds up ingest
// or other subscribers, and memory does not grow with its backlog.

#include <chrono>

#include <map>
#include <vector>

#include "broker/broker.h"
#include "broker/logger.h"
#include "common/base/timestamp.h"
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
// Records the lag count looks at per durable subscription per loop turn,
// ahead of a fan-out that waits for credit (Backlog). Each record is
// looked at once; a batch is about 4 ms of reading and decoding, so a
// stalled subscription's backlog is counted at some 40,000 records a
// second when the broker is otherwise idle (one turn per 100 ms).
constexpr std::size_t kCountBatch = 4096;

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  return FormatUtc(std::chrono::system_clock::to_time_t(t));
}

// "from 127.0.0.1:53422 since 2026-11-27T10:00:00Z"
std::string Where(const std::string& address, std::chrono::system_clock::time_point since) {
  return "from " + (address.empty() ? std::string("an unknown address") : address) +
         " since " + Rfc3339(since);
}

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
  if (Status may = MaySubscribe(in.org, req); !may.ok()) {
    Refuse(in.peer, in.org, msg.correlation, may);
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
  sub.backlog = Backlog(sub.consumed);
  sub.since = std::chrono::system_clock::now();
  sub.address = in.peer_address;
  if (!sub.cursor_key.empty()) {
    Status claimed = ClaimSubscription(in, req, sub.cursor_key);
    if (!claimed.ok()) {
      Refuse(in.peer, in.org, msg.correlation, claimed);
      return;
    }
  }
  Logger()->info("{} subscribed{} from sequence {} ({})", in.org,
                 req.name.empty() ? std::string() : " as " + req.name, sub.next,
                 in.peer_address.empty() ? "address unknown" : in.peer_address);
  SendTo(in.peer, wire::EncodeSubscribed(msg.correlation, sub.next, log_->LastSequence(),
                                         log_->FirstSequence()));
  subscriptions_[in.peer] = std::move(sub);
}

// A durable subscription is served to one connection at a time. Taking it
// over silently let two subscribers take it from each other for ever (each
// told "no subscription" on its next CONSUMED, each subscribing again), so
// the second is refused unless it asks to take over; the one taken over is
// told, and does not come back.
Status Broker::ClaimSubscription(const transport::Incoming& in,
                                 const wire::SubscribeRequest& req,
                                 const std::string& cursor_key) {
  auto holder = subscriptions_.end();
  for (auto it = subscriptions_.begin(); it != subscriptions_.end(); ++it) {
    if (it->first != in.peer && it->second.cursor_key == cursor_key) holder = it;
  }
  if (holder == subscriptions_.end()) return Status::Ok();
  const Subscription& held = holder->second;
  if (!req.take_over) {
    return Status(ErrorCode::kSubscriptionHeld,
                  "subscription " + req.name + " is held by another connection of " + in.org +
                      " " + Where(held.address, held.since) +
                      "; one connection at a time: stop that subscriber, or take the "
                      "subscription over (certshare subscribe --take-over)");
  }
  const std::string taker = Where(in.peer_address, std::chrono::system_clock::now());
  Logger()->info("{}: subscription {} ({}) taken over by a connection {}", in.org, req.name,
                 Where(held.address, held.since), taker);
  SendTo(holder->first,
         wire::EncodeError(0, ErrorCode::kSubscriptionTakenOver,
                           "subscription " + req.name + " was taken over by another connection of " +
                               in.org + " " + taker));
  metrics_.ForgetSubscription(held.cursor_key);
  subscriptions_.erase(holder);
  return Status::Ok();
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
    sub.backlog.Acknowledged(upto);
    Status s = log_->PutCursor(sub.cursor_key, upto);
    if (!s.ok()) Logger()->error("saving the cursor of {}: {}", sub.cursor_key, s.ToString());
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
  // acknowledged has no stored cursor and is listed at 0. Their lag is
  // known while connected (Backlog), and sent only to who asks for it.
  const std::uint64_t head = log_->LastSequence();
  for (const auto& [peer, sub] : subscriptions_) {
    if (sub.org != in.org || sub.cursor_key.empty()) continue;
    wire::Position& p = by_name[sub.name];
    p.name = sub.name;
    p.connected = true;
    if (msg.positions_with_lag) p.lag = sub.backlog.Lag(head);
  }
  std::vector<wire::Position> positions;
  for (auto& [name, p] : by_name) {
    if (positions.size() == wire::kMaxPositions) {
      Logger()->warn("{} has more than {} durable subscriptions; POSITIONS lists the first {}",
                     in.org, wire::kMaxPositions, wire::kMaxPositions);
      break;
    }
    positions.push_back(std::move(p));
  }
  const std::uint64_t first = log_->FirstSequence();
  SendTo(in.peer, wire::EncodePositionsOk(msg.correlation, head, first <= head ? first : 0,
                                          positions));
}

void Broker::CloseSubscription(const std::string& peer, const char* why) {
  auto it = subscriptions_.find(peer);
  if (it == subscriptions_.end()) return;
  Logger()->info("{}: subscription {} closed ({})", it->second.org,
                 it->second.name.empty() ? "(not durable)" : it->second.name, why);
  if (!it->second.cursor_key.empty()) metrics_.ForgetSubscription(it->second.cursor_key);
  subscriptions_.erase(it);
}

std::chrono::milliseconds Broker::PumpSubscribers() {
  auto wait = kIdleWait;
  const std::uint64_t head = FanoutHead();
  for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
    Subscription& sub = it->second;
    PumpOutcome outcome = Pump(it->first, sub);
    if (outcome == PumpOutcome::kGone) {
      Logger()->info("{} disconnected; subscription closed", sub.org);
      if (!sub.cursor_key.empty()) metrics_.ForgetSubscription(sub.cursor_key);
      it = subscriptions_.erase(it);
      continue;
    }
    if (!sub.cursor_key.empty()) {
      // Counted ahead only while the fan-out waits (for credit, for
      // acknowledgements, for a full queue): moving, it looks at those
      // records itself.
      if (outcome != PumpOutcome::kMore) CountBacklog(sub, head);
      metrics_.SetLag(sub.cursor_key, sub.backlog.Lag(head));
    }
    if (outcome == PumpOutcome::kMore) wait = std::chrono::milliseconds(0);
    if (outcome == PumpOutcome::kBusy) wait = std::min(wait, kBusyWait);
    ++it;
  }
  return wait;
}

Broker::PumpOutcome Broker::Pump(const std::string& peer, Subscription& sub) {
  if (outbox_.count(peer) > 0) return PumpOutcome::kBusy;
  const std::uint64_t head = FanoutHead();
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
  const bool durable = !sub.cursor_key.empty();
  std::size_t budget = static_cast<std::size_t>(std::min<std::uint64_t>(sub.credit, kPumpBatch));
  // A durable subscription holding Backlog::kMaxUnacknowledged records
  // waits for CONSUMED as for CREDIT.
  if (durable && sub.backlog.Full()) budget = 0;
  if (budget == 0 && sub.next <= head) return PumpOutcome::kIdle;  // waits for CREDIT
  // Sends one DELIVER within the budget; false when it cannot (budget
  // spent, queue full, peer gone: `sent` says which).
  auto deliver = [&](std::uint64_t seq, ByteView frame) {
    if (budget == 0) return false;
    sent = server_->Send(peer, frame);
    if (sent != transport::SendOutcome::kSent) return false;
    --budget;
    --sub.credit;
    if (durable) sub.backlog.Sent(seq);
    Logger()->trace("delivered {} to {}", seq, sub.org);
    metrics_.Delivered(durable ? sub.cursor_key : sub.org);
    return true;
  };
  // Sends the record at `seq` if the subscriber is to have it; false when
  // it cannot be sent now. A record stored but undecodable is held as an
  // empty frame and sent to nobody (logged when it was read).
  auto offer = [&](std::uint64_t seq, const Tail::Entry& entry) {
    if (!entry.deliver.empty() && WouldSend(sub, seq, entry.header) &&
        !deliver(seq, entry.deliver)) {
      return false;
    }
    sub.next = seq + 1;
    return true;
  };
  // What `held` holds from sub.next on, a batch at most.
  auto serve = [&](const Tail& held) {
    const std::uint64_t end = std::min({held.last(), head, sub.next + kPumpBatch - 1});
    for (std::uint64_t seq = sub.next; seq <= end; ++seq) {
      if (!offer(seq, held.At(seq))) break;
    }
  };
  Status scanned = Status::Ok();
  if (tail_.Holds(sub.next)) {
    serve(tail_);
  } else {
    // Behind the tail: what another subscriber at the same place read
    // last, then storage, each record read once into the read window and
    // read no further than it can be sent.
    if (read_.Holds(sub.next)) serve(read_);
    if (sent == transport::SendOutcome::kSent && budget > 0 && sub.next <= head &&
        !read_.Holds(sub.next) && !tail_.Holds(sub.next)) {
      scanned = log_->Scan(sub.next, kPumpBatch, [&](std::uint64_t seq, ByteView bytes) {
        if (seq > head) return false;  // written, not yet acknowledged: next turn, from the tail
        ReadIntoWindow(seq, bytes);
        return offer(seq, read_.At(seq));
      });
    }
  }
  if (durable) sub.backlog.Reached(sub.next);
  if (!scanned.ok()) {
    Logger()->error("reading the log for {}: {}", sub.org, scanned.ToString());
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

Status Broker::MaySubscribe(const std::string& org, const wire::SubscribeRequest& req) const {
  std::shared_ptr<const identity::Registry> registry = registry_->Get();
  const identity::Card* card = registry->Find(org);
  if (card == nullptr || identity::HasRole(*card, identity::kRoleSubscribe)) return Status::Ok();
  const bool receipts_only =
      req.types.size() == 1 && req.types[0] == envelope::kReceiptStixType;
  if (receipts_only) return Status::Ok();
  return Status(ErrorCode::kNotAuthorized,
                org + " has no \"subscribe\" role in the registry: it may subscribe to its "
                      "delivery receipts only (type certshare-receipt)");
}

void Broker::ReadIntoWindow(std::uint64_t sequence, ByteView bytes) {
  Result<envelope::Record> record = envelope::Decode(bytes);
  if (!record.ok()) {
    Logger()->error("stored record {} does not decode: {}", sequence,
                    record.status().ToString());
    read_.Append(sequence, envelope::Header{}, Bytes{});
    return;
  }
  read_.Append(sequence, std::move(record->header), wire::EncodeDeliver(0, sequence, bytes));
}

bool Broker::WouldSend(const Subscription& sub, std::uint64_t sequence,
                       const envelope::Header& header) const {
  return envelope::MayReceive(routing_, header, sub.org) && MatchesFilter(sub.filter, header) &&
         !quarantine_.Withholds(header.origin, sequence);
}

void Broker::CountBacklog(Subscription& sub, std::uint64_t head) {
  if (sub.backlog.CountFrom() > head) return;
  if (tail_.Holds(sub.backlog.CountFrom())) {
    const std::uint64_t from = sub.backlog.CountFrom();
    const std::uint64_t end = std::min(tail_.last(), from + kCountBatch - 1);
    for (std::uint64_t seq = from; seq <= end; ++seq) {
      sub.backlog.Count(seq, WouldSend(sub, seq, tail_.At(seq).header));
    }
    return;
  }
  Status scanned =
      log_->Scan(sub.backlog.CountFrom(), kCountBatch, [&](std::uint64_t seq, ByteView bytes) {
        Result<envelope::Record> record = envelope::Decode(bytes);
        // A record that does not decode is never sent (Pump logs it).
        sub.backlog.Count(seq, record.ok() && WouldSend(sub, seq, record->header));
        return true;
      });
  if (!scanned.ok()) {
    Logger()->error("reading the log to count the lag of {}: {}", sub.cursor_key,
                    scanned.ToString());
  }
}

}  // namespace certshare::broker
