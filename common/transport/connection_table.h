// Private to certshare::transport: how many connections each organisation
// holds on a Server, so that the ZAP handler can refuse one beyond
// ServerOptions::max_connections_per_org.
//
// It counts organisations, not connections: which connection is which is
// the ConnectionMonitor's business (connection_monitor.h), which tells the
// table when a connection first speaks and when a counted one closes.
// Three moments, on two threads:
//   - the ZAP handler admits a handshake for an organisation (Admit). ZAP
//     is not told which connection it is, so the admission is *pending*;
//   - the connection's first message (Arrived, from the monitor) turns
//     one pending admission of its organisation into a counted connection;
//   - its closing (Left, from the monitor) releases it.
// A pending admission counts for at most kPendingGrace: a connection that
// closes before it ever speaks is forgotten then, and one that stays
// silent longer is counted when it first speaks — unless its organisation
// holds `limit` counted connections by then: Arrived says it is beyond the
// limit (it is not counted, and the server flags its every message,
// Incoming::beyond_connection_limit, for the broker to refuse).
//
// Thread-safety: every method takes the table's mutex.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <string>

#include "common/base/mutex.h"

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

  // Socket thread: a connection of `org` sent its first message. True if
  // it is now counted; false if `org` already held `limit` counted
  // connections (the connection is beyond the limit and not counted).
  bool Arrived(const std::string& org, Clock::time_point now);
  // Socket thread: a connection Arrived counted has closed.
  void Left(const std::string& org);

  // Counted connections of `org` (tests, logs).
  int Open(const std::string& org);

 private:
  struct Org {
    int counted = 0;
    std::deque<Clock::time_point> pending;  // admissions not yet spoken
  };
  void ExpirePending(Org& org, Clock::time_point now) REQUIRES(mu_);

  const int limit_;
  Mutex mu_;
  std::map<std::string, Org> orgs_ GUARDED_BY(mu_);
};

}  // namespace certshare::transport
