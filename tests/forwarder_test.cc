// agent::Forwarder against an in-process broker: everything spooled is
// stored exactly once, duplicates count as acknowledged, refusals move to
// the refused area, a broker outage or restart is survived by resending,
// and Run serves a spool another thread fills.
#include "agent/link/forwarder.h"

#include <cstdio>
#include <set>
#include <thread>

#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using agent::Forwarder;
using agent::ForwarderOptions;
using agent::Outcome;
using agent::Spool;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string Uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-9000-%012d", n);
  return buf;
}

class ForwarderTest : public BrokerFixture {
 protected:
  void SetUp() override {
    BrokerFixture::SetUp();
    auto spool = Spool::Open(spool_dir_.path() + "/spool");
    ASSERT_TRUE(spool.ok()) << spool.status().ToString();
    spool_ = std::move(*spool);
  }

  // Connects as `org` to wherever the broker is now (the endpoint changes
  // when a test restarts it on a new port).
  Forwarder::Connector ConnectorFor(const std::string& org) {
    return [this, org]() { return agent::BrokerClient::Connect(endpoint_, Id("BROKER").card, Id(org)); };
  }

  std::vector<Bytes> ClearRecords(int from, int count) {
    std::vector<Bytes> out;
    for (int i = from; i < from + count; ++i) {
      out.push_back(Record("CERT-EE", {}, Tlp::kClear, Uuid(i)));
    }
    return out;
  }

  void AddToSpool(const std::vector<Bytes>& records) {
    auto ids = spool_->Add(records);
    ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  }

  // Every sequence CERT-UA receives from 1 until caught up.
  std::vector<std::uint64_t> StoredSequences() {
    auto sub = Connect("CERT-UA");
    auto subscribed = sub->Subscribe(FromSequence(1, 8192), seconds(10));
    EXPECT_TRUE(subscribed.ok()) << subscribed.status().ToString();
    std::vector<std::uint64_t> out;
    for (const auto& d : UntilCaughtUp(*sub)) out.push_back(d.sequence);
    return out;
  }

  // Restarts the broker on the same data and the same endpoint.
  void RestartInPlace() {
    broker::Options options = DefaultOptions();
    options.listen = endpoint_;
    StopBroker();
    StartBroker(options);
  }

  TempDir spool_dir_;
  std::unique_ptr<agent::Spool> spool_;
};

TEST_F(ForwarderTest, DrainStoresEverythingOnceAndEmptiesTheSpool) {
  AddToSpool(ClearRecords(1, 600));
  std::vector<Outcome> outcomes;
  Forwarder forwarder(*spool_, ConnectorFor("CERT-EE"));
  forwarder.OnOutcome([&](const Outcome& o) { outcomes.push_back(o); });
  ASSERT_OK(forwarder.Drain(seconds(20)));
  EXPECT_EQ(spool_->Depth(), 0u);
  ASSERT_EQ(outcomes.size(), 600u);
  std::set<std::uint64_t> sequences;
  for (const Outcome& o : outcomes) {
    EXPECT_EQ(o.kind, Outcome::Kind::kStored);
    sequences.insert(o.sequence);
  }
  EXPECT_EQ(sequences.size(), 600u);
  EXPECT_EQ(forwarder.stats().stored, 600u);
  auto stored = StoredSequences();
  EXPECT_EQ(stored.size(), 600u);
  EXPECT_EQ(std::set<std::uint64_t>(stored.begin(), stored.end()).size(), 600u);
}

TEST_F(ForwarderTest, AnEmptySpoolDrainsWithoutConnecting) {
  int connects = 0;
  Forwarder forwarder(*spool_, [&]() -> Result<std::unique_ptr<agent::BrokerClient>> {
    ++connects;
    return Status(ErrorCode::kInternal, "must not be called");
  });
  ASSERT_OK(forwarder.Drain(seconds(1)));
  EXPECT_EQ(connects, 0);
}

TEST_F(ForwarderTest, ADuplicateAckSettlesTheRecord) {
  std::vector<Bytes> records = ClearRecords(1, 1);
  auto client = Connect("CERT-EE");
  auto first = client->Publish(records[0], seconds(10));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  AddToSpool(records);
  std::vector<Outcome> outcomes;
  Forwarder forwarder(*spool_, ConnectorFor("CERT-EE"));
  forwarder.OnOutcome([&](const Outcome& o) { outcomes.push_back(o); });
  ASSERT_OK(forwarder.Drain(seconds(10)));
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].kind, Outcome::Kind::kDuplicate);
  EXPECT_EQ(outcomes[0].sequence, first->sequence);
  EXPECT_EQ(spool_->Depth(), 0u);
}

TEST_F(ForwarderTest, ARefusedRecordIsSetAsideAndTheRestGoesThrough) {
  // Sealed by CERT-UA but sent on CERT-EE's connection: ORIGIN_MISMATCH.
  std::vector<Bytes> records = ClearRecords(1, 2);
  records.insert(records.begin() + 1, Record("CERT-UA", {}, Tlp::kClear, Uuid(100)));
  AddToSpool(records);
  std::vector<Outcome> refused;
  Forwarder forwarder(*spool_, ConnectorFor("CERT-EE"));
  forwarder.OnOutcome([&](const Outcome& o) {
    if (o.kind == Outcome::Kind::kRefused) refused.push_back(o);
  });
  ASSERT_OK(forwarder.Drain(seconds(10)));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].spool_id, 2u);
  EXPECT_EQ(refused[0].refusal.code(), ErrorCode::kOriginMismatch);
  EXPECT_EQ(spool_->Depth(), 0u);
  auto kept = spool_->Refused(10);
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ(kept->front().code, ErrorCode::kOriginMismatch);
  EXPECT_EQ(kept->front().spooled.record, records[1]);
  EXPECT_EQ(StoredSequences().size(), 2u);
  // Not retried by itself: a second drain has nothing to do.
  ASSERT_OK(forwarder.Drain(seconds(1)));
  EXPECT_EQ(forwarder.stats().refused, 1u);
}

TEST_F(ForwarderTest, ABrokerThatIsDownKeepsRecordsSpooledUntilItIsBack) {
  RestartInPlace();  // the endpoint is now fixed
  StopBroker();
  AddToSpool(ClearRecords(1, 50));
  ForwarderOptions options;
  options.ack_timeout = milliseconds(300);
  options.backoff_initial = milliseconds(20);
  options.backoff_max = milliseconds(100);
  Forwarder forwarder(*spool_, ConnectorFor("CERT-EE"), options);
  const auto start = std::chrono::steady_clock::now();
  Status s = forwarder.Drain(seconds(1));
  EXPECT_EQ(s.code(), ErrorCode::kTimeout) << s.ToString();
  EXPECT_NE(s.message().find("50 records stay in the spool"), std::string::npos)
      << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(5));
  EXPECT_EQ(spool_->Depth(), 50u);
  EXPECT_GE(forwarder.stats().reconnects, 1u);

  broker::Options broker_options = DefaultOptions();
  broker_options.listen = endpoint_;
  StartBroker(broker_options);
  ASSERT_OK(forwarder.Drain(seconds(20)));
  EXPECT_EQ(spool_->Depth(), 0u);
  EXPECT_EQ(StoredSequences().size(), 50u);
}

TEST_F(ForwarderTest, ABrokerRestartMidStreamLosesNothingAndStoresNothingTwice) {
  RestartInPlace();
  const int kCount = 3000;
  AddToSpool(ClearRecords(1, kCount));
  ForwarderOptions options;
  options.ack_timeout = milliseconds(500);
  options.backoff_initial = milliseconds(20);
  options.backoff_max = milliseconds(200);
  Forwarder forwarder(*spool_, ConnectorFor("CERT-EE"), options);
  std::atomic<std::uint64_t> settled{0};
  forwarder.OnOutcome([&](const Outcome&) { ++settled; });
  Status drained;
  std::thread drain([&] { drained = forwarder.Drain(seconds(30)); });
  ASSERT_TRUE(WaitFor([&] { return settled.load() >= 200; }));
  RestartInPlace();
  drain.join();
  ASSERT_OK(drained);
  EXPECT_EQ(spool_->Depth(), 0u);
  auto stored = StoredSequences();
  EXPECT_EQ(stored.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(std::set<std::uint64_t>(stored.begin(), stored.end()).size(),
            static_cast<std::size_t>(kCount));
  const auto stats = forwarder.stats();
  EXPECT_EQ(stats.stored + stats.duplicates, static_cast<std::uint64_t>(kCount));
}

// Nothing listens at the endpoint: the client says so after its connect
// timeout and Drain gives up then, not after its idle timeout (issue 10,
// item 7). The records stay spooled.
TEST_F(ForwarderTest, NothingListeningGivesUpAfterTheConnectTimeout) {
  RestartInPlace();  // the endpoint is now fixed
  StopBroker();
  AddToSpool(ClearRecords(1, 3));
  Forwarder forwarder(*spool_, [this]() {
    return agent::BrokerClient::Connect(endpoint_, Id("BROKER").card, Id("CERT-EE"),
                                        milliseconds(300));
  });
  const auto start = std::chrono::steady_clock::now();
  Status s = forwarder.Drain(seconds(30));
  EXPECT_EQ(s.code(), ErrorCode::kUnreachable) << s.ToString();
  EXPECT_NE(s.message().find(endpoint_), std::string::npos) << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(10));
  EXPECT_EQ(spool_->Depth(), 3u);
}

TEST_F(ForwarderTest, AnUnregisteredOrganisationGivesUpAtOnce) {
  AddToSpool(ClearRecords(1, 1));
  Forwarder forwarder(*spool_, ConnectorFor("STRANGER"));
  const auto start = std::chrono::steady_clock::now();
  Status s = forwarder.Drain(seconds(20));
  EXPECT_EQ(s.code(), ErrorCode::kUnauthenticated) << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(10));
  EXPECT_EQ(spool_->Depth(), 1u);
}

TEST_F(ForwarderTest, AConnectorErrorIsFinal) {
  AddToSpool(ClearRecords(1, 1));
  Forwarder forwarder(*spool_, []() -> Result<std::unique_ptr<agent::BrokerClient>> {
    return Status(ErrorCode::kTransportError, "cannot connect to nowhere");
  });
  EXPECT_EQ(forwarder.Drain(seconds(5)).code(), ErrorCode::kTransportError);
  EXPECT_EQ(spool_->Depth(), 1u);
}

TEST_F(ForwarderTest, RunForwardsWhatAnotherThreadAddsUntilStopped) {
  ForwarderOptions options;
  options.poll = milliseconds(20);
  Forwarder forwarder(*spool_, ConnectorFor("CERT-EE"), options);
  std::atomic<bool> stop{false};
  Status ran;
  std::thread runner([&] { ran = forwarder.Run(stop); });
  for (int batch = 0; batch < 10; ++batch) {
    AddToSpool(ClearRecords(batch * 100 + 1, 100));
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(WaitFor([&] { return forwarder.stats().stored == 1000; }, seconds(30)))
      << forwarder.stats().stored;
  EXPECT_TRUE(WaitFor([&] { return spool_->Depth() == 0; }));
  stop = true;
  runner.join();
  EXPECT_OK(ran);
  EXPECT_EQ(StoredSequences().size(), 1000u);
}

TEST_F(ForwarderTest, RunOutlastsABrokerOutage) {
  RestartInPlace();
  StopBroker();
  ForwarderOptions options;
  options.poll = milliseconds(20);
  options.ack_timeout = milliseconds(300);
  options.backoff_initial = milliseconds(20);
  options.backoff_max = milliseconds(100);
  Forwarder forwarder(*spool_, ConnectorFor("CERT-EE"), options);
  std::atomic<bool> stop{false};
  Status ran;
  std::thread runner([&] { ran = forwarder.Run(stop); });
  AddToSpool(ClearRecords(1, 20));
  EXPECT_TRUE(WaitFor([&] { return forwarder.stats().reconnects >= 2; }));
  EXPECT_EQ(spool_->Depth(), 20u);
  broker::Options broker_options = DefaultOptions();
  broker_options.listen = endpoint_;
  StartBroker(broker_options);
  EXPECT_TRUE(WaitFor([&] { return spool_->Depth() == 0; }, seconds(30)));
  stop = true;
  runner.join();
  EXPECT_OK(ran);
  EXPECT_EQ(StoredSequences().size(), 20u);
}

}  // namespace
}  // namespace certshare::testing
