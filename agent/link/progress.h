// certshare::agent::ProgressBar — one line on a terminal for long work
// (publishing a large bundle, flushing a spool): done/total, percentage,
// rate and remaining time, redrawn in place at most ten times a second.
//
// Only for people: a bar that is not enabled (standard error is not a
// terminal) writes nothing, so scripts and logs never see carriage
// returns. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace certshare::agent {

// "[########----------------]  4210/10000  42%  1850/s  ETA 0:03": the bar
// is `width` characters; the rate and ETA are left out until a second has
// passed or something is done (no meaningless "0/s").
std::string FormatProgress(std::uint64_t done, std::uint64_t total,
                           std::chrono::milliseconds elapsed, std::size_t width = 24);

class ProgressBar {
 public:
  // `enabled` is normally IsTerminal(stderr); `label` starts the line.
  ProgressBar(std::ostream& out, std::string label, std::uint64_t total, bool enabled);
  ~ProgressBar() { Finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Update(std::uint64_t done);
  // Clears the line (once). Call before printing the summary.
  void Finish();

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& out_;
  std::string label_;
  std::uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_{};
};

// Whether file descriptor `fd` is a terminal.
bool IsTerminal(int fd);

}  // namespace certshare::agent
