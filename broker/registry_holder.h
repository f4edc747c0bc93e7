// certshare::broker::RegistryHolder — the broker's current registry, shared
// by the threads that read it and replaced whole by the one that changes
// it (the socket thread, applying an operator's ADMIN command).
//
// Readers take a snapshot (Get) and use it for as long as they need: a
// snapshot never changes under them, and a replacement becomes visible to
// every reader's next Get at once. Who reads it: the ZAP handler's thread
// (is this transport key admitted?), the ingest workers (CheckRecord: the
// origin's signing key, recipients registered and not revoked), and the
// socket thread (is this message's sender still admitted?).
//
// Thread-safety: Get and Set may be called from any thread. Cost: one
// uncontended mutex and a shared_ptr copy per Get, next to the Ed25519
// verification (~60 us) that follows it on the ingest path.
#pragma once

#include <memory>

#include "common/base/mutex.h"
#include "common/identity/registry.h"

namespace certshare::broker {

class RegistryHolder {
 public:
  explicit RegistryHolder(identity::Registry initial);

  std::shared_ptr<const identity::Registry> Get() const;
  void Set(identity::Registry next);

 private:
  mutable Mutex mu_;
  std::shared_ptr<const identity::Registry> current_ GUARDED_BY(mu_);
};

}  // namespace certshare::broker
