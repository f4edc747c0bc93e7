// Long-lived links keep their trust current (agent/link/live_trust.h;
// docs/agent.md, "Federation mode", "Long-lived links"), against a small
// fake broker (a CURVE ROUTER that serves TRUST_GET, SUBSCRIBE and PUBLISH
// and pushes TRUST_NOTICE to the connections that sent TRUST_GET):
//   - a connected subscriber learns a revocation through TRUST_NOTICE
//     within seconds, and from then on refuses (quarantines) new records
//     from the revoked organisation;
//   - with the notice lost (a broker that never pushes), it learns it
//     through the refresh (trust.refresh);
//   - a running sensor's forwarder learns it the same ways, and its routes
//     leave the revoked organisation out of the GREEN community with
//     Compose's warning;
//   - TRUST, TRUST_NOTICE and a trust ERROR arriving while the forwarder
//     waits for ACKs, or while the subscriber waits for DELIVERs, break
//     nothing;
//   - a refused chain is told with its code and the link keeps going with
//     what it held.
#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "agent/link/broker_client.h"
#include "agent/link/compose.h"
#include "agent/link/forwarder.h"
#include "agent/link/live_trust.h"
#include "agent/link/spool.h"
#include "agent/link/trust_store.h"
#include "agent/receive/feed.h"
#include "agent/receive/subscriber_session.h"
#include "agent/sensor/pipeline.h"
#include "common/base/mutex.h"
#include "common/base/testing.h"
#include "common/base/timestamp.h"
#include "common/envelope/envelope.h"
#include "common/transport/transport.h"
#include "common/trust/timestamp.h"
#include "common/trust/trust_test_util.h"
#include "tests/fake_trust_broker.h"

namespace certshare::testing {
namespace {

using namespace trust::testing;  // NOLINT: the fixed test keys
using std::chrono::milliseconds;
constexpr auto kSoon = std::chrono::seconds(10);

// Polls `done` every 10 ms for up to `limit`.
template <typename F>
bool Within(std::chrono::milliseconds limit, F done) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

// The answer of a broker holding `registries`, with a timestamp for the
// last issued now (so that the agent is fresh whatever the date).
wire::TrustFiles Answer(std::vector<std::string> registries) {
  wire::TrustFiles files;
  files.latest_root = 1;
  auto last = trust::ParseRegistryVersion(registries.back());
  EXPECT_TRUE(last.ok()) << last.status().ToString();
  if (!last.ok()) return files;
  files.latest_registry = last->version.version;
  trust::SignedEnvelope stamp =
      trust::UnsignedTimestamp(trust::TimestampFor(*last, NowMillis(), 24 * 3600 * 1000));
  trust::AddSignature(&stamp, KeyPair(kRegistryA).secret_key);
  files.timestamp = trust::EncodeEnvelope(stamp);
  files.registries = std::move(registries);
  return files;
}

class LiveTrustTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kUa = 2;  // CERT-UA's place among the members

  void SetUp() override {
    ASSERT_OK(crypto::Init());
    // Version 1: CERT-EE (this agent), CERT-UA (revoked in version 2) and
    // CERT-LV, with real keys.
    trust::RegistryVersion v = RegistryV1();
    v.members.push_back(v.members[1]);
    // Sorted by id, as a registry version lists them.
    const std::vector<const identity::Identity*> ids = {&ee_, &lv_, &ua_};
    for (std::size_t i = 0; i < ids.size(); ++i) {
      identity::Card& card = v.members[i].card;
      card.org = ids[i]->card.org;
      card.name = ids[i]->card.name;
      card.sign_key = ids[i]->card.sign_key;
      card.box_key = ids[i]->card.box_key;
      card.transport_key = ids[i]->card.transport_key;
    }
    v.groups.clear();
    v1_ = v;
    v1_text_ = SignRegistry(v, {kRegistryA});

    const std::string dir = dir_.path() + "/trust";
    ASSERT_OK(agent::TrustStore::PinRoot(dir, SignRoot(RootV1(), {kRootEe, kRootUa})).status());
    auto store = agent::TrustStore::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE(store->Apply(Answer({v1_text_}), NowMillis()).ok());
    ASSERT_TRUE(store->Fresh(NowMillis()));
    live_ = std::make_unique<agent::LiveTrust>(
        std::make_shared<agent::TrustStore>(std::move(*store)), [this](const std::string& line) {
          MutexLock lock(&said_mu_);
          said_.push_back(line);
        });
    broker_.Serve(Answer({v1_text_}), false);
  }

  // Version 2: CERT-UA revoked.
  std::string RevokedV2() const {
    trust::RegistryVersion v = v1_;
    v.version = 2;
    v.previous = trust::PayloadHash(trust::ParseRegistryVersion(v1_text_)->envelope.payload);
    v.members[kUa].card.revoked = true;
    v.members[kUa].card.revoked_at = "2026-12-05T00:00:00Z";
    return SignRegistry(v, {kRegistryA});
  }

  // Whether a line told so far contains `text`.
  bool Said(const std::string& text) const {
    MutexLock lock(&said_mu_);
    return std::any_of(said_.begin(), said_.end(), [&](const std::string& line) {
      return line.find(text) != std::string::npos;
    });
  }
  std::string AllSaid() const {
    MutexLock lock(&said_mu_);
    std::string all;
    for (const std::string& line : said_) all += line + "\n";
    return all;
  }

  std::unique_ptr<agent::BrokerClient> Connect(const identity::Identity& me) {
    auto client = agent::BrokerClient::Connect(broker_.endpoint(), broker_.card(), me,
                                               milliseconds(5000));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  // A TLP:CLEAR indicator signed by CERT-UA (`n` makes its id).
  Bytes FromUa(int n) {
    const std::string id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd" + std::to_string(10 + n);
    const std::string doc =
        R"({"type":"indicator","spec_version":"2.1","id":")" + id +
        R"(","created":"2026-11-27T09:00:00.000Z","modified":"2026-11-27T09:30:00.000Z",)"
        R"("pattern":"[ipv4-addr:value = '203.0.113.47']","pattern_type":"stix",)"
        R"("valid_from":"2026-11-27T09:00:00Z"})";
    agent::ComposeOptions options;
    options.tlp = Tlp::kClear;
    envelope::Sealer sealer(ua_.card.org, ua_.sign_secret, ua_.box_secret);
    identity::Registry registry = *live_->Current().registry;
    auto composed = agent::Compose(doc, options, ua_, registry, sealer);
    EXPECT_TRUE(composed.ok()) << composed.status().ToString();
    return composed.ok() ? composed->record : Bytes{};
  }

  TempDir dir_;
  FakeBroker broker_;
  identity::Identity ee_ = MakeIdentity("CERT-EE");
  identity::Identity ua_ = MakeIdentity("CERT-UA");
  identity::Identity lv_ = MakeIdentity("CERT-LV");
  trust::RegistryVersion v1_;
  std::string v1_text_;
  std::unique_ptr<agent::LiveTrust> live_;
  mutable Mutex said_mu_;
  std::vector<std::string> said_ GUARDED_BY(said_mu_);
};

// What the subscriber's output received: each record's origin.
class RecordingOutput final : public agent::Output {
 public:
  explicit RecordingOutput(std::atomic<int>* written) : written_(written) {}
  Status Recover(const std::vector<std::string>&) override { return Status::Ok(); }
  Status Write(const agent::Verified&) override {
    ++*written_;
    return Status::Ok();
  }
  bool CommitDue(agent::OutputClock::time_point) const override { return true; }
  Status Commit(const agent::Journal&) override { return Status::Ok(); }
  std::string Describe() const override { return "recording"; }

 private:
  std::atomic<int>* written_;
};

// A subscriber session running on its own thread, as `certshare subscribe`
// runs it in federation mode.
class Subscriber {
 public:
  Subscriber(agent::LiveTrust& live, std::unique_ptr<agent::BrokerClient> c,
             const identity::Identity& me, milliseconds every)
      : client_(std::move(c)), refresh_(live, every), registry_(*live.Current().registry) {
    live.OnRegistry([this](const identity::Registry& now) { registry_ = now; });
    agent::FeedParts parts;
    parts.output = std::make_unique<RecordingOutput>(&written_);
    auto feed = agent::Feed::Open(std::move(parts), me, registry_);
    EXPECT_TRUE(feed.ok()) << feed.status().ToString();
    feed_ = std::move(*feed);
    wire::SubscribeRequest request;
    request.start = wire::StartKind::kSequence;
    request.start_value = 1;
    request.credit = 16;
    auto subscribed = client_->Subscribe(request, kSoon);
    EXPECT_TRUE(subscribed.ok()) << subscribed.status().ToString();
    options_.stop = &stop_;
    options_.trust = &refresh_;
    options_.say = [this](const std::string& line) {
      MutexLock lock(&mu_);
      said_ += line + "\n";
    };
    thread_ = std::thread([this, request, subscribed = *subscribed] {
      agent::BrokerConnection connection(*client_);
      end_ = agent::RunSubscriberSession(connection, request, subscribed, *feed_, options_);
    });
  }
  ~Subscriber() { Stop(); }
  agent::SessionEnd Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return end_;
  }
  int written() const { return written_; }
  std::string said() const {
    MutexLock lock(&mu_);
    return said_;
  }

 private:
  std::unique_ptr<agent::BrokerClient> client_;
  agent::TrustRefresh refresh_;
  identity::Registry registry_;  // the session thread's (OnRegistry)
  std::atomic<int> written_{0};
  std::unique_ptr<agent::Feed> feed_;
  agent::SessionOptions options_;
  std::atomic<bool> stop_{false};
  mutable Mutex mu_;
  std::string said_ GUARDED_BY(mu_);
  agent::SessionEnd end_;
  std::thread thread_;
};

// Item: a connected subscriber learns a revocation, through the notice
// (refresh 10 min: only the notice can tell it within the test) or, with
// notices lost, through a 1 s refresh; then refuses CERT-UA's new records.
void SubscriberLearnsTheRevocation(FakeBroker& broker, agent::LiveTrust& live,
                                   std::unique_ptr<agent::BrokerClient> client,
                                   const identity::Identity& me, Bytes before, Bytes after,
                                   std::string v2, bool notify, milliseconds every) {
  Subscriber subscriber(live, std::move(client), me, every);
  // It asks on its own connection (and so is registered for notices).
  ASSERT_TRUE(Within(kSoon, [&] { return broker.trust_gets() >= 1; }));
  broker.Deliver(std::move(before));
  ASSERT_TRUE(Within(kSoon, [&] { return subscriber.written() == 1; })) << subscriber.said();

  broker.Serve(Answer({std::move(v2)}), notify);
  ASSERT_TRUE(Within(kSoon, [&] { return live.registry_version() == 2; }))
      << "registry version " << live.registry_version();
  broker.Deliver(std::move(after));
  ASSERT_TRUE(Within(kSoon, [&] { return subscriber.said().find("REVOKED") != std::string::npos; }))
      << subscriber.said();
  EXPECT_NE(subscriber.said().find("REJECTED"), std::string::npos) << subscriber.said();
  EXPECT_EQ(subscriber.written(), 1);
  agent::SessionEnd end = subscriber.Stop();
  EXPECT_EQ(end.why, agent::SessionEnd::Why::kDone) << end.status.ToString();
  EXPECT_EQ(end.passed, 1u);
  EXPECT_EQ(end.quarantined, 1u);
}

TEST_F(LiveTrustTest, SubscriberLearnsARevocationThroughTheNoticeAndRefusesItsNewRecords) {
  broker_.Noise(true);  // DELIVERs come after frames the subscriber did not ask for
  SubscriberLearnsTheRevocation(broker_, *live_, Connect(ee_), ee_, FromUa(1), FromUa(2),
                                RevokedV2(), /*notify=*/true, std::chrono::minutes(10));
  EXPECT_TRUE(Said("registry version 2 applied")) << AllSaid();
}

TEST_F(LiveTrustTest, SubscriberLearnsARevocationThroughTheRefreshWhenNoNoticeComes) {
  SubscriberLearnsTheRevocation(broker_, *live_, Connect(ee_), ee_, FromUa(1), FromUa(2),
                                RevokedV2(), /*notify=*/false, std::chrono::seconds(1));
  EXPECT_TRUE(Said("registry version 2 applied")) << AllSaid();
}

// A sensor: its forwarder (on a second thread) keeps the trust current and
// its routes follow: CERT-UA is left out of the GREEN community, with the
// warning Compose gives; the records in flight are acknowledged although
// trust frames arrive before every ACK.
void SensorLearnsTheRevocation(FakeBroker& broker, agent::LiveTrust& live,
                               const identity::Identity& me, const std::string& spool_dir,
                               Bytes record, std::string v2, bool notify, milliseconds every,
                               std::vector<std::string>* warnings) {
  agent::ComposeOptions green_to_everyone;  // the sensor's --tlp green, no --to
  green_to_everyone.tlp = Tlp::kGreen;
  agent::sensor::RouteCache routes(green_to_everyone, me, live,
                                   [&](const std::string& w) { warnings->push_back(w); });
  auto green = routes.For(std::nullopt);
  ASSERT_TRUE(green.ok()) << green.status().ToString();
  EXPECT_EQ((*green)->recipients.size(), 2u);  // CERT-UA and CERT-LV

  auto spool = agent::Spool::Open(spool_dir);
  ASSERT_TRUE(spool.ok()) << spool.status().ToString();
  agent::TrustRefresh refresh(live, every);
  agent::Forwarder forwarder(**spool, [&]() -> Result<std::unique_ptr<agent::BrokerClient>> {
    return agent::BrokerClient::Connect(broker.endpoint(), broker.card(), me, milliseconds(5000));
  });
  forwarder.KeepTrustCurrent(&refresh);
  std::atomic<bool> stop{false};
  Status ran;
  std::thread thread([&] { ran = forwarder.Run(stop); });
  ASSERT_TRUE(Within(kSoon, [&] { return broker.trust_gets() >= 1; }));
  ASSERT_TRUE((*spool)->Add(std::vector<Bytes>{record}).ok());
  ASSERT_TRUE(Within(kSoon, [&] { return forwarder.stats().stored == 1; }));

  broker.Serve(Answer({std::move(v2)}), notify);
  ASSERT_TRUE(Within(kSoon, [&] { return live.registry_version() == 2; }))
      << "registry version " << live.registry_version();
  green = routes.For(std::nullopt);
  ASSERT_TRUE(green.ok()) << green.status().ToString();
  ASSERT_EQ((*green)->recipients.size(), 1u);
  EXPECT_EQ((*green)->recipients[0].org, "CERT-LV");
  ASSERT_EQ(warnings->size(), 1u);
  EXPECT_NE((*warnings)[0].find("CERT-UA (revoked at 2026-12-05T00:00:00Z) is left out"),
            std::string::npos)
      << (*warnings)[0];
  stop = true;
  thread.join();
  EXPECT_OK(ran);
  EXPECT_EQ(forwarder.stats().refused, 0u);
  EXPECT_EQ(forwarder.stats().reconnects, 0u) << forwarder.stats().last_error.ToString();
}

TEST_F(LiveTrustTest, SensorLearnsARevocationThroughTheNoticeAndLeavesItOutOfGreen) {
  broker_.Noise(true);  // ACKs come after frames the forwarder did not ask for
  std::vector<std::string> warnings;
  SensorLearnsTheRevocation(broker_, *live_, ee_, dir_.path() + "/spool", FromUa(1), RevokedV2(),
                            /*notify=*/true, std::chrono::minutes(10), &warnings);
}

TEST_F(LiveTrustTest, SensorLearnsARevocationThroughTheRefreshWhenNoNoticeComes) {
  std::vector<std::string> warnings;
  SensorLearnsTheRevocation(broker_, *live_, ee_, dir_.path() + "/spool", FromUa(1), RevokedV2(),
                            /*notify=*/false, std::chrono::seconds(1), &warnings);
}

// A hostile broker's chain (CERT-UA's box key swapped without its old
// key's signature) is told with its code; the link keeps version 1 and
// keeps running.
TEST_F(LiveTrustTest, ARefusedChainIsToldAndTheLinkKeepsWhatItHeld) {
  trust::RegistryVersion v = v1_;
  v.version = 2;
  v.previous = trust::PayloadHash(trust::ParseRegistryVersion(v1_text_)->envelope.payload);
  v.members[kUa].card.box_key = BoxKey(99);
  Subscriber subscriber(*live_, Connect(ee_), ee_, std::chrono::minutes(10));
  ASSERT_TRUE(Within(kSoon, [&] { return broker_.trust_gets() >= 1; }));
  broker_.Serve(Answer({SignRegistry(v, {kRegistryA})}), true);
  ASSERT_TRUE(Within(kSoon, [&] { return Said("ROTATION_NOT_AUTHORISED (216)"); })) << AllSaid();
  EXPECT_TRUE(Said("this agent keeps root version 1 and registry version 1")) << AllSaid();
  EXPECT_EQ(live_->registry_version(), 1u);
  // Still running: a record from CERT-UA is taken.
  broker_.Deliver(FromUa(1));
  ASSERT_TRUE(Within(kSoon, [&] { return subscriber.written() == 1; })) << subscriber.said();
  EXPECT_EQ(subscriber.Stop().why, agent::SessionEnd::Why::kDone);
}

}  // namespace
}  // namespace certshare::testing
