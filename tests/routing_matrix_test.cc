// Who receives what, exhaustively: every TLP level (CLEAR, GREEN in
// plaintext, GREEN encrypted, AMBER, AMBER+STRICT, RED) × every kind of
// organisation (the named recipient, a registered non-recipient, the
// origin), through every way of subscribing (from a sequence, durable
// across reconnects, with filters that change between connections). A
// filter narrows what an organisation may receive; nothing widens it.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "agent/receive/render.h"
#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using std::chrono::milliseconds;
constexpr auto kWait = milliseconds(10000);

struct Level {
  const char* name;
  Tlp tlp;
  bool encrypt_green;
};
const Level kLevels[] = {
    {"CLEAR", Tlp::kClear, false},          {"GREEN plaintext", Tlp::kGreen, false},
    {"GREEN encrypted", Tlp::kGreen, true}, {"AMBER", Tlp::kAmber, true},
    {"AMBER+STRICT", Tlp::kAmberStrict, true}, {"RED", Tlp::kRed, true},
};

// The roles: CERT-EE publishes, naming CERT-UA; CERT-XX is registered and
// not named.
constexpr const char* kOrigin = "CERT-EE";
constexpr const char* kRecipient = "CERT-UA";
constexpr const char* kBystander = "CERT-XX";

struct Published {
  std::uint64_t sequence;
  Level level;
};

// What TLP 2.0 routing allows (docs/broker.md): the named recipient
// everything; anyone else only what is neither encrypted nor above GREEN.
bool ShouldReceive(const Level& level, const std::string& org) {
  if (org == kRecipient) return true;
  return level.tlp <= Tlp::kGreen && !(level.tlp == Tlp::kGreen && level.encrypt_green);
}

class RoutingMatrixTest : public BrokerFixture {
 protected:
  // Publishes one record per level, all from the origin to the recipient.
  void PublishRound(int round) {
    auto ee = Connect(kOrigin);
    int n = 0;
    for (const Level& level : kLevels) {
      agent::ComposeOptions options;
      options.recipients = {kRecipient};
      options.encrypt_green = level.encrypt_green;
      char uuid[40];
      std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%06d%06d", round, ++n);
      Bytes record = RecordWith(Id(kOrigin), options, registry_, level.tlp, uuid);
      auto ack = ee->Publish(record, kWait);
      ASSERT_TRUE(ack.ok()) << level.name << ": " << ack.status().ToString();
      published_.push_back({ack->sequence, level});
    }
  }

  std::set<std::uint64_t> Expected(const std::string& org, const wire::SubscribeRequest& filter,
                                   std::uint64_t from = 1) {
    std::set<std::uint64_t> out;
    for (const auto& p : published_) {
      bool tlp_ok = static_cast<std::uint8_t>(p.level.tlp) >= filter.tlp_min &&
                    static_cast<std::uint8_t>(p.level.tlp) <= filter.tlp_max;
      bool origin_ok = filter.origins.empty() ||
                       std::find(filter.origins.begin(), filter.origins.end(), kOrigin) !=
                           filter.origins.end();
      bool type_ok = filter.types.empty() || std::find(filter.types.begin(), filter.types.end(),
                                                       "incident") != filter.types.end();
      if (p.sequence >= from && ShouldReceive(p.level, org) && tlp_ok && origin_ok && type_ok) {
        out.insert(p.sequence);
      }
    }
    return out;
  }

  // Subscribes, collects until CAUGHT_UP, checks each delivery renders (it
  // is readable by whoever receives it) and returns the sequences.
  std::set<std::uint64_t> Receive(const std::string& org, const wire::SubscribeRequest& req,
                                  bool ack = false) {
    auto c = Connect(org);
    auto sub = c->Subscribe(req, kWait);
    EXPECT_TRUE(sub.ok()) << sub.status().ToString();
    std::set<std::uint64_t> seqs;
    for (const auto& d : UntilCaughtUp(*c, ack)) {
      EXPECT_TRUE(seqs.insert(d.sequence).second) << org << ": " << d.sequence << " twice";
      auto line = agent::Render(d.sequence, d.record, Id(org), registry_);
      EXPECT_TRUE(line.ok()) << org << " cannot read " << d.sequence << ": "
                             << line.status().ToString();
    }
    if (ack) {
      // The acknowledgements are handled before the PONG.
      EXPECT_OK(c->Ping());
      while (true) {
        auto next = c->Next(kWait);
        if (!next.ok() || next->msg.command == wire::Command::kPong) break;
      }
    }
    return seqs;
  }

  std::vector<Published> published_;
};

TEST_F(RoutingMatrixTest, EveryLevelReachesExactlyWhoItMay) {
  PublishRound(1);
  for (const char* org : {kRecipient, kBystander, kOrigin}) {
    wire::SubscribeRequest all = FromSequence(1);
    std::set<std::uint64_t> got = Receive(org, all);
    EXPECT_EQ(got, Expected(org, all)) << org;
    // Spelled out, per level, so a failure names the cell of the matrix.
    for (const auto& p : published_) {
      EXPECT_EQ(got.count(p.sequence) > 0, ShouldReceive(p.level, org))
          << p.level.name << " for " << org;
    }
  }
  EXPECT_EQ(Expected(kRecipient, FromSequence(1)).size(), 6u);
  EXPECT_EQ(Expected(kBystander, FromSequence(1)).size(), 2u);  // CLEAR, GREEN plaintext
}

TEST_F(RoutingMatrixTest, SameAfterReconnectingDurablyAndChangingFilters) {
  PublishRound(1);
  wire::SubscribeRequest durable;
  durable.name = "matrix";
  durable.credit = 1000;
  for (const char* org : {kRecipient, kBystander, kOrigin}) {
    EXPECT_EQ(Receive(org, durable, /*ack=*/true), Expected(org, durable)) << org;
  }
  // A second round while every subscriber is away: each resumes with
  // exactly its share of it, then has nothing more (no duplicate).
  std::uint64_t round_two = published_.back().sequence + 1;
  PublishRound(2);
  for (const char* org : {kRecipient, kBystander, kOrigin}) {
    EXPECT_EQ(Receive(org, durable, /*ack=*/true), Expected(org, durable, round_two)) << org;
    EXPECT_TRUE(Receive(org, durable, /*ack=*/true).empty()) << org;
  }
  // New connections with other filters: each narrows, none widens.
  for (const char* org : {kRecipient, kBystander, kOrigin}) {
    wire::SubscribeRequest amber_up = FromSequence(1);
    amber_up.tlp_min = static_cast<std::uint8_t>(Tlp::kAmber);
    EXPECT_EQ(Receive(org, amber_up), Expected(org, amber_up)) << org << ": AMBER and above";
    wire::SubscribeRequest green_down = FromSequence(1);
    green_down.tlp_max = static_cast<std::uint8_t>(Tlp::kGreen);
    EXPECT_EQ(Receive(org, green_down), Expected(org, green_down)) << org << ": up to GREEN";
    wire::SubscribeRequest by_origin = FromSequence(round_two);
    by_origin.origins = {kOrigin};
    by_origin.types = {"incident"};
    EXPECT_EQ(Receive(org, by_origin), Expected(org, by_origin, round_two))
        << org << ": origin and type";
    wire::SubscribeRequest other_origin = FromSequence(1);
    other_origin.origins = {kBystander};
    EXPECT_TRUE(Receive(org, other_origin).empty()) << org;
    wire::SubscribeRequest other_type = FromSequence(1);
    other_type.types = {"indicator"};
    EXPECT_TRUE(Receive(org, other_type).empty()) << org;
    // Back to everything: exactly the matrix, nothing more.
    EXPECT_EQ(Receive(org, FromSequence(1)), Expected(org, FromSequence(1))) << org;
  }
  EXPECT_EQ(Expected(kBystander, FromSequence(1)).size(), 4u);
}

// Issue 10: an incident marked with the standard TLP 1.0 AMBER marking
// went out as CLEAR with `--tlp clear`, to every organisation. It is
// AMBER: --tlp clear is refused, and without --tlp it reaches the named
// recipient only, encrypted.
TEST_F(RoutingMatrixTest, ATlp1AmberDocumentNeverReachesABystander) {
  const std::string incident =
      R"({"type":"incident","spec_version":"2.1","id":"incident--6f1c9c0e-2b1d-4f3a-9b7e-0c5d4e3f2a10",)"
      R"("created":"2026-11-01T10:00:00.000Z","modified":"2026-11-01T10:00:00.000Z",)"
      R"("name":"Phishing wave","object_marking_refs":)"
      R"(["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]})";
  envelope::Sealer sealer = SealerFor(kOrigin);
  agent::ComposeOptions options;
  options.recipients = {kRecipient};
  options.tlp = Tlp::kClear;
  auto lowered = agent::Compose(incident, options, Id(kOrigin), registry_, sealer);
  EXPECT_EQ(lowered.status().code(), ErrorCode::kInvalidArgument);
  options.tlp.reset();
  auto composed = agent::Compose(incident, options, Id(kOrigin), registry_, sealer);
  ASSERT_TRUE(composed.ok()) << composed.status().ToString();
  EXPECT_EQ(composed->header.tlp, Tlp::kAmber);
  EXPECT_TRUE(composed->header.encrypted);
  auto ee = Connect(kOrigin);
  auto ack = ee->Publish(composed->record, kWait);
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_TRUE(Receive(kBystander, FromSequence(1)).empty());
  EXPECT_EQ(Receive(kRecipient, FromSequence(1)), std::set<std::uint64_t>{ack->sequence});
}

}  // namespace
}  // namespace certshare::testing
