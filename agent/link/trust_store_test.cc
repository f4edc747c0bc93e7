// agent::TrustStore against what an honest and a hostile broker may send
// (docs/agent.md, "Federation mode"): every refusal keeps what the agent
// held, and the agent keeps sealing to the keys it pinned.
#include "agent/link/trust_store.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "common/base/file_util.h"
#include "common/base/testing.h"
#include "common/trust/key_id.h"
#include "common/trust/trust_test_util.h"

namespace certshare::agent {
namespace {

using namespace trust::testing;  // NOLINT: the fixed test keys

class TrustStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/trust_store_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    root1_ = SignRoot(RootV1(), {kRootEe, kRootUa});
    v1_ = SignRegistry(RegistryV1(), {kRegistryA});
    ASSERT_TRUE(TrustStore::PinRoot(dir_, root1_).ok());
  }

  TrustStore OpenStore() {
    auto store = TrustStore::Open(dir_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(*store);
  }

  // The broker's answer: registry versions and a timestamp for the last.
  static wire::TrustFiles Answer(std::vector<std::string> registries, bool timestamp = true) {
    wire::TrustFiles files;
    files.latest_root = 1;
    files.latest_registry = registries.size();
    if (timestamp && !registries.empty()) {
      files.timestamp = SignTimestampFor(registries.back(), {kRegistryA});
    }
    files.registries = std::move(registries);
    return files;
  }

  // A store holding version 1, fresh, CERT-EE and CERT-UA pinned.
  TrustStore Fresh() {
    TrustStore store = OpenStore();
    auto applied = store.Apply(Answer({v1_}), Now());
    EXPECT_TRUE(applied.ok()) << applied.status().ToString();
    EXPECT_TRUE(store.Fresh(Now()));
    return store;
  }

  std::string dir_;
  std::string root1_;
  std::string v1_;
};

const identity::Card& Ua(const TrustStore& store) {
  return *store.registry()->registry.Find("CERT-UA");
}

TEST_F(TrustStoreTest, InitRootNotSignedByAThresholdOfItsOwnKeysIsRefused) {
  const std::string dir = dir_ + "-other";
  std::filesystem::remove_all(dir);
  auto pinned = TrustStore::PinRoot(dir, SignRoot(RootV1(), {kRootEe}));  // 1 of 2
  EXPECT_CODE(pinned.status(), ErrorCode::kUnderThreshold);
  EXPECT_FALSE(TrustStore::IsFederated(dir));
  // And a second pin over the first is refused.
  EXPECT_CODE(TrustStore::PinRoot(dir_, root1_).status(), ErrorCode::kAlreadyExists);
}

TEST_F(TrustStoreTest, FirstVersionPinsEveryOrganisationWhenFresh) {
  TrustStore store = Fresh();
  EXPECT_EQ(store.registry_version(), 1u);
  EXPECT_EQ(store.pins().size(), 2u);
  EXPECT_TRUE(store.Usable(Ua(store), Now()).ok());
  // Reopened from the directory: the same state.
  TrustStore again = OpenStore();
  EXPECT_EQ(again.registry_version(), 1u);
  EXPECT_TRUE(again.Fresh(Now()));
  EXPECT_TRUE(again.Usable(Ua(again), Now()).ok());
}

TEST_F(TrustStoreTest, StaleTimestampWarnsAndRefusesFirstUse) {
  TrustStore store = OpenStore();
  const StixMillis later = Now() + 25 * 3600 * 1000;  // the timestamp is 24 h
  auto applied = store.Apply(Answer({v1_}), later);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_CODE(applied->timestamp_refused, ErrorCode::kTrustExpired);
  EXPECT_FALSE(store.Fresh(later));
  EXPECT_NE(store.FreshnessWarning(later).find("a revocation"), std::string::npos);
  EXPECT_CODE(store.Usable(Ua(store), later), ErrorCode::kKeyNotConfirmed);
}

TEST_F(TrustStoreTest, RotationSignedByTheOldKeyMovesThePin) {
  TrustStore store = Fresh();
  const std::string v2 = SignRegistry(RegistryV2(v1_), {kRegistryA});
  auto applied = store.Apply(Answer({v2}), Now());
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_EQ(applied->key_changes.size(), 1u);
  EXPECT_NE(applied->key_changes[0].find("CERT-UA: keys changed"), std::string::npos);
  EXPECT_TRUE(store.Usable(Ua(store), Now()).ok());
  EXPECT_EQ(store.pins().at("CERT-UA").sign, KeyPair(kSignUaNew).public_key);
}

// A root version that replaces the registry keys (A and B by C): taken
// only together with a registry version C signs, across the versions A
// signed before it; until then the agent keeps what it holds.
TEST_F(TrustStoreTest, ARootThatReplacesTheRegistryKeysWaitsForAVersionTheNewKeysSign) {
  constexpr std::uint8_t kRegistryC = 13;
  TrustStore store = Fresh();
  trust::Root r2 = RootV2();
  r2.registry.keys = {trust::TrustKey{KeyPair(kRegistryC).public_key, "registry signer C"}};
  wire::TrustFiles files = Answer({});
  files.roots = {SignRoot(r2, {kRootEe, kRootUa})};
  files.latest_root = 2;
  files.latest_registry = 1;
  EXPECT_CODE(store.Apply(files, Now()).status(), ErrorCode::kUnderThreshold);
  EXPECT_EQ(store.root_version(), 1u);
  EXPECT_EQ(OpenStore().root_version(), 1u);

  const std::string v2 = SignRegistry(RegistryV2(v1_), {kRegistryA});
  trust::RegistryVersion v3 = RegistryV2(v1_);
  v3.version = 3;
  v3.previous = trust::PayloadHash(trust::ParseRegistryVersion(v2)->envelope.payload);
  v3.members[1].key_change.reset();
  files.registries = {v2, SignRegistry(v3, {kRegistryC})};
  files.latest_registry = 3;
  files.timestamp = SignTimestampFor(files.registries.back(), {kRegistryC});
  auto applied = store.Apply(files, Now());
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(store.root_version(), 2u);
  EXPECT_EQ(store.registry_version(), 3u);
  EXPECT_TRUE(store.Fresh(Now()));
  EXPECT_EQ(store.pins().at("CERT-UA").sign, KeyPair(kSignUaNew).public_key);
  TrustStore again = OpenStore();  // version 3 verifies under root 2 alone
  EXPECT_EQ(again.registry_version(), 3u);
  EXPECT_TRUE(again.Fresh(Now()));
}

// (a) a registry version signed by a key that is not a registry key.
TEST_F(TrustStoreTest, VersionSignedByANonRegistryKeyIsRefusedAndNothingChanges) {
  TrustStore store = Fresh();
  const std::string forged = SignRegistry(RegistryV2(v1_), {kRootEe});
  EXPECT_CODE(store.Apply(Answer({forged}), Now()).status(), ErrorCode::kUnderThreshold);
  EXPECT_EQ(store.registry_version(), 1u);
  EXPECT_EQ(Ua(store).sign_key, KeyPair(kSignUa).public_key);
  EXPECT_EQ(OpenStore().registry_version(), 1u);  // nothing written
}

// (b) a rollback: the broker claims an older latest version.
TEST_F(TrustStoreTest, RollbackIsRefused) {
  TrustStore store = Fresh();
  ASSERT_TRUE(store.Apply(Answer({SignRegistry(RegistryV2(v1_), {kRegistryA})}), Now()).ok());
  wire::TrustFiles old = Answer({v1_});
  old.latest_registry = 1;
  EXPECT_CODE(store.Apply(old, Now()).status(), ErrorCode::kRollback);
  EXPECT_EQ(store.registry_version(), 2u);
}

// (c) a broken chain: version 2 naming another predecessor.
TEST_F(TrustStoreTest, BrokenChainIsRefused) {
  TrustStore store = Fresh();
  trust::RegistryVersion v2 = RegistryV2(v1_);
  v2.previous->fill(7);
  EXPECT_CODE(store.Apply(Answer({SignRegistry(v2, {kRegistryA})}), Now()).status(),
              ErrorCode::kBrokenChain);
  EXPECT_EQ(store.registry_version(), 1u);
}

// (d) CERT-UA's box key swapped without its old key's signature.
TEST_F(TrustStoreTest, BoxKeySwapWithoutTheOldKeysSignatureIsRefused) {
  TrustStore store = Fresh();
  trust::RegistryVersion v2 = RegistryV1();
  v2.version = 2;
  v2.previous = trust::PayloadHash(trust::ParseRegistryVersion(v1_)->envelope.payload);
  v2.members[1].card.box_key = BoxKey(99);  // the attacker's
  EXPECT_CODE(store.Apply(Answer({SignRegistry(v2, {kRegistryA})}), Now()).status(),
              ErrorCode::kRotationNotAuthorised);
  EXPECT_EQ(Ua(store).box_key, BoxKey(32));  // still the pinned key
  EXPECT_TRUE(store.Usable(Ua(store), Now()).ok());
}

TEST_F(TrustStoreTest, ReplacementAfterCompromiseWaitsForConfirmation) {
  TrustStore store = Fresh();
  // Version 2 marks CERT-UA compromised; version 3 replaces its keys with
  // no signature by the old key.
  trust::RegistryVersion v2 = RegistryV1();
  v2.version = 2;
  v2.previous = trust::PayloadHash(trust::ParseRegistryVersion(v1_)->envelope.payload);
  v2.members[1].compromised_since = "2026-12-01T00:00:00Z";
  v2.members[1].compromised_since_ms = *ParseTimestamp("2026-12-01T00:00:00Z");
  const std::string v2_text = SignRegistry(v2, {kRegistryA});
  trust::RegistryVersion v3 = v2;
  v3.version = 3;
  v3.previous = trust::PayloadHash(trust::ParseRegistryVersion(v2_text)->envelope.payload);
  const trust::Member old_ua = v3.members[1];
  trust::Member& ua = v3.members[1];
  ua.compromised_since.clear();
  ua.compromised_since_ms = 0;
  ua.card.sign_key = KeyPair(kSignUaNew).public_key;
  ua.card.box_key = BoxKey(34);
  ua.card.transport_key = BoxKey(44);
  ua.key_change = trust::KeyChangeProof{std::nullopt, SignKeyChange(old_ua, ua, kSignUaNew)};
  auto applied = store.Apply(Answer({v2_text, SignRegistry(v3, {kRegistryA})}), Now());
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_EQ(applied->key_changes.size(), 1u);
  EXPECT_NE(applied->key_changes[0].find("registry confirm CERT-UA"), std::string::npos);
  EXPECT_CODE(store.Usable(Ua(store), Now()), ErrorCode::kKeyNotConfirmed);

  const std::string fp = trust::Fingerprint(trust::KeyKind::kEd25519, KeyPair(kSignUaNew).public_key);
  EXPECT_CODE(store.Confirm("CERT-UA", "0000 1111").status(), ErrorCode::kInvalidArgument);
  EXPECT_CODE(store.Usable(Ua(store), Now()), ErrorCode::kKeyNotConfirmed);
  ASSERT_TRUE(store.Confirm("CERT-UA", fp).ok());
  EXPECT_TRUE(store.Usable(Ua(store), Now()).ok());
  EXPECT_TRUE(OpenStore().Usable(Ua(store), Now()).ok());  // written to pins.json
  EXPECT_CODE(store.Confirm("CERT-UA", fp).status(), ErrorCode::kInvalidArgument);
}

TEST_F(TrustStoreTest, LocalCardRedefiningAFederationIdIsRefused) {
  TrustStore store = Fresh();
  identity::Card fake = Ua(store);
  fake.sign_key = KeyPair(77).public_key;
  fake.box_key = BoxKey(77);
  fake.transport_key = BoxKey(78);
  EXPECT_CODE(store.ImportLocal({fake}), ErrorCode::kAlreadyExists);
  fake.org = "CERT-XX";
  ASSERT_TRUE(store.ImportLocal({fake}).ok());
  auto registry = OpenStore().EffectiveRegistry();
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  EXPECT_NE(registry->Find("CERT-XX"), nullptr);
  EXPECT_TRUE(store.Usable(*registry->Find("CERT-XX"), Now()).ok());
}

TEST_F(TrustStoreTest, ExpiredCardIsNotUsed) {
  TrustStore store = Fresh();
  const StixMillis after = *ParseTimestamp("2028-01-02T00:00:00Z");  // cards expire 2028-01-01
  EXPECT_CODE(store.Usable(Ua(store), after), ErrorCode::kTrustExpired);
}

}  // namespace
}  // namespace certshare::agent
