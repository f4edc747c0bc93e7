// Registry changes while the broker runs (docs/operations.md, "Changing
// the registry while the broker runs"): the operator adds, rotates and
// revokes organisations with signed ADMIN commands; nobody else can; each
// change takes effect at once, is written to the registry file and
// survives a restart. Over loopback against an in-process broker.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "agent/receive/render.h"
#include "broker/options.h"
#include "common/base/file_util.h"
#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using broker::AdminKind;
using std::chrono::milliseconds;
constexpr auto kWait = milliseconds(10000);

std::string Uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

class RegistryAdminTest : public BrokerFixture {
 protected:
  void SetUp() override {
    BrokerFixture::SetUp();
    ASSERT_OK(registry_.PutGroup("baltic", {"CERT-EE", "CERT-UA"}));
    StartAdminBroker();
  }

  agent::ComposeOptions To(std::vector<std::string> names) {
    agent::ComposeOptions options;
    options.recipients = std::move(names);
    return options;
  }

  // The next message that is not a PING or PONG, or the failure.
  Result<wire::Message> NextMessage(agent::BrokerClient& c, std::vector<Bytes>* keep) {
    while (true) {
      CERTSHARE_ASSIGN_OR_RETURN(agent::Received r, c.Next(kWait));
      if (r.msg.command == wire::Command::kPing || r.msg.command == wire::Command::kPong) {
        continue;
      }
      keep->push_back(std::move(r.frame));
      return r.msg;
    }
  }

  // A live subscription, caught up.
  std::unique_ptr<agent::BrokerClient> LiveSubscriber(const identity::Identity& id) {
    auto c = ConnectAs(id);
    auto sub = c->Subscribe(FromSequence(1), kWait);
    EXPECT_TRUE(sub.ok()) << sub.status().ToString();
    UntilCaughtUp(*c);
    return c;
  }

  Result<agent::Ack> PublishOn(agent::BrokerClient& c, const Bytes& record) {
    return c.Publish(record, kWait);
  }

  Status SubscribeStatus(const identity::Identity& id) {
    auto c = ConnectAs(id);
    return c->Subscribe(FromSequence(1), kWait).status();
  }
};

TEST_F(RegistryAdminTest, ShowReturnsTheRegistry) {
  auto shown = Admin(AdminKind::kShow, nullptr);
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_EQ(shown->summary, "4 organisations (0 revoked), 1 groups");
  EXPECT_EQ(shown->registry.ToJson(), registry_.ToJson());
  EXPECT_NE(identity::Describe(shown->registry).find("group:baltic\tCERT-EE,CERT-UA"),
            std::string::npos);
}

TEST_F(RegistryAdminTest, AddOrgAtRuntimeLetsANewOrganisationConnectAndReceive) {
  auto fi = NewIdentity("CERT-FI", "new");
  EXPECT_EQ(SubscribeStatus(*fi).code(), ErrorCode::kUnauthenticated);

  auto added = Admin(AdminKind::kAddOrg, &fi->card);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->summary.rfind("added CERT-FI (signing key ", 0), 0u) << added->summary;
  ASSERT_NE(added->registry.Find("CERT-FI"), nullptr);

  // CERT-EE learns of CERT-FI (its registry copy) and sends to it; CERT-FI,
  // connecting for the first time, receives and reads it.
  identity::Registry copy = added->registry;
  auto ee = Connect("CERT-EE");
  auto ack = PublishOn(*ee, RecordWith(Id("CERT-EE"), To({"CERT-FI"}), copy, Tlp::kAmber, Uuid(1)));
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  auto c = ConnectAs(*fi);
  ASSERT_TRUE(c->Subscribe(FromSequence(1), kWait).ok());
  auto got = UntilCaughtUp(*c);
  ASSERT_EQ(got.size(), 1u);
  auto line = agent::Render(got[0].sequence, got[0].record, *fi, copy);
  EXPECT_TRUE(line.ok()) << line.status().ToString();
  // And it may publish.
  ack = PublishOn(*c, RecordWith(*fi, To({"CERT-EE"}), copy, Tlp::kRed, Uuid(2)));
  EXPECT_TRUE(ack.ok()) << ack.status().ToString();

  // The same id twice, or a card reusing a registered key, is refused.
  EXPECT_EQ(Admin(AdminKind::kAddOrg, &fi->card).status().code(), ErrorCode::kAlreadyExists);
  auto thief = NewIdentity("THIEF", "thief");
  identity::Card stolen = thief->card;
  stolen.transport_key = Id("CERT-UA").card.transport_key;
  EXPECT_EQ(Admin(AdminKind::kAddOrg, &stolen).status().code(), ErrorCode::kInvalidConfig);
  identity::Card operators = thief->card;
  operators.sign_key = Id("OPERATOR").card.sign_key;
  auto refused = Admin(AdminKind::kAddOrg, &operators);
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidConfig);
  EXPECT_NE(refused.status().message().find("uses a key of the broker's operator"),
            std::string::npos)
      << refused.status().ToString();
}

TEST_F(RegistryAdminTest, RotateRefusesTheOldTransportKeyAdmitsTheNewAndOldRecordsVerify) {
  // Before: CERT-UA publishes an encrypted record to CERT-EE (signed with
  // its old signing key, its key slot wrapped with its old box key) and
  // holds a live subscription and a publishing connection.
  const identity::Identity& old_ua = Id("CERT-UA");
  auto old_publisher = ConnectAs(old_ua);
  ASSERT_TRUE(
      PublishOn(*old_publisher, Record("CERT-UA", {"CERT-EE"}, Tlp::kAmber, Uuid(1))).ok());
  auto old_subscriber = LiveSubscriber(old_ua);

  auto new_ua = NewIdentity("CERT-UA", "rotated");
  auto rotated = Admin(AdminKind::kRotate, &new_ua->card);
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_EQ(rotated->summary,
            "rotated the signing, box, transport keys of CERT-UA (replaced signing and box keys "
            "kept for earlier records)");

  // The live subscription of the old key ends at once...
  std::vector<Bytes> keep;
  auto ended = NextMessage(*old_subscriber, &keep);
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_EQ(ended->command, wire::Command::kError);
  EXPECT_EQ(ended->error, ErrorCode::kUnauthenticated) << ended->text;
  // ...its open connection is refused...
  auto refused =
      PublishOn(*old_publisher, Record("CERT-UA", {"CERT-EE"}, Tlp::kAmber, Uuid(2)));
  EXPECT_EQ(refused.status().code(), ErrorCode::kUnauthenticated) << refused.status().ToString();
  // ...and so is any new one.
  EXPECT_EQ(SubscribeStatus(old_ua).code(), ErrorCode::kUnauthenticated);

  // The new key is admitted and publishes with the new signing key; the
  // old signing key no longer signs anything new.
  identity::Registry copy = rotated->registry;
  auto fresh = ConnectAs(*new_ua);
  auto ack = PublishOn(*fresh, RecordWith(*new_ua, To({"CERT-EE"}), copy, Tlp::kAmber, Uuid(3)));
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  auto stale = PublishOn(*fresh, Record("CERT-UA", {"CERT-EE"}, Tlp::kAmber, Uuid(4)));
  EXPECT_EQ(stale.status().code(), ErrorCode::kBadSignature) << stale.status().ToString();

  // CERT-EE, with the new registry, reads both records: the earlier one
  // with the keys the card keeps, if told to accept a replaced key (issue
  // 12: by default a record only a previous key verifies is refused).
  auto ee = Connect("CERT-EE");
  ASSERT_TRUE(ee->Subscribe(FromSequence(1), kWait).ok());
  auto got = UntilCaughtUp(*ee);
  ASSERT_EQ(got.size(), 2u);
  agent::VerifyOptions accept;
  accept.accept_previous_keys = true;
  for (const auto& d : got) {
    auto line = agent::Render(d.sequence, d.record, Id("CERT-EE"), copy, accept);
    EXPECT_TRUE(line.ok()) << d.sequence << ": " << line.status().ToString();
  }
  EXPECT_EQ(agent::Render(got[0].sequence, got[0].record, Id("CERT-EE"), copy).status().code(),
            ErrorCode::kPreviousKey);
  EXPECT_TRUE(agent::Render(got[1].sequence, got[1].record, Id("CERT-EE"), copy).ok());
  // Without the kept keys the earlier record would not verify.
  identity::Registry forgetful = copy;
  identity::Card bare = identity::PublicCard(*copy.Find("CERT-UA"));
  ASSERT_OK(forgetful.Put(bare));
  EXPECT_EQ(agent::Render(got[0].sequence, got[0].record, Id("CERT-EE"), forgetful, accept)
                .status()
                .code(),
            ErrorCode::kBadSignature);
}

// TLP routing across registry changes: an organisation added later gets
// only what it may (CLEAR; not encrypted GREEN, AMBER or RED addressed to
// others before it existed), and after a key rotation the rotated
// organisation still gets exactly its records while a bystander still
// gets none of them.
TEST_F(RegistryAdminTest, AfterAddAndRotateEachOrganisationReceivesExactlyWhatItMay) {
  auto ee = Connect("CERT-EE");
  auto seq = [&](const Bytes& record) {
    auto ack = PublishOn(*ee, record);
    EXPECT_TRUE(ack.ok()) << ack.status().ToString();
    return ack.ok() ? ack->sequence : 0;
  };
  const std::uint64_t clear = seq(Record("CERT-EE", {}, Tlp::kClear, Uuid(1)));
  const std::uint64_t green = seq(Record("CERT-EE", {}, Tlp::kGreen, Uuid(2)));  // encrypted
  const std::uint64_t amber = seq(Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, Uuid(3)));
  const std::uint64_t red = seq(Record("CERT-EE", {"CERT-UA"}, Tlp::kRed, Uuid(4)));
  const std::uint64_t baltic = seq(Record("CERT-EE", {"group:baltic"}, Tlp::kAmber, Uuid(5)));

  // Sequences an identity receives from the start.
  auto received = [&](const identity::Identity& id) {
    auto c = ConnectAs(id);
    EXPECT_TRUE(c->Subscribe(FromSequence(1), kWait).ok());
    std::set<std::uint64_t> got;
    for (const auto& d : UntilCaughtUp(*c)) got.insert(d.sequence);
    return got;
  };
  using Seqs = std::set<std::uint64_t>;

  auto fi = NewIdentity("CERT-FI", "new");
  auto added = Admin(AdminKind::kAddOrg, &fi->card);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(received(*fi), (Seqs{clear}));
  EXPECT_EQ(received(Id("CERT-XX")), (Seqs{clear, green}));

  auto new_ua = NewIdentity("CERT-UA", "rotated");
  auto rotated = Admin(AdminKind::kRotate, &new_ua->card);
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_EQ(received(*new_ua), (Seqs{clear, green, amber, red, baltic}));

  // New records after both changes: AMBER to the rotated CERT-UA, and
  // GREEN to everyone now registered (the newcomer included).
  identity::Registry copy = rotated->registry;
  const std::uint64_t amber2 =
      seq(RecordWith(Id("CERT-EE"), To({"CERT-UA"}), copy, Tlp::kAmber, Uuid(6)));
  const std::uint64_t green2 = seq(RecordWith(Id("CERT-EE"), To({}), copy, Tlp::kGreen, Uuid(7)));
  EXPECT_EQ(received(*new_ua), (Seqs{clear, green, amber, red, baltic, amber2, green2}));
  EXPECT_EQ(received(*fi), (Seqs{clear, green2}));
  EXPECT_EQ(received(Id("CERT-XX")), (Seqs{clear, green, green2}));
}

TEST_F(RegistryAdminTest, RotateCanForgetCompromisedKeys) {
  ASSERT_TRUE(Connect("CERT-UA")->Publish(Record("CERT-UA", {}, Tlp::kClear, Uuid(1)), kWait).ok());
  auto new_ua = NewIdentity("CERT-UA", "rotated");
  auto rotated = Admin(AdminKind::kRotate, &new_ua->card, "", /*keep_previous=*/false);
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_TRUE(rotated->registry.Find("CERT-UA")->previous_sign_keys.empty());
  auto ee = Connect("CERT-EE");
  ASSERT_TRUE(ee->Subscribe(FromSequence(1), kWait).ok());
  auto got = UntilCaughtUp(*ee);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(agent::Render(1, got[0].record, Id("CERT-EE"), rotated->registry).status().code(),
            ErrorCode::kBadSignature);
  // Rotating to the same keys, or an unknown organisation, is refused.
  EXPECT_EQ(Admin(AdminKind::kRotate, &new_ua->card).status().code(),
            ErrorCode::kInvalidArgument);
  auto nobody = NewIdentity("CERT-ZZ", "nobody");
  EXPECT_EQ(Admin(AdminKind::kRotate, &nobody->card).status().code(),
            ErrorCode::kUnknownOrganisation);
}

TEST_F(RegistryAdminTest, RevokeEndsEverythingNowAndKeepsEarlierRecords) {
  // Before: CERT-XX publishes to CERT-UA, and holds a live subscription and
  // a publishing connection.
  auto xx_publisher = Connect("CERT-XX");
  ASSERT_TRUE(
      PublishOn(*xx_publisher, Record("CERT-XX", {"CERT-UA"}, Tlp::kAmber, Uuid(1))).ok());
  auto xx_subscriber = LiveSubscriber(Id("CERT-XX"));

  auto revoked = Admin(AdminKind::kRevoke, nullptr, "CERT-XX");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->summary.rfind("revoked CERT-XX at 20", 0), 0u) << revoked->summary;
  const identity::Card* card = revoked->registry.Find("CERT-XX");
  ASSERT_NE(card, nullptr);  // the card stays, marked
  EXPECT_TRUE(card->revoked);

  // The live subscription ends at once, with REVOKED.
  std::vector<Bytes> keep;
  auto ended = NextMessage(*xx_subscriber, &keep);
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_EQ(ended->command, wire::Command::kError);
  EXPECT_EQ(ended->error, ErrorCode::kRevoked) << ended->text;
  // Every further message on its connections is refused...
  auto refused = PublishOn(*xx_publisher, Record("CERT-XX", {"CERT-UA"}, Tlp::kAmber, Uuid(2)));
  EXPECT_EQ(refused.status().code(), ErrorCode::kRevoked) << refused.status().ToString();
  EXPECT_EQ(xx_subscriber->Subscribe(FromSequence(1), kWait).status().code(),
            ErrorCode::kRevoked);
  // ...and it cannot connect again: the handshake refuses its key and
  // says why (ZAP status 500), so its agent reports REVOKED, not an
  // unknown key.
  const Status reconnect = SubscribeStatus(Id("CERT-XX"));
  EXPECT_EQ(reconnect.code(), ErrorCode::kRevoked) << reconnect.ToString();
  EXPECT_NE(reconnect.message().find("revoked"), std::string::npos) << reconnect.ToString();

  // Records addressed to it are refused: by the broker (a publisher whose
  // registry copy is stale), and by an agent that has the new registry.
  auto ee = Connect("CERT-EE");
  auto to_revoked = PublishOn(*ee, Record("CERT-EE", {"CERT-XX"}, Tlp::kAmber, Uuid(3)));
  EXPECT_EQ(to_revoked.status().code(), ErrorCode::kRevoked) << to_revoked.status().ToString();
  envelope::Sealer sealer = SealerFor("CERT-EE");
  auto composed = agent::Compose(Incident(Uuid(4), "2026-11-01T10:00:00.000Z", Tlp::kAmber),
                                 To({"CERT-XX"}), Id("CERT-EE"), revoked->registry, sealer);
  EXPECT_EQ(composed.status().code(), ErrorCode::kRevoked);

  // Its earlier record stays stored and is delivered; a subscriber refuses
  // it (whoever holds a revoked organisation's keys may have signed it),
  // unless the registry lists it as known good (issue 12).
  auto ua = Connect("CERT-UA");
  ASSERT_TRUE(ua->Subscribe(FromSequence(1), kWait).ok());
  auto got = UntilCaughtUp(*ua);
  ASSERT_EQ(got.size(), 1u);
  auto refused_line =
      agent::Render(got[0].sequence, got[0].record, Id("CERT-UA"), revoked->registry);
  EXPECT_EQ(refused_line.status().code(), ErrorCode::kRevoked) << refused_line.status().ToString();
  identity::Registry allowing = revoked->registry;
  identity::Card xx = *allowing.Find("CERT-XX");
  auto stored = envelope::Decode(got[0].record);
  ASSERT_TRUE(stored.ok());
  xx.allowed_roots = {*envelope::SignedRoot(*stored)};
  ASSERT_TRUE(allowing.Put(xx).ok());
  auto line = agent::Render(got[0].sequence, got[0].record, Id("CERT-UA"), allowing);
  EXPECT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_NE(line->find(R"("origin":"CERT-XX")"), std::string::npos);

  EXPECT_EQ(Admin(AdminKind::kRevoke, nullptr, "CERT-XX").status().code(), ErrorCode::kRevoked);
  EXPECT_EQ(Admin(AdminKind::kRevoke, nullptr, "CERT-ZZ").status().code(),
            ErrorCode::kUnknownOrganisation);
}

TEST_F(RegistryAdminTest, ARevokedOrganisationComesBackOnlyWithAllNewKeys) {
  // The stolen laptop (docs/security.md): revoked at once, then back with
  // a new identity under the same id.
  ASSERT_TRUE(Connect("CERT-XX")->Publish(Record("CERT-XX", {}, Tlp::kClear, Uuid(1)), kWait).ok());
  ASSERT_TRUE(Admin(AdminKind::kRevoke, nullptr, "CERT-XX").ok());
  auto again = NewIdentity("CERT-XX", "again");
  EXPECT_EQ(Admin(AdminKind::kAddOrg, &again->card).status().code(), ErrorCode::kAlreadyExists);
  identity::Card same_transport = again->card;
  same_transport.transport_key = Id("CERT-XX").card.transport_key;
  EXPECT_EQ(Admin(AdminKind::kRotate, &same_transport).status().code(), ErrorCode::kRevoked);

  auto back = Admin(AdminKind::kRotate, &again->card);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->summary.rfind("reinstated CERT-XX (revoked at ", 0), 0u) << back->summary;
  EXPECT_FALSE(back->registry.Find("CERT-XX")->revoked);
  EXPECT_EQ(SubscribeStatus(Id("CERT-XX")).code(), ErrorCode::kUnauthenticated);  // stolen keys
  auto c = ConnectAs(*again);
  ASSERT_TRUE(c->Subscribe(FromSequence(1), kWait).ok());
  auto got = UntilCaughtUp(*c);
  ASSERT_EQ(got.size(), 1u);  // its own CLEAR record, signed with the old key
  // A reinstatement forgets the revoked keys: the record signed with them
  // no longer verifies (issue 12); a reinstatement told to keep them keeps
  // it verifiable with the previous key.
  EXPECT_TRUE(back->registry.Find("CERT-XX")->previous_sign_keys.empty());
  EXPECT_EQ(agent::Render(1, got[0].record, *again, back->registry).status().code(),
            ErrorCode::kBadSignature);
  // Told to keep them, the old key stays a previous one (and its record is
  // then PREVIOUS_KEY for a subscriber, unless accepted).
  auto third = NewIdentity("CERT-XX", "third");
  ASSERT_TRUE(Admin(AdminKind::kRevoke, nullptr, "CERT-XX").ok());
  auto kept = Admin(AdminKind::kRotate, &third->card, "", /*keep_previous=*/true);
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_FALSE(kept->registry.Find("CERT-XX")->previous_sign_keys.empty());
}

TEST_F(RegistryAdminTest, OnlyTheOperatorMayAdministerAndItMayDoNothingElse) {
  // A registered CERT, signing with its own key.
  auto ee_admin = ConnectAdmin("CERT-EE");
  broker::AdminCommand revoke =
      broker::NewAdminCommand(AdminKind::kRevoke, Id("BROKER").card.transport_key);
  revoke.org = "CERT-UA";
  auto refused = ee_admin->Send(revoke, kWait);
  EXPECT_EQ(refused.status().code(), ErrorCode::kNotAuthorized) << refused.status().ToString();
  // Even with a command the operator signed, from the CERT's connection.
  std::string json = broker::AdminCommandToJson(revoke);
  wire::AdminSignature operator_signature = ConnectAdmin()->Sign(json);
  refused = ee_admin->SendSigned(json, operator_signature, kWait);
  EXPECT_EQ(refused.status().code(), ErrorCode::kNotAuthorized) << refused.status().ToString();
  // An unregistered key is not even admitted.
  auto stranger = ConnectAdmin("STRANGER");
  EXPECT_EQ(stranger->Send(revoke, kWait).status().code(), ErrorCode::kUnauthenticated);
  // Nothing changed.
  EXPECT_FALSE(identity::Registry::Load(RegistryFile())->Find("CERT-UA")->revoked);
  EXPECT_OK(SubscribeStatus(Id("CERT-UA")));

  // The operator neither publishes nor subscribes.
  auto op = Connect("OPERATOR");
  auto published = op->Publish(Record("CERT-EE", {}, Tlp::kClear, Uuid(1)), kWait);
  EXPECT_EQ(published.status().code(), ErrorCode::kNotAuthorized);
  EXPECT_EQ(op->Subscribe(FromSequence(1), kWait).status().code(), ErrorCode::kNotAuthorized);
}

TEST_F(RegistryAdminTest, TamperedReplayedStaleAndForeignCommandsAreRefused) {
  auto op = ConnectAdmin();
  const crypto::BoxPublicKey& broker_key = Id("BROKER").card.transport_key;
  broker::AdminCommand revoke = broker::NewAdminCommand(AdminKind::kRevoke, broker_key);
  revoke.org = "CERT-XX";
  std::string json = broker::AdminCommandToJson(revoke);
  wire::AdminSignature signature = op->Sign(json);

  // Tampered: another target, or a flipped signature bit.
  std::string other = json;
  other.replace(other.find("CERT-XX"), 7, "CERT-EU");
  EXPECT_EQ(op->SendSigned(other, signature, kWait).status().code(), ErrorCode::kBadSignature);
  wire::AdminSignature flipped = signature;
  flipped[10] ^= 1;
  EXPECT_EQ(op->SendSigned(json, flipped, kWait).status().code(), ErrorCode::kBadSignature);
  // Signed without the domain string.
  crypto::Signature raw = crypto::Sign(Id("OPERATOR").sign_secret, AsBytes(json));
  wire::AdminSignature undomained;
  std::copy(raw.begin(), raw.end(), undomained.begin());
  EXPECT_EQ(op->SendSigned(json, undomained, kWait).status().code(), ErrorCode::kBadSignature);

  // The genuine command works once; the same bytes again are a replay.
  ASSERT_TRUE(op->SendSigned(json, signature, kWait).ok());
  auto replayed = op->SendSigned(json, signature, kWait);
  EXPECT_EQ(replayed.status().code(), ErrorCode::kReplayed) << replayed.status().ToString();
  // From another connection too.
  EXPECT_EQ(ConnectAdmin()->SendSigned(json, signature, kWait).status().code(),
            ErrorCode::kReplayed);

  // Stale or from the future, beyond five minutes.
  for (std::int64_t shift : {-6 * 60 * 1000, 6 * 60 * 1000}) {
    broker::AdminCommand show = broker::NewAdminCommand(AdminKind::kShow, broker_key);
    show.issued_at_ms = static_cast<std::uint64_t>(static_cast<std::int64_t>(show.issued_at_ms) + shift);
    auto answer = op->Send(show, kWait);
    EXPECT_EQ(answer.status().code(), ErrorCode::kReplayed) << answer.status().ToString();
  }
  // Within the window it is fine.
  broker::AdminCommand recent = broker::NewAdminCommand(AdminKind::kShow, broker_key);
  recent.issued_at_ms -= 60 * 1000;
  EXPECT_TRUE(op->Send(recent, kWait).ok());

  // For another broker.
  broker::AdminCommand foreign =
      broker::NewAdminCommand(AdminKind::kShow, crypto::GenerateBoxKeyPair().public_key);
  EXPECT_EQ(op->Send(foreign, kWait).status().code(), ErrorCode::kNotAuthorized);

  // Signed, but not a command.
  for (std::string bad : {std::string("{"), std::string("[]"), std::string(R"({"format":"x"})")}) {
    auto answer = op->SendSigned(bad, op->Sign(bad), kWait);
    EXPECT_FALSE(answer.ok()) << bad;
    EXPECT_TRUE(answer.status().code() == ErrorCode::kInvalidArgument ||
                answer.status().code() == ErrorCode::kMalformedJson)
        << answer.status().ToString();
  }
  // Only the one genuine revocation happened.
  auto shown = Admin(AdminKind::kShow, nullptr);
  ASSERT_TRUE(shown.ok());
  EXPECT_TRUE(shown->registry.Find("CERT-XX")->revoked);
  EXPECT_FALSE(shown->registry.Find("CERT-EU")->revoked);
}

// A captured command replayed after a restart, within its five minutes,
// is still refused: the broker keeps the nonces it admitted in its data
// directory (broker/replay_guard.h).
TEST_F(RegistryAdminTest, ACommandReplayedAfterARestartIsRefused) {
  const crypto::BoxPublicKey& broker_key = Id("BROKER").card.transport_key;
  broker::AdminCommand show = broker::NewAdminCommand(AdminKind::kShow, broker_key);
  const std::string json = broker::AdminCommandToJson(show);
  broker::AdminCommand add = broker::NewAdminCommand(AdminKind::kAddOrg, broker_key);
  add.card = NewIdentity("CERT-FI", "new")->card;
  const std::string add_json = broker::AdminCommandToJson(add);
  {
    auto op = ConnectAdmin();
    ASSERT_TRUE(op->SendSigned(json, op->Sign(json), kWait).ok());
    ASSERT_TRUE(op->SendSigned(add_json, op->Sign(add_json), kWait).ok());
  }
  registry_ = std::move(*identity::Registry::Load(RegistryFile()));
  StartBroker(AdminOptions());

  auto op = ConnectAdmin();
  auto replayed = op->SendSigned(json, op->Sign(json), kWait);
  EXPECT_EQ(replayed.status().code(), ErrorCode::kReplayed) << replayed.status().ToString();
  // Refused as a replay, before the change is even tried.
  replayed = op->SendSigned(add_json, op->Sign(add_json), kWait);
  EXPECT_EQ(replayed.status().code(), ErrorCode::kReplayed) << replayed.status().ToString();
  // A new command is applied.
  EXPECT_TRUE(Admin(AdminKind::kShow, nullptr).ok());
}

// A compromise discovered late: the operator withholds what CERT-XX
// published from a time on. It stays stored and reaches nobody (catch-up
// or live, including what CERT-XX publishes after the hold), the hold
// survives a restart, a closed hold releases what came after it, and
// `release` delivers everything again.
TEST_F(RegistryAdminTest, QuarantineWithholdsAnOriginsRecordsFromATimeOnUntilReleased) {
  auto hold = [this](const std::string& org, std::uint64_t since, std::uint64_t until = 0) {
    broker::AdminCommand command =
        broker::NewAdminCommand(AdminKind::kQuarantine, Id("BROKER").card.transport_key);
    command.org = org;
    command.since_ms = since;
    command.until_ms = until;
    return ConnectAdmin()->Send(command, kWait);
  };
  // Receipt times are milliseconds: a tick apart from what is around them.
  auto tick = [] {
    std::this_thread::sleep_for(milliseconds(3));
    const std::uint64_t now = broker::NowMs();
    std::this_thread::sleep_for(milliseconds(3));
    return now;
  };
  auto sequences = [this] {
    auto ua = Connect("CERT-UA");
    EXPECT_OK(ua->Subscribe(FromSequence(1), kWait).status());
    std::vector<std::uint64_t> seen;
    for (const Delivery& d : UntilCaughtUp(*ua)) seen.push_back(d.sequence);
    return seen;
  };
  auto xx = Connect("CERT-XX");
  auto ee = Connect("CERT-EE");
  ASSERT_OK(PublishOn(*xx, Record("CERT-XX", {"CERT-UA"}, Tlp::kAmber, Uuid(1))).status());
  const std::uint64_t since = tick();
  ASSERT_OK(PublishOn(*xx, Record("CERT-XX", {"CERT-UA"}, Tlp::kAmber, Uuid(2))).status());
  const std::uint64_t until = tick();
  ASSERT_OK(PublishOn(*ee, Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, Uuid(3))).status());

  auto held = hold("CERT-XX", since);
  ASSERT_OK(held.status());
  EXPECT_NE(held->summary.find("withholding CERT-XX's records received from"), std::string::npos)
      << held->summary;
  EXPECT_NE(held->quarantine_json.find(R"("org":"CERT-XX")"), std::string::npos);
  EXPECT_NE(held->quarantine_json.find(R"("first_sequence":2)"), std::string::npos)
      << held->quarantine_json;
  // What CERT-XX publishes after the hold is accepted and withheld too.
  ASSERT_OK(PublishOn(*xx, Record("CERT-XX", {"CERT-UA"}, Tlp::kAmber, Uuid(4))).status());
  EXPECT_EQ(sequences(), (std::vector<std::uint64_t>{1, 3}));
  // Live: the next record a caught-up subscriber gets is CERT-EE's.
  auto live = Connect("CERT-UA");
  ASSERT_OK(live->Subscribe(FromSequence(1), kWait).status());
  EXPECT_EQ(UntilCaughtUp(*live).size(), 2u);
  ASSERT_OK(PublishOn(*xx, Record("CERT-XX", {"CERT-UA"}, Tlp::kAmber, Uuid(5))).status());
  ASSERT_OK(PublishOn(*ee, Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, Uuid(6))).status());
  std::vector<Bytes> keep;
  auto next = NextMessage(*live, &keep);
  ASSERT_OK(next.status());
  ASSERT_EQ(next->command, wire::Command::kDeliver);
  EXPECT_EQ(next->sequence, 6u);
  live.reset();

  // After a restart, the hold is still in force and shown.
  StartBroker(AdminOptions());
  EXPECT_EQ(sequences(), (std::vector<std::uint64_t>{1, 3, 6}));
  auto shown = Admin(AdminKind::kShow, nullptr);
  ASSERT_OK(shown.status());
  EXPECT_NE(shown->quarantine_json.find(R"("org":"CERT-XX")"), std::string::npos);

  // A closed hold replaces the open one: only what came in [since, until].
  auto closed = hold("CERT-XX", since, until);
  ASSERT_OK(closed.status());
  EXPECT_NE(closed->summary.find("(sequences 2 to 2)"), std::string::npos) << closed->summary;
  EXPECT_EQ(sequences(), (std::vector<std::uint64_t>{1, 3, 4, 5, 6}));

  auto released = Admin(AdminKind::kRelease, nullptr, "CERT-XX");
  ASSERT_OK(released.status());
  EXPECT_EQ(released->quarantine_json, "[]");
  EXPECT_EQ(sequences(), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));

  EXPECT_CODE(Admin(AdminKind::kRelease, nullptr, "CERT-XX").status(), ErrorCode::kNotFound);
  EXPECT_CODE(hold("CERT-ZZ", since).status(), ErrorCode::kUnknownOrganisation);
  EXPECT_CODE(hold("CERT-XX", broker::NowMs() + 3'600'000).status(), ErrorCode::kInvalidArgument);
}

TEST_F(RegistryAdminTest, TheRegistryFileReflectsEachChangeAndSurvivesRestart) {
  auto fi = NewIdentity("CERT-FI", "new");
  auto new_ua = NewIdentity("CERT-UA", "rotated");
  ASSERT_TRUE(Admin(AdminKind::kAddOrg, &fi->card).ok());
  ASSERT_TRUE(Admin(AdminKind::kRotate, &new_ua->card).ok());
  ASSERT_TRUE(Admin(AdminKind::kRevoke, nullptr, "CERT-XX").ok());

  auto on_disk = identity::Registry::Load(RegistryFile());
  ASSERT_TRUE(on_disk.ok()) << on_disk.status().ToString();
  ASSERT_NE(on_disk->Find("CERT-FI"), nullptr);
  EXPECT_EQ(on_disk->Find("CERT-UA")->transport_key, new_ua->card.transport_key);
  EXPECT_EQ(on_disk->Find("CERT-UA")->previous_sign_keys,
            std::vector<crypto::SigningPublicKey>{Id("CERT-UA").card.sign_key});
  EXPECT_TRUE(on_disk->Find("CERT-XX")->revoked);
  ASSERT_NE(on_disk->FindGroup("baltic"), nullptr);  // groups are kept

  // Restart from the file alone.
  registry_ = std::move(*on_disk);
  StartBroker(AdminOptions());
  EXPECT_EQ(SubscribeStatus(Id("CERT-XX")).code(), ErrorCode::kRevoked);
  EXPECT_EQ(SubscribeStatus(Id("CERT-UA")).code(), ErrorCode::kUnauthenticated);  // rotated away
  EXPECT_OK(SubscribeStatus(*new_ua));
  EXPECT_OK(SubscribeStatus(*fi));
  auto shown = Admin(AdminKind::kShow, nullptr);
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_EQ(shown->registry.ToJson(), *files::Read(RegistryFile()));
}

TEST_F(RegistryAdminTest, AChangeThatCannotBeWrittenIsNotApplied) {
  broker::Options options = AdminOptions();
  options.registry = dir_.File("no-such-dir/registry.json");
  StartBroker(options);
  auto refused = Admin(AdminKind::kRevoke, nullptr, "CERT-XX");
  EXPECT_EQ(refused.status().code(), ErrorCode::kIoError) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("the registry was not changed"), std::string::npos);
  EXPECT_OK(SubscribeStatus(Id("CERT-XX")));
}

TEST_F(RegistryAdminTest, WithoutAnOperatorCardAdminIsDisabled) {
  StartBroker();  // DefaultOptions: no operator_card
  auto op = ConnectAdmin();
  EXPECT_EQ(op->Send(broker::NewAdminCommand(AdminKind::kShow, Id("BROKER").card.transport_key),
                     kWait)
                .status()
                .code(),
            ErrorCode::kUnauthenticated);
  auto ee = ConnectAdmin("CERT-EE");
  EXPECT_EQ(ee->Send(broker::NewAdminCommand(AdminKind::kShow, Id("BROKER").card.transport_key),
                     kWait)
                .status()
                .code(),
            ErrorCode::kNotAuthorized);
}

TEST_F(RegistryAdminTest, TheOperatorCardIsConfiguredAndChecked) {
  auto parsed = broker::ParseConfig(
      R"({"identity":"b.json","registry":"r.json","data_dir":"d",
          "operator_card":"keys/OPERATOR.card.json"})",
      "/etc/certshare");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->operator_card, "/etc/certshare/keys/OPERATOR.card.json");
  EXPECT_EQ(broker::ParseConfig(R"({"identity":"b","registry":"r","data_dir":"d",
                                     "operator_card":""})",
                                "")
                .status()
                .code(),
            ErrorCode::kInvalidConfig);

  // A registered organisation's card cannot be the operator's.
  StopBroker();
  broker::Options options = AdminOptions();
  options.operator_card = dir_.File("keys/CERT-EE.card.json");
  const identity::Identity& b = Id("BROKER");
  identity::Identity copy{b.card, b.sign_secret.Clone(), b.box_secret.Clone(),
                          b.transport_secret.Clone()};
  auto opened = broker::Broker::Open(options, std::move(copy), registry_);
  EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidConfig);
  EXPECT_NE(opened.status().message().find("uses a key of organisation CERT-EE"),
            std::string::npos)
      << opened.status().ToString();
}

}  // namespace
}  // namespace certshare::testing
