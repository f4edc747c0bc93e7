#include "agent/link/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace certshare::agent {

namespace {

std::string Hms(std::uint64_t seconds) {
  char buf[32];
  if (seconds >= 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu",
                  static_cast<unsigned long long>(seconds / 3600),
                  static_cast<unsigned long long>(seconds / 60 % 60),
                  static_cast<unsigned long long>(seconds % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(seconds / 60),
                  static_cast<unsigned long long>(seconds % 60));
  }
  return buf;
}

}  // namespace

std::string FormatProgress(std::uint64_t done, std::uint64_t total,
                           std::chrono::milliseconds elapsed, std::size_t width) {
  done = std::min(done, total);
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(width));
  std::string line = "[" + std::string(filled, '#') + std::string(width - filled, '-') + "]  ";
  line += std::to_string(done) + "/" + std::to_string(total) + "  ";
  line += std::to_string(static_cast<int>(fraction * 100)) + "%";
  if (done > 0 && elapsed.count() >= 1000) {
    const double rate = static_cast<double>(done) * 1000.0 / static_cast<double>(elapsed.count());
    line += "  " + std::to_string(static_cast<std::uint64_t>(rate + 0.5)) + "/s";
    const auto eta = static_cast<std::uint64_t>(static_cast<double>(total - done) / rate + 0.5);
    line += "  ETA " + Hms(eta);
  }
  return line;
}

ProgressBar::ProgressBar(std::ostream& out, std::string label, std::uint64_t total,
                         bool enabled)
    : out_(out), label_(std::move(label)), total_(total), enabled_(enabled) {}

void ProgressBar::Update(std::uint64_t done) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
  last_draw_ = now;
  drawn_ = true;
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start_);
  out_ << "\r\033[K" << label_ << " " << FormatProgress(done, total_, elapsed) << std::flush;
}

void ProgressBar::Finish() {
  if (!enabled_ || !drawn_) return;
  out_ << "\r\033[K" << std::flush;
  drawn_ = false;
  enabled_ = false;
}

bool IsTerminal(int fd) { return ::isatty(fd) == 1; }

}  // namespace certshare::agent
