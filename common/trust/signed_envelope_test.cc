#include "common/trust/signed_envelope.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"
#include "common/trust/trust_test_util.h"

namespace certshare::trust {
namespace {

using testing::KeyPair;

SignedEnvelope Signed(const std::vector<std::uint8_t>& seeds) {
  SignedEnvelope env;
  env.payload_type = "certshare-root-v1";
  env.payload = "{\"x\":1}";
  for (std::uint8_t seed : seeds) AddSignature(&env, KeyPair(seed).secret_key);
  return env;
}

TEST(SignedEnvelopeTest, EncodesAndParsesBackTheSameEnvelope) {
  const SignedEnvelope env = Signed({1, 2});
  Result<SignedEnvelope> back = ParseEnvelope(EncodeEnvelope(env), env.payload_type, 1024);
  ASSERT_OK(back.status());
  EXPECT_EQ(back->payload, env.payload);
  ASSERT_EQ(back->signatures.size(), 2u);
  EXPECT_EQ(back->signatures[1].sig, env.signatures[1].sig);
  EXPECT_EQ(EncodeEnvelope(*back), EncodeEnvelope(env));
}

TEST(SignedEnvelopeTest, EachKeyCountsOnceAndOnlyIfAuthorisedAndValid) {
  SignedEnvelope env = Signed({1, 2, 3});
  const std::vector<crypto::SigningPublicKey> authorised = {KeyPair(1).public_key,
                                                            KeyPair(2).public_key};
  EXPECT_EQ(CountValidSignatures(env, authorised), 2u);  // 3 is not authorised
  AddSignature(&env, KeyPair(1).secret_key);              // replaces, not adds
  EXPECT_EQ(env.signatures.size(), 3u);
  EXPECT_OK(CheckThreshold(env, authorised, 2, "test keys"));
  EXPECT_CODE(CheckThreshold(env, authorised, 3, "test keys"), ErrorCode::kUnderThreshold);

  SignedEnvelope tampered = env;
  tampered.payload = "{\"x\":2}";
  EXPECT_EQ(CountValidSignatures(tampered, authorised), 0u);
  SignedEnvelope retyped = env;
  retyped.payload_type = "certshare-registry-version-v1";
  EXPECT_EQ(CountValidSignatures(retyped, authorised), 0u);
}

TEST(SignedEnvelopeTest, TheSignedMessageIsDomainSeparatedAndFramed) {
  const Bytes m = SignedMessage("t", "pq");
  const std::string expected("certshare/trust/v1\0\0\0\0\1t\0\0\0\2pq", 30);
  EXPECT_EQ(std::string(AsChars(m)), expected);
}

TEST(SignedEnvelopeTest, MalformedEnvelopesAreRefused) {
  const std::string good = EncodeEnvelope(Signed({1}));
  auto replace = [&good](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::string cases[] = {
      replace("certshare-signed-v1", "certshare-signed-v2"),
      replace("\"payload\": \"", "\"payload\": \"0"),            // odd hex
      replace("\"payload\": \"", "\"payload\": \"zz"),           // not hex
      replace("\"sig\"", "\"signature\""),                       // unknown member
      replace("\"signatures\": [", "\"extra\": 1, \"signatures\": ["),
      "[]",
      "",
  };
  for (const std::string& text : cases) {
    EXPECT_EQ(ParseEnvelope(text, "certshare-root-v1", 1024).status().code(),
              ErrorCode::kMalformedTrust)
        << text;
  }
  // The same key id twice.
  SignedEnvelope twice = Signed({1});
  twice.signatures.push_back(twice.signatures[0]);
  EXPECT_CODE(ParseEnvelope(EncodeEnvelope(twice), "certshare-root-v1", 1024).status(),
              ErrorCode::kMalformedTrust);
  // A payload over the limit.
  EXPECT_CODE(ParseEnvelope(good, "certshare-root-v1", 4).status(), ErrorCode::kMalformedTrust);
}

}  // namespace
}  // namespace certshare::trust
