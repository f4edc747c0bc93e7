#include "broker/backlog.h"

namespace certshare::broker {

void Backlog::Sent(std::uint64_t sequence) {
  sent_.push_back(sequence);
  // Counted ahead of the fan-out: it is no longer ahead.
  if (sequence <= counted_ && ahead_ > 0) --ahead_;
}

void Backlog::Reached(std::uint64_t next) {
  if (next == 0 || next - 1 <= counted_) return;
  // The fan-out looked further than the count: whatever it would send up
  // to there, it has sent.
  counted_ = next - 1;
  ahead_ = 0;
}

void Backlog::Acknowledged(std::uint64_t upto) {
  while (!sent_.empty() && sent_.front() <= upto) sent_.pop_front();
}

void Backlog::Count(std::uint64_t sequence, bool would_send) {
  if (sequence <= counted_) return;
  counted_ = sequence;
  if (would_send) ++ahead_;
}

std::uint64_t Backlog::Lag(std::uint64_t head) const {
  const std::uint64_t not_counted = head > counted_ ? head - counted_ : 0;
  return sent_.size() + ahead_ + not_counted;
}

}  // namespace certshare::broker
