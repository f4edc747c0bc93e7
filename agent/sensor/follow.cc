// Following a file like `tail -F` (see follow.h), and choosing an input.
#include "agent/sensor/follow.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

namespace certshare::agent::sensor {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kChunk = 64 * 1024;

class FileFollower final : public LineSource {
 public:
  FileFollower(std::string path, const InputOptions& options)
      : path_(std::move(path)), options_(options), splitter_(options.max_line_bytes, 1) {
    if (options_.resume && !options_.from_beginning) {
      first_open_ = false;  // the saved position decides, not "at start"
      start_ = "where the last run left it";
      Resume(*options_.resume);
    } else {
      Open();  // "at start" is now: what the file holds now is skipped (unless from_beginning)
      if (fd_ < 0) start_ = "from its beginning once it exists";
    }
  }
  ~FileFollower() override { Close(); }

  Status Read(milliseconds timeout, std::size_t max_lines, std::vector<Line>* out) override {
    const auto deadline = Clock::now() + timeout;
    const std::size_t before = out->size();
    for (;;) {
      if (fd_ < 0) Open();
      if (fd_ >= 0) {
        ReadToEnd(max_lines, out);
        if (out->size() > before) {
          Tag(out, before);
          return Status::Ok();
        }
        // At the end of the file: has it been truncated or replaced?
        if (CheckTruncated() || CheckRotated(out)) {
          if (out->size() > before) {
            Tag(out, before);
            return Status::Ok();
          }
          continue;  // read the new content at once
        }
      }
      const auto now = Clock::now();
      if (now >= deadline) return Status::Ok();
      std::this_thread::sleep_for(
          std::min<Clock::duration>(options_.poll, deadline - now));
    }
  }

  std::vector<std::string> TakeNotices() override { return std::move(notices_); }
  std::string name() const override { return path_; }
  std::string start() const override { return start_; }
  std::string Describe(const Line& line) const override {
    std::string where = path_;
    if (line.stream > 1) where += " (file " + std::to_string(line.stream) + " since start)";
    return where + " line " + std::to_string(line.number);
  }

 private:
  // Names the file each new line came from (for FilePosition). A line
  // from the old file at a rotation is tagged in CheckRotated.
  void Tag(std::vector<Line>* out, std::size_t from) {
    for (std::size_t i = from; i < out->size(); ++i) {
      Line& line = (*out)[i];
      if (line.file_ino == 0) {
        line.file_dev = static_cast<std::uint64_t>(dev_);
        line.file_ino = static_cast<std::uint64_t>(ino_);
      }
    }
  }

  // Opens the file at `saved` (see follow.h, "Resuming").
  void Resume(const FilePosition& saved) {
    struct stat st {};
    const bool same = ::stat(path_.c_str(), &st) == 0 &&
                      static_cast<std::uint64_t>(st.st_dev) == saved.dev &&
                      static_cast<std::uint64_t>(st.st_ino) == saved.ino;
    std::string where = same ? path_ : FindInFolder(saved);
    if (where.empty()) {
      notices_.push_back("the file read before (inode " + std::to_string(saved.ino) +
                         ") is no longer in the folder of " + path_ + "; reading " + path_ +
                         " from its beginning (what was written to the old file after byte " +
                         std::to_string(saved.offset) + " was not read)");
      Open();
      return;
    }
    const int fd = ::open(where.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fstat(fd, &st) != 0) {
      if (fd >= 0) ::close(fd);
      Open();
      return;
    }
    fd_ = fd;
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    offset_ = static_cast<off_t>(saved.offset);
    if (st.st_size < offset_) {
      notices_.push_back(where + " is shorter than when it was left (truncated); reading it "
                         "from its beginning");
      offset_ = 0;
    } else if (where == path_) {
      notices_.push_back("resuming " + path_ + " at byte " + std::to_string(offset_));
    } else {
      notices_.push_back(path_ + " was rotated while the sensor was stopped: reading the rest "
                         "of " + where + " from byte " + std::to_string(offset_) +
                         ", then " + path_ + " from its beginning");
    }
    splitter_ = LineSplitter(options_.max_line_bytes, generation_,
                             static_cast<std::uint64_t>(offset_));
  }

  // A file in the folder of path_ with the saved identity (a rotated
  // copy), or "".
  std::string FindInFolder(const FilePosition& saved) const {
    const std::size_t slash = path_.rfind('/');
    const std::string folder = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
      struct stat st {};
      if (::stat(entry.path().c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          static_cast<std::uint64_t>(st.st_dev) == saved.dev &&
          static_cast<std::uint64_t>(st.st_ino) == saved.ino) {
        return entry.path().string();
      }
    }
    return "";
  }

  void Open() {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    const bool at_start = first_open_;
    first_open_ = false;  // a file that is not there at start is read from its beginning
    if (fd < 0) {
      if (errno != ENOENT && !warned_open_) {
        notices_.push_back("cannot open " + path_ + ": " + std::strerror(errno) +
                           "; retrying");
        warned_open_ = true;
      }
      return;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return;
    }
    fd_ = fd;
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    offset_ = 0;
    warned_open_ = false;
    // The first file met at start is read from its end unless asked
    // otherwise; any file after that (or one that appeared later) from its
    // beginning.
    if (at_start) start_ = "from its beginning";
    if (at_start && !options_.from_beginning && st.st_size > 0) {
      start_ = "at its end: the " + std::to_string(st.st_size) +
               " bytes it holds are skipped (--from-beginning reads them)";
      offset_ = st.st_size;
      char last = '\n';
      if (::pread(fd_, &last, 1, offset_ - 1) == 1 && last != '\n') {
        splitter_.SkipToNextLine();  // do not start in the middle of a line
      }
    }
    splitter_.Rebase(static_cast<std::uint64_t>(offset_));
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Reads until the end of the file (or enough lines).
  void ReadToEnd(std::size_t max_lines, std::vector<Line>* out) {
    char buf[kChunk];
    while (out->size() < max_lines) {
      const ssize_t n = ::pread(fd_, buf, sizeof buf, offset_);
      if (n < 0) {
        if (errno == EINTR) continue;
        notices_.push_back("reading " + path_ + ": " + std::strerror(errno) + "; reopening");
        Close();
        return;
      }
      if (n == 0) return;
      offset_ += n;
      splitter_.Feed(std::string_view(buf, static_cast<std::size_t>(n)), out);
    }
  }

  // copytruncate: the file is now shorter than what was read.
  bool CheckTruncated() {
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || st.st_size >= offset_) return false;
    std::string note = path_ + " was truncated; reading it again from its beginning";
    if (splitter_.DropPartial()) note += " (an unfinished line was dropped)";
    notices_.push_back(std::move(note));
    offset_ = 0;
    splitter_.Rebase(0);
    return true;
  }

  // rename + recreate: the path names another file now. The old one has
  // been read to its end (the caller just did).
  bool CheckRotated(std::vector<Line>* out) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return false;  // gone: wait for the new one
    if (st.st_dev == dev_ && st.st_ino == ino_) return false;
    // A last read: the writer may have written after ours and before it
    // moved to the new file.
    const std::size_t from = out->size();
    ReadToEnd(static_cast<std::size_t>(-1), out);
    splitter_.Finish(out);
    Tag(out, from);  // still the old file's identity
    Close();
    ++generation_;
    splitter_ = LineSplitter(options_.max_line_bytes, generation_);
    notices_.push_back(path_ + " was replaced (rotated); following the new file from its "
                       "beginning");
    return true;
  }

  std::string path_;
  InputOptions options_;
  LineSplitter splitter_;
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  off_t offset_ = 0;
  bool first_open_ = true;
  bool warned_open_ = false;
  std::uint32_t generation_ = 1;
  std::vector<std::string> notices_;
  std::string start_;  // start()
};

}  // namespace

std::string LineSource::Describe(const Line& line) const {
  return name() + " line " + std::to_string(line.number);
}

std::unique_ptr<LineSource> FollowFile(const std::string& path, const InputOptions& options) {
  return std::make_unique<FileFollower>(path, options);
}

Result<std::unique_ptr<LineSource>> OpenInput(std::string_view spec,
                                              const InputOptions& options) {
  if (spec.empty()) return Status(ErrorCode::kInvalidArgument, "no input given");
  if (spec == "-") return ReadStream(STDIN_FILENO, "standard input", options);
  constexpr std::string_view kUnix = "unix:";
  if (spec.substr(0, kUnix.size()) == kUnix) {
    return ListenUnix(std::string(spec.substr(kUnix.size())), options);
  }
  return FollowFile(std::string(spec), options);
}

}  // namespace certshare::agent::sensor
