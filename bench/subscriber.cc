#include "bench/subscriber.h"

#include <thread>

#include "agent/receive/render.h"
#include "bench/records.h"
#include "common/envelope/envelope.h"

namespace certshare::bench {
namespace {

SubscriberResult Stall(agent::BrokerClient& client, const std::atomic<bool>& stop) {
  SubscriberResult result;
  while (!stop) {
    result.status = client.Ping();
    if (!result.status.ok()) break;
    for (int i = 0; i < 20 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return result;
}

}  // namespace

SubscriberResult RunSubscriber(agent::BrokerClient& client, const SubscriberOptions& options,
                               const identity::Identity& me, const identity::Registry& registry,
                               const SendTimes* sent, const std::atomic<bool>& stop) {
  if (options.stalled) return Stall(client, stop);
  SubscriberResult result;
  std::uint32_t unacknowledged = 0;
  const std::uint32_t grant = std::max<std::uint32_t>(1, options.credit / 2);
  // As certshare subscribe's feed does: a batch's signature is checked
  // once, each origin's shared key computed once.
  envelope::VerifiedRoots verified_roots;
  envelope::SharedKeys shared_keys;
  agent::VerifyOptions verify;
  verify.memory = {&verified_roots, &shared_keys};
  while ((options.expect == 0 || result.received < options.expect) && !stop) {
    Result<agent::Received> next = client.Next(options.idle_timeout);
    if (!next.ok()) {
      result.status = next.status();
      break;
    }
    const wire::Message& m = next->msg;
    if (m.command == wire::Command::kCaughtUp && options.expect == 0) break;
    if (m.command == wire::Command::kError) {
      result.status = Status(m.error, "the broker ended the subscription: " + m.text);
      break;
    }
    if (m.command != wire::Command::kDeliver) continue;

    const Clock::time_point arrived = Clock::now();
    if (result.received++ == 0) result.first = arrived;
    result.last = arrived;
    std::string stix_id;
    if (options.verify) {
      Result<agent::Verified> verified = agent::Verify(m.sequence, m.record, me, registry, verify);
      if (verified.ok()) {
        stix_id = verified->id;
      } else {
        ++result.rejected;
      }
    } else if (Result<envelope::Record> record = envelope::Decode(m.record); record.ok()) {
      stix_id = record->header.stix_id;
    }
    if (sent != nullptr) {
      if (std::optional<std::size_t> number = RecordNumber(stix_id)) {
        if (std::optional<double> ms = sent->MillisTo(*number, arrived)) {
          result.latency_ms.push_back(*ms);
        }
      }
    }
    if (++unacknowledged >= grant) {
      result.status = client.Acknowledge(m.sequence, unacknowledged);
      if (!result.status.ok()) break;
      unacknowledged = 0;
    }
  }
  return result;
}

}  // namespace certshare::bench
