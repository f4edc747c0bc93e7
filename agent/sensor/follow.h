// certshare::agent::sensor — where a sensor's lines come from:
//
//   "-"               standard input, until its end
//   "unix:/path"      a Unix stream socket the sensor listens on (Suricata's
//                     eve-log `filetype: unix_stream` connects to it): any
//                     number of writers in turn or together, each
//                     connection read line by line
//   any other text    a file, followed like `tail -F`
//
// Following a file:
//   - It starts at the end of the file (what is already there is not
//     sent), or at the beginning with InputOptions::from_beginning. A file
//     that does not exist yet is waited for and read from its beginning.
//   - Rename and recreate (logrotate's default, Suricata reopening on
//     SIGHUP): when the path names a new file, the old one is read to its
//     end, then the new one from its beginning.
//   - Copy and truncate (logrotate's copytruncate): when the file becomes
//     shorter than what was read, reading starts again at its beginning.
//     (A file truncated and refilled past the old length between two
//     polls is not noticed: as with tail -F, use rename where possible.)
//   - A line is delivered only once its '\n' is written: a writer's
//     partial line waits. At a rename, a partial line left at the end of
//     the old file is delivered as it is (the writer has moved on).
//   - When idle it looks for data and rotation every InputOptions::poll.
//   - Resuming (InputOptions::resume, what `certshare sensor` saved after
//     its last spooled batch): the same file (device and inode) is read
//     from the saved offset (from its beginning if it is now shorter:
//     truncated); if the path names another file, the file read before
//     is looked for in the same folder (a rotation while the sensor was
//     stopped: eve.json.1, ...) and read to its end from the saved offset,
//     then the path's file from its beginning; if it is gone, the path's
//     file is read from its beginning, with a notice. from_beginning
//     ignores the saved position.
//
// Lines are numbered from 1 within a stream: Line::stream is 0 for
// standard input, the file's generation for a followed file (1, then 2
// after the first rotation, ...), the connection number for a socket.
// Describe() names a line for messages ("eve.json (file 2) line 17").
//
// Thread-safety: one thread at a time, except name() and Describe(), which
// read only what is fixed at construction and may be called from any
// thread (the pipeline's sealer reports lines with them).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/sensor/line_splitter.h"
#include "common/base/status.h"

namespace certshare::agent::sensor {

// Where a followed file was left: its identity and the offset just after
// the last line taken (Line::end).
struct FilePosition {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::uint64_t offset = 0;
};

struct InputOptions {
  // Longest line kept, in bytes; longer lines are reported and skipped.
  // Default 1 MiB: an EVE alert with payload and packet logging is a few
  // KiB, and a bundle line this size is already unusually large.
  std::size_t max_line_bytes = 1u << 20;
  // A followed file: how often to look for new data and rotation while
  // idle. Default 100 ms, which bounds the added latency; lower costs only
  // a stat() per poll.
  std::chrono::milliseconds poll{100};
  // A followed file: read what is already in the file at start. Default
  // off, like tail -F. Records made from the same line have the same ids,
  // so re-reading a file publishes nothing twice.
  bool from_beginning = false;
  // A socket: most connections open at once; further ones are closed at
  // once with a notice. Default 64.
  std::size_t max_connections = 64;
  // A socket: its file mode. Default 0600, the owner only: whoever can
  // connect has events published, signed by this organisation. 0660 lets
  // the socket's group in (e.g. a Suricata running as another user in a
  // group shared with the sensor).
  unsigned socket_mode = 0600;
  // A followed file: where to resume (see above). Default none.
  std::optional<FilePosition> resume;
};

class LineSource {
 public:
  virtual ~LineSource() = default;

  // Waits at most `timeout` for input, then appends the complete lines
  // read to *out (about `max_lines` at most; returns as soon as it has
  // some). OK with nothing appended when the time passed. An error is an
  // input that cannot go on (a read error on standard input).
  virtual Status Read(std::chrono::milliseconds timeout, std::size_t max_lines,
                      std::vector<Line>* out) = 0;
  // True once no more lines can come: standard input has ended. A followed
  // file and a socket never end.
  virtual bool ended() const { return false; }
  // Things an operator should know, since the last call: a rotation, a
  // truncation, a connection refused or closed mid-line.
  virtual std::vector<std::string> TakeNotices() { return {}; }
  // "standard input", the file's path, "unix:/path".
  virtual std::string name() const = 0;
  // Where reading started, for the sensor's start-up line; "" when there
  // is nothing to say (standard input, a socket). A followed file: "at its
  // end: the 5120 bytes it holds are skipped (--from-beginning reads
  // them)", "from its beginning", "from its beginning once it exists", or
  // "where the last run left it".
  virtual std::string start() const { return ""; }
  // How to name a line in a message.
  virtual std::string Describe(const Line& line) const;
};

// Opens the input named by `spec` (see above). Errors: kInvalidArgument for
// an empty spec or a socket path too long for a socket address;
// kAlreadyExists when the socket path is taken (by something that is not
// a socket, or by a socket another process listens on); kIoError for a
// system call that failed.
Result<std::unique_ptr<LineSource>> OpenInput(std::string_view spec,
                                              const InputOptions& options = {});

// The three kinds, for tests and callers that know which they want.
std::unique_ptr<LineSource> FollowFile(const std::string& path, const InputOptions& options);
// Reads file descriptor `fd` (not closed) until its end; `name` is for
// messages.
std::unique_ptr<LineSource> ReadStream(int fd, std::string name, const InputOptions& options);
Result<std::unique_ptr<LineSource>> ListenUnix(const std::string& path,
                                               const InputOptions& options);

}  // namespace certshare::agent::sensor
