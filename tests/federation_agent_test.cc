// The agent's federation mode against a small fake broker
// (tests/fake_trust_broker.h: it answers TRUST_GET with whatever the test
// wants): an honest broker's registry is taken and a revocation it serves
// stops the sealing to the revoked organisation; a hostile broker's (a registry version signed by a
// non-registry key, a rollback, a broken chain, a box-key swap without the
// old key's signature) is refused with its code and the agent keeps
// sealing to the key it pinned; a hostile operator's swap of keys for its
// own changes nothing an agent seals or accepts. docs/agent.md,
// "Federation mode"; docs/security.md.
#include <atomic>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "agent/link/broker_client.h"
#include "agent/link/compose.h"
#include "agent/link/trust_store.h"
#include "agent/receive/render.h"
#include "common/base/mutex.h"
#include "common/base/testing.h"
#include "common/transport/transport.h"
#include "common/trust/trust_test_util.h"
#include "tests/fake_trust_broker.h"

namespace certshare::testing {
namespace {

using namespace trust::testing;  // NOLINT: the fixed test keys
using std::chrono::milliseconds;

// The answer of a broker holding `registries` (all of them sent), with a
// timestamp for the last signed by the registry key.
wire::TrustFiles Answer(std::vector<std::string> registries, std::uint64_t latest = 0) {
  wire::TrustFiles files;
  files.latest_root = 1;
  files.latest_registry = latest != 0 ? latest : registries.size();
  files.timestamp = SignTimestampFor(registries.back(), {kRegistryA});
  files.registries = std::move(registries);
  return files;
}

// Version 2 after `v1_text`, as RegistryV1 with `change` applied.
template <typename Change>
std::string Version2(const std::string& v1_text, Change change, std::uint8_t signer = kRegistryA) {
  trust::RegistryVersion v = RegistryV1();
  v.version = 2;
  v.previous = trust::PayloadHash(trust::ParseRegistryVersion(v1_text)->envelope.payload);
  change(&v);
  return SignRegistry(v, {signer});
}

class FederationAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/federation_agent_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(agent::TrustStore::PinRoot(dir_, SignRoot(RootV1(), {kRootEe, kRootUa})).ok());
    auto store = agent::TrustStore::Open(dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::make_unique<agent::TrustStore>(std::move(*store));
    v1_ = SignRegistry(RegistryV1(), {kRegistryA});
    broker_.Serve(Answer({v1_}));
    ASSERT_OK(Fetch());
    ASSERT_EQ(store_->registry_version(), 1u);
  }

  // What the agent does on connect: TRUST_GET, then Apply.
  Status Fetch() {
    auto client = agent::BrokerClient::Connect(broker_.endpoint(), broker_.card(), me_,
                                               milliseconds(5000));
    if (!client.ok()) return client.status();
    auto files = (*client)->FetchTrust(store_->root_version(), store_->registry_version(),
                                       milliseconds(10000));
    if (!files.ok()) return files.status();
    return store_->Apply(*files, Now()).status();
  }

  // The recipients an AMBER record to `to` (or GREEN to everyone) is sealed to.
  Result<agent::Routing> Route(Tlp tlp, std::vector<std::string> to) {
    CERTSHARE_ASSIGN_OR_RETURN(identity::Registry registry, store_->EffectiveRegistry());
    registry_ = std::move(registry);
    agent::ComposeOptions options;
    options.recipients = std::move(to);
    const agent::TrustStore* store = store_.get();
    options.usable = [store](const identity::Card& card) { return store->Usable(card, Now()); };
    return agent::Route(tlp, options, me_, registry_);
  }

  void ExpectSealsToThePinnedBoxKey() {
    auto routing = Route(Tlp::kAmber, {"CERT-UA"});
    ASSERT_TRUE(routing.ok()) << routing.status().ToString();
    ASSERT_EQ(routing->recipients.size(), 1u);
    EXPECT_EQ(routing->recipients[0].box_key, BoxKey(32));  // CERT-UA's key of version 1
  }

  std::string dir_;
  FakeBroker broker_;
  identity::Identity me_ = MakeIdentity("CERT-LV");
  std::unique_ptr<agent::TrustStore> store_;
  identity::Registry registry_;
  std::string v1_;
};

TEST_F(FederationAgentTest, RevocationServedByTheBrokerStopsSealingToTheRevokedOrg) {
  ExpectSealsToThePinnedBoxKey();
  broker_.Serve(Answer({Version2(v1_, [](trust::RegistryVersion* v) {
    v->members[1].card.revoked = true;
    v->members[1].card.revoked_at = "2026-12-05T00:00:00Z";
  })}));
  ASSERT_OK(Fetch());
  EXPECT_EQ(store_->registry_version(), 2u);
  EXPECT_CODE(Route(Tlp::kAmber, {"CERT-UA"}).status(), ErrorCode::kRevoked);
  auto green = Route(Tlp::kGreen, {});
  ASSERT_TRUE(green.ok()) << green.status().ToString();
  ASSERT_EQ(green->recipients.size(), 1u);  // CERT-EE only
  EXPECT_EQ(green->recipients[0].org, "CERT-EE");
}

// (a) a registry version signed by a key that is not a registry key.
TEST_F(FederationAgentTest, HostileBrokerVersionSignedByANonRegistryKeyIsRefused) {
  broker_.Serve(Answer({Version2(
      v1_, [](trust::RegistryVersion* v) { v->members[1].card.box_key = BoxKey(99); },
      kRootEe)}));
  EXPECT_CODE(Fetch(), ErrorCode::kUnderThreshold);
  ExpectSealsToThePinnedBoxKey();
}

// (b) a rollback.
TEST_F(FederationAgentTest, HostileBrokerRollbackIsRefused) {
  broker_.Serve(Answer({Version2(v1_, [](trust::RegistryVersion*) {})}));
  ASSERT_OK(Fetch());
  wire::TrustFiles old = Answer({v1_}, 1);
  broker_.Serve(old);
  EXPECT_CODE(Fetch(), ErrorCode::kRollback);
  EXPECT_EQ(store_->registry_version(), 2u);
  ExpectSealsToThePinnedBoxKey();
}

// (c) a broken chain.
TEST_F(FederationAgentTest, HostileBrokerBrokenChainIsRefused) {
  broker_.Serve(Answer({Version2(v1_, [](trust::RegistryVersion* v) {
    v->previous->fill(7);
    v->members[1].card.box_key = BoxKey(99);
  })}));
  EXPECT_CODE(Fetch(), ErrorCode::kBrokenChain);
  ExpectSealsToThePinnedBoxKey();
}

// (d) CERT-UA's box key swapped without its old key's signature.
TEST_F(FederationAgentTest, HostileBrokerBoxKeySwapWithoutTheOldKeysSignatureIsRefused) {
  broker_.Serve(Answer({Version2(
      v1_, [](trust::RegistryVersion* v) { v->members[1].card.box_key = BoxKey(99); })}));
  EXPECT_CODE(Fetch(), ErrorCode::kRotationNotAuthorised);
  EXPECT_EQ(store_->registry_version(), 1u);
  ExpectSealsToThePinnedBoxKey();
}

// The hostile operator of issue 12: whoever holds the broker's host and
// its operator key serves a registry version swapping CERT-UA's box key
// and CERT-EE's signing key for keys of theirs, signed with a key they hold
// (not a registry key), then signed by a genuine registry key (the
// registry signers fooled, or one of them corrupt): no agent seals to the
// swapped box key, and no subscriber accepts a record forged with the
// swapped signing key.
TEST_F(FederationAgentTest, AHostileOperatorCannotSwapKeysForItsOwn) {
  const crypto::SigningKeyPair thief = crypto::GenerateSigningKeyPair();
  auto swap = [&thief](trust::RegistryVersion* v) {
    v->members[0].card.sign_key = thief.public_key;  // CERT-EE
    v->members[1].card.box_key = BoxKey(99);         // CERT-UA
  };
  broker_.Serve(Answer({Version2(v1_, swap, /*signer=*/kRootHub)}));
  EXPECT_CODE(Fetch(), ErrorCode::kUnderThreshold);
  broker_.Serve(Answer({Version2(v1_, swap, kRegistryA)}));
  EXPECT_CODE(Fetch(), ErrorCode::kRotationNotAuthorised);
  EXPECT_EQ(store_->registry_version(), 1u);
  ExpectSealsToThePinnedBoxKey();

  // A record the thief signs in CERT-EE's name is refused by a subscriber
  // using the agent's registry.
  envelope::Draft draft;
  draft.stix_type = "indicator";
  draft.stix_id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  draft.modified = "2026-12-06T00:00:00.000Z";
  draft.tlp = Tlp::kClear;
  draft.encrypt = false;
  draft.payload = "{}";
  crypto::BoxKeyPair box = crypto::GenerateBoxKeyPair();
  envelope::Sealer forger("CERT-EE", thief.secret_key, box.secret_key);
  auto forged = forger.Seal(draft);
  ASSERT_TRUE(forged.ok()) << forged.status().ToString();
  auto registry = store_->EffectiveRegistry();
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  EXPECT_CODE(agent::Verify(1, forged->record, me_, *registry).status(),
              ErrorCode::kBadSignature);
}

}  // namespace
}  // namespace certshare::testing
