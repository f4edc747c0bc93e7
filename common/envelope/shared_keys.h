// certshare::envelope::SharedKeys — the X25519 shared keys a recipient has
// computed (crypto::ComputeSharedKey of its box secret and an origin's box
// key), so that opening every record of one origin costs one key exchange
// per run instead of one per record (about 40 µs each; docs/protocol.md,
// "Verifying a batch once").
//
// A shared key depends only on the two keys, so the one remembered is the
// one that would be computed again. Entries are found by a BLAKE2b hash of
// a domain string, the secret and the public key, so one SharedKeys may
// serve several identities without mixing them up. At most `capacity`
// keys (32 bytes each, wiped when forgotten); the oldest is forgotten
// first.
//
// Thread-safety: thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <map>

#include "common/base/mutex.h"
#include "common/base/status.h"
#include "common/crypto/keys.h"

namespace certshare::envelope {

class SharedKeys {
 public:
  static constexpr std::size_t kDefaultCapacity = 1024;

  explicit SharedKeys(std::size_t capacity = kDefaultCapacity);
  SharedKeys(const SharedKeys&) = delete;
  SharedKeys& operator=(const SharedKeys&) = delete;

  // The shared key of `mine` and `theirs`: remembered, or computed (with
  // ComputeSharedKey's errors, which are not remembered) and remembered.
  [[nodiscard]] Status Get(const crypto::BoxSecretKey& mine, const crypto::BoxPublicKey& theirs,
                           crypto::SharedKey* out);

  std::uint64_t computed() const;  // key exchanges made

 private:
  const std::size_t capacity_;
  mutable Mutex mu_;
  std::map<crypto::Hash256, crypto::SharedKey> keys_ GUARDED_BY(mu_);
  std::deque<crypto::Hash256> order_ GUARDED_BY(mu_);  // oldest first
  std::uint64_t computed_ GUARDED_BY(mu_) = 0;
};

}  // namespace certshare::envelope
