// Sharing groups (docs/identity.md, "Sharing groups"): an agent addresses
// "group:<name>" and expands it from its own registry copy to the group's
// members, each of whom the record's header names, so the broker routes by
// the header alone and expands nothing. Over loopback against an
// in-process broker.
#include <gtest/gtest.h>

#include <set>

#include "agent/receive/render.h"
#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using std::chrono::milliseconds;
constexpr auto kWait = milliseconds(10000);

std::string Uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

class GroupsTest : public BrokerFixture {
 protected:
  void SetUp() override {
    BrokerFixture::SetUp();
    // baltic: the publisher CERT-EE and two others; CERT-XX is in no group
    // with them and is the bystander.
    ASSERT_OK(registry_.PutGroup("baltic", {"CERT-EE", "CERT-UA", "CERT-EU"}));
    ASSERT_OK(registry_.PutGroup("eu-csirts-network", {"CERT-UA", "CERT-XX"}));
    StartBroker();
  }

  agent::ComposeOptions To(std::vector<std::string> names) {
    agent::ComposeOptions options;
    options.recipients = std::move(names);
    return options;
  }

  Result<agent::Composed> ComposeAs(const std::string& origin,
                                    const agent::ComposeOptions& options, Tlp tlp, int n,
                                    const identity::Registry& registry) {
    envelope::Sealer sealer = SealerFor(origin);
    return agent::Compose(Incident(Uuid(n), "2026-11-01T10:00:00.000Z", tlp), options,
                          Id(origin), registry, sealer);
  }

  std::uint64_t Publish(const std::string& org, const Bytes& record) {
    auto ack = Connect(org)->Publish(record, kWait);
    EXPECT_TRUE(ack.ok()) << ack.status().ToString();
    return ack.ok() ? ack->sequence : 0;
  }

  std::set<std::uint64_t> Sequences(const std::vector<Delivery>& got) {
    std::set<std::uint64_t> out;
    for (const auto& d : got) out.insert(d.sequence);
    return out;
  }
};

TEST_F(GroupsTest, HeaderNamesEveryMemberExceptThePublisher) {
  auto composed = ComposeAs("CERT-EE", To({"group:baltic"}), Tlp::kAmber, 1, registry_);
  ASSERT_TRUE(composed.ok()) << composed.status().ToString();
  EXPECT_EQ(composed->header.recipients, (std::vector<std::string>{"CERT-UA", "CERT-EU"}));
  EXPECT_TRUE(composed->header.encrypted);
  ASSERT_EQ(composed->header.slots.size(), 2u);

  // A member also named on its own, or in two groups, is one recipient.
  composed = ComposeAs("CERT-EE", To({"CERT-UA", "group:baltic", "group:eu-csirts-network"}),
                       Tlp::kRed, 2, registry_);
  ASSERT_TRUE(composed.ok()) << composed.status().ToString();
  EXPECT_EQ(composed->header.recipients,
            (std::vector<std::string>{"CERT-UA", "CERT-EU", "CERT-XX"}));
}

TEST_F(GroupsTest, GroupAddressingDeliversToEveryMemberAndNoOneElse) {
  // The bystander is subscribed live while the group record arrives.
  auto live_xx = Connect("CERT-XX");
  ASSERT_TRUE(live_xx->Subscribe(FromSequence(1), kWait).ok());
  EXPECT_TRUE(UntilCaughtUp(*live_xx).empty());

  Bytes record = RecordWith(Id("CERT-EE"), To({"group:baltic"}), registry_, Tlp::kAmber, Uuid(1));
  ASSERT_EQ(Publish("CERT-EE", record), 1u);

  for (const char* member : {"CERT-UA", "CERT-EU"}) {
    auto c = Connect(member);
    ASSERT_TRUE(c->Subscribe(FromSequence(1), kWait).ok());
    auto got = UntilCaughtUp(*c);
    ASSERT_EQ(got.size(), 1u) << member;
    auto line = agent::Render(got[0].sequence, got[0].record, Id(member), registry_);
    ASSERT_TRUE(line.ok()) << member << ": " << line.status().ToString();
    EXPECT_NE(line->find(R"("recipients":["CERT-UA","CERT-EU"])"), std::string::npos) << *line;
  }
  // Neither the bystander nor the publisher (left out of its own group).
  for (const char* other : {"CERT-XX", "CERT-EE"}) {
    auto c = Connect(other);
    ASSERT_TRUE(c->Subscribe(FromSequence(1), kWait).ok());
    EXPECT_TRUE(UntilCaughtUp(*c).empty()) << other;
  }

  // The bystander reconnects, durably this time, then a CLEAR record
  // follows: it receives that and only that, live and after reconnecting.
  ASSERT_EQ(Publish("CERT-EE", Record("CERT-EE", {}, Tlp::kClear, Uuid(2))), 2u);
  auto clear = live_xx->Next(kWait);
  ASSERT_TRUE(clear.ok()) << clear.status().ToString();
  EXPECT_EQ(clear->msg.command, wire::Command::kDeliver);
  EXPECT_EQ(clear->msg.sequence, 2u);
  live_xx.reset();
  for (int round = 0; round < 2; ++round) {
    auto again = Connect("CERT-XX");
    wire::SubscribeRequest durable;
    durable.name = "all";
    durable.credit = 100;
    ASSERT_TRUE(again->Subscribe(durable, kWait).ok());
    auto got = UntilCaughtUp(*again, /*ack=*/true);
    EXPECT_EQ(Sequences(got), round == 0 ? std::set<std::uint64_t>{2} : std::set<std::uint64_t>{})
        << "round " << round;
    ASSERT_OK(again->Ping());  // the acknowledgement is handled before the PONG
    while (true) {
      auto next = again->Next(kWait);
      ASSERT_TRUE(next.ok());
      if (next->msg.command == wire::Command::kPong) break;
    }
  }
}

TEST_F(GroupsTest, UnknownGroupIsRefusedWithItsName) {
  for (const char* name : {"group:nordic", "group:", "group:Baltic"}) {
    auto composed = ComposeAs("CERT-EE", To({name}), Tlp::kAmber, 1, registry_);
    ASSERT_FALSE(composed.ok()) << name;
    EXPECT_EQ(composed.status().code(), ErrorCode::kUnknownOrganisation) << name;
    EXPECT_NE(composed.status().message().find("is not in this agent's registry (its groups: "
                                               "baltic, eu-csirts-network)"),
              std::string::npos)
        << composed.status().ToString();
  }
  identity::Registry no_groups;
  for (const auto& [org, card] : registry_.cards()) ASSERT_OK(no_groups.Put(card));
  auto composed = ComposeAs("CERT-EE", To({"group:baltic"}), Tlp::kAmber, 1, no_groups);
  EXPECT_NE(composed.status().message().find("group baltic is not in this agent's registry "
                                             "(it defines no groups)"),
            std::string::npos)
      << composed.status().ToString();
  // Nothing reached the broker.
  auto ua = Connect("CERT-UA");
  ASSERT_TRUE(ua->Subscribe(FromSequence(1), kWait).ok());
  EXPECT_TRUE(UntilCaughtUp(*ua).empty());
}

TEST_F(GroupsTest, RevokedMembersAreLeftOutAndAGroupOfNobodyIsRefused) {
  identity::Registry copy = registry_;
  ASSERT_OK(copy.Revoke("CERT-EU", "2026-11-27T08:47:27Z"));
  auto composed = ComposeAs("CERT-EE", To({"group:baltic"}), Tlp::kAmber, 1, copy);
  ASSERT_TRUE(composed.ok()) << composed.status().ToString();
  EXPECT_EQ(composed->header.recipients, std::vector<std::string>{"CERT-UA"});
  // Named on its own, a revoked organisation is an error.
  composed = ComposeAs("CERT-EE", To({"CERT-EU"}), Tlp::kAmber, 2, copy);
  EXPECT_EQ(composed.status().code(), ErrorCode::kRevoked) << composed.status().ToString();
  // GREEN to everyone leaves revoked organisations out too.
  composed = ComposeAs("CERT-EE", To({}), Tlp::kGreen, 3, copy);
  ASSERT_TRUE(composed.ok());
  EXPECT_EQ(composed->header.recipients, (std::vector<std::string>{"CERT-UA", "CERT-XX"}));
  // Nobody left to send to.
  ASSERT_OK(copy.PutGroup("just-me", {"CERT-EE", "CERT-EU"}));
  composed = ComposeAs("CERT-EE", To({"group:just-me"}), Tlp::kAmber, 4, copy);
  EXPECT_EQ(composed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(composed.status().message().find("group just-me has no member to send to"),
            std::string::npos)
      << composed.status().ToString();
}

TEST_F(GroupsTest, GreenPlaintextToAGroupStillReachesTheCommunity) {
  // Plaintext GREEN names the group's members but goes to the community:
  // recipients only restrict encrypted records and AMBER and above.
  agent::ComposeOptions options = To({"group:baltic"});
  options.encrypt_green = false;
  ASSERT_EQ(Publish("CERT-EE", RecordWith(Id("CERT-EE"), options, registry_, Tlp::kGreen, Uuid(1))),
            1u);
  auto xx = Connect("CERT-XX");
  ASSERT_TRUE(xx->Subscribe(FromSequence(1), kWait).ok());
  auto got = UntilCaughtUp(*xx);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(agent::Render(1, got[0].record, Id("CERT-XX"), registry_).ok());
}

}  // namespace
}  // namespace certshare::testing
