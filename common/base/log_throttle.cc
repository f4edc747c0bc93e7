#include "common/base/log_throttle.h"

namespace certshare {

void LogThrottle::Close(const std::string& key, Window& w) {
  if (w.suppressed > 0) reported_.push_back({key, w.suppressed});
  w.suppressed = 0;
}

void LogThrottle::CloseEnded(Clock::time_point now) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (Ended(it->second, now)) {
      Close(it->first, it->second);
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
}

bool LogThrottle::Allow(std::string_view key, Clock::time_point now) {
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    // Make room from windows that ended; else count against the overflow
    // key (which is always allowed to exist).
    if (windows_.size() >= options_.max_keys) CloseEnded(now);
    if (windows_.size() >= options_.max_keys) key = kOverflowKey;
    it = windows_.find(key);
    if (it == windows_.end()) it = windows_.emplace(std::string(key), Window{now}).first;
  }
  Window& w = it->second;
  if (Ended(w, now)) {
    Close(it->first, w);
    w = Window{now};
  }
  if (w.written < options_.lines_per_interval) {
    ++w.written;
    return true;
  }
  ++w.suppressed;
  return false;
}

std::vector<LogThrottle::Suppressed> LogThrottle::TakeSuppressed(Clock::time_point now) {
  CloseEnded(now);
  std::vector<Suppressed> out;
  out.swap(reported_);
  return out;
}

}  // namespace certshare
