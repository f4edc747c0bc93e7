// certshare::LogThrottle — decides which of many alike log lines to write,
// so that a flood of refusals (from one misbehaving peer, or many) cannot
// flood the log: at most `lines_per_interval` lines per key in each
// `interval`; the rest are only counted, and TakeSuppressed reports, once
// per key and interval, how many were left out ("N more ... not logged").
//
// A key names one kind of line, e.g. an organisation and an error code.
// At most `max_keys` are tracked at a time; lines of further keys share
// kOverflowKey, so memory stays bounded whatever the keys are (network
// addresses chosen by strangers).
//
// Thread-safety: none; each thread that logs keeps its own LogThrottle.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace certshare {

class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    // Lines written per key and interval before the rest are counted.
    // Default 10: enough to see what is happening, too few to fill a disk.
    std::size_t lines_per_interval = 10;
    // Default 60 s: a misbehaving peer is summarised once a minute.
    Clock::duration interval = std::chrono::seconds(60);
    // Keys tracked at once. Default 1,024.
    std::size_t max_keys = 1024;
  };
  // The key that lines of keys beyond max_keys are counted against.
  static constexpr std::string_view kOverflowKey = "(other)";

  LogThrottle() : LogThrottle(Options{}) {}
  explicit LogThrottle(Options options) : options_(options) {}

  // True: write the line. False: it is counted against `key` (or
  // kOverflowKey) and reported by TakeSuppressed once its interval ends.
  bool Allow(std::string_view key, Clock::time_point now = Clock::now());

  struct Suppressed {
    std::string key;
    std::uint64_t count = 0;
  };
  // Each key whose interval has ended with lines left out, with how many;
  // every left-out line is reported exactly once. Call it regularly (the
  // broker does on every turn of its loop).
  std::vector<Suppressed> TakeSuppressed(Clock::time_point now = Clock::now());

  const Options& options() const { return options_; }

 private:
  struct Window {
    Clock::time_point start;
    std::uint64_t written = 0;
    std::uint64_t suppressed = 0;
  };
  bool Ended(const Window& w, Clock::time_point now) const {
    return now - w.start >= options_.interval;
  }
  // Moves what `w` left out to reported_.
  void Close(const std::string& key, Window& w);
  // Closes and forgets every window that has ended.
  void CloseEnded(Clock::time_point now);

  Options options_;
  std::map<std::string, Window, std::less<>> windows_;
  std::vector<Suppressed> reported_;
};

}  // namespace certshare
