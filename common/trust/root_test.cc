#include "common/trust/root.h"

#include <gtest/gtest.h>

#include "common/base/bytes.h"
#include "common/base/testing.h"
#include "common/trust/trust_test_util.h"

namespace certshare::trust {
namespace {

using namespace certshare::trust::testing;  // NOLINT

Root RootV3() {
  Root r = RootV2();
  r.version = 3;
  return r;
}

TEST(RootTest, PinnedRootNeedsAThresholdOfItsOwnKeys) {
  Result<SignedRoot> ok = VerifyPinnedRoot(SignRoot(RootV1(), {kRootEe, kRootHub}));
  ASSERT_OK(ok.status());
  EXPECT_EQ(ok->root.version, 1u);
  EXPECT_EQ(ok->root.root.keys.size(), 3u);
  EXPECT_CODE(VerifyPinnedRoot(SignRoot(RootV1(), {kRootEe})).status(), ErrorCode::kUnderThreshold);
  // A registry key is not a root key.
  EXPECT_CODE(VerifyPinnedRoot(SignRoot(RootV1(), {kRootEe, kRegistryA})).status(),
              ErrorCode::kUnderThreshold);
}

TEST(RootTest, AnUpdateSignedByBothThresholdsIsAccepted) {
  Result<SignedRoot> next = VerifyRootUpdate(RootV1(), SignRoot(RootV2(), {kRootEe, kRootUa}));
  ASSERT_OK(next.status());
  EXPECT_EQ(next->root.version, 2u);
  EXPECT_EQ(next->root.root.keys[2].holder, "CERT-LV");
}

TEST(RootTest, AnUpdateNeedsAThresholdOfTheTrustedRootsKeys) {
  // CERT-LV's new key and the hub's old one: one of the trusted keys only.
  Status s = VerifyRootUpdate(RootV1(), SignRoot(RootV2(), {kRootHub, kRootLv})).status();
  EXPECT_CODE(s, ErrorCode::kUnderThreshold);
  EXPECT_NE(s.message().find("trusted root version 1"), std::string::npos) << s.ToString();
}

TEST(RootTest, AnUpdateNeedsAThresholdOfItsOwnKeys) {
  // Two trusted keys, but only one of the new root's own (the hub left).
  Status s = VerifyRootUpdate(RootV1(), SignRoot(RootV2(), {kRootEe, kRootHub})).status();
  EXPECT_CODE(s, ErrorCode::kUnderThreshold);
  EXPECT_NE(s.message().find("its own root keys"), std::string::npos) << s.ToString();
}

TEST(RootTest, AnOlderOrTheSameVersionIsARollback) {
  Root old = RootV1();
  EXPECT_CODE(VerifyRootUpdate(RootV2(), SignRoot(old, {kRootEe, kRootUa})).status(),
              ErrorCode::kRollback);
  EXPECT_CODE(VerifyRootUpdate(RootV1(), SignRoot(old, {kRootEe, kRootUa})).status(),
              ErrorCode::kRollback);
}

TEST(RootTest, AnUpdateMustBeExactlyTheNextVersion) {
  EXPECT_CODE(VerifyRootUpdate(RootV1(), SignRoot(RootV3(), {kRootEe, kRootUa})).status(),
              ErrorCode::kWrongRootVersion);
}

TEST(RootTest, AnotherFederationsRootIsRefused) {
  Root other = RootV2();
  other.federation = "another-federation";
  EXPECT_CODE(VerifyRootUpdate(RootV1(), SignRoot(other, {kRootEe, kRootUa})).status(),
              ErrorCode::kWrongFederation);
}

TEST(RootTest, OnlyTheLastRootOfAChainMustBeFresh) {
  Result<SignedRoot> v1 = VerifyPinnedRoot(SignRoot(RootV1(), {kRootEe, kRootUa}));
  ASSERT_OK(v1.status());
  Root v2 = RootV2();
  v2.expires = "2026-01-01T00:00:00Z";  // before Now()
  v2.expires_ms = *ParseTimestamp(v2.expires);
  const std::string v2_text = SignRoot(v2, {kRootEe, kRootUa});
  const std::string v3_text = SignRoot(RootV3(), {kRootEe, kRootUa});

  Result<std::vector<SignedRoot>> path = VerifyRootChain(*v1, {v2_text, v3_text}, Now());
  ASSERT_OK(path.status());
  ASSERT_EQ(path->size(), 3u);
  EXPECT_EQ(path->front().root.version, 1u);
  EXPECT_EQ(path->back().root.version, 3u);
  EXPECT_CODE(VerifyRootChain(*v1, {v2_text}, Now()).status(), ErrorCode::kTrustExpired);
  // The trusted root alone, checked at a time after it expired.
  EXPECT_OK(VerifyRootChain(*v1, {}, Now()).status());
  EXPECT_CODE(VerifyRootChain(*v1, {}, v1->root.expires_ms).status(), ErrorCode::kTrustExpired);
  EXPECT_OK(CheckRootFresh(v1->root, v1->root.expires_ms - 1));
}

TEST(RootTest, MalformedRootsAreRefusedWithTheirField) {
  struct Case {
    const char* what;
    void (*change)(Root*);
    const char* field;
  };
  const Case cases[] = {
      {"threshold 0", [](Root* r) { r->root.threshold = 0; }, "root_threshold"},
      {"threshold above the keys", [](Root* r) { r->registry.threshold = 3; }, "registry_threshold"},
      {"a key twice", [](Root* r) { r->root.keys[1].key = r->root.keys[0].key; }, "root_keys[1]"},
      {"a root key as registry key", [](Root* r) { r->registry.keys[0].key = r->root.keys[0].key; },
       "both a root key and a registry key"},
      {"version 0", [](Root* r) { r->version = 0; }, "version"},
      {"a time with a fraction", [](Root* r) { r->expires = "2030-01-01T00:00:00.000Z"; },
       "expires"},
      {"a time that does not exist", [](Root* r) { r->expires = "2030-02-30T00:00:00Z"; },
       "expires"},
      {"a bad federation name", [](Root* r) { r->federation = "EU Federation"; }, "federation"},
      {"an empty holder", [](Root* r) { r->root.keys[0].holder.clear(); }, "holder"},
  };
  for (const Case& c : cases) {
    Root r = RootV1();
    c.change(&r);
    Status s = ParseRoot(SignRoot(r, {})).status();
    EXPECT_EQ(s.code(), ErrorCode::kMalformedTrust) << c.what << ": " << s.ToString();
    EXPECT_NE(s.message().find(c.field), std::string::npos) << c.what << ": " << s.ToString();
  }
}

TEST(RootTest, AnUnknownMemberOrAnotherPayloadTypeIsRefused) {
  SignedEnvelope env = UnsignedRoot(RootV1());
  env.payload.insert(env.payload.size() - 1, ",\"delegations\":{}");
  Status s = ParseRoot(EncodeEnvelope(env)).status();
  EXPECT_CODE(s, ErrorCode::kMalformedTrust);
  EXPECT_NE(s.message().find("delegations: unknown member"), std::string::npos) << s.ToString();

  SignedEnvelope reg = UnsignedRoot(RootV1());
  reg.payload_type = "certshare-registry-version-v1";
  EXPECT_CODE(ParseRoot(EncodeEnvelope(reg)).status(), ErrorCode::kMalformedTrust);
  EXPECT_CODE(ParseRoot("not json").status(), ErrorCode::kMalformedTrust);
  EXPECT_CODE(ParseRoot("{}").status(), ErrorCode::kMalformedTrust);
}

TEST(RootTest, PayloadRoundTrips) {
  Result<SignedRoot> parsed = ParseRoot(SignRoot(RootV1(), {kRootEe}));
  ASSERT_OK(parsed.status());
  EXPECT_EQ(RootPayload(parsed->root), parsed->envelope.payload);
}

}  // namespace
}  // namespace certshare::trust
