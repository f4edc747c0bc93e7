// Reading a stream (standard input, a pipe) until its end (see follow.h).
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "agent/sensor/follow.h"

namespace certshare::agent::sensor {

namespace {

class StreamSource final : public LineSource {
 public:
  StreamSource(int fd, std::string name, const InputOptions& options)
      : fd_(fd), name_(std::move(name)), splitter_(options.max_line_bytes, 0) {}

  Status Read(std::chrono::milliseconds timeout, std::size_t max_lines,
              std::vector<Line>* out) override {
    if (ended_) return Status::Ok();
    const std::size_t before = out->size();
    int wait_ms = static_cast<int>(timeout.count());
    char buf[64 * 1024];
    while (out->size() - before < max_lines) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, wait_ms);
      if (ready < 0) {
        if (errno == EINTR) return Status::Ok();  // a signal: let the caller look
        return Status(ErrorCode::kIoError, "waiting for " + name_ + ": " + std::strerror(errno));
      }
      if (ready == 0) return Status::Ok();
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) return Status::Ok();
        return Status(ErrorCode::kIoError, "reading " + name_ + ": " + std::strerror(errno));
      }
      if (n == 0) {
        splitter_.Finish(out);
        ended_ = true;
        return Status::Ok();
      }
      splitter_.Feed(std::string_view(buf, static_cast<std::size_t>(n)), out);
      if (out->size() > before) wait_ms = 0;  // take what is there, do not wait for more
    }
    return Status::Ok();
  }

  bool ended() const override { return ended_; }
  std::string name() const override { return name_; }

 private:
  int fd_;
  std::string name_;
  LineSplitter splitter_;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<LineSource> ReadStream(int fd, std::string name, const InputOptions& options) {
  return std::make_unique<StreamSource>(fd, std::move(name), options);
}

}  // namespace certshare::agent::sensor
