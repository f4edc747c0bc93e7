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
  // Where the next line starts: the byte offset in the stream just after
  // this line's '\n' (or its end, for a last line without one). A
  // followed file resumes there (follow.h, FilePosition).
  std::uint64_t end = 0;
  // A followed file's identity (st_dev, st_ino); 0 for other inputs.
  std::uint64_t file_dev = 0;
  std::uint64_t file_ino = 0;
};

class LineSplitter {
 public:
  // `start`: the stream's offset of the first byte fed (a file resumed in
  // the middle), for Line::end.
  explicit LineSplitter(std::size_t max_line_bytes, std::uint32_t stream = 0,
                        std::uint64_t start = 0)
      : max_(max_line_bytes), stream_(stream), offset_(start) {}

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
  // The next byte fed is at `offset` of the stream (a reader that moved:
  // started at a file's end, or went back to the start of a truncated one).
  void Rebase(std::uint64_t offset) { offset_ = offset; }

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
  std::uint64_t offset_ = 0;  // of the next byte to be fed
};

}  // namespace certshare::agent::sensor
