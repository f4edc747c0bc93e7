// certshare::agent::sensor::LineSplitter — cuts a byte stream into lines
// for the sensor's inputs (agent/sensor/follow.h).
//
// A line ends at '\n'; a '\r' before it is dropped. Bytes after the last
// '\n' wait (a partial line) until more bytes complete them, or Finish
// delivers them at the end of the stream. A line longer than
// `max_line_bytes` is not kept: it is delivered as a Line with too_long set
// and empty text, so the caller reports it and a huge line cannot exhaust
// memory.
//
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace certshare::agent::sensor {

struct Line {
  std::string text;           // without the newline
  std::uint64_t number = 0;   // 1-based, within its stream
  std::uint32_t stream = 0;   // which stream of the input (see follow.h)
  bool too_long = false;      // longer than the limit; text is empty
};

class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line_bytes, std::uint32_t stream = 0)
      : max_(max_line_bytes), stream_(stream) {}

  // Consumes `bytes`; appends each line they complete to *out.
  void Feed(std::string_view bytes, std::vector<Line>* out);
  // End of the stream: the partial line, if any, becomes a line.
  void Finish(std::vector<Line>* out);
  // Drops the partial line (the file was truncated under it); returns
  // whether there was one.
  bool DropPartial();
  // Ignores everything up to and including the next '\n' without
  // reporting it (a reader that starts in the middle of a line).
  void SkipToNextLine() { skipping_ = true; }

  bool has_partial() const { return !partial_.empty() || oversize_; }
  std::uint64_t lines() const { return number_; }

 private:
  void Emit(std::vector<Line>* out);

  std::size_t max_;
  std::uint32_t stream_;
  std::string partial_;
  bool oversize_ = false;  // the current line passed max_; its bytes are dropped
  bool skipping_ = false;
  std::uint64_t number_ = 0;
};

}  // namespace certshare::agent::sensor
