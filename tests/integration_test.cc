// End to end over tcp://127.0.0.1 with ephemeral ports: agents publish to
// a real broker (CURVE, ZAP, RocksDB) and subscribers verify and decrypt.
#include <gtest/gtest.h>

#include "agent/receive/render.h"
#include "common/transport/transport.h"
#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using std::chrono::milliseconds;
constexpr auto kWait = milliseconds(10000);

const char* kUuid1 = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
const char* kUuid2 = "0f4c9b62-1c2a-4b7e-9d3f-6a5e8c1b2d40";
const char* kUuid3 = "a1b2c3d4-e5f6-4789-8abc-def012345678";

class IntegrationTest : public BrokerFixture {
 protected:
  // Subscribes as `org` from `from` and collects deliveries until the
  // broker says the subscriber is caught up.
  std::vector<std::pair<std::uint64_t, Bytes>> ReceiveUntilCaughtUp(const std::string& org,
                                                                    std::uint64_t from) {
    std::vector<std::pair<std::uint64_t, Bytes>> got;
    auto client = Connect(org);
    if (!client) return got;
    EXPECT_TRUE(client->Subscribe(FromSequence(from), kWait).ok());
    while (true) {
      auto next = client->Next(kWait);
      if (!next.ok()) {
        ADD_FAILURE() << org << ": " << next.status().ToString();
        return got;
      }
      if (next->msg.command == wire::Command::kCaughtUp) return got;
      EXPECT_EQ(next->msg.command, wire::Command::kDeliver);
      got.emplace_back(next->msg.sequence,
                       Bytes(next->msg.record.begin(), next->msg.record.end()));
    }
  }

  agent::Ack Publish(const std::string& org, const Bytes& record) {
    auto client = Connect(org);
    auto ack = client->Publish(record, kWait);
    EXPECT_TRUE(ack.ok()) << ack.status().ToString();
    return ack.ok() ? *ack : agent::Ack{};
  }

  Status PublishStatus(const std::string& org, const Bytes& record) {
    auto client = Connect(org);
    return client->Publish(record, kWait).status();
  }
};

TEST_F(IntegrationTest, AmberIncidentReachesExactlyItsRecipients) {
  agent::Ack ack = Publish("CERT-EE", Record("CERT-EE", {"CERT-UA", "CERT-EU"}, Tlp::kAmber, kUuid1));
  EXPECT_EQ(ack.sequence, 1u);
  EXPECT_FALSE(ack.duplicate);

  for (const char* org : {"CERT-UA", "CERT-EU"}) {
    auto got = ReceiveUntilCaughtUp(org, 1);
    ASSERT_EQ(got.size(), 1u) << org;
    EXPECT_EQ(got[0].first, 1u);
    auto line = agent::Render(got[0].first, got[0].second, Id(org), registry_);
    ASSERT_TRUE(line.ok()) << line.status().ToString();
    EXPECT_NE(line->find(std::string("incident--") + kUuid1), std::string::npos);
    EXPECT_NE(line->find("Phishing wave against ministry mail"), std::string::npos);
  }
  EXPECT_TRUE(ReceiveUntilCaughtUp("CERT-XX", 1).empty());
  // The origin is not a recipient of its own AMBER record either.
  EXPECT_TRUE(ReceiveUntilCaughtUp("CERT-EE", 1).empty());
}

TEST_F(IntegrationTest, LiveSubscriberGetsNewRecordsAndBystanderNothing) {
  auto ua = Connect("CERT-UA");
  auto xx = Connect("CERT-XX");
  ASSERT_TRUE(ua->Subscribe(FromSequence(1), kWait).ok());
  ASSERT_TRUE(xx->Subscribe(FromSequence(1), kWait).ok());
  for (auto* c : {ua.get(), xx.get()}) {
    auto first = c->Next(kWait);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(first->msg.command, wire::Command::kCaughtUp);
  }
  Publish("CERT-EE", Record("CERT-EE", {"CERT-UA"}, Tlp::kRed, kUuid1));
  Publish("CERT-EE", Record("CERT-EE", {}, Tlp::kClear, kUuid2));

  auto red = ua->Next(kWait);
  ASSERT_TRUE(red.ok()) << red.status().ToString();
  EXPECT_EQ(red->msg.command, wire::Command::kDeliver);
  EXPECT_EQ(red->msg.sequence, 1u);
  auto clear_ua = ua->Next(kWait);
  ASSERT_TRUE(clear_ua.ok());
  EXPECT_EQ(clear_ua->msg.sequence, 2u);
  // The bystander's first delivery is the CLEAR record: the RED one, stored
  // before it, was never sent.
  auto clear_xx = xx->Next(kWait);
  ASSERT_TRUE(clear_xx.ok()) << clear_xx.status().ToString();
  EXPECT_EQ(clear_xx->msg.command, wire::Command::kDeliver);
  EXPECT_EQ(clear_xx->msg.sequence, 2u);
  auto line = agent::Render(2, clear_xx->msg.record, Id("CERT-XX"), registry_);
  EXPECT_TRUE(line.ok()) << line.status().ToString();
}

TEST_F(IntegrationTest, UnregisteredKeyCannotConnect) {
  auto stranger = Connect("STRANGER");
  ASSERT_NE(stranger, nullptr);
  auto ack = stranger->Publish(Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid1), kWait);
  EXPECT_EQ(ack.status().code(), ErrorCode::kUnauthenticated) << ack.status().ToString();
  EXPECT_TRUE(ReceiveUntilCaughtUp("CERT-UA", 1).empty());
}

TEST_F(IntegrationTest, RecordFromAnotherOriginIsRefused) {
  // CERT-UA forwards a record CERT-EE signed: the header's origin is not
  // the sender.
  Bytes from_ee = Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid1);
  Status s = PublishStatus("CERT-UA", from_ee);
  EXPECT_EQ(s.code(), ErrorCode::kOriginMismatch) << s.ToString();
  EXPECT_NE(s.message().find("origin is CERT-EE but it was sent by CERT-UA"), std::string::npos);
  EXPECT_TRUE(ReceiveUntilCaughtUp("CERT-UA", 1).empty());
}

TEST_F(IntegrationTest, SignatureByAnotherKeyIsRefused) {
  // CERT-UA's keys, CERT-EE's name, sent over CERT-EE's connection.
  envelope::Sealer forger("CERT-EE", Id("CERT-UA").sign_secret, Id("CERT-UA").box_secret);
  envelope::Draft draft;
  draft.stix_type = "incident";
  draft.stix_id = std::string("incident--") + kUuid1;
  draft.modified = "2026-11-01T10:00:00.000Z";
  draft.tlp = Tlp::kClear;
  draft.encrypt = false;
  draft.payload = Incident(kUuid1, draft.modified, Tlp::kClear);
  auto forged = forger.Seal(draft);
  ASSERT_TRUE(forged.ok());
  EXPECT_CODE(PublishStatus("CERT-EE", forged->record), ErrorCode::kBadSignature);

  Bytes tampered = Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid1);
  tampered[tampered.size() - 1] ^= 0x01;  // last byte of the signature
  EXPECT_CODE(PublishStatus("CERT-EE", tampered), ErrorCode::kBadSignature);
  EXPECT_TRUE(ReceiveUntilCaughtUp("CERT-UA", 1).empty());
}

TEST_F(IntegrationTest, MalformedAndOversizedRecordsAreRefused) {
  Bytes junk = {'n', 'o', 't', ' ', 'a', ' ', 'r', 'e', 'c', 'o', 'r', 'd'};
  EXPECT_CODE(PublishStatus("CERT-EE", junk), ErrorCode::kMalformedRecord);

  StartBroker(/*max_record_bytes=*/2048);
  envelope::Sealer sealer = SealerFor("CERT-EE");
  envelope::Draft draft;
  draft.stix_type = "incident";
  draft.stix_id = std::string("incident--") + kUuid2;
  draft.modified = "2026-11-01T10:00:00.000Z";
  draft.tlp = Tlp::kClear;
  draft.encrypt = false;
  draft.payload = std::string(4096, ' ') + Incident(kUuid2, draft.modified, Tlp::kClear);
  auto big = sealer.Seal(draft);
  ASSERT_TRUE(big.ok());
  EXPECT_CODE(PublishStatus("CERT-EE", big->record), ErrorCode::kRecordTooLarge);
  // The broker keeps serving.
  EXPECT_EQ(Publish("CERT-EE", Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid1)).sequence, 1u);
}

TEST_F(IntegrationTest, UnknownRecipientIsRefused) {
  // CERT-EE addresses STRANGER, whom only it knows.
  identity::Registry with_stranger = registry_;
  ASSERT_OK(with_stranger.Put(Id("STRANGER").card));
  agent::ComposeOptions options;
  options.recipients = {"CERT-UA", "STRANGER"};
  envelope::Sealer sealer = SealerFor("CERT-EE");
  auto composed = agent::Compose(Incident(kUuid1, "2026-11-01T10:00:00.000Z", Tlp::kAmber),
                                 options, Id("CERT-EE"), with_stranger, sealer);
  ASSERT_TRUE(composed.ok());
  EXPECT_CODE(PublishStatus("CERT-EE", composed->record), ErrorCode::kUnknownOrganisation);
}

TEST_F(IntegrationTest, DuplicateIsAcknowledgedWithOriginalSequenceAndStoredOnce) {
  Bytes record = Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid1);
  EXPECT_EQ(Publish("CERT-EE", record).sequence, 1u);
  // Sealed again (new key, new signature), same id and modified.
  agent::Ack again = Publish("CERT-EE", Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid1));
  EXPECT_EQ(again.sequence, 1u);
  EXPECT_TRUE(again.duplicate);
  // A later `modified` is a new version.
  agent::Ack v2 = Publish("CERT-EE", Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid1,
                                            "2026-11-02T10:00:00.000Z"));
  EXPECT_EQ(v2.sequence, 2u);
  EXPECT_EQ(ReceiveUntilCaughtUp("CERT-UA", 1).size(), 2u);
}

TEST_F(IntegrationTest, AcknowledgedRecordsSurviveRestartAndSubscribersResume) {
  Publish("CERT-EE", Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid1));
  Publish("CERT-EE", Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid2));
  Publish("CERT-EE", Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid3));
  std::string before = endpoint_;
  StartBroker();  // stops the broker, reopens the same data directory
  auto got = ReceiveUntilCaughtUp("CERT-UA", 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, 2u);
  EXPECT_EQ(got[1].first, 3u);
  for (const auto& [seq, bytes] : got) {
    EXPECT_TRUE(agent::Render(seq, bytes, Id("CERT-UA"), registry_).ok());
  }
  EXPECT_EQ(Publish("CERT-EE", Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber,
                                      "11111111-2222-4333-8444-555555555555"))
                .sequence,
            4u);
}

TEST_F(IntegrationTest, MalformedFrameGetsAnErrorAndTheBrokerKeepsServing) {
  transport::ClientOptions options;
  options.endpoint = endpoint_;
  options.server_key = Id("BROKER").card.transport_key;
  options.public_key = Id("CERT-EE").card.transport_key;
  options.secret_key = &Id("CERT-EE").transport_secret;
  auto raw = transport::Client::Connect(options);
  ASSERT_TRUE(raw.ok());
  Bytes garbage = {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P'};
  ASSERT_OK((*raw)->Send(garbage, kWait));
  auto reply = (*raw)->Receive(kWait);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  wire::Message msg;
  ASSERT_OK(wire::Decode(*reply, &msg));
  EXPECT_EQ(msg.command, wire::Command::kError);
  EXPECT_EQ(msg.error, ErrorCode::kMalformedFrame);
  EXPECT_EQ(Publish("CERT-EE", Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, kUuid1)).sequence, 1u);
}

}  // namespace
}  // namespace certshare::testing
