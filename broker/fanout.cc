// Fan-out: every subscriber is a cursor into the log, served from storage
// at its own pace. Only records its organisation may receive are sent.
#include <spdlog/spdlog.h>

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
}  // namespace

void Broker::HandleSubscribe(const transport::Incoming& in, const wire::Message& msg) {
  Subscription sub;
  sub.org = in.org;
  sub.next = msg.sequence == 0 ? 1 : msg.sequence;
  spdlog::info("{} subscribed from sequence {}", in.org, sub.next);
  subscriptions_[in.peer] = sub;
}

std::chrono::milliseconds Broker::PumpSubscribers() {
  auto wait = kIdleWait;
  for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
    PumpOutcome outcome = Pump(it->first, it->second);
    if (outcome == PumpOutcome::kGone) {
      spdlog::info("{} disconnected; subscription closed", it->second.org);
      it = subscriptions_.erase(it);
      continue;
    }
    if (outcome == PumpOutcome::kMore) wait = std::chrono::milliseconds(0);
    if (outcome == PumpOutcome::kBusy) wait = std::min(wait, kBusyWait);
    ++it;
  }
  return wait;
}

Broker::PumpOutcome Broker::Pump(const std::string& peer, Subscription& sub) {
  std::uint64_t head = log_->LastSequence();
  transport::SendOutcome sent = transport::SendOutcome::kSent;
  Status scanned = log_->Scan(sub.next, kPumpBatch, [&](std::uint64_t seq, ByteView bytes) {
    Result<envelope::Record> record = envelope::Decode(bytes);
    if (record.ok() && envelope::MayReceive(record->header, sub.org)) {
      sent = server_->Send(peer, wire::EncodeDeliver(0, seq, bytes));
      if (sent != transport::SendOutcome::kSent) return false;
    } else if (!record.ok()) {
      spdlog::error("stored record {} does not decode: {}", seq, record.status().ToString());
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
  if (sub.next <= head) return PumpOutcome::kMore;
  if (!sub.caught_up_sent) {
    sent = server_->Send(peer, wire::EncodeCaughtUp(0, head));
    if (sent == transport::SendOutcome::kGone) return PumpOutcome::kGone;
    if (sent == transport::SendOutcome::kBusy) return PumpOutcome::kBusy;
    sub.caught_up_sent = true;
  }
  return PumpOutcome::kIdle;
}

}  // namespace certshare::broker
