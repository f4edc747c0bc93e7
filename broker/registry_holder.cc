#include "broker/registry_holder.h"

namespace certshare::broker {

RegistryHolder::RegistryHolder(identity::Registry initial)
    : current_(std::make_shared<const identity::Registry>(std::move(initial))) {}

std::shared_ptr<const identity::Registry> RegistryHolder::Get() const {
  MutexLock lock(&mu_);
  return current_;
}

void RegistryHolder::Set(identity::Registry next) {
  auto replacement = std::make_shared<const identity::Registry>(std::move(next));
  std::shared_ptr<const identity::Registry> old;
  {
    MutexLock lock(&mu_);
    old.swap(current_);
    current_ = std::move(replacement);
  }
  // `old` is released here, outside the lock (if no reader still holds it).
}

}  // namespace certshare::broker
