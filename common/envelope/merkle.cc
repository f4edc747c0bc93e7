#include "common/envelope/merkle.h"

#include <array>
#include <bit>
#include <string_view>

namespace certshare::envelope::internal {

using crypto::Hash256;

namespace {

constexpr std::uint8_t kLeafPrefix[] = {0x00};
constexpr std::uint8_t kNodePrefix[] = {0x01};
constexpr std::string_view kLeafDomain = "certshare/leaf/v1";
constexpr std::string_view kRootDomain = "certshare/record-root/v1";

std::array<std::uint8_t, 4> BigEndian32(std::size_t n) {
  return {static_cast<std::uint8_t>(n >> 24),
          static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
          static_cast<std::uint8_t>(n)};
}

// The largest power of two smaller than n. REQUIRES: n >= 2.
std::size_t SplitPoint(std::uint64_t n) { return std::bit_floor(n - 1); }

// MTH(leaves[lo, hi)), appending each leaf's sibling hashes on the way up:
// the children are finished before their parent, so every path grows from
// the leaf towards the root.
Hash256 Build(std::span<const Hash256> leaves, std::size_t lo, std::size_t hi,
              std::vector<std::vector<Hash256>>* paths) {
  if (hi - lo == 1) return leaves[lo];
  const std::size_t mid = lo + SplitPoint(hi - lo);
  const Hash256 left = Build(leaves, lo, mid, paths);
  const Hash256 right = Build(leaves, mid, hi, paths);
  for (std::size_t i = lo; i < mid; ++i) (*paths)[i].push_back(right);
  for (std::size_t i = mid; i < hi; ++i) (*paths)[i].push_back(left);
  return NodeHash(left, right);
}

}  // namespace

Hash256 LeafHash(ByteView header, ByteView payload) {
  const auto header_len = BigEndian32(header.size());
  const auto payload_len = BigEndian32(payload.size());
  return crypto::Hash({kLeafPrefix, AsBytes(kLeafDomain), header_len, header,
                       payload_len, payload});
}

Hash256 NodeHash(const Hash256& left, const Hash256& right) {
  return crypto::Hash({kNodePrefix, left, right});
}

Hash256 BuildTree(std::span<const Hash256> leaves,
                  std::vector<std::vector<Hash256>>* paths) {
  paths->assign(leaves.size(), {});
  return Build(leaves, 0, leaves.size(), paths);
}

std::size_t AuditPathLength(std::uint64_t index, std::uint64_t count) {
  // PATH(m, D[n]) of RFC 9162 section 2.1.3.1, counted instead of built.
  std::size_t length = 0;
  while (count > 1) {
    const std::uint64_t k = SplitPoint(count);
    if (index < k) {
      count = k;
    } else {
      index -= k;
      count -= k;
    }
    ++length;
  }
  return length;
}

bool RootFromAuditPath(std::uint64_t index, std::uint64_t count,
                       const Hash256& leaf, std::span<const Hash256> proof,
                       Hash256* root) {
  // RFC 9162 section 2.1.3.2, step by step.
  if (index >= count) return false;  // 1
  std::uint64_t fn = index;          // 2
  std::uint64_t sn = count - 1;
  Hash256 r = leaf;                   // 3
  for (const Hash256& p : proof) {    // 4
    if (sn == 0) return false;        // 4a: proof too long
    if ((fn & 1) == 1 || fn == sn) {  // 4b: p is on the left
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        // The rightmost node of a level with no sibling: climb past the
        // levels where it is promoted unchanged.
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {  // p is on the right
      r = NodeHash(r, p);
    }
    fn >>= 1;  // 4c
    sn >>= 1;
  }
  if (sn != 0) return false;  // 5: proof too short
  *root = r;
  return true;
}

Bytes SignedMessage(const Hash256& root) {
  ByteWriter w;
  w.Raw(AsBytes(kRootDomain));
  w.U8(0x00);
  w.Raw(root);
  return w.Take();
}

}  // namespace certshare::envelope::internal
