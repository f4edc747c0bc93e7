// Private to certshare::transport: which connections of the server's
// ROUTER socket have closed, and where each comes from.
//
// libzmq tells a ROUTER nothing when a peer goes away (ZMQ_ROUTER_NOTIFY
// is a draft option that Debian 12's libzmq 4.3.4 is built without), so a
// socket monitor watches for ZMQ_EVENT_DISCONNECTED, which names the
// connection's file descriptor, and every message the server reads tells
// which routing id arrived on which descriptor (ZMQ_SRCFD). A disconnected
// descriptor thus names the peer that is gone.
//
// Order: the event for a closed descriptor is emitted before the
// descriptor is closed, hence before a new connection can reuse its
// number. Draining the events before reading each message (Server does)
// keeps a reused descriptor from being mistaken for the old peer. Messages
// a peer sent just before it went may still be read after its closing was
// reported.
//
// Thread-safety: the thread that owns the server socket.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>
#include <zmq.hpp>

#include "common/base/status.h"

namespace certshare::transport {

class ConnectionMonitor {
 public:
  // Monitors `socket` through an inproc PAIR socket in `context`. Call
  // before the socket binds.
  Status Start(zmq::context_t& context, zmq::socket_t& socket);
  // Closes the PAIR socket (before the context ends).
  void Close() { events_.close(); }

  // The PAIR socket, for zmq::poll.
  void* handle() { return events_.handle(); }

  // `peer` sent a message on descriptor `fd` (ZMQ_SRCFD; negative:
  // unknown). Returns the connection's remote address, "IP:port" ("" if
  // unknown), looked up once per connection.
  const std::string& Note(int fd, const std::string& peer);

  // Reads every pending event without waiting; the peer of each
  // disconnected descriptor is kept for TakeClosed.
  void Drain();

  // The routing ids of the connections that closed since the last call,
  // each once. A connection that never delivered a message is not named.
  std::vector<std::string> TakeClosed();

 private:
  struct Connection {
    std::string peer;
    std::string address;
  };
  zmq::socket_t events_;
  std::unordered_map<int, Connection> by_fd_;
  std::vector<std::string> closed_;
  std::string unknown_;  // "" for Note without a descriptor
};

}  // namespace certshare::transport
