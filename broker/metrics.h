// certshare::broker::Metrics — the broker's counters, gauges and
// histograms, exposed in the Prometheus text format (docs/operations.md,
// "Metrics", lists every metric).
//
// Thread-safety: every method may be called from any thread. Cheap enough
// for the hot path: counters and gauges are one relaxed atomic operation;
// Commit and the per-subscription calls take a short leaf lock (commit_mu_
// or subscriptions_mu_, never both, nothing called while held) and
// allocate only for a subscription not seen before. RenderPrometheus
// copies under those locks and formats outside them.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "common/base/error_code.h"
#include "common/base/mutex.h"

namespace certshare::broker {

class Metrics {
 public:
  // Ingest.
  void RecordReceived();                // a PUBLISH arrived
  void RecordsStored(std::uint64_t n);  // new records durably stored
  void RecordDuplicate();               // acknowledged as duplicate
  void RecordRefused(ErrorCode code);   // refused, by error code
  // One group commit: how many records it held and how long the synced
  // write took.
  void Commit(std::uint64_t batch_size, double seconds);

  // Fan-out.
  void Delivered(const std::string& subscription);  // one DELIVER sent
  // What a durable subscription still has to process (broker/backlog.h).
  void SetLag(const std::string& subscription, std::uint64_t lag);
  void ForgetSubscription(const std::string& subscription);
  void SetConnectedPeers(std::uint64_t n);
  void SetLastSequence(std::uint64_t seq);
  // A reply discarded because its connection left connection_queue_bytes
  // of replies unread (a peer that sends and never reads; docs/broker.md,
  // "Limits").
  void ReplyDropped();
  std::uint64_t replies_dropped() const { return replies_dropped_.load(); }
  // Bytes of records received and not yet acknowledged now
  // (broker::Budget).
  void SetBufferedBytes(std::uint64_t n);
  std::uint64_t buffered_bytes() const { return buffered_bytes_.load(); }

  // The Prometheus text exposition format (version 0.0.4). The same
  // figures for a person: broker/tools/metrics_text.h.
  std::string RenderPrometheus() const;

 private:
  // Refusals are counted in a flat array indexed by the code's number, so
  // RecordRefused is one atomic add. Codes are below 600 (error_code.h);
  // anything else is counted as INTERNAL.
  static constexpr std::size_t kRefusedSlots = 600;

  // Upper bounds of the histograms' buckets. They are part of the metrics'
  // meaning: changing them breaks queries over stored history.
  // Commit latency, seconds: a synced RocksDB write takes about 1 ms on an
  // SSD, tens of ms on a spinning disk; seconds mean a struggling device.
  static constexpr std::array<double, 12> kCommitSecondsBounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  // Records per group commit, up to IngestOptions::max_batch (1024).
  static constexpr std::array<double, 11> kCommitBatchBounds = {
      1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  // A histogram with fixed upper bounds. counts[i] holds the observations
  // in (bounds[i-1], bounds[i]]; counts[N] those above the last bound.
  // Rendering makes them cumulative.
  template <std::size_t N>
  struct Histogram {
    explicit Histogram(const std::array<double, N>& b) : bounds(b) {}
    void Observe(double value);

    const std::array<double, N> bounds;
    std::array<std::uint64_t, N + 1> counts{};
    double sum = 0;
    std::uint64_t count = 0;
  };

  struct SubscriptionFigures {
    std::uint64_t delivered = 0;
    std::uint64_t lag = 0;
  };

  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> stored_{0};
  std::atomic<std::uint64_t> duplicates_{0};
  std::array<std::atomic<std::uint64_t>, kRefusedSlots> refused_{};
  std::atomic<std::uint64_t> connected_peers_{0};
  std::atomic<std::uint64_t> last_sequence_{0};
  std::atomic<std::uint64_t> replies_dropped_{0};
  std::atomic<std::uint64_t> buffered_bytes_{0};
  const double start_time_ =
      std::chrono::duration<double>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();

  mutable Mutex commit_mu_;
  Histogram<12> commit_seconds_ GUARDED_BY(commit_mu_){kCommitSecondsBounds};
  Histogram<11> commit_batch_ GUARDED_BY(commit_mu_){kCommitBatchBounds};

  mutable Mutex subscriptions_mu_;
  // By "<org>/<name>". std::less<> so lookups take the caller's string
  // without copying it.
  std::map<std::string, SubscriptionFigures, std::less<>> subscriptions_
      GUARDED_BY(subscriptions_mu_);
};

}  // namespace certshare::broker
