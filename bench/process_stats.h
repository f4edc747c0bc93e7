// certshare bench: what a server process costs while a benchmark drives
// it, read from /proc: its peak resident memory (sampled every 100 ms) and
// the CPU each of its threads used (utime + stime of /proc/<pid>/task/*/stat
// between Start and Stop). Used by every driver (certshare_loadgen,
// rabbitmq_bench, redis_bench) so the figures are read the same way.
//
// Thread-safety: Start and Stop from one thread; the sampler runs on its
// own thread in between.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace certshare::bench {

struct ThreadCpu {
  pid_t tid = 0;
  std::string name;  // /proc/<pid>/task/<tid>/comm; "main" for the first thread
  double cpu_percent = 0;  // of one core, over the sampled interval
};

struct ProcessStats {
  std::uint64_t rss_peak_bytes = 0;  // highest VmRSS seen
  std::uint64_t rss_end_bytes = 0;
  double cpu_percent = 0;           // every thread together, of one core
  std::vector<ThreadCpu> busiest;   // busiest first, at most 6
};

class ProcessSampler {
 public:
  // pid 0: samples nothing (Stop returns an empty ProcessStats).
  explicit ProcessSampler(pid_t pid) : pid_(pid) {}
  ~ProcessSampler();
  void Start();
  ProcessStats Stop();

 private:
  using Ticks = std::map<pid_t, std::pair<std::string, std::uint64_t>>;
  Ticks ReadThreads() const;
  std::uint64_t ReadRss() const;

  pid_t pid_;
  Ticks start_ticks_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> rss_peak_{0};
  std::thread sampler_;
};

}  // namespace certshare::bench
