#include "broker/budget.h"

namespace certshare::broker {

bool Budget::TryCharge(const std::string& org, std::size_t bytes) {
  auto it = by_org_.find(org);
  const std::size_t held = it == by_org_.end() ? 0 : it->second;
  if (held + bytes > per_org_limit_ || total_ + bytes > total_limit_) return false;
  if (it == by_org_.end()) it = by_org_.emplace(org, 0).first;
  it->second += bytes;
  total_ += bytes;
  return true;
}

void Budget::Release(const std::string& org, std::size_t bytes) {
  auto it = by_org_.find(org);
  if (it == by_org_.end()) return;
  const std::size_t released = bytes < it->second ? bytes : it->second;
  it->second -= released;
  total_ -= released;
  if (it->second == 0) by_org_.erase(it);
}

std::size_t Budget::Of(const std::string& org) const {
  auto it = by_org_.find(org);
  return it == by_org_.end() ? 0 : it->second;
}

}  // namespace certshare::broker
