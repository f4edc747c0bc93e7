// Batches under one signature, and the Merkle tree against a plain
// recursive reading of RFC 9162 section 2.1.
#include <random>
#include <string>

#include "common/envelope/envelope_test_util.h"
#include "common/envelope/merkle.h"

namespace certshare::envelope::testing {
namespace {

using crypto::Hash256;

// MTH and PATH exactly as RFC 9162 section 2.1.1 and 2.1.3.1 write them.
std::size_t Split(std::size_t n) {
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
Hash256 ReferenceRoot(std::span<const Hash256> d) {
  if (d.size() == 1) return d[0];
  const std::size_t k = Split(d.size());
  return internal::NodeHash(ReferenceRoot(d.subspan(0, k)),
                            ReferenceRoot(d.subspan(k)));
}
std::vector<Hash256> ReferencePath(std::size_t m, std::span<const Hash256> d) {
  if (d.size() == 1) return {};
  const std::size_t k = Split(d.size());
  std::vector<Hash256> path;
  if (m < k) {
    path = ReferencePath(m, d.subspan(0, k));
    path.push_back(ReferenceRoot(d.subspan(k)));
  } else {
    path = ReferencePath(m - k, d.subspan(k));
    path.push_back(ReferenceRoot(d.subspan(0, k)));
  }
  return path;
}

std::vector<Hash256> RandomLeaves(std::size_t n) {
  std::vector<Hash256> leaves(n);
  std::mt19937 rng(static_cast<unsigned>(n));
  for (Hash256& h : leaves) {
    for (auto& b : h) b = static_cast<std::uint8_t>(rng());
  }
  return leaves;
}

TEST(MerkleTest, MatchesRfc9162Reference) {
  for (std::size_t n = 1; n <= 70; ++n) {
    const std::vector<Hash256> leaves = RandomLeaves(n);
    std::vector<std::vector<Hash256>> paths;
    const Hash256 root = internal::BuildTree(leaves, &paths);
    ASSERT_EQ(root, ReferenceRoot(leaves)) << n;
    ASSERT_EQ(paths.size(), n);
    for (std::size_t m = 0; m < n; ++m) {
      ASSERT_EQ(paths[m], ReferencePath(m, leaves)) << m << " of " << n;
      ASSERT_EQ(paths[m].size(), internal::AuditPathLength(m, n));
      Hash256 folded;
      ASSERT_TRUE(
          internal::RootFromAuditPath(m, n, leaves[m], paths[m], &folded));
      EXPECT_EQ(folded, root) << m << " of " << n;
    }
  }
}

TEST(MerkleTest, ProofMustFitIndexAndCount) {
  const std::vector<Hash256> leaves = RandomLeaves(13);
  std::vector<std::vector<Hash256>> paths;
  const Hash256 root = internal::BuildTree(leaves, &paths);
  Hash256 folded;
  // Out of range.
  EXPECT_FALSE(
      internal::RootFromAuditPath(13, 13, leaves[0], paths[0], &folded));
  // Too long and too short.
  std::vector<Hash256> longer = paths[5];
  longer.push_back(root);
  EXPECT_FALSE(internal::RootFromAuditPath(5, 13, leaves[5], longer, &folded));
  std::vector<Hash256> shorter(paths[5].begin(), paths[5].end() - 1);
  EXPECT_FALSE(internal::RootFromAuditPath(5, 13, leaves[5], shorter, &folded));
  // A single leaf: empty proof, root = leaf.
  ASSERT_TRUE(internal::RootFromAuditPath(0, 1, leaves[0], {}, &folded));
  EXPECT_EQ(folded, leaves[0]);
  // Wrong index with a proof of the right length gives another root.
  ASSERT_EQ(paths[1].size(), paths[2].size());
  ASSERT_TRUE(internal::RootFromAuditPath(2, 13, leaves[1], paths[1], &folded));
  EXPECT_NE(folded, root);
}

TEST(MerkleTest, LeafAndNodeDomainsDiffer) {
  // A node can never be mistaken for a leaf: different first byte.
  const Hash256 a = internal::LeafHash(AsBytes("h"), AsBytes("p"));
  const Hash256 b = internal::LeafHash(AsBytes("hp"), {});
  EXPECT_NE(a, b);  // lengths are framed
  EXPECT_NE(internal::NodeHash(a, b), internal::NodeHash(b, a));
}

class BatchTest : public EnvelopeTest,
                  public ::testing::WithParamInterface<std::size_t> {
 protected:
  std::vector<Bytes> SealN(std::size_t n) {
    std::vector<Draft> drafts;
    for (std::size_t i = 0; i < n; ++i) {
      // Mix levels and encryption within one batch.
      const bool plain = i % 3 == 1;
      Draft d = MakeDraft(plain ? Tlp::kGreen : Tlp::kAmber, !plain,
                          "{\"seq\":" + std::to_string(i) + "}");
      d.stix_id = "indicator--" + std::to_string(i);
      drafts.push_back(std::move(d));
    }
    Sealer sealer = NewSealer();
    Result<std::vector<Sealed>> sealed = sealer.SealBatch(drafts);
    EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
    std::vector<Bytes> records;
    if (sealed.ok()) {
      for (Sealed& s : *sealed) records.push_back(std::move(s.record));
    }
    return records;
  }
};

TEST_P(BatchTest, EachRecordVerifiesAndOpensAlone) {
  const std::size_t n = GetParam();
  const std::vector<Bytes> sealed = SealN(n);
  ASSERT_EQ(sealed.size(), n);
  crypto::Signature first_sig{};
  for (std::size_t i = 0; i < n; ++i) {
    Result<Record> r = Decode(sealed[i]);
    ASSERT_OK(r.status());
    EXPECT_EQ(r->auth.leaf_index, i);
    EXPECT_EQ(r->auth.leaf_count, n);
    EXPECT_EQ(r->auth.proof.size(), internal::AuditPathLength(i, n));
    if (i == 0) first_sig = r->auth.signature;
    EXPECT_EQ(r->auth.signature, first_sig);  // one signature per batch
    ASSERT_OK(Verify(*r, origin_.sign.public_key));
    for (const Org* me : {&b_, &c_}) {
      Result<std::string> opened = OpenAs(*r, *me);
      ASSERT_OK(opened.status());
      EXPECT_EQ(*opened, "{\"seq\":" + std::to_string(i) + "}");
    }
    EXPECT_CODE(Verify(*r, outsider_.sign.public_key),
                ErrorCode::kBadSignature);
  }
}

// Batches of two or more records.
class MultiBatchTest : public BatchTest {};

TEST_P(MultiBatchTest, TransplantedProofFails) {
  const std::size_t n = GetParam();
  const std::vector<Bytes> sealed = SealN(n);
  std::vector<Record> records;
  for (const Bytes& b : sealed) {
    Result<Record> r = Decode(b);
    ASSERT_OK(r.status());
    records.push_back(std::move(r).value());
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      SCOPED_TRACE(std::to_string(i) + " -> " + std::to_string(j));
      // The whole auth of record i on record j's header and payload.
      Bytes whole = AssembleRaw(records[j].header_bytes, records[j].payload,
                                records[i].auth);
      Result<Record> r = Decode(whole);
      ASSERT_OK(r.status());
      EXPECT_CODE(Verify(*r, origin_.sign.public_key),
                  ErrorCode::kBadSignature);
      // Only i's proof, j's own index.
      Auth mixed = records[j].auth;
      mixed.proof = records[i].auth.proof;
      Result<Record> m = Decode(
          AssembleRaw(records[j].header_bytes, records[j].payload, mixed));
      if (m.ok()) {
        EXPECT_CODE(Verify(*m, origin_.sign.public_key),
                    ErrorCode::kBadSignature);
      } else {
        EXPECT_CODE(m.status(), ErrorCode::kMalformedRecord);
      }
      // Only the index changed.
      Auth moved = records[j].auth;
      moved.leaf_index = static_cast<std::uint32_t>(i);
      Result<Record> k = Decode(
          AssembleRaw(records[j].header_bytes, records[j].payload, moved));
      if (k.ok()) {
        EXPECT_CODE(Verify(*k, origin_.sign.public_key),
                    ErrorCode::kBadSignature);
      }
    }
  }
}

TEST_P(MultiBatchTest, RecordFromBatchCannotPoseAsSingle) {
  const std::size_t n = GetParam();
  const std::vector<Bytes> sealed = SealN(n);
  Result<Record> r = Decode(sealed[0]);
  ASSERT_OK(r.status());
  Auth single = r->auth;
  single.leaf_index = 0;
  single.leaf_count = 1;
  single.proof.clear();
  Result<Record> s = Decode(AssembleRaw(r->header_bytes, r->payload, single));
  ASSERT_OK(s.status());
  EXPECT_CODE(Verify(*s, origin_.sign.public_key), ErrorCode::kBadSignature);
}

INSTANTIATE_TEST_SUITE_P(Sizes, BatchTest,
                         ::testing::Values(1, 2, 3, 5, 8, 13));
INSTANTIATE_TEST_SUITE_P(Sizes, MultiBatchTest,
                         ::testing::Values(2, 3, 5, 8, 13));

TEST_F(EnvelopeTest, BatchOfOneIsASingleRecord) {
  Sealer sealer = NewSealer();
  Result<std::vector<Sealed>> batch =
      sealer.SealBatch({MakeDraft(Tlp::kGreen, false)});
  ASSERT_OK(batch.status());
  ASSERT_EQ(batch->size(), 1u);
  Result<Record> r = Decode((*batch)[0].record);
  ASSERT_OK(r.status());
  EXPECT_EQ(r->auth.leaf_count, 1u);
  EXPECT_TRUE(r->auth.proof.empty());
  ASSERT_OK(Verify(*r, origin_.sign.public_key));
}

}  // namespace
}  // namespace certshare::envelope::testing
