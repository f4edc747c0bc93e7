#include "common/envelope/shared_keys.h"

#include <algorithm>
#include <string_view>

namespace certshare::envelope {

namespace {

constexpr std::string_view kDomain = "certshare/shared-key-memo/v1";

crypto::Hash256 IdOf(const crypto::BoxSecretKey& mine, const crypto::BoxPublicKey& theirs) {
  return crypto::Hash({AsBytes(kDomain), mine.view(), ByteView(theirs.data(), theirs.size())});
}

}  // namespace

SharedKeys::SharedKeys(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

Status SharedKeys::Get(const crypto::BoxSecretKey& mine, const crypto::BoxPublicKey& theirs,
                       crypto::SharedKey* out) {
  const crypto::Hash256 id = IdOf(mine, theirs);
  {
    MutexLock lock(&mu_);
    auto it = keys_.find(id);
    if (it != keys_.end()) {
      *out = it->second.Clone();
      return Status::Ok();
    }
  }
  crypto::SharedKey computed;
  CERTSHARE_RETURN_IF_ERROR(crypto::ComputeSharedKey(mine, theirs, &computed));
  *out = computed.Clone();
  MutexLock lock(&mu_);
  ++computed_;
  if (!keys_.emplace(id, std::move(computed)).second) return Status::Ok();
  order_.push_back(id);
  if (order_.size() > capacity_) {
    keys_.erase(order_.front());
    order_.pop_front();
  }
  return Status::Ok();
}

std::uint64_t SharedKeys::computed() const {
  MutexLock lock(&mu_);
  return computed_;
}

}  // namespace certshare::envelope
