#include "common/trust/registry_version.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"
#include "common/trust/trust_test_util.h"

namespace certshare::trust {
namespace {

using namespace certshare::trust::testing;  // NOLINT

// A registry key that only root version 2 of RegistryKeyRotationTest names.
constexpr std::uint8_t kRegistryC = 13;

// Only CERT-UA's previous signing key signs the change from `old_m` to `new_m`.
KeyChangeProof KeyProofOld(const Member& old_m, const Member& new_m) {
  return KeyChangeProof{SignKeyChange(old_m, new_m, kSignUa), std::nullopt};
}

class RegistryVersionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1_text_ = SignRegistry(RegistryV1(), {kRegistryA});
    Result<VerifiedRegistryVersion> v1 = VerifyRegistryVersion(root_, nullptr, v1_text_, Now());
    ASSERT_OK(v1.status());
    v1_ = v1->version;
  }
  // Version 2 after v1_, changed by `change`, signed by registry key A.
  template <typename F>
  Status Next(F change) {
    RegistryVersion v = RegistryV2(v1_text_);
    v.members[1] = RegistryV1().members[1];  // no rotation unless `change` makes one
    change(&v);
    return VerifyRegistryVersion(root_, &v1_, SignRegistry(v, {kRegistryA}), Now()).status();
  }

  // root_ alone, as VerifyRegistryChain takes it.
  std::vector<SignedRoot> Path() const { return {SignedRoot{root_, {}}}; }

  Root root_ = RootV1();
  std::string v1_text_;
  SignedRegistryVersion v1_;
};

TEST_F(RegistryVersionTest, FirstContactAcceptsAVersionSignedByTheRegistryThreshold) {
  EXPECT_EQ(v1_.version.members.size(), 2u);
  EXPECT_NE(v1_.registry.Find("CERT-UA"), nullptr);
  EXPECT_NE(v1_.registry.FindGroup("baltic-ua"), nullptr);
  EXPECT_TRUE(v1_.version.Find("CERT-EE")->HasRole(kRolePublish));
  EXPECT_EQ(v1_.hash, PayloadHash(v1_.envelope.payload));
}

TEST_F(RegistryVersionTest, TooFewRegistrySignaturesAreRefused) {
  // Unsigned, and signed by a root key (which is not a registry key).
  for (const std::vector<std::uint8_t>& seeds :
       {std::vector<std::uint8_t>{}, std::vector<std::uint8_t>{kRootEe}}) {
    EXPECT_CODE(
        VerifyRegistryVersion(root_, nullptr, SignRegistry(RegistryV1(), seeds), Now()).status(),
        ErrorCode::kUnderThreshold);
  }
  Root two = root_;
  two.registry.threshold = 2;
  EXPECT_CODE(VerifyRegistryVersion(two, nullptr, v1_text_, Now()).status(),
              ErrorCode::kUnderThreshold);
  EXPECT_OK(VerifyRegistryVersion(two, nullptr, SignRegistry(RegistryV1(), {kRegistryA, kRegistryB}),
                                  Now())
                .status());
}

TEST_F(RegistryVersionTest, AnotherFederationsVersionIsRefused) {
  RegistryVersion v = RegistryV1();
  v.federation = "elsewhere";
  EXPECT_CODE(VerifyRegistryVersion(root_, nullptr, SignRegistry(v, {kRegistryA}), Now()).status(),
              ErrorCode::kWrongFederation);
}

TEST_F(RegistryVersionTest, AnExpiredVersionIsRefusedButMayBeAnIntermediateOne) {
  EXPECT_CODE(VerifyRegistryVersion(root_, nullptr, v1_text_, v1_.version.expires_ms).status(),
              ErrorCode::kTrustExpired);
  const std::string v2_text = SignRegistry(RegistryV2(v1_text_), {kRegistryA});
  RegistryVersion v3 = RegistryV2(v1_text_);
  v3.version = 3;
  v3.expires = "2029-01-01T00:00:00Z";
  v3.expires_ms = *ParseTimestamp(v3.expires);
  v3.previous = PayloadHash(ParseRegistryVersion(v2_text)->envelope.payload);
  v3.members[1].key_change.reset();  // no key changes from 2 to 3
  const std::string v3_text = SignRegistry(v3, {kRegistryA});
  const StixMillis later = v1_.version.expires_ms;  // v1 and v2 expired, v3 not
  Result<VerifiedRegistryVersion> chain = VerifyRegistryChain(Path(), &v1_, {v2_text, v3_text}, later);
  ASSERT_OK(chain.status());
  EXPECT_EQ(chain->version.version.version, 3u);
  ASSERT_EQ(chain->key_changes.size(), 1u);
  EXPECT_EQ(chain->key_changes[0].org, "CERT-UA");
  EXPECT_CODE(VerifyRegistryChain(Path(), &v1_, {v2_text}, later).status(),
              ErrorCode::kTrustExpired);
}

// Root version 2 replaces registry keys A and B by C. Version 2 of the registry,
// signed by A before that, still takes its place in the chain; version 3,
// signed by C, is current under root 2.
class RegistryKeyRotationTest : public RegistryVersionTest {
 protected:
  void SetUp() override {
    RegistryVersionTest::SetUp();
    Root v2 = RootV2();
    v2.registry.keys = {TrustKey{KeyPair(kRegistryC).public_key, "registry signer C"}};
    roots_ = {SignedRoot{root_, {}}, SignedRoot{v2, {}}};
    v2_text_ = SignRegistry(RegistryV2(v1_text_), {kRegistryA});
  }
  // Registry version 3 after v2_text_, signed by `seed`.
  std::string V3(std::uint8_t seed) {
    RegistryVersion v3 = RegistryV2(v1_text_);
    v3.version = 3;
    v3.previous = PayloadHash(ParseRegistryVersion(v2_text_)->envelope.payload);
    v3.members[1].key_change.reset();
    return SignRegistry(v3, {seed});
  }

  std::vector<SignedRoot> roots_;
  std::string v2_text_;
};

TEST_F(RegistryKeyRotationTest, AChainGoesOnPastAChangeOfRegistryKeys) {
  Result<VerifiedRegistryVersion> chain =
      VerifyRegistryChain(roots_, &v1_, {v2_text_, V3(kRegistryC)}, Now());
  ASSERT_OK(chain.status());
  EXPECT_EQ(chain->version.version.version, 3u);
  ASSERT_EQ(chain->key_changes.size(), 1u);  // CERT-UA's rotation in version 2
  // On first contact too, from the pinned root 1.
  EXPECT_OK(VerifyRegistryChain(roots_, nullptr, {v1_text_, v2_text_, V3(kRegistryC)}, Now())
                .status());
}

TEST_F(RegistryKeyRotationTest, TheLatestVersionMustBeSignedByTheCurrentRootsKeys) {
  // Nothing signed by C yet: the version held, or the last one served, is
  // vouched for only by the root before.
  EXPECT_CODE(VerifyRegistryChain(roots_, &v1_, {}, Now()).status(), ErrorCode::kUnderThreshold);
  EXPECT_CODE(VerifyRegistryChain(roots_, &v1_, {v2_text_}, Now()).status(),
              ErrorCode::kUnderThreshold);
  // The old key A, dropped by root 2, cannot sign a version after it.
  EXPECT_CODE(VerifyRegistryChain(roots_, &v1_, {v2_text_, V3(kRegistryA)}, Now()).status(),
              ErrorCode::kUnderThreshold);
  // Once C signed, A may not sign again: the chain never goes back a root.
  RegistryVersion v4 = RegistryV2(v1_text_);
  v4.version = 4;
  v4.previous = PayloadHash(ParseRegistryVersion(V3(kRegistryC))->envelope.payload);
  v4.members[1].key_change.reset();
  EXPECT_OK(VerifyRegistryChain(roots_, &v1_,
                                {v2_text_, V3(kRegistryC), SignRegistry(v4, {kRegistryC})}, Now())
                .status());
  EXPECT_CODE(VerifyRegistryChain(roots_, &v1_,
                                  {v2_text_, V3(kRegistryC), SignRegistry(v4, {kRegistryA})},
                                  Now())
                  .status(),
              ErrorCode::kUnderThreshold);
  // Root 1 alone, which never knew C: C's versions are under threshold.
  const std::vector<SignedRoot> first = {roots_.front()};
  EXPECT_CODE(VerifyRegistryChain(first, &v1_, {v2_text_, V3(kRegistryC)}, Now()).status(),
              ErrorCode::kUnderThreshold);
}

TEST_F(RegistryVersionTest, AnOlderVersionIsARollback) {
  Result<VerifiedRegistryVersion> v2 = VerifyRegistryVersion(
      root_, &v1_, SignRegistry(RegistryV2(v1_text_), {kRegistryA}), Now());
  ASSERT_OK(v2.status());
  EXPECT_CODE(VerifyRegistryVersion(root_, &v2->version, v1_text_, Now()).status(),
              ErrorCode::kRollback);
}

TEST_F(RegistryVersionTest, TheSameVersionAgainChangesNothingButADifferentOneIsAFork) {
  Result<VerifiedRegistryVersion> again = VerifyRegistryVersion(root_, &v1_, v1_text_, Now());
  ASSERT_OK(again.status());
  EXPECT_EQ(again->version.hash, v1_.hash);
  RegistryVersion fork = RegistryV1();
  fork.members[0].card.name = "Someone else";
  EXPECT_CODE(VerifyRegistryVersion(root_, &v1_, SignRegistry(fork, {kRegistryA}), Now()).status(),
              ErrorCode::kBrokenChain);
}

TEST_F(RegistryVersionTest, AGapOrAnotherPreviousHashBreaksTheChain) {
  EXPECT_CODE(Next([](RegistryVersion* v) { v->version = 3; }), ErrorCode::kBrokenChain);
  EXPECT_CODE(Next([](RegistryVersion* v) { (*v->previous)[0] ^= 1; }), ErrorCode::kBrokenChain);
  EXPECT_OK(Next([](RegistryVersion*) {}));
}

TEST_F(RegistryVersionTest, ARotationSignedByTheOldAndTheNewKeyIsAccepted) {
  Result<VerifiedRegistryVersion> v2 = VerifyRegistryVersion(
      root_, &v1_, SignRegistry(RegistryV2(v1_text_), {kRegistryA}), Now());
  ASSERT_OK(v2.status());
  ASSERT_EQ(v2->key_changes.size(), 1u);
  EXPECT_EQ(v2->key_changes[0].org, "CERT-UA");
  EXPECT_EQ(v2->key_changes[0].kind, KeyChangeKind::kRotated);
  EXPECT_EQ(v2->version.registry.Find("CERT-UA")->sign_key, KeyPair(kSignUaNew).public_key);
}

TEST_F(RegistryVersionTest, ARotationWithoutTheOldKeysSignatureIsRefused) {
  const Member old_ua = RegistryV1().members[1];
  auto rotated = [&](std::optional<std::uint8_t> old_signer) {
    return [old_ua, old_signer](RegistryVersion* v) {
      Member& ua = v->members[1];
      ua.card.sign_key = KeyPair(kSignUaNew).public_key;
      KeyChangeProof proof;
      if (old_signer) proof.old_key_sig = SignKeyChange(old_ua, ua, *old_signer);
      proof.new_key_sig = SignKeyChange(old_ua, ua, kSignUaNew);
      ua.key_change = proof;
    };
  };
  EXPECT_CODE(Next(rotated(std::nullopt)), ErrorCode::kRotationNotAuthorised);
  EXPECT_CODE(Next(rotated(kSignEe)), ErrorCode::kRotationNotAuthorised);  // another org's key
  EXPECT_OK(Next(rotated(kSignUa)));
  // A box key swapped by the registry signers alone (the hostile-operator case).
  EXPECT_CODE(Next([](RegistryVersion* v) { v->members[1].card.box_key = BoxKey(99); }),
              ErrorCode::kRotationNotAuthorised);
}

TEST_F(RegistryVersionTest, ANewSigningKeyMustSignItsOwnKeyChange) {
  const Member old_ua = RegistryV1().members[1];
  EXPECT_CODE(Next([&](RegistryVersion* v) {
                Member& ua = v->members[1];
                ua.card.sign_key = KeyPair(kSignUaNew).public_key;
                ua.key_change = KeyProofOld(old_ua, ua);
              }),
              ErrorCode::kNoProofOfPossession);
  // A box key change keeps the signing key: the old key's signature is enough.
  EXPECT_OK(Next([&](RegistryVersion* v) {
    Member& ua = v->members[1];
    ua.card.box_key = BoxKey(34);
    ua.key_change = KeyProofOld(old_ua, ua);
  }));
}

TEST_F(RegistryVersionTest, HistoryCannotBeRewritten) {
  EXPECT_CODE(Next([](RegistryVersion* v) { v->members.pop_back(); v->groups.clear(); }),
              ErrorCode::kHistoryRewritten);
  // Revoked in version 2 ...
  RegistryVersion v2 = RegistryV2(v1_text_);
  v2.members[1] = RegistryV1().members[1];
  v2.members[1].card.revoked = true;
  v2.members[1].card.revoked_at = "2026-11-27T08:47:27Z";
  v2.members[1].compromised_since = "2026-11-20T00:00:00Z";
  v2.members[1].compromised_since_ms = *ParseTimestamp(v2.members[1].compromised_since);
  const std::string v2_text = SignRegistry(v2, {kRegistryA});
  Result<VerifiedRegistryVersion> trusted = VerifyRegistryVersion(root_, &v1_, v2_text, Now());
  ASSERT_OK(trusted.status());
  auto v3_after = [&](auto change) {
    RegistryVersion v3 = v2;
    v3.version = 3;
    v3.previous = trusted->version.hash;
    change(&v3.members[1]);
    return VerifyRegistryVersion(root_, &trusted->version, SignRegistry(v3, {kRegistryA}), Now());
  };
  // ... un-revoked with its old keys, its revocation time moved, its
  // compromise forgotten or moved later: refused.
  EXPECT_CODE(v3_after([](Member* m) { m->card.revoked = false; m->card.revoked_at.clear(); }).status(),
              ErrorCode::kHistoryRewritten);
  EXPECT_CODE(v3_after([](Member* m) { m->card.revoked_at = "2026-11-28T00:00:00Z"; }).status(),
              ErrorCode::kHistoryRewritten);
  EXPECT_CODE(v3_after([](Member* m) { m->compromised_since.clear(); }).status(),
              ErrorCode::kHistoryRewritten);
  EXPECT_CODE(v3_after([](Member* m) {
                m->compromised_since = "2026-11-21T00:00:00Z";
                m->compromised_since_ms = *ParseTimestamp(m->compromised_since);
              }).status(),
              ErrorCode::kHistoryRewritten);
  // Reinstated with all-new keys: accepted without the old key (a thief
  // may hold it), reported as a replacement, proven by the new key.
  Result<VerifiedRegistryVersion> back = v3_after([&](Member* m) {
    const Member old_m = *m;
    m->card.revoked = false;
    m->card.revoked_at.clear();
    m->compromised_since.clear();
    m->card.sign_key = KeyPair(kSignUaNew).public_key;
    m->card.box_key = BoxKey(35);
    m->card.transport_key = BoxKey(45);
    m->key_change = KeyChangeProof{std::nullopt, SignKeyChange(old_m, *m, kSignUaNew)};
  });
  ASSERT_OK(back.status());
  ASSERT_EQ(back->key_changes.size(), 1u);
  EXPECT_EQ(back->key_changes[0].kind, KeyChangeKind::kReplacedAfterCompromise);
}

TEST_F(RegistryVersionTest, PreviousKeysAreOnlyKeysTheOrganisationHad) {
  // A key of the registry signers' choosing slipped in as CERT-EE's
  // "previous" signing key would make forged old records verify.
  EXPECT_CODE(Next([](RegistryVersion* v) {
                v->members[0].card.previous_sign_keys = {KeyPair(77).public_key};
              }),
              ErrorCode::kHistoryRewritten);
  EXPECT_CODE(Next([](RegistryVersion* v) { v->members[0].card.previous_box_keys = {BoxKey(77)}; }),
              ErrorCode::kHistoryRewritten);
  // A new organisation has no previous keys in this federation.
  EXPECT_CODE(Next([](RegistryVersion* v) {
                Member lv = v->members[0];
                lv.card.org = "CERT-LV";
                lv.card.sign_key = KeyPair(24).public_key;
                lv.card.box_key = BoxKey(36);
                lv.card.transport_key = BoxKey(46);
                lv.card.previous_sign_keys = {KeyPair(25).public_key};
                v->members.insert(v->members.begin() + 1, lv);  // sorted: EE, LV, UA
              }),
              ErrorCode::kHistoryRewritten);
  // Forgetting previous keys (they were compromised) is allowed; the
  // rotation of registry-2 keeps exactly the keys CERT-UA had.
  EXPECT_OK(Next([](RegistryVersion*) {}));
}

TEST_F(RegistryVersionTest, MalformedVersionsAreRefusedWithTheirField) {
  struct Case {
    const char* what;
    void (*change)(RegistryVersion*);
    const char* field;
  };
  const Case cases[] = {
      {"version 1 with previous", [](RegistryVersion* v) { v->previous = crypto::Hash256{}; },
       "version 1 has no"},
      {"version 2 without previous", [](RegistryVersion* v) { v->version = 2; }, "is missing"},
      {"unsorted", [](RegistryVersion* v) { std::swap(v->members[0], v->members[1]); },
       "organisations[1]"},
      {"a key of another organisation",
       [](RegistryVersion* v) { v->members[1].card.box_key = v->members[0].card.box_key; },
       "uses a key of"},
      {"an unknown role", [](RegistryVersion* v) { v->members[0].roles = {"admin"}; }, "roles[0]"},
      {"no role", [](RegistryVersion* v) { v->members[0].roles.clear(); }, "roles"},
      {"a bad home broker", [](RegistryVersion* v) { v->members[0].home_broker = "a b"; },
       "home_broker"},
      {"a bad card expiry", [](RegistryVersion* v) { v->members[0].card_expires = "2028"; },
       "card_expires"},
      {"a group member not registered",
       [](RegistryVersion* v) { v->groups[0].second.push_back("CERT-ZZ"); }, "groups.baltic-ua"},
  };
  for (const Case& c : cases) {
    RegistryVersion v = RegistryV1();
    c.change(&v);
    Status s = ParseRegistryVersion(SignRegistry(v, {kRegistryA})).status();
    EXPECT_EQ(s.code(), ErrorCode::kMalformedTrust) << c.what << ": " << s.ToString();
    EXPECT_NE(s.message().find(c.field), std::string::npos) << c.what << ": " << s.ToString();
  }
}

TEST_F(RegistryVersionTest, CardExpiryIsReportedNotRefused) {
  const Member& ee = *v1_.version.Find("CERT-EE");
  EXPECT_FALSE(ee.CardExpired(Now()));
  EXPECT_TRUE(ee.CardExpired(ee.card_expires_ms));
  EXPECT_EQ(RegistryVersionPayload(v1_.version), v1_.envelope.payload);
}

// What verifiers act on reaches identity::Card (compose and render use
// cards): card_expires, compromised_since and allowed_roots.
TEST_F(RegistryVersionTest, CardsCarryExpiryCompromiseAndAllowedRoots) {
  RegistryVersion v = RegistryV1();
  v.members[1].compromised_since = "2026-12-01T00:00:00Z";
  v.members[1].compromised_since_ms = *ParseTimestamp(v.members[1].compromised_since);
  crypto::Hash256 root{};
  root.fill(0xab);
  v.members[1].card.allowed_roots = {root};
  Result<SignedRegistryVersion> parsed = ParseRegistryVersion(SignRegistry(v, {kRegistryA}));
  ASSERT_OK(parsed.status());
  const identity::Card* ua = parsed->registry.Find("CERT-UA");
  ASSERT_NE(ua, nullptr);
  EXPECT_EQ(ua->card_expires, "2028-01-01T00:00:00Z");
  EXPECT_EQ(ua->compromised_since, "2026-12-01T00:00:00Z");
  ASSERT_EQ(ua->allowed_roots.size(), 1u);
  EXPECT_EQ(ua->allowed_roots[0], root);
  EXPECT_NE(parsed->envelope.payload.find("\"allowed_roots\":[\"abab"), std::string::npos);
  // The unsigned registry JSON keeps them too.
  auto again = identity::Registry::Parse(parsed->registry.ToJson());
  ASSERT_OK(again.status());
  EXPECT_EQ(again->Find("CERT-UA")->allowed_roots, ua->allowed_roots);
  EXPECT_EQ(again->Find("CERT-UA")->compromised_since, ua->compromised_since);
  EXPECT_EQ(again->Find("CERT-UA")->card_expires, ua->card_expires);
  EXPECT_TRUE(identity::CardExpired(*ua, *ParseTimestamp("2028-01-01T00:00:00Z")));
  EXPECT_FALSE(identity::CardExpired(*ua, Now()));
}

}  // namespace
}  // namespace certshare::trust
