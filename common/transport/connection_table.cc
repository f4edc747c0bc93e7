#include "common/transport/connection_table.h"

namespace certshare::transport {

void ConnectionTable::ExpirePending(Org& org, Clock::time_point now) {
  while (!org.pending.empty() && now - org.pending.front() >= kPendingGrace) {
    org.pending.pop_front();
  }
}

bool ConnectionTable::Admit(const std::string& org, Clock::time_point now, int* open) {
  MutexLock lock(&mu_);
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

bool ConnectionTable::Arrived(const std::string& org, Clock::time_point now) {
  MutexLock lock(&mu_);
  Org& o = orgs_[org];
  ExpirePending(o, now);
  if (!o.pending.empty()) o.pending.pop_front();
  if (limit_ > 0 && o.counted >= limit_) return false;
  ++o.counted;
  return true;
}

void ConnectionTable::Left(const std::string& org) {
  MutexLock lock(&mu_);
  auto it = orgs_.find(org);
  if (it == orgs_.end() || it->second.counted == 0) return;
  --it->second.counted;
}

int ConnectionTable::Open(const std::string& org) {
  MutexLock lock(&mu_);
  auto it = orgs_.find(org);
  return it == orgs_.end() ? 0 : it->second.counted;
}

}  // namespace certshare::transport
