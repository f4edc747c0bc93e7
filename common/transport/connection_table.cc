#include "common/transport/connection_table.h"

namespace certshare::transport {

void ConnectionTable::ExpirePending(Org& org, Clock::time_point now) {
  while (!org.pending.empty() && now - org.pending.front() >= kPendingGrace) {
    org.pending.pop_front();
  }
}

bool ConnectionTable::Admit(const std::string& org, Clock::time_point now, int* open) {
  std::lock_guard<std::mutex> lock(mu_);
  Org& o = orgs_[org];
  ExpirePending(o, now);
  const int held = o.counted + static_cast<int>(o.pending.size());
  if (limit_ > 0 && held >= limit_) {
    if (open != nullptr) *open = held;
    return false;
  }
  o.pending.push_back(now);
  return true;
}

void ConnectionTable::Accepted(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_[fd] = Connection{};
}

void ConnectionTable::Disconnected(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  if (it->second.identified && !it->second.beyond_limit) {
    auto o = orgs_.find(it->second.org);
    if (o != orgs_.end() && o->second.counted > 0) --o->second.counted;
  }
  connections_.erase(it);
}

bool ConnectionTable::WithinLimit(int fd, const std::string& org, const std::string& peer,
                                  Clock::time_point now) {
  if (fd < 0) return true;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connections_.find(fd);
  // Gone already (its DISCONNECTED came before its last messages were
  // read): nothing to count.
  if (it == connections_.end()) return true;
  Connection& c = it->second;
  if (c.identified) {
    // Another routing id on this descriptor: a message of an earlier
    // connection whose descriptor was reused.
    return c.peer != peer || !c.beyond_limit;
  }
  c.identified = true;
  c.org = org;
  c.peer = peer;
  Org& o = orgs_[org];
  ExpirePending(o, now);
  if (!o.pending.empty()) o.pending.pop_front();
  if (limit_ > 0 && o.counted >= limit_) {
    c.beyond_limit = true;
    return false;
  }
  ++o.counted;
  return true;
}

int ConnectionTable::Open(const std::string& org) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = orgs_.find(org);
  return it == orgs_.end() ? 0 : it->second.counted;
}

}  // namespace certshare::transport
