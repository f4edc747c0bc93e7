#include "common/trust/key_id.h"

#include <gtest/gtest.h>

#include "common/base/bytes.h"
#include "common/trust/trust_test_util.h"

namespace certshare::trust {
namespace {

TEST(KeyIdTest, IsTheDomainSeparatedHashOfKindAndKey) {
  const crypto::SigningPublicKey key = testing::KeyPair(1).public_key;
  std::string prefix("certshare/key-id/v1\0ed25519\0", 28);
  EXPECT_EQ(KeyIdOf(KeyKind::kEd25519, key), crypto::Hash({AsBytes(prefix), key}));
  // The same 32 bytes as an X25519 key have another id.
  EXPECT_NE(KeyIdOf(KeyKind::kEd25519, key), KeyIdOf(KeyKind::kX25519, key));
}

TEST(KeyIdTest, FingerprintIsEightGroupsOfTheKeyIdsFirstSixteenBytes) {
  const crypto::SigningPublicKey key = testing::KeyPair(1).public_key;
  const std::string fp = Fingerprint(KeyKind::kEd25519, key);
  ASSERT_EQ(fp.size(), 39u);
  std::string digits;
  for (std::size_t i = 0; i < fp.size(); ++i) {
    if (i % 5 == 4) {
      EXPECT_EQ(fp[i], ' ') << fp;
    } else {
      digits += fp[i];
    }
  }
  const KeyId id = KeyIdOf(KeyKind::kEd25519, key);
  EXPECT_EQ(digits, HexEncode(ByteView(id.data(), 16)));
  EXPECT_NE(fp, Fingerprint(KeyKind::kEd25519, testing::KeyPair(2).public_key));
}

}  // namespace
}  // namespace certshare::trust
