// certshare::broker::Backlog — what one durable subscription still has to
// process: its lag (docs/broker.md, "Lag"). That is the records sent to it
// and not yet acknowledged, plus the records after the fan-out's position
// that it would be sent (its organisation may receive them and they pass
// its filter). Records it would never be sent do not count, so a
// subscriber that is caught up has a lag of 0 however many records others
// receive.
//
// The fan-out reports what it sends and how far it has looked (Sent,
// Reached); the acknowledgements come from CONSUMED (Acknowledged). The
// records the fan-out has not reached yet (a subscriber without credit)
// are looked at separately, a bounded batch at a time (CountFrom, Count);
// until that count reaches the head, the records not yet looked at are
// counted as if they would be sent, so the lag is never under-stated.
//
// Memory: one sequence per record sent and not acknowledged, at most
// kMaxUnacknowledged (the fan-out sends nothing more to a subscription
// holding that many; docs/protocol.md, "Subscribe").
//
// Thread-safety: the broker's socket thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace certshare::broker {

class Backlog {
 public:
  // Records sent and not yet acknowledged a subscription may hold (8 MiB
  // of sequences). Above `certshare subscribe --roll-count` (1,000,000 at
  // most) plus its largest credit (8,192), so that the agent never waits
  // on it.
  static constexpr std::size_t kMaxUnacknowledged = 1u << 20;

  // A subscription that starts after `position` (its first sequence - 1).
  explicit Backlog(std::uint64_t position = 0) : counted_(position) {}

  // The fan-out sent `sequence` (ascending).
  void Sent(std::uint64_t sequence);
  // The fan-out has looked at every record below `next` (it sent or
  // skipped each).
  void Reached(std::uint64_t next);
  // CONSUMED: everything up to `upto` is processed.
  void Acknowledged(std::uint64_t upto);

  // The first sequence the count has not looked at yet.
  std::uint64_t CountFrom() const { return counted_ + 1; }
  // The count looked at `sequence` (at or after CountFrom(), ascending):
  // whether the subscription would be sent it.
  void Count(std::uint64_t sequence, bool would_send);

  // The lag when the log's last sequence is `head`.
  std::uint64_t Lag(std::uint64_t head) const;
  // Records sent and not yet acknowledged.
  std::size_t unacknowledged() const { return sent_.size(); }
  bool Full() const { return sent_.size() >= kMaxUnacknowledged; }

 private:
  std::deque<std::uint64_t> sent_;  // sent, not acknowledged; ascending
  std::uint64_t counted_;           // every sequence up to here was looked at
  std::uint64_t ahead_ = 0;         // would be sent, not sent yet, <= counted_
};

}  // namespace certshare::broker
