// Private to certshare::transport: how many connections each organisation
// holds on a Server, so that the ZAP handler can refuse one beyond
// ServerOptions::max_connections_per_org.
//
// A connection is known by its file descriptor. ZeroMQ tells the server
// three things about it, on two threads:
//   - the ZAP handler admits it for an organisation (Admit); ZAP is not
//     told the descriptor, so an admission is first *pending*;
//   - the ROUTER's monitor reports it accepted and, later, disconnected
//     (ZMQ_EVENT_ACCEPTED / ZMQ_EVENT_DISCONNECTED with the descriptor);
//   - each message carries the descriptor (the "__fd" property behind
//     ZMQ_SRCFD), the organisation (User-Id) and the routing id.
// The first message of a connection turns one pending admission of its
// organisation into a counted connection; DISCONNECTED releases it. A
// pending admission counts for at most `pending_grace`: a connection that
// closes before it ever speaks is forgotten then, and one that stays
// silent longer is counted when it first speaks — if its organisation is
// at the limit by then, it is marked beyond the limit and the server flags
// its every message (Incoming::beyond_connection_limit) for the broker to
// refuse.
//
// Connections over ipc:// carry no descriptor and are not counted.
//
// Thread-safety: every method takes the table's mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace certshare::transport {

class ConnectionTable {
 public:
  using Clock = std::chrono::steady_clock;
  // How long an admission that has not spoken yet counts. An agent speaks
  // right after its handshake; 10 s covers a slow link.
  static constexpr auto kPendingGrace = std::chrono::seconds(10);

  // `limit` connections per organisation at most; 0: no limit.
  explicit ConnectionTable(int limit) : limit_(limit) {}

  // ZAP thread: may `org` open one more connection? If so it is counted
  // as pending. On refusal, *open is how many it holds.
  bool Admit(const std::string& org, Clock::time_point now, int* open);

  // Socket thread, from the monitor.
  void Accepted(int fd);
  void Disconnected(int fd);

  // Socket thread, for each message: false if its connection is beyond
  // the limit (it spoke first when its organisation already held `limit`
  // counted connections). Messages of a connection already gone, or
  // without a descriptor (fd < 0), are never beyond it.
  bool WithinLimit(int fd, const std::string& org, const std::string& peer,
                   Clock::time_point now);

  // Counted connections of `org` (tests, logs).
  int Open(const std::string& org);

 private:
  struct Connection {
    bool identified = false;  // has sent a message
    bool beyond_limit = false;
    std::string org;
    std::string peer;  // routing id
  };
  struct Org {
    int counted = 0;
    std::deque<Clock::time_point> pending;  // admissions not yet spoken
  };
  // REQUIRES: mu_ held.
  void ExpirePending(Org& org, Clock::time_point now);

  const int limit_;
  std::mutex mu_;
  std::map<int, Connection> connections_;  // by descriptor; GUARDED_BY(mu_)
  std::map<std::string, Org> orgs_;        // GUARDED_BY(mu_)
};

}  // namespace certshare::transport
