// Private to common/envelope: the Merkle tree that lets one signature cover
// a batch of records (RFC 9162 section 2.1 tree shape and audit paths, with
// BLAKE2b-256 and certshare's own leaf domain string).
//
//   leaf = H(0x00 || "certshare/leaf/v1" || u32 len(header) || header ||
//            u32 len(payload) || payload)
//   node = H(0x01 || left || right)
//   signed message = "certshare/record-root/v1" || 0x00 || root
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/base/bytes.h"
#include "common/crypto/keys.h"

namespace certshare::envelope::internal {

// REQUIRES: both sizes fit in a u32 (Decode and Sealer guarantee it).
crypto::Hash256 LeafHash(ByteView header, ByteView payload);
crypto::Hash256 NodeHash(const crypto::Hash256& left,
                         const crypto::Hash256& right);

// Builds the tree over `leaves` (REQUIRES: not empty) and returns its root;
// (*paths)[i] receives leaf i's audit path, leaf to root. O(n log n).
crypto::Hash256 BuildTree(std::span<const crypto::Hash256> leaves,
                          std::vector<std::vector<crypto::Hash256>>* paths);

// The number of hashes in the audit path of `index` in a tree of `count`
// leaves. REQUIRES: index < count.
std::size_t AuditPathLength(std::uint64_t index, std::uint64_t count);

// RFC 9162 section 2.1.3.2: folds `proof` into `leaf` and writes the root it
// implies. Returns false when the proof does not fit (index, count): index
// out of range, too few or too many hashes.
bool RootFromAuditPath(std::uint64_t index, std::uint64_t count,
                       const crypto::Hash256& leaf,
                       std::span<const crypto::Hash256> proof,
                       crypto::Hash256* root);

// The exact bytes the origin signs for a tree root.
Bytes SignedMessage(const crypto::Hash256& root);

}  // namespace certshare::envelope::internal
