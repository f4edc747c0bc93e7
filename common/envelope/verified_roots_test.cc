// envelope::Verify with a VerifiedRoots memory: a batch costs one Ed25519
// check, and nothing a full check refuses is ever accepted from memory:
// changed payloads, transplanted or shortened paths, another key, other
// signature bytes under a root already verified.
#include "common/envelope/verified_roots.h"

#include <string>
#include <vector>

#include "common/envelope/envelope_test_util.h"

namespace certshare::envelope::testing {
namespace {

constexpr std::size_t kBatch = 16;

class VerifiedRootsTest : public EnvelopeTest {
 protected:
  // A batch of kBatch records from origin_, decoded.
  std::vector<Record> Batch() {
    std::vector<Draft> drafts;
    for (std::size_t i = 0; i < kBatch; ++i) {
      Draft d = MakeDraft(Tlp::kAmber, true, "{\"seq\":" + std::to_string(i) + "}");
      d.stix_id = "indicator--" + std::to_string(i);
      drafts.push_back(std::move(d));
    }
    Sealer sealer = NewSealer();
    Result<std::vector<Sealed>> sealed = sealer.SealBatch(drafts);
    EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
    std::vector<Record> records;
    for (const Sealed& s : *sealed) {
      Result<Record> r = Decode(s.record);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      records.push_back(std::move(*r));
    }
    return records;
  }
  // `r` rebuilt with `auth` (its header and payload unchanged).
  static Record With(const Record& r, const Auth& auth) {
    Result<Record> out = Decode(AssembleRaw(r.header_bytes, r.payload, auth));
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? std::move(*out) : r;
  }
  const crypto::SigningPublicKey& key() const { return origin_.sign.public_key; }
};

TEST_F(VerifiedRootsTest, ABatchCostsOneSignatureCheck) {
  const std::vector<Record> batch = Batch();
  VerifiedRoots memory;
  for (const Record& r : batch) ASSERT_OK(Verify(r, key(), &memory));
  EXPECT_EQ(memory.misses(), 1u);
  EXPECT_EQ(memory.hits(), kBatch - 1);
  // Open goes through the same memory.
  Result<std::string> opened =
      Open(batch[3], b_.id, b_.box.secret_key, key(), origin_.box.public_key, {&memory, nullptr});
  ASSERT_OK(opened.status());
  EXPECT_EQ(*opened, "{\"seq\":3}");
  EXPECT_EQ(memory.hits(), kBatch);
}

TEST_F(VerifiedRootsTest, NothingAFullCheckRefusesIsAcceptedUnderAVerifiedRoot) {
  const std::vector<Record> batch = Batch();
  VerifiedRoots memory;
  ASSERT_OK(Verify(batch[0], key(), &memory));  // the batch's root is now known

  // A changed payload: its leaf, and so its root, differ.
  Record changed = batch[5];
  changed.payload.back() ^= 0x01;
  EXPECT_CODE(Verify(changed, key(), &memory), ErrorCode::kBadSignature);
  // A changed header.
  Record header = batch[5];
  header.header_bytes[header.header_bytes.size() / 2] ^= 0x01;
  EXPECT_CODE(Verify(header, key(), &memory), ErrorCode::kBadSignature);
  // Another record's path (and index) on this record.
  EXPECT_CODE(Verify(With(batch[5], batch[6].auth), key(), &memory), ErrorCode::kBadSignature);
  // One node of the path changed.
  Auth forged = batch[5].auth;
  forged.proof[0][0] ^= 0x01;
  EXPECT_CODE(Verify(With(batch[5], forged), key(), &memory), ErrorCode::kBadSignature);
  // Posing as a single record (root = its own leaf).
  Auth single = batch[5].auth;
  single.leaf_index = 0;
  single.leaf_count = 1;
  single.proof.clear();
  EXPECT_CODE(Verify(With(batch[5], single), key(), &memory), ErrorCode::kBadSignature);
  // The same root under another key: a root is known per key.
  EXPECT_CODE(Verify(batch[5], outsider_.sign.public_key, &memory), ErrorCode::kBadSignature);
  // The same root and key with other signature bytes: checked in full.
  Auth resigned = batch[5].auth;
  resigned.signature[10] ^= 0x01;
  EXPECT_CODE(Verify(With(batch[5], resigned), key(), &memory), ErrorCode::kBadSignature);
  // None of these was answered from memory, and none was remembered: the
  // genuine record still is, once.
  EXPECT_EQ(memory.hits(), 0u);
  const std::uint64_t misses = memory.misses();
  ASSERT_OK(Verify(batch[5], key(), &memory));
  EXPECT_EQ(memory.hits(), 1u);
  EXPECT_EQ(memory.misses(), misses);
}

TEST_F(VerifiedRootsTest, TheOldestRootIsForgottenFirstAndChecksAgainInFull) {
  const std::vector<Record> first = Batch();
  const std::vector<Record> second = Batch();
  VerifiedRoots memory(1);
  ASSERT_OK(Verify(first[0], key(), &memory));
  ASSERT_OK(Verify(second[0], key(), &memory));  // evicts the first root
  ASSERT_OK(Verify(first[1], key(), &memory));   // in full again, still accepted
  EXPECT_EQ(memory.hits(), 0u);
  EXPECT_EQ(memory.misses(), 3u);
  ASSERT_OK(Verify(first[2], key(), &memory));
  EXPECT_EQ(memory.hits(), 1u);
}

}  // namespace
}  // namespace certshare::envelope::testing
