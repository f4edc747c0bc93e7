#include "bench/process_stats.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace certshare::bench {

ProcessSampler::~ProcessSampler() {
  stop_ = true;
  if (sampler_.joinable()) sampler_.join();
}

void ProcessSampler::Start() {
  if (pid_ == 0) return;
  start_ticks_ = ReadThreads();
  start_ = std::chrono::steady_clock::now();
  rss_peak_ = ReadRss();
  sampler_ = std::thread([this] {
    while (!stop_) {
      rss_peak_ = std::max<std::uint64_t>(rss_peak_, ReadRss());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
}

ProcessStats ProcessSampler::Stop() {
  ProcessStats stats;
  if (pid_ == 0) return stats;
  stop_ = true;
  if (sampler_.joinable()) sampler_.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
  stats.rss_end_bytes = ReadRss();
  stats.rss_peak_bytes = std::max<std::uint64_t>(rss_peak_, stats.rss_end_bytes);
  for (const auto& [tid, now] : ReadThreads()) {
    auto before = start_ticks_.find(tid);
    const std::uint64_t used = now.second - (before == start_ticks_.end() ? 0 : before->second.second);
    const double percent = seconds > 0 ? 100.0 * static_cast<double>(used) / ticks_per_second / seconds : 0;
    stats.cpu_percent += percent;
    stats.busiest.push_back({tid, tid == pid_ ? "main" : now.first, percent});
  }
  std::sort(stats.busiest.begin(), stats.busiest.end(),
            [](const ThreadCpu& a, const ThreadCpu& b) { return a.cpu_percent > b.cpu_percent; });
  if (stats.busiest.size() > 6) stats.busiest.resize(6);
  return stats;
}

// Each thread's name and utime + stime in clock ticks (proc(5): the name is
// field 2 in parentheses, and may hold spaces; utime and stime are fields
// 14 and 15).
ProcessSampler::Ticks ProcessSampler::ReadThreads() const {
  Ticks ticks;
  std::error_code ec;
  const std::string dir = "/proc/" + std::to_string(pid_) + "/task";
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    std::uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    const pid_t tid = static_cast<pid_t>(std::stol(entry.path().filename().string()));
    ticks[tid] = {line.substr(open + 1, close - open - 1), utime + stime};
  }
  return ticks;
}

std::uint64_t ProcessSampler::ReadRss() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string key;
  std::uint64_t kib = 0;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> kib;
      return kib * 1024;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

}  // namespace certshare::bench
