// The broker in federation mode (docs/operations.md, "Federation mode";
// docs/trust.md, "Operation"), in-process: a root of 3 root keys
// (threshold 2) and 1 registry key; the fixture's organisations in
// registry version 1. TRUST_GET is served, `admin apply` of version 2
// revoking CERT-XX ends its subscription, refuses its new connections and
// pushes TRUST_NOTICE; what an agent would refuse, the broker refuses with
// the same code; a local addition never redefines a federation id; a
// local-mode broker answers NOT_FEDERATED.
#include <gtest/gtest.h>

#include "common/base/file_util.h"
#include "common/transport/wire_client.h"
#include "common/trust/authoring.h"
#include "common/trust/trust_test_util.h"
#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

namespace tt = trust::testing;
using namespace std::chrono_literals;

// Helpers: an agent's raw wire connection, TRUST_GET, ADMIN apply.
class TrustClientTest : public BrokerFixture {
 protected:
  Result<broker::AdminAnswer> Apply(const std::string& file) {
    auto client = ConnectAdmin();
    if (client == nullptr) return Status(ErrorCode::kInternal, "no admin connection");
    broker::AdminCommand command =
        broker::NewAdminCommand(broker::AdminKind::kApply, Id("BROKER").card.transport_key);
    command.file = file;
    return client->Send(command, 10s);
  }

  std::unique_ptr<transport::WireClient> Wire(const std::string& org) {
    transport::ClientOptions options;
    options.endpoint = endpoint_;
    options.server_key = Id("BROKER").card.transport_key;
    options.public_key = Id(org).card.transport_key;
    options.secret_key = &Id(org).transport_secret;
    auto client = transport::WireClient::Connect(options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  Result<wire::TrustFiles> TrustGet(transport::WireClient& client, std::uint64_t root,
                                    std::uint64_t registry) {
    std::uint64_t c = client.NewCorrelation();
    CERTSHARE_ASSIGN_OR_RETURN(
        transport::Received r,
        client.Request(c, wire::EncodeTrustGet(c, root, registry),
                       {wire::Command::kTrust, "the broker refused TRUST_GET", "no TRUST"}, 10s));
    return r.msg.trust;
  }
};

TEST_F(TrustClientTest, ALocalModeBrokerIsNotFederated) {
  StartAdminBroker();
  auto client = Wire("CERT-EE");
  ASSERT_NE(client, nullptr);
  EXPECT_CODE(TrustGet(*client, 0, 0).status(), ErrorCode::kNotFederated);
  EXPECT_CODE(Apply(tt::SignRoot(tt::RootV1(), {tt::kRootEe, tt::kRootUa})).status(),
              ErrorCode::kNotFederated);
}

class FederationTest : public TrustClientTest {
 protected:
  void SetUp() override {
    BrokerFixture::SetUp();
    root_ = tt::SignRoot(tt::RootV1(), {tt::kRootEe, tt::kRootUa});
    trust::RegistryEdit edit;
    edit.expires = "2030-01-01T00:00:00Z";
    for (const char* org : {"CERT-EE", "CERT-UA", "CERT-EU", "CERT-XX"}) {
      edit.add.push_back({Id(org).card, RolesOf(org), HomeOf(org), "2030-01-01T00:00:00Z"});
    }
    auto v1 = trust::NewRegistry(tt::RootV1(), edit);
    ASSERT_TRUE(v1.ok()) << v1.status().ToString();
    v1_ = Sign(trust::UnsignedRegistryVersion(*v1), {tt::kRegistryA});
    ASSERT_OK(files::WriteAtomic(dir_.File("root.json"), root_));
    ASSERT_OK(files::WriteAtomic(dir_.File("registry-1.json"), v1_));
    StartBroker(FederationOptions());
  }

  // The roles each organisation has in version 1 (empty: both).
  virtual std::vector<std::string> RolesOf(const std::string& /*org*/) const { return {}; }
  // The broker each is homed at in version 1, and this broker's `name`.
  virtual std::string HomeOf(const std::string& /*org*/) const { return "broker-a"; }
  virtual std::string BrokerName() const { return ""; }

  broker::Options FederationOptions() {
    broker::Options options = AdminOptions();
    options.name = BrokerName();
    options.root = dir_.File("root.json");
    options.registry = dir_.File("registry-1.json");
    return options;
  }

  static std::string Sign(trust::SignedEnvelope envelope, const std::vector<std::uint8_t>& seeds) {
    for (std::uint8_t seed : seeds) trust::AddSignature(&envelope, tt::KeyPair(seed).secret_key);
    return trust::EncodeEnvelope(envelope);
  }

  // The version after `from` with `edit`, signed by `seeds`.
  std::string Next(const std::string& from, trust::RegistryEdit edit,
                   const std::vector<std::uint8_t>& seeds) {
    edit.expires = "2030-01-01T00:00:00Z";
    auto previous = trust::ParseRegistryVersion(from);
    EXPECT_TRUE(previous.ok());
    auto next = trust::NextRegistry(*previous, edit);
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    return Sign(trust::UnsignedRegistryVersion(*next), seeds);
  }

  std::string root_, v1_;
};

TEST_F(FederationTest, ServesTheChainFromTheAgentsVersion) {
  auto client = Wire("CERT-EE");
  ASSERT_NE(client, nullptr);
  auto all = TrustGet(*client, 0, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->latest_root, 1u);
  EXPECT_EQ(all->latest_registry, 1u);
  EXPECT_EQ(all->roots, std::vector<std::string>{root_});
  EXPECT_EQ(all->registries, std::vector<std::string>{v1_});
  auto none = TrustGet(*client, 1, 1);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->roots.empty());
  EXPECT_TRUE(none->registries.empty());
}

TEST_F(FederationTest, ARevocationAppliedEndsSubscriptionsRefusesConnectionsAndIsNoticed) {
  // A connected agent that asked for the chain, and a subscriber of CERT-XX.
  auto listener = Wire("CERT-EE");
  ASSERT_NE(listener, nullptr);
  ASSERT_TRUE(TrustGet(*listener, 1, 1).ok());
  auto xx = Connect("CERT-XX");
  ASSERT_TRUE(xx->Subscribe(FromSequence(1), 10s).ok());

  trust::RegistryEdit revoke;
  revoke.revoke = {{"CERT-XX", "2026-12-01T00:00:00Z"}};
  std::string v2 = Next(v1_, revoke, {tt::kRegistryA});
  auto applied = Apply(v2);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_NE(applied->summary.find("registry version 2"), std::string::npos) << applied->summary;
  EXPECT_TRUE(applied->registry.Find("CERT-XX")->revoked);

  // TRUST_NOTICE, correlation 0, naming version 2.
  bool noticed = false;
  for (int i = 0; i < 10 && !noticed; ++i) {
    auto next = listener->Next(5s);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    noticed = next->msg.command == wire::Command::kTrustNotice;
    if (noticed) {
      EXPECT_EQ(next->msg.correlation, 0u);
      EXPECT_EQ(next->msg.registry_version, 2u);
      EXPECT_EQ(next->msg.root_version, 1u);
    }
  }
  EXPECT_TRUE(noticed);
  // CERT-XX's subscription ends with REVOKED; a new connection is refused.
  bool ended = false;
  for (int i = 0; i < 10 && !ended; ++i) {
    auto next = xx->Next(5s);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    ended = next->msg.command == wire::Command::kError;
    if (ended) {
      EXPECT_EQ(next->msg.error, ErrorCode::kRevoked);
    }
  }
  EXPECT_TRUE(ended);
  auto again = Connect("CERT-XX");
  auto refused = again->Publish(Record("CERT-XX", {"CERT-EE"}, Tlp::kAmber, NumberedUuid(1)), 5s);
  EXPECT_CODE(refused.status(), ErrorCode::kRevoked);
  // Others go on.
  auto ok = Connect("CERT-EE")->Publish(
      Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, NumberedUuid(2)), 10s);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();

  // The chain, and the revocation, survive a restart.
  StartBroker(FederationOptions());
  auto after = Wire("CERT-UA");
  auto files = TrustGet(*after, 1, 0);
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->registries, (std::vector<std::string>{v1_, v2}));
  auto still = Connect("CERT-XX")->Publish(
      Record("CERT-XX", {"CERT-EE"}, Tlp::kAmber, NumberedUuid(3)), 5s);
  EXPECT_CODE(still.status(), ErrorCode::kRevoked);
}

TEST_F(FederationTest, AdminApplyRefusesWhatAnAgentWouldRefuseWithItsCode) {
  trust::RegistryEdit revoke;
  revoke.revoke = {{"CERT-XX", "2026-12-01T00:00:00Z"}};
  // Unsigned, and signed by a key the root does not name.
  EXPECT_CODE(Apply(Next(v1_, revoke, {})).status(), ErrorCode::kUnderThreshold);
  EXPECT_CODE(Apply(Next(v1_, revoke, {tt::kSignEe})).status(), ErrorCode::kUnderThreshold);
  std::string v2 = Next(v1_, revoke, {tt::kRegistryA});
  ASSERT_TRUE(Apply(v2).ok());
  // Rollback, and a version 3 that does not follow version 2.
  EXPECT_CODE(Apply(v1_).status(), ErrorCode::kRollback);
  trust::RegistryEdit other;
  other.compromised = {{"CERT-EU", "2026-11-01T00:00:00Z"}};
  std::string fork2 = Next(v1_, other, {tt::kRegistryA});
  EXPECT_CODE(Apply(Next(fork2, {}, {tt::kRegistryA})).status(), ErrorCode::kBrokenChain);
  // A root update under the root threshold.
  EXPECT_CODE(Apply(tt::SignRoot(tt::RootV2(), {tt::kRootEe})).status(),
              ErrorCode::kUnderThreshold);
  // A key change without the old key's signature.
  auto fresh = NewIdentity("CERT-UA", "rotated");
  trust::KeyChangeFile change = trust::MakeKeyChange("eu-cert-federation", Id("CERT-UA"), *fresh);
  change.old_key_sig = crypto::Sign(fresh->sign_secret, Bytes{1});
  trust::RegistryEdit rotate;
  rotate.key_changes = {change};
  EXPECT_CODE(Apply(Next(v2, rotate, {tt::kRegistryA})).status(),
              ErrorCode::kRotationNotAuthorised);
  // The broker still holds version 2.
  auto client = Wire("CERT-EE");
  auto files = TrustGet(*client, 1, 0);
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->latest_registry, 2u);
  // The old registry edits are refused for federation organisations.
  EXPECT_CODE(Admin(broker::AdminKind::kRevoke, nullptr, "CERT-UA").status(),
              ErrorCode::kNotAuthorized);
  EXPECT_CODE(Admin(broker::AdminKind::kAddOrg, &Id("CERT-UA").card).status(),
              ErrorCode::kAlreadyExists);
}

TEST_F(FederationTest, ALocalAdditionRedefiningAFederationIdIsRefused) {
  StopBroker();
  identity::Registry local;
  ASSERT_OK(local.Put(NewIdentity("CERT-UA", "impostor")->card));
  ASSERT_OK(files::WriteAtomic(dir_.File("local.json"), local.ToJson()));
  broker::Options options = FederationOptions();
  options.local_registry = dir_.File("local.json");
  auto opened = broker::Broker::Open(options, identity::Identity{}, identity::Registry{});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidConfig);
  EXPECT_NE(opened.status().message().find("CERT-UA"), std::string::npos);

  // One of an organisation the federation does not list is admitted.
  identity::Registry fine;
  auto fi = NewIdentity("CERT-FI", "local");
  ASSERT_OK(fine.Put(fi->card));
  ASSERT_OK(files::WriteAtomic(dir_.File("local.json"), fine.ToJson()));
  StartBroker(options);
  identity::Registry with_fi = registry_;
  ASSERT_OK(with_fi.Put(fi->card));
  agent::ComposeOptions to_ee;
  to_ee.recipients = {"CERT-EE"};
  auto ok = ConnectAs(*fi)->Publish(RecordWith(*fi, to_ee, with_fi, Tlp::kAmber, NumberedUuid(9)),
                                    10s);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  // Through admin, the same redefinition is ALREADY_EXISTS.
  EXPECT_CODE(Admin(broker::AdminKind::kAddOrg, &Id("CERT-EU").card).status(),
              ErrorCode::kAlreadyExists);
}

// The registry's roles bind at the broker: CERT-EU may only subscribe (and
// send delivery receipts), CERT-XX may only publish (and read its own
// receipts).
class FederationRolesTest : public FederationTest {
 protected:
  std::vector<std::string> RolesOf(const std::string& org) const override {
    if (org == "CERT-EU") return {std::string(identity::kRoleSubscribe)};
    if (org == "CERT-XX") return {std::string(identity::kRolePublish)};
    return {};
  }

  // A record of type certshare-receipt from `origin` to `to` (AMBER+STRICT).
  Bytes Receipt(const std::string& origin, const std::string& to) {
    envelope::Draft draft;
    draft.stix_type = std::string(envelope::kReceiptStixType);
    draft.stix_id = draft.stix_type + "--" + NumberedUuid(90);
    draft.modified = "2026-12-01T10:00:00.000Z";
    draft.tlp = Tlp::kAmberStrict;
    draft.recipients = {{to, Id(to).card.box_key}};
    draft.payload = R"({"type":"certshare-receipt"})";
    auto sealed = SealerFor(origin).Seal(draft);
    EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
    return sealed.ok() ? sealed->record : Bytes{};
  }
};

TEST_F(FederationRolesTest, ABrokerEnforcesTheRolesTheRegistrySigned) {
  auto eu = Connect("CERT-EU");
  auto refused = eu->Publish(Record("CERT-EU", {"CERT-EE"}, Tlp::kAmber, NumberedUuid(1)), 10s);
  EXPECT_CODE(refused.status(), ErrorCode::kNotAuthorized);
  EXPECT_NE(refused.status().message().find("no \"publish\" role"), std::string::npos)
      << refused.status().ToString();
  EXPECT_OK(eu->Publish(Receipt("CERT-EU", "CERT-XX"), 10s).status());
  EXPECT_OK(eu->Subscribe(FromSequence(1), 10s).status());

  auto xx = Connect("CERT-XX");
  EXPECT_OK(xx->Publish(Record("CERT-XX", {"CERT-EU"}, Tlp::kAmber, NumberedUuid(2)), 10s).status());
  auto all = xx->Subscribe(FromSequence(1), 10s);
  EXPECT_CODE(all.status(), ErrorCode::kNotAuthorized);
  EXPECT_NE(all.status().message().find("no \"subscribe\" role"), std::string::npos)
      << all.status().ToString();
  // Its receipts alone: the one CERT-EU sent it.
  auto receipts_only = Connect("CERT-XX");
  wire::SubscribeRequest req = FromSequence(1);
  req.types = {std::string(envelope::kReceiptStixType)};
  ASSERT_OK(receipts_only->Subscribe(req, 10s).status());
  auto got = UntilCaughtUp(*receipts_only);
  ASSERT_EQ(got.size(), 1u);
  auto decoded = envelope::Decode(got[0].record);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->header.stix_type, envelope::kReceiptStixType);
  EXPECT_EQ(decoded->header.origin, "CERT-EU");

  // Both roles (CERT-EE's, none listed in the edit): both allowed.
  auto ee = Connect("CERT-EE");
  EXPECT_OK(ee->Publish(Record("CERT-EE", {"CERT-EU"}, Tlp::kAmber, NumberedUuid(3)), 10s).status());
  EXPECT_OK(ee->Subscribe(FromSequence(1), 10s).status());
}

// A broker with a name admits the federation's organisations homed at it
// only; without one (the other tests) it admits all.
class FederationHomeTest : public FederationTest {
 protected:
  std::string HomeOf(const std::string& org) const override {
    return org == "CERT-UA" ? "broker-b" : "broker-a";
  }
  std::string BrokerName() const override { return "broker-a"; }
};

TEST_F(FederationHomeTest, AnOrganisationHomedAtAnotherBrokerIsRefused) {
  auto ua = Connect("CERT-UA");
  auto refused = ua->Publish(Record("CERT-UA", {"CERT-EE"}, Tlp::kAmber, NumberedUuid(1)), 10s);
  EXPECT_CODE(refused.status(), ErrorCode::kNotAuthorized);
  EXPECT_NE(refused.status().message().find("CERT-UA is homed at broker broker-b"),
            std::string::npos)
      << refused.status().ToString();
  EXPECT_CODE(ua->Subscribe(FromSequence(1), 10s).status(), ErrorCode::kNotAuthorized);
  auto ee = Connect("CERT-EE");
  EXPECT_OK(ee->Publish(Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, NumberedUuid(2)), 10s).status());
}

}  // namespace
}  // namespace certshare::testing
