#include "bench/publisher.h"

#include <deque>
#include <unordered_map>

namespace certshare::bench {

std::optional<double> SendTimes::MillisTo(std::size_t number, Clock::time_point at) const {
  if (number >= count_) return std::nullopt;
  const std::int64_t sent = ns_[number].load(std::memory_order_acquire);
  if (sent == 0) return std::nullopt;
  return static_cast<double>(at.time_since_epoch().count() - sent) / 1e6;
}

PublisherResult RunPublisher(agent::BrokerClient& client, RecordSource& source,
                             const PublisherOptions& options, SendTimes* sent) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  struct Pending {
    std::size_t number;
    Bytes record;
  };
  PublisherResult result;
  std::deque<Pending> to_send;
  std::unordered_map<std::uint64_t, Pending> in_flight;  // by correlation
  bool source_done = false;
  const auto interval = options.rate > 0 ? std::chrono::duration_cast<Clock::duration>(
                                               std::chrono::duration<double>(1.0 / options.rate))
                                         : Clock::duration::zero();
  Clock::time_point next_send = Clock::now();

  while (true) {
    // Send what the window (and the schedule) allows.
    while (in_flight.size() < options.window) {
      if (to_send.empty() && !source_done) {
        std::optional<SealedBatch> batch = source.Next();
        if (!batch) {
          source_done = true;
        } else {
          for (std::size_t i = 0; i < batch->records.size(); ++i) {
            to_send.push_back({batch->first + i, std::move(batch->records[i])});
          }
        }
      }
      if (to_send.empty()) break;
      const Clock::time_point now = Clock::now();
      if (options.rate > 0 && now < next_send) break;
      Result<std::uint64_t> correlation = client.SendPublish(to_send.front().record);
      if (!correlation.ok()) {
        result.status = correlation.status();
        return result;
      }
      if (sent != nullptr) sent->Mark(to_send.front().number, now);
      in_flight.emplace(*correlation, std::move(to_send.front()));
      to_send.pop_front();
      next_send += interval;
    }
    if (in_flight.empty() && to_send.empty() && source_done) break;

    // Wait for an answer, or for the next scheduled send.
    milliseconds wait(30000);
    if (options.rate > 0 && !to_send.empty()) {
      wait = std::max(milliseconds(0), duration_cast<milliseconds>(next_send - Clock::now()));
    }
    Result<agent::Received> next = client.Next(wait);
    if (!next.ok()) {
      if (next.status().code() == ErrorCode::kTimeout && wait < milliseconds(30000)) continue;
      result.status = next.status();
      return result;
    }
    const wire::Message& m = next->msg;
    auto it = in_flight.find(m.correlation);
    if (it == in_flight.end()) continue;  // a PONG, a heartbeat
    if (m.command == wire::Command::kAck) {
      ++result.acked;
      result.last_ack = Clock::now();
      in_flight.erase(it);
    } else if (m.command == wire::Command::kError && m.error == ErrorCode::kBusy) {
      ++result.busy;
      to_send.push_front(std::move(it->second));
      in_flight.erase(it);
    } else if (m.command == wire::Command::kError) {
      result.status = Status(m.error, "the broker refused a record: " + m.text);
      return result;
    }
  }
  return result;
}

}  // namespace certshare::bench
