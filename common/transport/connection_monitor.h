// Private to certshare::transport: the connections of the server's ROUTER
// socket — which are open, who speaks on each and from where, which have
// closed — and, through a ConnectionTable, how many each organisation holds.
//
// libzmq tells a ROUTER nothing when a peer comes or goes (ZMQ_ROUTER_NOTIFY
// is a draft option that Debian 12's libzmq 4.3.4 is built without), so a
// socket monitor — the socket's only one: a second zmq_socket_monitor call
// would replace it — reports ZMQ_EVENT_ACCEPTED and ZMQ_EVENT_DISCONNECTED,
// each naming the connection's file descriptor, and every message the
// server reads tells which routing id and organisation arrived on which
// descriptor (ZMQ_SRCFD). So:
//   - a connection is open from its ACCEPTED to its DISCONNECTED;
//   - its first message names its peer, its organisation and its remote
//     address, and counts it in the ConnectionTable (Arrived) — or finds
//     its organisation at the limit, and the connection beyond it;
//   - its DISCONNECTED names the peer that is gone (TakeClosed) and
//     releases what the table counted (Left).
//
// Order: a connection's ACCEPTED is emitted before its handshake, hence
// before its first message; its DISCONNECTED before its descriptor is
// closed, hence before a new connection can reuse the number. Draining the
// events before reading each message (Server does) keeps a reused
// descriptor from being mistaken for the old connection. Messages a peer
// sent just before it went may still be read after its closing was
// reported: they find no open connection on their descriptor, count
// nothing and have no address. Messages without a descriptor (libzmq
// attaches it only when it knows the peer's address) are not counted
// either. A late message of an earlier connection on a reused descriptor
// is told apart by its routing id once the new connection has spoken; one
// read before that would be taken for the new connection's (only if the
// broker stopped reading for the whole of a new handshake).
//
// Thread-safety: the thread that owns the server socket.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>
#include <zmq.hpp>

#include "common/base/status.h"
#include "common/transport/connection_table.h"

namespace certshare::transport {

class ConnectionMonitor {
 public:
  // Counts connections in `table`, which must outlive the monitor.
  explicit ConnectionMonitor(ConnectionTable* table) : table_(table) {}

  // Monitors `socket` through an inproc PAIR socket in `context`. Call
  // before the socket binds.
  Status Start(zmq::context_t& context, zmq::socket_t& socket);
  // Closes the PAIR socket (before the context ends).
  void Close() { events_.close(); }

  // The PAIR socket, for zmq::poll.
  void* handle() { return events_.handle(); }

  // What the monitor knows of the connection a message came on.
  struct Seen {
    std::string address;  // "IP:port" ("[IPv6]:port"); "" if unknown
    // Its organisation held max_connections_per_org other connections when
    // it first spoke (ConnectionTable::Arrived).
    bool beyond_limit = false;
  };
  // `peer` of `org` sent a message on descriptor `fd` (ZMQ_SRCFD; negative:
  // unknown). Its first message on an open connection counts the
  // connection and looks up its address.
  Seen Note(int fd, const std::string& peer, const std::string& org);

  // Reads every pending event without waiting, and hands each to OnEvent.
  void Drain();
  // One event of the socket: ZMQ_EVENT_ACCEPTED or ZMQ_EVENT_DISCONNECTED,
  // with the connection's descriptor. (Tests call it directly.)
  void OnEvent(int event, int fd);

  // The routing ids of the connections that closed since the last call,
  // each once. A connection that never delivered a message is not named.
  std::vector<std::string> TakeClosed();

 private:
  struct Connection {
    std::string peer;  // "" until its first message
    std::string org;
    std::string address;
    bool counted = false;  // in table_ (Arrived said so)
  };
  void Closed(int fd);  // what DISCONNECTED does

  ConnectionTable* table_;
  zmq::socket_t events_;
  std::unordered_map<int, Connection> open_;  // by descriptor
  std::vector<std::string> closed_;
};

}  // namespace certshare::transport
