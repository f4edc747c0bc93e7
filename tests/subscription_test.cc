// Durable subscriptions, credit, filters and routing, over loopback
// against an in-process broker.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <thread>

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

class SubscriptionTest : public BrokerFixture {
 protected:
  void PublishAmber(int n, const std::vector<std::string>& to = {"CERT-UA"}) {
    auto ee = Connect("CERT-EE");
    auto ack = ee->Publish(Record("CERT-EE", to, Tlp::kAmber, Uuid(n)), kWait);
    ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  }

  // Next message that is not a PING/PONG.
  wire::Message NextMessage(agent::BrokerClient& c, std::vector<Bytes>* keep) {
    while (true) {
      auto next = c.Next(kWait);
      if (!next.ok()) {
        ADD_FAILURE() << next.status().ToString();
        return {};
      }
      if (next->msg.command == wire::Command::kPing || next->msg.command == wire::Command::kPong) {
        continue;
      }
      keep->push_back(std::move(next->frame));
      return next->msg;
    }
  }

  // Sequences delivered until CAUGHT_UP, acknowledging each.
  std::vector<std::uint64_t> Drain(agent::BrokerClient& c, bool ack = true) {
    std::vector<std::uint64_t> seqs;
    std::vector<Bytes> keep;
    while (true) {
      wire::Message m = NextMessage(c, &keep);
      if (m.command != wire::Command::kDeliver) {
        EXPECT_EQ(m.command, wire::Command::kCaughtUp);
        return seqs;
      }
      seqs.push_back(m.sequence);
      if (ack) EXPECT_OK(c.Acknowledge(m.sequence, 1));
    }
  }

  // The next record delivered (PINGs, PONGs skipped), acknowledged.
  std::uint64_t NextRecord(agent::BrokerClient& c) {
    std::vector<Bytes> keep;
    wire::Message m = NextMessage(c, &keep);
    EXPECT_EQ(m.command, wire::Command::kDeliver);
    EXPECT_OK(c.Acknowledge(m.sequence, 1));
    return m.sequence;
  }

  // A PING round trip: everything `c` sent before it has been handled.
  void RoundTrip(agent::BrokerClient& c) {
    ASSERT_OK(c.Ping());
    while (true) {
      auto next = c.Next(kWait);
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      if (next->msg.command == wire::Command::kPong) return;
    }
  }

  wire::SubscribeRequest Durable(const std::string& name, std::uint32_t credit = 100) {
    wire::SubscribeRequest req;
    req.name = name;
    req.credit = credit;
    return req;
  }
};

TEST_F(SubscriptionTest, DurableSubscriptionResumesAfterDisconnectWithNoGapAndNoDuplicate) {
  PublishAmber(1);
  PublishAmber(2);
  {
    auto ua = Connect("CERT-UA");
    ASSERT_TRUE(ua->Subscribe(Durable("feed"), kWait).ok());
    EXPECT_EQ(Drain(*ua), (std::vector<std::uint64_t>{1, 2}));
    // A ping round trip: the acknowledgements before it have been handled.
    ASSERT_OK(ua->Ping());
    std::vector<Bytes> keep;
    while (true) {
      auto next = ua->Next(kWait);
      ASSERT_TRUE(next.ok());
      if (next->msg.command == wire::Command::kPong) break;
    }
  }
  PublishAmber(3);
  PublishAmber(4);
  auto again = Connect("CERT-UA");
  auto sub = again->Subscribe(Durable("feed"), kWait);
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  EXPECT_EQ(sub->sequence, 3u);  // resumes after the last acknowledged
  EXPECT_EQ(Drain(*again), (std::vector<std::uint64_t>{3, 4}));
}

TEST_F(SubscriptionTest, UnacknowledgedRecordsAreDeliveredAgainAfterReconnect) {
  PublishAmber(1);
  PublishAmber(2);
  {
    auto ua = Connect("CERT-UA");
    ASSERT_TRUE(ua->Subscribe(Durable("feed"), kWait).ok());
    std::vector<Bytes> keep;
    wire::Message first = NextMessage(*ua, &keep);
    ASSERT_EQ(first.sequence, 1u);
    ASSERT_OK(ua->Acknowledge(1, 0));
    wire::Message second = NextMessage(*ua, &keep);
    ASSERT_EQ(second.sequence, 2u);  // received, never acknowledged
    // The PONG says the acknowledgement before it has been handled (and
    // not lost with the connection); CAUGHT_UP that nothing else is due.
    ASSERT_OK(ua->Ping());
    bool pong = false, caught_up = false;
    while (!pong || !caught_up) {
      auto next = ua->Next(kWait);
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      pong = pong || next->msg.command == wire::Command::kPong;
      caught_up = caught_up || next->msg.command == wire::Command::kCaughtUp;
    }
  }
  auto again = Connect("CERT-UA");
  auto sub = again->Subscribe(Durable("feed"), kWait);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(Drain(*again), (std::vector<std::uint64_t>{2}));
}

TEST_F(SubscriptionTest, DurableCursorSurvivesBrokerRestart) {
  PublishAmber(1);
  PublishAmber(2);
  {
    auto ua = Connect("CERT-UA");
    ASSERT_TRUE(ua->Subscribe(Durable("feed"), kWait).ok());
    EXPECT_EQ(Drain(*ua).size(), 2u);
    ASSERT_OK(ua->Ping());
    std::vector<Bytes> keep;
    while (true) {
      auto next = ua->Next(kWait);
      ASSERT_TRUE(next.ok());
      if (next->msg.command == wire::Command::kPong) break;
    }
  }
  StartBroker();
  PublishAmber(3);
  auto ua = Connect("CERT-UA");
  ASSERT_TRUE(ua->Subscribe(Durable("feed"), kWait).ok());
  EXPECT_EQ(Drain(*ua), (std::vector<std::uint64_t>{3}));
}

TEST_F(SubscriptionTest, SubscriberReceivesAtMostTheCreditItGranted) {
  for (int i = 1; i <= 5; ++i) PublishAmber(i);
  auto ua = Connect("CERT-UA");
  ASSERT_TRUE(ua->Subscribe(FromSequence(1, /*credit=*/2), kWait).ok());
  std::vector<Bytes> keep;
  EXPECT_EQ(NextMessage(*ua, &keep).sequence, 1u);
  EXPECT_EQ(NextMessage(*ua, &keep).sequence, 2u);
  // Anything the broker sent before it read our PING arrives before the
  // PONG: nothing but the PONG means nothing beyond the credit was sent.
  ASSERT_OK(ua->Ping());
  auto next = ua->Next(kWait);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->msg.command, wire::Command::kPong);
  ASSERT_OK(ua->Acknowledge(2, 3));
  EXPECT_EQ(Drain(*ua), (std::vector<std::uint64_t>{3, 4, 5}));
}

TEST_F(SubscriptionTest, StalledSubscriberDoesNotHoldUpIngestOrOthers) {
  auto stalled = Connect("CERT-UA");
  ASSERT_TRUE(stalled->Subscribe(FromSequence(1, /*credit=*/1), kWait).ok());
  auto fast = Connect("CERT-EU");
  ASSERT_TRUE(fast->Subscribe(FromSequence(1, /*credit=*/1000), kWait).ok());
  constexpr int kRecords = 200;
  for (int i = 1; i <= kRecords; ++i) PublishAmber(i, {"CERT-UA", "CERT-EU"});
  std::vector<std::uint64_t> got;
  std::vector<Bytes> keep;
  while (got.size() < kRecords) {
    wire::Message m = NextMessage(*fast, &keep);
    if (m.command == wire::Command::kDeliver) got.push_back(m.sequence);
  }
  EXPECT_EQ(got.front(), 1u);
  EXPECT_EQ(got.back(), static_cast<std::uint64_t>(kRecords));
}

TEST_F(SubscriptionTest, FiltersNarrowWhatIsDelivered) {
  auto ee = Connect("CERT-EE");
  auto ua = Connect("CERT-UA");
  ASSERT_TRUE(ee->Publish(Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, Uuid(1)), kWait).ok());
  ASSERT_TRUE(ua->Publish(Record("CERT-UA", {"CERT-EU"}, Tlp::kRed, Uuid(2)), kWait).ok());
  ASSERT_TRUE(ee->Publish(Record("CERT-EE", {}, Tlp::kClear, Uuid(3)), kWait).ok());

  auto eu = Connect("CERT-EU");
  wire::SubscribeRequest only_ee = FromSequence(1);
  only_ee.origins = {"CERT-EE"};
  ASSERT_TRUE(eu->Subscribe(only_ee, kWait).ok());
  EXPECT_EQ(Drain(*eu), (std::vector<std::uint64_t>{3}));

  auto eu2 = Connect("CERT-EU");
  wire::SubscribeRequest red_only = FromSequence(1);
  red_only.tlp_min = static_cast<std::uint8_t>(Tlp::kAmber);
  ASSERT_TRUE(eu2->Subscribe(red_only, kWait).ok());
  EXPECT_EQ(Drain(*eu2), (std::vector<std::uint64_t>{2}));

  auto eu3 = Connect("CERT-EU");
  wire::SubscribeRequest indicators = FromSequence(1);
  indicators.types = {"indicator"};
  ASSERT_TRUE(eu3->Subscribe(indicators, kWait).ok());
  EXPECT_TRUE(Drain(*eu3).empty());
}

TEST_F(SubscriptionTest, StartAtTimeSkipsOlderRecords) {
  PublishAmber(1);
  auto now_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  // Records received at or after now_ms + 1 h: none yet.
  auto ua = Connect("CERT-UA");
  wire::SubscribeRequest later;
  later.start = wire::StartKind::kTime;
  later.start_value = now_ms + 3600 * 1000;
  later.credit = 10;
  auto sub = ua->Subscribe(later, kWait);
  ASSERT_TRUE(sub.ok());
  EXPECT_TRUE(Drain(*ua).empty());
  auto ua2 = Connect("CERT-UA");
  wire::SubscribeRequest earlier = later;
  earlier.start_value = now_ms - 3600 * 1000;
  ASSERT_TRUE(ua2->Subscribe(earlier, kWait).ok());
  EXPECT_EQ(Drain(*ua2), (std::vector<std::uint64_t>{1}));
}

TEST_F(SubscriptionTest, GreenGoesOnlyToTheConfiguredCommunity) {
  broker::Options options = DefaultOptions();
  options.green_community = {"CERT-EE", "CERT-UA"};
  StartBroker(options);
  agent::ComposeOptions green;
  green.encrypt_green = false;
  envelope::Sealer sealer = SealerFor("CERT-EE");
  auto composed = agent::Compose(Incident(Uuid(1), "2026-11-01T10:00:00.000Z", Tlp::kGreen),
                                 green, Id("CERT-EE"), registry_, sealer);
  ASSERT_TRUE(composed.ok()) << composed.status().ToString();
  ASSERT_TRUE(Connect("CERT-EE")->Publish(composed->record, kWait).ok());
  auto ua = Connect("CERT-UA");
  ASSERT_TRUE(ua->Subscribe(FromSequence(1), kWait).ok());
  EXPECT_EQ(Drain(*ua), (std::vector<std::uint64_t>{1}));
  auto xx = Connect("CERT-XX");
  ASSERT_TRUE(xx->Subscribe(FromSequence(1), kWait).ok());
  EXPECT_TRUE(Drain(*xx).empty());
}

TEST_F(SubscriptionTest, BadSubscriptionNameIsRefused) {
  auto ua = Connect("CERT-UA");
  auto sub = ua->Subscribe(Durable("no spaces/allowed"), kWait);
  EXPECT_EQ(sub.status().code(), ErrorCode::kBadSubscription) << sub.status().ToString();
}

TEST_F(SubscriptionTest, BrokerPingsAQuietSubscriber) {
  broker::Options options = DefaultOptions();
  options.heartbeat_interval_ms = 200;
  options.heartbeat_timeout_ms = 2000;
  StartBroker(options);
  auto ua = Connect("CERT-UA");
  ASSERT_TRUE(ua->Subscribe(FromSequence(1), kWait).ok());
  bool pinged = false;
  for (int i = 0; i < 100 && !pinged; ++i) {
    auto next = ua->Next(kWait);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    pinged = next->msg.command == wire::Command::kPing;
  }
  EXPECT_TRUE(pinged);
}

// POSITIONS (certshare status): an organisation's durable subscriptions
// with their acknowledged positions, the head, and which a live connection
// holds; never another organisation's.
TEST_F(SubscriptionTest, PositionsListOnlyTheOrganisationsOwnDurableSubscriptions) {
  using Positions = std::vector<wire::Position>;
  for (int n = 1; n <= 5; ++n) PublishAmber(n);  // sequences 1..5, for CERT-UA
  {
    // CERT-UA "nightly": everything acknowledged, then gone.
    auto ua = Connect("CERT-UA");
    ASSERT_TRUE(ua->Subscribe(Durable("nightly"), kWait).ok());
    EXPECT_EQ(Drain(*ua).size(), 5u);
    RoundTrip(*ua);
    // CERT-EE's own subscription under the same name as CERT-UA's below.
    auto ee = Connect("CERT-EE");
    ASSERT_TRUE(ee->Subscribe(Durable("eu-feed"), kWait).ok());
    EXPECT_TRUE(Drain(*ee, false).empty());  // it may receive none of them
    ASSERT_OK(ee->Acknowledge(2, 0));
    RoundTrip(*ee);
  }
  // A restart: no connection holds any subscription any more.
  StartBroker();
  // CERT-UA "eu-feed": sent all five, acknowledged through 3, connected.
  auto feed = Connect("CERT-UA");
  ASSERT_TRUE(feed->Subscribe(Durable("eu-feed"), kWait).ok());
  EXPECT_EQ(Drain(*feed, false), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  ASSERT_OK(feed->Acknowledge(3, 0));
  RoundTrip(*feed);
  // CERT-EU "fresh": connected, nothing acknowledged yet (no stored cursor).
  auto eu = Connect("CERT-EU");
  ASSERT_TRUE(eu->Subscribe(Durable("fresh"), kWait).ok());
  // A non-durable subscription is not listed.
  auto ua_plain = Connect("CERT-UA");
  ASSERT_TRUE(ua_plain->Subscribe(FromSequence(1), kWait).ok());

  auto ua = Connect("CERT-UA")->Positions(kWait);
  ASSERT_TRUE(ua.ok()) << ua.status().ToString();
  EXPECT_EQ(ua->head, 5u);
  EXPECT_EQ(ua->first, 1u);
  // A connected one comes with its lag: 4 and 5 sent, not acknowledged.
  EXPECT_EQ(ua->subscriptions,
            (Positions{{"eu-feed", 3, true, 2}, {"nightly", 5, false, std::nullopt}}));

  auto ee = Connect("CERT-EE")->Positions(kWait);
  ASSERT_TRUE(ee.ok()) << ee.status().ToString();
  EXPECT_EQ(ee->head, 5u);
  EXPECT_EQ(ee->subscriptions, (Positions{{"eu-feed", 2, false}}));  // its own, not CERT-UA's

  auto eu_positions = Connect("CERT-EU")->Positions(kWait);
  ASSERT_TRUE(eu_positions.ok()) << eu_positions.status().ToString();
  // Nothing of the five is for CERT-EU: nothing to process.
  EXPECT_EQ(eu_positions->subscriptions, (Positions{{"fresh", 0, true, 0}}));

  auto xx = Connect("CERT-XX")->Positions(kWait);
  ASSERT_TRUE(xx.ok()) << xx.status().ToString();
  EXPECT_TRUE(xx->subscriptions.empty());
  EXPECT_EQ(xx->head, 5u);

  // The connection holding the subscription may ask too.
  auto own = feed->Positions(kWait);
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->subscriptions,
            (Positions{{"eu-feed", 3, true, 2}, {"nightly", 5, false, std::nullopt}}));
}

// Issue 10, item 3: a durable subscription belongs to one connection. A
// second one is refused with the code and a message saying since when
// and from where it is held; the holder keeps being served.
TEST_F(SubscriptionTest, ASecondConnectionIsRefusedTheDurableNameItsHolderKeeps) {
  auto holder = Connect("CERT-EU");
  ASSERT_TRUE(holder->Subscribe(Durable("eu-feed"), kWait).ok());
  EXPECT_TRUE(Drain(*holder).empty());  // caught up at once
  auto second = Connect("CERT-EU");
  auto refused = second->Subscribe(Durable("eu-feed"), kWait);
  ASSERT_FALSE(refused.ok());
  EXPECT_CODE(refused.status(), ErrorCode::kSubscriptionHeld);
  const std::string& why = refused.status().message();
  EXPECT_NE(why.find("eu-feed"), std::string::npos) << why;
  EXPECT_NE(why.find("from 127.0.0.1:"), std::string::npos) << why;  // where
  EXPECT_NE(why.find(" since 20"), std::string::npos) << why;         // when (RFC 3339)
  EXPECT_NE(why.find("--take-over"), std::string::npos) << why;
  // The same name is another subscription for another organisation.
  auto ua = Connect("CERT-UA");
  EXPECT_TRUE(ua->Subscribe(Durable("eu-feed"), kWait).ok());
  // The holder is still served; the refused one gets nothing.
  PublishAmber(1, {"CERT-EU"});
  EXPECT_EQ(NextRecord(*holder), 1u);
  RoundTrip(*holder);
  auto next = second->Next(milliseconds(300));
  EXPECT_FALSE(next.ok() && next->msg.command == wire::Command::kDeliver);
  auto positions = Connect("CERT-EU")->Positions(kWait);
  ASSERT_TRUE(positions.ok()) << positions.status().ToString();
  ASSERT_EQ(positions->subscriptions.size(), 1u);
  EXPECT_EQ(positions->subscriptions[0].acknowledged, 1u);
  EXPECT_TRUE(positions->subscriptions[0].connected);
}

// ... unless it asks to take over: then it resumes from the stored cursor
// and the holder is told, once, with its own code.
TEST_F(SubscriptionTest, TakeOverMovesTheSubscriptionAndTellsTheHolder) {
  PublishAmber(1, {"CERT-EU"});
  auto holder = Connect("CERT-EU");
  ASSERT_TRUE(holder->Subscribe(Durable("eu-feed"), kWait).ok());
  EXPECT_EQ(Drain(*holder), (std::vector<std::uint64_t>{1}));
  RoundTrip(*holder);

  auto taker = Connect("CERT-EU");
  wire::SubscribeRequest take = Durable("eu-feed");
  take.take_over = true;
  auto taken = taker->Subscribe(take, kWait);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->sequence, 2u);  // after what the holder acknowledged

  std::vector<Bytes> keep;
  wire::Message told = NextMessage(*holder, &keep);
  EXPECT_EQ(told.command, wire::Command::kError);
  EXPECT_EQ(told.error, ErrorCode::kSubscriptionTakenOver);
  EXPECT_EQ(told.correlation, 0u);
  EXPECT_NE(told.text.find("eu-feed was taken over"), std::string::npos) << told.text;
  EXPECT_NE(told.text.find("from 127.0.0.1:"), std::string::npos) << told.text;

  EXPECT_TRUE(Drain(*taker).empty());  // caught up at once
  PublishAmber(2, {"CERT-EU"});
  EXPECT_EQ(NextRecord(*taker), 2u);
  // The holder gets nothing more: no record, no second notice.
  auto more = holder->Next(milliseconds(300));
  EXPECT_FALSE(more.ok()) << "unexpected command " << static_cast<int>(more->msg.command);
}

// Issue 10, item 4: `connected` turns false as soon as the subscriber's
// connection goes (not after the 15 s heartbeat timeout), and the name is
// free again without a take-over.
TEST_F(SubscriptionTest, ConnectedTurnsFalseAsSoonAsTheConnectionGoes) {
  PublishAmber(1, {"CERT-EU"});
  auto subscriber = Connect("CERT-EU");
  ASSERT_TRUE(subscriber->Subscribe(Durable("eu-feed"), kWait).ok());
  // Acknowledged: a stored cursor, so it stays listed once disconnected.
  EXPECT_EQ(Drain(*subscriber), (std::vector<std::uint64_t>{1}));
  RoundTrip(*subscriber);
  auto watcher = Connect("CERT-EU");
  auto before = watcher->Positions(kWait);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_EQ(before->subscriptions.size(), 1u);
  EXPECT_TRUE(before->subscriptions[0].connected);

  const auto gone = std::chrono::steady_clock::now();
  subscriber.reset();
  bool connected = true;
  while (connected && std::chrono::steady_clock::now() - gone < milliseconds(5000)) {
    auto now = watcher->Positions(kWait);
    ASSERT_TRUE(now.ok()) << now.status().ToString();
    ASSERT_EQ(now->subscriptions.size(), 1u);
    connected = now->subscriptions[0].connected;
    if (connected) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_FALSE(connected);
  EXPECT_LT(std::chrono::steady_clock::now() - gone, milliseconds(1000));
  auto again = Connect("CERT-EU");
  EXPECT_TRUE(again->Subscribe(Durable("eu-feed"), kWait).ok());
}

// Issue 10, item 4: the lag counts only what the subscription would be
// sent. A caught-up CERT-EU is 0 behind after 3,000 records for CERT-UA,
// in POSITIONS and in certshare_subscription_lag_records; records for it
// count while sent and not acknowledged, and ahead of a subscriber that
// has no credit left only those it would be sent count.
TEST_F(SubscriptionTest, LagCountsOnlyWhatTheSubscriptionWouldBeSent) {
  auto eu = Connect("CERT-EU");
  ASSERT_TRUE(eu->Subscribe(Durable("eu-feed", 1), kWait).ok());
  EXPECT_TRUE(Drain(*eu).empty());
  auto lag = [&]() -> std::optional<std::uint64_t> {
    auto positions = Connect("CERT-EU")->Positions(kWait);
    EXPECT_TRUE(positions.ok()) << positions.status().ToString();
    if (!positions.ok() || positions->subscriptions.size() != 1) return std::nullopt;
    return positions->subscriptions[0].lag;
  };
  auto metric = [&]() {
    std::string text = broker_->metrics().RenderPrometheus();
    const std::string name =
        "certshare_subscription_lag_records{subscription=\"CERT-EU/eu-feed\"} ";
    auto at = text.find(name);
    if (at == std::string::npos) return std::string("(none)");
    return text.substr(at + name.size(), text.find('\n', at) - at - name.size());
  };
  // Polls until the broker's view settles on `want` (its fan-out and
  // count run between requests), for at most ~5 s.
  auto settles = [&](std::uint64_t want) {
    for (int i = 0; i < 250; ++i) {
      if (lag() == want && metric() == std::to_string(want)) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    ADD_FAILURE() << "lag " << (lag() ? std::to_string(*lag()) : "none") << ", metric "
                  << metric() << ", wanted " << want;
    return false;
  };

  // 3,000 records for CERT-UA only, pipelined.
  auto ee = Connect("CERT-EE");
  std::set<std::uint64_t> waiting;
  for (int n = 1; n <= 3000; ++n) {
    auto sent = ee->SendPublish(Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, Uuid(n)));
    ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    waiting.insert(*sent);
  }
  while (!waiting.empty()) {
    auto next = ee->Next(kWait);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    ASSERT_EQ(next->msg.command, wire::Command::kAck) << next->msg.text;
    waiting.erase(next->msg.correlation);
  }
  EXPECT_TRUE(settles(0));

  // One record for CERT-EU: sent (the credit of 1), not acknowledged.
  PublishAmber(3001, {"CERT-EU"});
  std::vector<Bytes> keep;
  wire::Message got = NextMessage(*eu, &keep);
  ASSERT_EQ(got.command, wire::Command::kDeliver);
  EXPECT_TRUE(settles(1));
  // No credit left: two more for CERT-EU among ten for CERT-UA wait in
  // the log, and only the two count.
  for (int n = 3002; n <= 3013; ++n) {
    PublishAmber(n, n == 3004 || n == 3010 ? std::vector<std::string>{"CERT-EU"}
                                           : std::vector<std::string>{"CERT-UA"});
  }
  EXPECT_TRUE(settles(3));
  // Acknowledged, with credit for the rest: they come, and once they are
  // acknowledged nothing is left.
  ASSERT_OK(eu->Acknowledge(got.sequence, 10));
  std::vector<std::uint64_t> rest;
  while (rest.size() < 2) {
    wire::Message m = NextMessage(*eu, &keep);
    if (m.command == wire::Command::kDeliver) rest.push_back(m.sequence);
  }
  EXPECT_TRUE(settles(2));
  ASSERT_OK(eu->Acknowledge(rest.back(), 0));
  EXPECT_TRUE(settles(0));
}

TEST_F(SubscriptionTest, PositionsOnAnEmptyLog) {
  auto empty = Connect("CERT-UA")->Positions(kWait);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->head, 0u);
  EXPECT_EQ(empty->first, 0u);  // nothing held
  EXPECT_TRUE(empty->subscriptions.empty());
}

// The fan-out serves subscribers at the head from its tail (records stored
// last, decoded once) and the others from storage (broker/tail.h): with no
// tail, a tail of a few records and the default, the same records reach
// the same subscribers, byte for byte, whether they catch up across the
// tail's start or receive them live.
class FanoutTailTest : public SubscriptionTest,
                       public ::testing::WithParamInterface<std::uint64_t> {};

TEST_P(FanoutTailTest, TheTailAndStorageDeliverTheSameRecords) {
  broker::Options options = DefaultOptions();
  options.fanout_tail_bytes = GetParam();
  StartBroker(options);
  auto ee = Connect("CERT-EE");
  // 12 records, every third for CERT-EU instead, one CLEAR for everybody.
  std::map<std::uint64_t, Bytes> for_ua;
  auto publish = [&](int n) {
    const bool clear = n % 5 == 0;
    const std::vector<std::string> to = n % 3 == 0 ? std::vector<std::string>{"CERT-EU"}
                                                   : std::vector<std::string>{"CERT-UA"};
    Bytes record = Record("CERT-EE", clear ? std::vector<std::string>{} : to,
                          clear ? Tlp::kClear : Tlp::kAmber, Uuid(n));
    auto ack = ee->Publish(record, kWait);
    ASSERT_TRUE(ack.ok()) << ack.status().ToString();
    if (clear || n % 3 != 0) for_ua[ack->sequence] = record;
  };
  auto live = Connect("CERT-UA");
  ASSERT_OK(live->Subscribe(FromSequence(1), kWait).status());
  std::vector<Bytes> keep;
  ASSERT_EQ(NextMessage(*live, &keep).command, wire::Command::kCaughtUp);
  for (int n = 1; n <= 12; ++n) publish(n);

  // Live: each record as it is stored.
  std::map<std::uint64_t, Bytes> live_got;
  while (live_got.size() < for_ua.size()) {
    wire::Message m = NextMessage(*live, &keep);
    ASSERT_EQ(m.command, wire::Command::kDeliver);
    live_got[m.sequence] = Bytes(m.record.begin(), m.record.end());
  }
  EXPECT_EQ(live_got, for_ua);
  // Catching up from the start, across the tail's first record; a second
  // subscriber from the same place is served from what the first read.
  for (int late_one = 0; late_one < 2; ++late_one) {
    auto late = Connect("CERT-UA");
    ASSERT_OK(late->Subscribe(FromSequence(1), kWait).status());
    std::map<std::uint64_t, Bytes> late_got;
    for (const Delivery& d : UntilCaughtUp(*late)) late_got[d.sequence] = d.record;
    EXPECT_EQ(late_got, for_ua) << "late subscriber " << late_one;
  }
  // And another organisation, from the same records.
  auto eu = Connect("CERT-EU");
  ASSERT_OK(eu->Subscribe(FromSequence(1), kWait).status());
  EXPECT_EQ(UntilCaughtUp(*eu).size(), 12u - for_ua.size() + 2u)
      << "CERT-EU: the records to it, and the CLEAR ones";
}

// No tail; a tail of about three records of this test; the default.
INSTANTIATE_TEST_SUITE_P(TailBytes, FanoutTailTest,
                         ::testing::Values(0u, 6000u, broker::Options().fanout_tail_bytes));

}  // namespace
}  // namespace certshare::testing
