#include "broker/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

namespace certshare::broker {

namespace {

// The slot a refusal is counted in: the code's number, or INTERNAL for a
// number that names no code (or OK, which is not a refusal).
std::size_t RefusedSlot(ErrorCode code, std::size_t slots) {
  auto value = static_cast<std::size_t>(code);
  if (value == 0 || value >= slots || ErrorCodeName(code) == "UNKNOWN") {
    return static_cast<std::size_t>(ErrorCode::kInternal);
  }
  return value;
}

// Every defined error code, by number: each is exposed from the start (at
// 0), so rate() and alerts see the first refusal of a kind.
const std::vector<ErrorCode>& KnownCodes(std::size_t slots) {
  static const std::vector<ErrorCode> codes = [slots] {
    std::vector<ErrorCode> out;
    for (std::size_t v = 1; v < slots; ++v) {
      auto code = static_cast<ErrorCode>(v);
      if (ErrorCodeName(code) != "UNKNOWN") out.push_back(code);
    }
    return out;
  }();
  return codes;
}

void AppendUint(std::string* out, std::uint64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out->append(buf, end);
}

// Shortest text that reads back as the same double, in %g style like the
// Go client ("0.0005", "1", "2.5", "1e-05"), and the exposition format's
// spellings of the special values.
void AppendDouble(std::string* out, double value) {
  if (std::isnan(value)) {
    out->append("NaN");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
  } else {
    char buf[32];
    auto [end, ec] =
        std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general);
    out->append(buf, end);
  }
}

// Label values escape backslash, double quote and line feed. Subscription
// names come from subscribers, so this matters.
void AppendLabelValue(std::string* out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '"':
        out->append("\\\"");
        break;
      case '\n':
        out->append("\\n");
        break;
      default:
        out->push_back(c);
    }
  }
}

void AppendFamily(std::string* out, std::string_view name,
                  std::string_view type, std::string_view help) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void AppendSample(std::string* out, std::string_view name,
                  std::uint64_t value) {
  out->append(name).append(" ");
  AppendUint(out, value);
  out->append("\n");
}

void AppendLabelled(std::string* out, std::string_view name,
                    std::string_view label, std::string_view label_value,
                    std::uint64_t value) {
  out->append(name).append("{").append(label).append("=\"");
  AppendLabelValue(out, label_value);
  out->append("\"} ");
  AppendUint(out, value);
  out->append("\n");
}

template <std::size_t N>
void AppendHistogram(std::string* out, std::string_view name,
                     const std::array<double, N>& bounds,
                     const std::array<std::uint64_t, N + 1>& counts, double sum,
                     std::uint64_t count) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= N; ++i) {
    cumulative += counts[i];
    out->append(name).append("_bucket{le=\"");
    AppendDouble(out,
                 i < N ? bounds[i] : std::numeric_limits<double>::infinity());
    out->append("\"} ");
    AppendUint(out, cumulative);
    out->append("\n");
  }
  out->append(name).append("_sum ");
  AppendDouble(out, sum);
  out->append("\n");
  out->append(name).append("_count ");
  AppendUint(out, count);
  out->append("\n");
}

}  // namespace

template <std::size_t N>
void Metrics::Histogram<N>::Observe(double value) {
  if (!(value >= 0)) value = 0;  // negative or NaN: a caller's clock bug
  std::size_t i =
      std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  ++counts[i];
  sum += value;
  ++count;
}

void Metrics::RecordReceived() {
  received_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::RecordsStored(std::uint64_t n) {
  stored_.fetch_add(n, std::memory_order_relaxed);
}

void Metrics::RecordDuplicate() {
  duplicates_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::RecordRefused(ErrorCode code) {
  refused_[RefusedSlot(code, kRefusedSlots)].fetch_add(
      1, std::memory_order_relaxed);
}

void Metrics::Commit(std::uint64_t batch_size, double seconds) {
  MutexLock lock(&commit_mu_);
  commit_seconds_.Observe(seconds);
  commit_batch_.Observe(static_cast<double>(batch_size));
}

void Metrics::Delivered(const std::string& subscription) {
  MutexLock lock(&subscriptions_mu_);
  auto it = subscriptions_.find(subscription);
  if (it == subscriptions_.end())
    it = subscriptions_.emplace(subscription, SubscriptionFigures{}).first;
  ++it->second.delivered;
}

void Metrics::SetLag(const std::string& subscription, std::uint64_t lag) {
  MutexLock lock(&subscriptions_mu_);
  auto it = subscriptions_.find(subscription);
  if (it == subscriptions_.end())
    it = subscriptions_.emplace(subscription, SubscriptionFigures{}).first;
  it->second.lag = lag;
}

void Metrics::ForgetSubscription(const std::string& subscription) {
  MutexLock lock(&subscriptions_mu_);
  auto it = subscriptions_.find(subscription);
  if (it != subscriptions_.end()) subscriptions_.erase(it);
}

void Metrics::ReplyDropped() { replies_dropped_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::SetBufferedBytes(std::uint64_t n) {
  buffered_bytes_.store(n, std::memory_order_relaxed);
}

void Metrics::SetConnectedPeers(std::uint64_t n) {
  connected_peers_.store(n, std::memory_order_relaxed);
}

void Metrics::SetLastSequence(std::uint64_t seq) {
  last_sequence_.store(seq, std::memory_order_relaxed);
}

std::string Metrics::RenderPrometheus() const {
  // Snapshot what sits under locks first, then format without them.
  MutexLock commit_lock(&commit_mu_);
  const Histogram<12> seconds = commit_seconds_;
  const Histogram<11> batch = commit_batch_;
  commit_lock.Unlock();
  MutexLock subscriptions_lock(&subscriptions_mu_);
  const std::vector<std::pair<std::string, SubscriptionFigures>> subscriptions(
      subscriptions_.begin(), subscriptions_.end());
  subscriptions_lock.Unlock();

  std::string out;
  out.reserve(8192);
  AppendFamily(&out, "certshare_records_received_total", "counter",
               "PUBLISH requests received, whatever became of them.");
  AppendSample(&out, "certshare_records_received_total", received_.load());
  AppendFamily(&out, "certshare_records_stored_total", "counter",
               "New records durably stored and acknowledged.");
  AppendSample(&out, "certshare_records_stored_total", stored_.load());
  AppendFamily(&out, "certshare_records_duplicate_total", "counter",
               "Records acknowledged as duplicates of a stored record (same id "
               "and modified).");
  AppendSample(&out, "certshare_records_duplicate_total", duplicates_.load());
  AppendFamily(&out, "certshare_records_refused_total", "counter",
               "Requests refused, by stable error code (docs/errors.md).");
  for (ErrorCode code : KnownCodes(kRefusedSlots)) {
    AppendLabelled(&out, "certshare_records_refused_total", "code",
                   ErrorCodeName(code),
                   refused_[static_cast<std::size_t>(code)].load());
  }

  AppendFamily(&out, "certshare_commit_duration_seconds", "histogram",
               "Time taken by one group commit (one synced RocksDB write).");
  AppendHistogram(&out, "certshare_commit_duration_seconds", seconds.bounds,
                  seconds.counts, seconds.sum, seconds.count);
  AppendFamily(&out, "certshare_commit_batch_records", "histogram",
               "Records written by one group commit.");
  AppendHistogram(&out, "certshare_commit_batch_records", batch.bounds,
                  batch.counts, batch.sum, batch.count);

  AppendFamily(&out, "certshare_records_delivered_total", "counter",
               "Records sent to a subscription (DELIVER), by subscription "
               "<org>/<name>.");
  for (const auto& [name, figures] : subscriptions) {
    AppendLabelled(&out, "certshare_records_delivered_total", "subscription",
                   name, figures.delivered);
  }
  AppendFamily(&out, "certshare_subscription_lag_records", "gauge",
               "Records a durable subscription still has to process: sent and not "
               "acknowledged, or stored and to be sent to it (docs/broker.md, Lag).");
  for (const auto& [name, figures] : subscriptions) {
    AppendLabelled(&out, "certshare_subscription_lag_records", "subscription",
                   name, figures.lag);
  }

  AppendFamily(&out, "certshare_connected_peers", "gauge",
               "Agents connected to the broker now.");
  AppendSample(&out, "certshare_connected_peers", connected_peers_.load());
  AppendFamily(&out, "certshare_replies_dropped_total", "counter",
               "Replies discarded because their peer left too many unread.");
  AppendSample(&out, "certshare_replies_dropped_total", replies_dropped_.load());
  AppendFamily(&out, "certshare_buffered_bytes", "gauge",
               "Bytes of records received and not yet acknowledged (max_buffered_bytes).");
  AppendSample(&out, "certshare_buffered_bytes", buffered_bytes_.load());
  AppendFamily(&out, "certshare_last_sequence", "gauge",
               "Sequence number of the newest stored record (0: none).");
  AppendSample(&out, "certshare_last_sequence", last_sequence_.load());
  AppendFamily(&out, "certshare_start_time_seconds", "gauge",
               "When the broker started, in seconds since the Unix epoch.");
  AppendSample(
      &out, "certshare_start_time_seconds",
      static_cast<std::uint64_t>(std::max(0.0, std::floor(start_time_))));
  return out;
}

}  // namespace certshare::broker
