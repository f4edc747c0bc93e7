#include "common/transport/connection_monitor.h"

#include <netdb.h>
#include <sys/socket.h>

#include <atomic>
#include <cstring>

namespace certshare::transport {

namespace {

constexpr int kEvents = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED;

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
    if (zmq_socket_monitor(socket.handle(), endpoint.c_str(), kEvents) != 0) {
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

ConnectionMonitor::Seen ConnectionMonitor::Note(int fd, const std::string& peer,
                                                const std::string& org) {
  auto it = fd < 0 ? open_.end() : open_.find(fd);
  // No descriptor, or a message of a connection already reported closed.
  if (it == open_.end()) return Seen{};
  Connection& c = it->second;
  if (c.peer.empty()) {  // its first message
    c.peer = peer;
    c.org = org;
    c.address = RemoteAddress(fd);
    c.counted = !org.empty() && table_->Arrived(org, ConnectionTable::Clock::now());
  } else if (c.peer != peer) {
    // A late message of an earlier connection on this descriptor.
    return Seen{};
  }
  return Seen{c.address, !org.empty() && !c.counted};
}

void ConnectionMonitor::Closed(int fd) {
  auto it = open_.find(fd);
  if (it == open_.end()) return;
  if (!it->second.peer.empty()) closed_.push_back(std::move(it->second.peer));
  if (it->second.counted) table_->Left(it->second.org);
  open_.erase(it);
}

void ConnectionMonitor::Drain() {
  // Each event is two frames: (event:u16, value:u32) in host order, then
  // the endpoint. For both events watched, the value is the descriptor.
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
    OnEvent(id, static_cast<int>(value));
  }
}

void ConnectionMonitor::OnEvent(int event, int fd) {
  if (event != ZMQ_EVENT_ACCEPTED && event != ZMQ_EVENT_DISCONNECTED) return;
  // An ACCEPTED for a descriptor still open means its DISCONNECTED was
  // never seen: that connection is closed all the same.
  Closed(fd);
  if (event == ZMQ_EVENT_ACCEPTED) open_.emplace(fd, Connection{});
}

std::vector<std::string> ConnectionMonitor::TakeClosed() {
  std::vector<std::string> out;
  out.swap(closed_);
  return out;
}

}  // namespace certshare::transport
