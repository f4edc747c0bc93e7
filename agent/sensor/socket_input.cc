// A Unix stream socket the sensor listens on (see follow.h).
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <list>

#include "agent/sensor/follow.h"

namespace certshare::agent::sensor {

namespace {

Status IoError(const std::string& what) {
  return Status(ErrorCode::kIoError, what + ": " + std::strerror(errno));
}

Result<sockaddr_un> Address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    return Status(ErrorCode::kInvalidArgument,
                  "socket path must be 1 to " + std::to_string(sizeof addr.sun_path - 1) +
                      " bytes: unix:" + path);
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

// A socket file left by a sensor that died is removed; one another process
// listens on, or a file that is not a socket, is not touched.
Status ClearStale(const std::string& path, const sockaddr_un& addr) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Status::Ok();
  if (!S_ISSOCK(st.st_mode)) {
    return Status(ErrorCode::kAlreadyExists, path + " exists and is not a socket; not replacing it");
  }
  const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return IoError("socket");
  const bool live = ::connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(probe);
  if (live) {
    return Status(ErrorCode::kAlreadyExists, "another process listens on " + path);
  }
  if (::unlink(path.c_str()) != 0) return IoError("removing the stale socket " + path);
  return Status::Ok();
}

class SocketSource final : public LineSource {
 public:
  SocketSource(std::string path, int listener, const InputOptions& options)
      : path_(std::move(path)), listener_(listener), options_(options) {}
  ~SocketSource() override {
    for (Conn& c : conns_) ::close(c.fd);
    ::close(listener_);
    ::unlink(path_.c_str());
  }

  Status Read(std::chrono::milliseconds timeout, std::size_t max_lines,
              std::vector<Line>* out) override {
    std::vector<pollfd> fds;
    fds.push_back({listener_, POLLIN, 0});
    for (const Conn& c : conns_) fds.push_back({c.fd, POLLIN, 0});
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
    if (ready < 0) {
      if (errno == EINTR) return Status::Ok();
      return IoError("waiting on unix:" + path_);
    }
    if (ready == 0) return Status::Ok();
    auto it = conns_.begin();
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents != 0 && out->size() < max_lines) {
        if (!ReadFrom(*it, out)) {
          ::close(it->fd);
          it = conns_.erase(it);
          continue;
        }
      }
      ++it;
    }
    if (fds[0].revents & POLLIN) Accept();
    return Status::Ok();
  }

  std::vector<std::string> TakeNotices() override { return std::move(notices_); }
  std::string name() const override { return "unix:" + path_; }
  std::string Describe(const Line& line) const override {
    return name() + " connection " + std::to_string(line.stream) + " line " +
           std::to_string(line.number);
  }

 private:
  struct Conn {
    int fd;
    LineSplitter splitter;
  };

  void Accept() {
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;  // EAGAIN, or the peer went away
    ++accepted_;
    if (conns_.size() >= options_.max_connections) {
      ::close(fd);
      notices_.push_back("unix:" + path_ + ": refused connection " +
                         std::to_string(accepted_) + ": already " +
                         std::to_string(conns_.size()) + " open");
      return;
    }
    conns_.push_back({fd, LineSplitter(options_.max_line_bytes,
                                       static_cast<std::uint32_t>(accepted_))});
  }

  // False when the connection is finished (closed by the peer, or failed).
  bool ReadFrom(Conn& c, std::vector<Line>* out) {
    char buf[64 * 1024];
    for (;;) {
      const ssize_t n = ::read(c.fd, buf, sizeof buf);
      if (n > 0) {
        c.splitter.Feed(std::string_view(buf, static_cast<std::size_t>(n)), out);
        if (static_cast<std::size_t>(n) < sizeof buf) return true;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
      // End of the connection: an unfinished last line is delivered as
      // it is (the writer is done), and parsing will judge it.
      c.splitter.Finish(out);
      return false;
    }
  }

  std::string path_;
  int listener_;
  InputOptions options_;
  std::list<Conn> conns_;
  std::uint64_t accepted_ = 0;
  std::vector<std::string> notices_;
};

}  // namespace

Result<std::unique_ptr<LineSource>> ListenUnix(const std::string& path,
                                               const InputOptions& options) {
  CERTSHARE_ASSIGN_OR_RETURN(sockaddr_un addr, Address(path));
  CERTSHARE_RETURN_IF_ERROR(ClearStale(path, addr));
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return IoError("socket");
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    Status s = IoError("binding unix:" + path);
    ::close(fd);
    return s;
  }
  // The mode is set before listen(), so no one can connect earlier:
  // whoever writes here has events published signed by this organisation.
  if (::chmod(path.c_str(), options.socket_mode & 0777) != 0 || ::listen(fd, 16) != 0) {
    Status s = IoError("listening on unix:" + path);
    ::close(fd);
    ::unlink(path.c_str());
    return s;
  }
  return std::unique_ptr<LineSource>(std::make_unique<SocketSource>(path, fd, options));
}

}  // namespace certshare::agent::sensor
