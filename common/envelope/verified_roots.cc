#include "common/envelope/verified_roots.h"

#include <algorithm>

namespace certshare::envelope {

VerifiedRoots::VerifiedRoots(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

VerifiedRoots::Triple VerifiedRoots::Of(const crypto::SigningPublicKey& key,
                                        const crypto::Hash256& root,
                                        const crypto::Signature& signature) {
  Triple t{};
  auto out = std::copy(key.begin(), key.end(), t.begin());
  out = std::copy(root.begin(), root.end(), out);
  std::copy(signature.begin(), signature.end(), out);
  return t;
}

bool VerifiedRoots::Contains(const crypto::SigningPublicKey& key, const crypto::Hash256& root,
                             const crypto::Signature& signature) {
  const Triple t = Of(key, root, signature);
  MutexLock lock(&mu_);
  const bool known = known_.count(t) > 0;
  ++(known ? hits_ : misses_);
  return known;
}

void VerifiedRoots::Remember(const crypto::SigningPublicKey& key, const crypto::Hash256& root,
                             const crypto::Signature& signature) {
  const Triple t = Of(key, root, signature);
  MutexLock lock(&mu_);
  if (!known_.insert(t).second) return;
  order_.push_back(t);
  if (order_.size() > capacity_) {
    known_.erase(order_.front());
    order_.pop_front();
  }
}

std::uint64_t VerifiedRoots::hits() const {
  MutexLock lock(&mu_);
  return hits_;
}

std::uint64_t VerifiedRoots::misses() const {
  MutexLock lock(&mu_);
  return misses_;
}

}  // namespace certshare::envelope
