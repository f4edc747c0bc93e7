#include "common/trust/timestamp.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"
#include "common/trust/trust_test_util.h"

namespace certshare::trust {
namespace {

using namespace certshare::trust::testing;  // NOLINT

constexpr StixMillis kHour = 3600 * 1000;

class TimestampTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1_text_ = SignRegistry(RegistryV1(), {kRegistryA});
    v2_text_ = SignRegistry(RegistryV2(v1_text_), {kRegistryA});
    v1_ = *ParseRegistryVersion(v1_text_);
    v2_ = *ParseRegistryVersion(v2_text_);
  }
  // A timestamp for `version` issued at `issued`, valid 24 hours.
  static std::string Sign(const SignedRegistryVersion& version, StixMillis issued,
                          const std::vector<std::uint8_t>& seeds) {
    SignedEnvelope env = UnsignedTimestamp(TimestampFor(version, issued, 24 * kHour));
    for (std::uint8_t seed : seeds) AddSignature(&env, KeyPair(seed).secret_key);
    return EncodeEnvelope(env);
  }

  Root root_ = RootV1();
  std::string v1_text_, v2_text_;
  SignedRegistryVersion v1_, v2_;
};

TEST_F(TimestampTest, AFreshTimestampForTheHeldVersionIsAccepted) {
  Result<SignedTimestamp> t =
      VerifyTimestamp(root_, v2_, nullptr, Sign(v2_, Now(), {kRegistryB}), Now() + kHour);
  ASSERT_OK(t.status());
  EXPECT_EQ(t->timestamp.registry_version, 2u);
  EXPECT_EQ(t->timestamp.issued, "2026-12-06T00:00:00Z");
  EXPECT_EQ(t->timestamp.expires, "2026-12-07T00:00:00Z");
  EXPECT_TRUE(t->timestamp.Fresh(Now() + 23 * kHour));
  EXPECT_FALSE(t->timestamp.Fresh(Now() + 24 * kHour));
}

TEST_F(TimestampTest, OnlyTheRegistryKeysMayVouch) {
  // A root key is not a registry key, and a broker's or anyone else's key neither.
  EXPECT_CODE(VerifyTimestamp(root_, v2_, nullptr, Sign(v2_, Now(), {kRootEe, kRootUa}), Now())
                  .status(),
              ErrorCode::kUnderThreshold);
  EXPECT_CODE(VerifyTimestamp(root_, v2_, nullptr, Sign(v2_, Now(), {}), Now()).status(),
              ErrorCode::kUnderThreshold);
}

TEST_F(TimestampTest, AnExpiredTimestampIsRefused) {
  EXPECT_CODE(VerifyTimestamp(root_, v2_, nullptr, Sign(v2_, Now(), {kRegistryA}),
                              Now() + 24 * kHour)
                  .status(),
              ErrorCode::kTrustExpired);
}

TEST_F(TimestampTest, ItMustNameTheHeldVersionAndItsHash) {
  // A broker hiding version 2 serves a fresh-looking timestamp for version 1.
  Status older = VerifyTimestamp(root_, v2_, nullptr, Sign(v1_, Now(), {kRegistryA}), Now())
                     .status();
  EXPECT_CODE(older, ErrorCode::kBrokenChain);
  EXPECT_NE(older.message().find("registry version held (2)"), std::string::npos)
      << older.ToString();
  // The same number, another version: a fork.
  RegistryVersion other = RegistryV2(v1_text_);
  other.expires = "2031-01-01T00:00:00Z";
  other.expires_ms += 365LL * 24 * kHour;
  SignedRegistryVersion fork = *ParseRegistryVersion(SignRegistry(other, {kRegistryA}));
  Status forked = VerifyTimestamp(root_, v2_, nullptr, Sign(fork, Now(), {kRegistryA}), Now())
                      .status();
  EXPECT_CODE(forked, ErrorCode::kBrokenChain);
  EXPECT_NE(forked.message().find("a fork"), std::string::npos) << forked.ToString();
}

TEST_F(TimestampTest, AnOlderTimestampThanTheHeldOneIsARollback) {
  Result<SignedTimestamp> newer =
      VerifyTimestamp(root_, v2_, nullptr, Sign(v2_, Now() + 2 * kHour, {kRegistryA}),
                      Now() + 2 * kHour);
  ASSERT_OK(newer.status());
  EXPECT_CODE(VerifyTimestamp(root_, v2_, &*newer, Sign(v2_, Now() + kHour, {kRegistryA}),
                              Now() + 2 * kHour)
                  .status(),
              ErrorCode::kRollback);
  // The same one again is not older.
  EXPECT_OK(VerifyTimestamp(root_, v2_, &*newer, Sign(v2_, Now() + 2 * kHour, {kRegistryA}),
                            Now() + 2 * kHour)
                .status());
}

TEST_F(TimestampTest, AnotherFederationIsRefused) {
  Root other = root_;
  other.federation = "another-federation";
  EXPECT_CODE(VerifyTimestamp(other, v2_, nullptr, Sign(v2_, Now(), {kRegistryA}), Now())
                  .status(),
              ErrorCode::kWrongFederation);
}

TEST_F(TimestampTest, MalformedTimestampsAreRefusedNamingTheField) {
  Timestamp t = TimestampFor(v2_, Now(), 24 * kHour);
  t.expires = t.issued;  // not after issued
  t.expires_ms = t.issued_ms;
  Status s = ParseSignedTimestamp(EncodeEnvelope(UnsignedTimestamp(t))).status();
  EXPECT_CODE(s, ErrorCode::kMalformedTrust);
  EXPECT_NE(s.message().find("payload.expires"), std::string::npos) << s.ToString();

  SignedEnvelope env = UnsignedTimestamp(TimestampFor(v2_, Now(), 24 * kHour));
  env.payload.insert(env.payload.size() - 1, ",\"extra\":1");
  s = ParseSignedTimestamp(EncodeEnvelope(env)).status();
  EXPECT_CODE(s, ErrorCode::kMalformedTrust);
  EXPECT_NE(s.message().find("extra"), std::string::npos) << s.ToString();

  // A registry version is not a timestamp (payload_type).
  EXPECT_CODE(ParseSignedTimestamp(v2_text_).status(), ErrorCode::kMalformedTrust);
}

}  // namespace
}  // namespace certshare::trust
