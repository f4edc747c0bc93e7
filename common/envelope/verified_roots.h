// certshare::envelope::VerifiedRoots — a bounded memory of the signatures
// that verified, so that a batch of records under one signed Merkle root
// costs one Ed25519 verification, not one per record (docs/protocol.md,
// "Verifying a batch once").
//
// What it remembers is the exact triple (origin signing key, Merkle root,
// signature bytes) whose Ed25519 verification succeeded. Verify (open.cc)
// computes every record's root from its own leaf and audit path first, so a
// record is accepted from memory only if its bytes hash, through its own
// path, to a root the same key signed with the same signature: the answer
// Ed25519 would give again, since verification is deterministic. A record
// whose payload, header or path was changed leads to another root and is
// checked in full (and refused). Nothing is remembered for a signature that
// failed.
//
// Memory: at most `capacity` triples of 128 bytes (1 MiB at the default);
// the oldest is forgotten first. Lookups are O(log capacity) in an ordered
// set, so no crafted root can slow them down.
//
// Thread-safety: thread-safe (the broker's ingest workers share one).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>

#include "common/base/mutex.h"
#include "common/crypto/keys.h"

namespace certshare::envelope {

class VerifiedRoots {
 public:
  static constexpr std::size_t kDefaultCapacity = 8192;

  explicit VerifiedRoots(std::size_t capacity = kDefaultCapacity);
  VerifiedRoots(const VerifiedRoots&) = delete;
  VerifiedRoots& operator=(const VerifiedRoots&) = delete;

  // Whether this exact triple verified before.
  bool Contains(const crypto::SigningPublicKey& key, const crypto::Hash256& root,
                const crypto::Signature& signature);
  // Remembers a triple whose signature verified (forgetting the oldest
  // when full). REQUIRES: crypto::Verify succeeded on it.
  void Remember(const crypto::SigningPublicKey& key, const crypto::Hash256& root,
                const crypto::Signature& signature);

  // Lookups answered from memory, and not.
  std::uint64_t hits() const;
  std::uint64_t misses() const;

 private:
  using Triple = std::array<std::uint8_t, 32 + 32 + 64>;
  static Triple Of(const crypto::SigningPublicKey& key, const crypto::Hash256& root,
                   const crypto::Signature& signature);

  const std::size_t capacity_;
  mutable Mutex mu_;
  std::set<Triple> known_ GUARDED_BY(mu_);
  std::deque<Triple> order_ GUARDED_BY(mu_);  // oldest first
  std::uint64_t hits_ GUARDED_BY(mu_) = 0;
  std::uint64_t misses_ GUARDED_BY(mu_) = 0;
};

}  // namespace certshare::envelope
