// certshare::broker::Tail — the records stored last, held in memory with
// their decoded routing header and their DELIVER frame, so that the
// fan-out serves subscribers at the head of the log without reading or
// decoding anything: each record is decoded once (by the ingest worker
// that checked it) and its DELIVER encoded once, however many
// subscribers receive it. Subscribers further behind are served from
// storage (fanout.cc).
//
// The tail holds consecutive sequences only, and at most `max_bytes`
// (Cost), or the last record alone if it is larger: appending evicts the
// oldest first. A record that does not follow the last one empties it.
// With `max_bytes` 0 it holds nothing.
//
// Thread-safety: not thread-safe; the broker's socket thread owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "common/base/bytes.h"
#include "common/envelope/envelope.h"

namespace certshare::broker {

class Tail {
 public:
  struct Entry {
    envelope::Header header;
    Bytes deliver;  // wire::EncodeDeliver(0, sequence, record)
    std::size_t cost = 0;
  };

  // max_bytes 0: holds nothing.
  explicit Tail(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // What an entry is counted as: its frame, its header's strings and key
  // slots, and the bookkeeping around them.
  static std::size_t Cost(const envelope::Header& header, std::size_t deliver_bytes);

  void Append(std::uint64_t sequence, envelope::Header header, Bytes deliver);

  bool empty() const { return entries_.empty(); }
  // The sequences held: [first(), last()]. Only when !empty().
  std::uint64_t first() const { return first_; }
  std::uint64_t last() const { return first_ + entries_.size() - 1; }
  bool Holds(std::uint64_t sequence) const {
    return !entries_.empty() && sequence >= first_ && sequence <= last();
  }
  // REQUIRES: Holds(sequence).
  const Entry& At(std::uint64_t sequence) const { return entries_[sequence - first_]; }
  std::size_t bytes() const { return bytes_; }

 private:
  const std::size_t max_bytes_;
  std::deque<Entry> entries_;
  std::uint64_t first_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace certshare::broker
