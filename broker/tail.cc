#include "broker/tail.h"

#include <utility>

namespace certshare::broker {

std::size_t Tail::Cost(const envelope::Header& header, std::size_t deliver_bytes) {
  std::size_t cost = sizeof(Entry) + deliver_bytes + header.stix_type.size() +
                     header.stix_id.size() + header.modified.size() + header.origin.size();
  for (const auto& r : header.recipients) cost += sizeof(r) + r.size();
  for (const auto& t : header.topics) cost += sizeof(t) + t.size();
  for (const auto& slot : header.slots) cost += sizeof(slot) + slot.org.size();
  return cost;
}

void Tail::Append(std::uint64_t sequence, envelope::Header header, Bytes deliver) {
  if (max_bytes_ == 0) return;
  const std::size_t cost = Cost(header, deliver.size());
  if (!entries_.empty() && sequence != last() + 1) {
    entries_.clear();
    bytes_ = 0;
  }
  while (!entries_.empty() && bytes_ + cost > max_bytes_) {
    bytes_ -= entries_.front().cost;
    entries_.pop_front();
    ++first_;
  }
  if (entries_.empty()) first_ = sequence;
  entries_.push_back(Entry{std::move(header), std::move(deliver), cost});
  bytes_ += cost;
}

}  // namespace certshare::broker
