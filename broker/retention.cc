// Retention: a background thread removes records older than
// retention_max_age_seconds and the oldest ones while the log holds more
// than retention_max_bytes (storage::Log::ApplyRetention). Subscribers
// positioned before what remains are told so (POSITION_REMOVED).

#include "broker/broker.h"
#include "broker/logger.h"
#include "common/base/thread_name.h"

namespace certshare::broker {

void Broker::StartRetention() {
  if (options_.retention_max_age_seconds == 0 && options_.retention_max_bytes == 0) return;
  storage::RetentionPolicy policy;
  policy.max_age_ms = options_.retention_max_age_seconds * 1000;
  policy.max_bytes = options_.retention_max_bytes;
  auto interval = std::chrono::seconds(options_.retention_interval_seconds);
  retention_thread_ = std::thread([this, policy, interval] {
    SetThreadName("retention");
    MutexLock lock(&retention_mu_);
    while (!retention_stop_) {
      lock.Unlock();
      auto now_ms = static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count());
      auto removed = log_->ApplyRetention(policy, now_ms);
      if (!removed.ok()) {
        Logger()->error("retention failed: {}", removed.status().ToString());
      } else if (*removed > 0) {
        Logger()->info("retention removed {} records; oldest now {}", *removed,
                       log_->FirstSequence());
      }
      lock.Lock();
      const auto until = std::chrono::steady_clock::now() + interval;
      while (!retention_stop_) {
        if (!retention_cv_.WaitUntil(&retention_mu_, until)) break;  // the interval passed
      }
    }
  });
}

void Broker::StopRetention() {
  {
    MutexLock lock(&retention_mu_);
    retention_stop_ = true;
  }
  retention_cv_.SignalAll();
  if (retention_thread_.joinable()) retention_thread_.join();
}

}  // namespace certshare::broker
