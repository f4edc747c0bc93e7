#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "common/base/testing.h"
#include "common/crypto/keys.h"

namespace certshare::crypto {
namespace {

class CryptoTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(Init()); }
};

template <std::size_t N>
bool AllZero(const Secret<N>& s) {
  ByteView v = s.view();
  return std::all_of(v.begin(), v.end(), [](std::uint8_t b) { return b == 0; });
}

TEST_F(CryptoTest, InitIsIdempotent) {
  ASSERT_OK(Init());
  ASSERT_OK(Init());
}

// --- signatures ---

TEST_F(CryptoTest, SignVerifyRoundTrip) {
  SigningKeyPair kp = GenerateSigningKeyPair();
  EXPECT_EQ(SigningPublicFromSecret(kp.secret_key), kp.public_key);
  Signature sig = Sign(kp.secret_key, AsBytes("hello"));
  EXPECT_TRUE(Verify(kp.public_key, AsBytes("hello"), sig));
  // The empty message is a message like any other.
  Signature empty_sig = Sign(kp.secret_key, {});
  EXPECT_TRUE(Verify(kp.public_key, {}, empty_sig));
  EXPECT_FALSE(Verify(kp.public_key, AsBytes("x"), empty_sig));
}

TEST_F(CryptoTest, ASeedAlwaysGivesTheSameSigningKeyPair) {
  Secret<32> seed;
  for (std::size_t i = 0; i < seed.size(); ++i) seed.data()[i] = static_cast<std::uint8_t>(i);
  SigningKeyPair a = SigningKeyPairFromSeed(seed);
  SigningKeyPair b = SigningKeyPairFromSeed(seed);
  EXPECT_EQ(a.public_key, b.public_key);
  EXPECT_EQ(SigningPublicFromSecret(a.secret_key), a.public_key);
  // Ed25519 is deterministic: the same key signs a message the same way.
  EXPECT_EQ(Sign(a.secret_key, AsBytes("m")), Sign(b.secret_key, AsBytes("m")));
  EXPECT_TRUE(Verify(a.public_key, AsBytes("m"), Sign(a.secret_key, AsBytes("m"))));
  seed.data()[0] ^= 1;
  EXPECT_NE(SigningKeyPairFromSeed(seed).public_key, a.public_key);
}

TEST_F(CryptoTest, TamperedMessageSignatureOrKeyFail) {
  SigningKeyPair kp = GenerateSigningKeyPair();
  SigningKeyPair other = GenerateSigningKeyPair();
  const std::string msg = "the routing header and payload";
  Signature sig = Sign(kp.secret_key, AsBytes(msg));

  std::string bad_msg = msg;
  bad_msg[3] ^= 1;
  EXPECT_FALSE(Verify(kp.public_key, AsBytes(bad_msg), sig));
  EXPECT_FALSE(Verify(kp.public_key, AsBytes(msg + "x"), sig));
  EXPECT_FALSE(Verify(kp.public_key, AsBytes(msg.substr(1)), sig));

  for (std::size_t i = 0; i < sig.size(); ++i) {
    Signature bad = sig;
    bad[i] ^= 0x01;
    EXPECT_FALSE(Verify(kp.public_key, AsBytes(msg), bad)) << "byte " << i;
  }
  EXPECT_FALSE(Verify(other.public_key, AsBytes(msg), sig));
  SigningPublicKey zero{};
  EXPECT_FALSE(Verify(zero, AsBytes(msg), sig));
}

// --- hashing ---

TEST_F(CryptoTest, HashIsOverTheConcatenation) {
  Hash256 a = Hash({AsBytes("abc"), AsBytes("def")});
  Hash256 b = Hash({AsBytes("abcdef")});
  Hash256 c = Hash({AsBytes("ab"), {}, AsBytes("cdef")});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_NE(a, Hash({AsBytes("abcdeg")}));
  // BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte output).
  EXPECT_EQ(HexEncode(Hash({})),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

// --- AEAD ---

TEST_F(CryptoTest, AeadRoundTrip) {
  ContentKey key = NewContentKey();
  Nonce nonce = RandomNonce();
  Bytes ct = AeadSeal(key, nonce, AsBytes("secret payload"), AsBytes("header"));
  EXPECT_EQ(ct.size(), std::string("secret payload").size() + 16);
  std::string pt;
  ASSERT_OK(AeadOpen(key, nonce, ct, AsBytes("header"), &pt));
  EXPECT_EQ(pt, "secret payload");
}

TEST_F(CryptoTest, AeadEmptyPlaintextAndEmptyAd) {
  ContentKey key = NewContentKey();
  Nonce nonce = RandomNonce();
  Bytes ct = AeadSeal(key, nonce, {}, {});
  EXPECT_EQ(ct.size(), 16u);
  std::string pt = "stale";
  ASSERT_OK(AeadOpen(key, nonce, ct, {}, &pt));
  EXPECT_TRUE(pt.empty());
  pt = "stale";
  EXPECT_CODE(AeadOpen(key, nonce, ct, AsBytes("x"), &pt),
              ErrorCode::kDecryptFailed);
  EXPECT_TRUE(pt.empty());
}

TEST_F(CryptoTest, AeadTamperingFailsAndClearsOutput) {
  ContentKey key = NewContentKey();
  Nonce nonce = RandomNonce();
  const std::string ad = "routing header";
  Bytes ct = AeadSeal(key, nonce, AsBytes("plaintext here"), AsBytes(ad));

  for (std::size_t i = 0; i < ct.size(); ++i) {
    Bytes bad = ct;
    bad[i] ^= 0x80;
    std::string pt = "stale";
    EXPECT_CODE(AeadOpen(key, nonce, bad, AsBytes(ad), &pt),
                ErrorCode::kDecryptFailed);
    EXPECT_TRUE(pt.empty()) << "byte " << i;
  }
  std::string pt = "stale";
  EXPECT_CODE(AeadOpen(key, nonce, ct, AsBytes("routing headeR"), &pt),
              ErrorCode::kDecryptFailed);
  EXPECT_TRUE(pt.empty());

  Nonce bad_nonce = nonce;
  bad_nonce[23] ^= 1;
  pt = "stale";
  EXPECT_CODE(AeadOpen(key, bad_nonce, ct, AsBytes(ad), &pt),
              ErrorCode::kDecryptFailed);
  EXPECT_TRUE(pt.empty());

  ContentKey other = NewContentKey();
  pt = "stale";
  EXPECT_CODE(AeadOpen(other, nonce, ct, AsBytes(ad), &pt),
              ErrorCode::kDecryptFailed);
  EXPECT_TRUE(pt.empty());
}

TEST_F(CryptoTest, AeadHostileSizes) {
  ContentKey key = NewContentKey();
  Nonce nonce = RandomNonce();
  Bytes ct = AeadSeal(key, nonce, AsBytes("abc"), {});
  for (std::size_t len = 0; len < ct.size(); ++len) {
    std::string pt = "stale";
    EXPECT_CODE(AeadOpen(key, nonce, ByteView(ct.data(), len), {}, &pt),
                ErrorCode::kDecryptFailed);
    EXPECT_TRUE(pt.empty()) << "length " << len;
  }
  // Shorter than the tag, including nothing at all.
  std::string pt = "stale";
  EXPECT_CODE(AeadOpen(key, nonce, {}, {}, &pt), ErrorCode::kDecryptFailed);
  EXPECT_TRUE(pt.empty());
  Bytes extra = ct;
  extra.push_back(0);
  EXPECT_CODE(AeadOpen(key, nonce, extra, {}, &pt), ErrorCode::kDecryptFailed);
  EXPECT_TRUE(pt.empty());
}

TEST_F(CryptoTest, AeadLargePayload) {
  ContentKey key = NewContentKey();
  Nonce nonce = RandomNonce();
  std::string big(1 << 20, 'z');
  Bytes ct = AeadSeal(key, nonce, AsBytes(big), AsBytes("h"));
  std::string pt;
  ASSERT_OK(AeadOpen(key, nonce, ct, AsBytes("h"), &pt));
  EXPECT_EQ(pt, big);
}

// --- key agreement and wrapping ---

TEST_F(CryptoTest, SharedKeyIsSymmetric) {
  BoxKeyPair a = GenerateBoxKeyPair();
  BoxKeyPair b = GenerateBoxKeyPair();
  EXPECT_EQ(BoxPublicFromSecret(a.secret_key), a.public_key);
  SharedKey ab, ba;
  ASSERT_OK(ComputeSharedKey(a.secret_key, b.public_key, &ab));
  ASSERT_OK(ComputeSharedKey(b.secret_key, a.public_key, &ba));
  EXPECT_TRUE(
      std::equal(ab.view().begin(), ab.view().end(), ba.view().begin()));
  EXPECT_FALSE(AllZero(ab));
}

TEST_F(CryptoTest, WrapUnwrapBothDirections) {
  BoxKeyPair a = GenerateBoxKeyPair();
  BoxKeyPair b = GenerateBoxKeyPair();
  SharedKey ab, ba;
  ASSERT_OK(ComputeSharedKey(a.secret_key, b.public_key, &ab));
  ASSERT_OK(ComputeSharedKey(b.secret_key, a.public_key, &ba));

  ContentKey key = NewContentKey();
  // A -> B: A wraps under shared(A,B), B unwraps under shared(B,A).
  WrappedKey w = WrapKey(ab, key);
  ContentKey out;
  ASSERT_OK(UnwrapKey(ba, w, &out));
  EXPECT_TRUE(
      std::equal(key.view().begin(), key.view().end(), out.view().begin()));
  // B -> A.
  WrappedKey w2 = WrapKey(ba, key);
  ContentKey out2;
  ASSERT_OK(UnwrapKey(ab, w2, &out2));
  EXPECT_TRUE(
      std::equal(key.view().begin(), key.view().end(), out2.view().begin()));
  // A fresh nonce each time.
  EXPECT_NE(w.nonce, w2.nonce);
}

TEST_F(CryptoTest, WrongRecipientCannotUnwrap) {
  BoxKeyPair a = GenerateBoxKeyPair();
  BoxKeyPair b = GenerateBoxKeyPair();
  BoxKeyPair c = GenerateBoxKeyPair();
  SharedKey ab, ca;
  ASSERT_OK(ComputeSharedKey(a.secret_key, b.public_key, &ab));
  ASSERT_OK(ComputeSharedKey(c.secret_key, a.public_key, &ca));
  ContentKey key = NewContentKey();
  WrappedKey w = WrapKey(ab, key);
  ContentKey out = NewContentKey();
  EXPECT_CODE(UnwrapKey(ca, w, &out), ErrorCode::kDecryptFailed);
  EXPECT_TRUE(AllZero(out));
}

TEST_F(CryptoTest, TamperedWrappedKeyFailsAndZeroesOutput) {
  BoxKeyPair a = GenerateBoxKeyPair();
  BoxKeyPair b = GenerateBoxKeyPair();
  SharedKey ab;
  ASSERT_OK(ComputeSharedKey(a.secret_key, b.public_key, &ab));
  WrappedKey w = WrapKey(ab, NewContentKey());
  for (std::size_t i = 0; i < w.box.size(); ++i) {
    WrappedKey bad = w;
    bad.box[i] ^= 1;
    ContentKey out = NewContentKey();
    EXPECT_CODE(UnwrapKey(ab, bad, &out), ErrorCode::kDecryptFailed);
    EXPECT_TRUE(AllZero(out)) << "byte " << i;
  }
  for (std::size_t i = 0; i < w.nonce.size(); ++i) {
    WrappedKey bad = w;
    bad.nonce[i] ^= 1;
    ContentKey out;
    EXPECT_CODE(UnwrapKey(ab, bad, &out), ErrorCode::kDecryptFailed);
  }
}

TEST_F(CryptoTest, LowOrderPublicKeyIsRefused) {
  BoxKeyPair a = GenerateBoxKeyPair();
  BoxPublicKey zero{};
  SharedKey out;
  EXPECT_CODE(ComputeSharedKey(a.secret_key, zero, &out),
              ErrorCode::kDecryptFailed);
  EXPECT_TRUE(AllZero(out));
  // The point of order 1 (u = 1) is low order too.
  BoxPublicKey one{};
  one[0] = 1;
  EXPECT_CODE(ComputeSharedKey(a.secret_key, one, &out),
              ErrorCode::kDecryptFailed);
}

// --- secrets ---

TEST_F(CryptoTest, SecretMoveWipesSource) {
  ContentKey key = NewContentKey();
  ASSERT_FALSE(AllZero(key));
  ContentKey copy = key.Clone();
  ContentKey moved(std::move(key));
  EXPECT_TRUE(AllZero(key));  // NOLINT(bugprone-use-after-move): the point
  EXPECT_TRUE(
      std::equal(copy.view().begin(), copy.view().end(), moved.view().begin()));

  ContentKey assigned;
  assigned = std::move(moved);
  EXPECT_TRUE(AllZero(moved));  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(std::equal(copy.view().begin(), copy.view().end(),
                         assigned.view().begin()));

  SigningKeyPair kp = GenerateSigningKeyPair();
  SigningSecretKey sk(std::move(kp.secret_key));
  EXPECT_TRUE(AllZero(kp.secret_key));  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(SigningPublicFromSecret(sk), kp.public_key);
}

TEST_F(CryptoTest, SelfMoveAssignKeepsValue) {
  ContentKey key = NewContentKey();
  ContentKey copy = key.Clone();
  ContentKey& alias = key;
  key = std::move(alias);
  EXPECT_TRUE(
      std::equal(copy.view().begin(), copy.view().end(), key.view().begin()));
}

TEST_F(CryptoTest, RandomValuesDiffer) {
  EXPECT_NE(RandomNonce(), RandomNonce());
  ContentKey a = NewContentKey();
  ContentKey b = NewContentKey();
  EXPECT_FALSE(std::equal(a.view().begin(), a.view().end(), b.view().begin()));
}

}  // namespace
}  // namespace certshare::crypto
