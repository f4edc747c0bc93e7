#include "common/transport/connection_monitor.h"

#include <netdb.h>
#include <sys/socket.h>

#include <atomic>
#include <cstring>

namespace certshare::transport {

namespace {

// "IP:port" of the remote end of `fd` ("[IPv6]:port"), "" if unknown.
std::string RemoteAddress(int fd) {
  sockaddr_storage addr{};
  socklen_t length = sizeof addr;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) return "";
  char host[NI_MAXHOST];
  char port[NI_MAXSERV];
  if (getnameinfo(reinterpret_cast<sockaddr*>(&addr), length, host, sizeof host, port,
                  sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "";
  }
  if (addr.ss_family == AF_INET6) return "[" + std::string(host) + "]:" + port;
  return std::string(host) + ":" + port;
}

}  // namespace

Status ConnectionMonitor::Start(zmq::context_t& context, zmq::socket_t& socket) {
  static std::atomic<int> counter{0};
  const std::string endpoint = "inproc://certshare-server-monitor-" + std::to_string(counter++);
  try {
    if (zmq_socket_monitor(socket.handle(), endpoint.c_str(), ZMQ_EVENT_DISCONNECTED) != 0) {
      throw zmq::error_t();
    }
    events_ = zmq::socket_t(context, zmq::socket_type::pair);
    events_.set(zmq::sockopt::linger, 0);
    events_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return Status(ErrorCode::kTransportError,
                  std::string("cannot watch the server's connections: ") + e.what());
  }
  return Status::Ok();
}

const std::string& ConnectionMonitor::Note(int fd, const std::string& peer) {
  if (fd < 0) return unknown_;
  Connection& c = by_fd_[fd];
  if (c.peer != peer) {
    c.peer = peer;
    c.address = RemoteAddress(fd);
  }
  return c.address;
}

void ConnectionMonitor::Drain() {
  // Each event is two frames: (event:u16, value:u32) in host order, then
  // the endpoint.
  while (true) {
    zmq::message_t event;
    if (!events_.recv(event, zmq::recv_flags::dontwait)) return;
    while (event.more()) {
      zmq::message_t rest;
      (void)events_.recv(rest);
      if (!rest.more()) break;
    }
    if (event.size() < 6) continue;
    std::uint16_t id;
    std::uint32_t value;
    std::memcpy(&id, event.data(), 2);
    std::memcpy(&value, static_cast<const char*>(event.data()) + 2, 4);
    if (id != ZMQ_EVENT_DISCONNECTED) continue;
    auto it = by_fd_.find(static_cast<int>(value));
    if (it == by_fd_.end()) continue;  // never delivered a message
    closed_.push_back(std::move(it->second.peer));
    by_fd_.erase(it);
  }
}

std::vector<std::string> ConnectionMonitor::TakeClosed() {
  std::vector<std::string> out;
  out.swap(closed_);
  return out;
}

}  // namespace certshare::transport
