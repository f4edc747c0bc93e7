#include "common/crypto/passphrase.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"

namespace certshare::crypto {
namespace {

std::string Hex(const ContentKey& key) { return HexEncode(key.view()); }

TEST(PassphraseTest, SamePassphraseAndSaltGiveTheSameKey) {
  ASSERT_OK(Init());
  const PassphraseSalt salt = RandomPassphraseSalt();
  ContentKey a, b;
  ASSERT_OK(DeriveKeyFromPassphrase(Passphrase("correct horse battery"), salt, &a));
  ASSERT_OK(DeriveKeyFromPassphrase(Passphrase("correct horse battery"), salt, &b));
  EXPECT_EQ(Hex(a), Hex(b));
  EXPECT_NE(Hex(a), std::string(64, '0'));
}

TEST(PassphraseTest, OtherPassphraseOrSaltGiveAnotherKey) {
  const PassphraseSalt salt = RandomPassphraseSalt();
  PassphraseSalt other_salt = salt;
  other_salt[0] ^= 1;
  ContentKey base, other_pass, other_salted;
  ASSERT_OK(DeriveKeyFromPassphrase(Passphrase("correct horse battery"), salt, &base));
  ASSERT_OK(DeriveKeyFromPassphrase(Passphrase("correct horse batterY"), salt, &other_pass));
  ASSERT_OK(DeriveKeyFromPassphrase(Passphrase("correct horse battery"), other_salt,
                                    &other_salted));
  EXPECT_NE(Hex(base), Hex(other_pass));
  EXPECT_NE(Hex(base), Hex(other_salted));
  EXPECT_NE(RandomPassphraseSalt(), RandomPassphraseSalt());
}

// The parameters are fixed: a known answer pins them (Argon2id v1.3,
// 3 passes, 256 MiB, one lane, 32-byte output), so a change that would make
// existing files unreadable fails here. The expected value comes from the
// Argon2 reference implementation (Debian's argon2 tool), not libsodium:
//   echo -n certshare | argon2 certshare-salt16 -id -t 3 -m 18 -p 1 -l 32 -r
TEST(PassphraseTest, KnownAnswerOfTheReferenceImplementation) {
  const std::string_view salt_text = "certshare-salt16";
  PassphraseSalt salt;
  std::copy(salt_text.begin(), salt_text.end(), salt.begin());
  ContentKey key;
  ASSERT_OK(DeriveKeyFromPassphrase(Passphrase("certshare"), salt, &key));
  EXPECT_EQ(Hex(key), "0a71357056dd226fc5d243162faeb9912b17c21f9d09ba2675be4eb36e40d209");
}

TEST(PassphraseTest, MovesWipeTheSource) {
  Passphrase a("a long enough passphrase");
  Passphrase b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the wipe
  EXPECT_EQ(b.view(), "a long enough passphrase");
  Passphrase c;
  c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.size(), 24u);
}

}  // namespace
}  // namespace certshare::crypto
