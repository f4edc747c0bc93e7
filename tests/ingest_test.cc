// Ingest under load and faults: pipelined publishing past ZeroMQ's default
// high-water mark, a failed sync, and a graceful shutdown with records in
// flight.
#include <gtest/gtest.h>

#include <set>

#include "storage/env.h"
#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using std::chrono::milliseconds;
constexpr auto kWait = milliseconds(20000);

std::string Uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

class IngestTest : public BrokerFixture {
 protected:
  std::vector<Bytes> Records(int count, int first = 1) {
    std::vector<Bytes> out;
    for (int i = first; i < first + count; ++i) {
      out.push_back(Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, Uuid(i)));
    }
    return out;
  }

  // Every sequence CERT-UA can read now, from 1.
  std::set<std::uint64_t> StoredForUa() {
    std::set<std::uint64_t> seqs;
    auto ua = Connect("CERT-UA");
    EXPECT_TRUE(ua->Subscribe(FromSequence(1, 8192), kWait).ok());
    while (true) {
      auto next = ua->Next(kWait);
      if (!next.ok()) {
        ADD_FAILURE() << next.status().ToString();
        return seqs;
      }
      if (next->msg.command == wire::Command::kCaughtUp) return seqs;
      if (next->msg.command == wire::Command::kDeliver) {
        seqs.insert(next->msg.sequence);
        EXPECT_OK(ua->Acknowledge(next->msg.sequence, 1));
      }
    }
  }

  // The log's writes go through it: every synced write (an append) after
  // the first fails, as a failing disk's fsync would. Outlives the broker
  // (TearDown stops it).
  class FailingSyncs : public storage::EnvWrapper {
   public:
    Status Write(const storage::WriteRequest& request) override {
      if (request.sync() && ++synced_ > 1) {
        return Status(ErrorCode::kIoError, "injected: fsync failed");
      }
      return EnvWrapper::Write(request);
    }

   private:
    std::atomic<int> synced_{0};
  };
  FailingSyncs failing_syncs_;
};

TEST_F(IngestTest, PipelinedWindowLargerThanZeroMqsDefaultHighWaterMark) {
  constexpr int kWindow = 3000;  // ZeroMQ's default HWM is 1000 messages
  std::vector<Bytes> records = Records(kWindow);
  auto ee = Connect("CERT-EE");
  std::vector<std::uint64_t> correlations;
  for (const auto& r : records) {
    auto c = ee->SendPublish(r);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    correlations.push_back(*c);
  }
  std::map<std::uint64_t, std::uint64_t> seq_by_correlation;
  while (seq_by_correlation.size() < records.size()) {
    auto next = ee->Next(kWait);
    ASSERT_TRUE(next.ok()) << next.status().ToString() << " after "
                           << seq_by_correlation.size() << " ACKs";
    ASSERT_EQ(next->msg.command, wire::Command::kAck) << next->msg.text;
    seq_by_correlation[next->msg.correlation] = next->msg.sequence;
  }
  // Stored in the order sent: the publisher's order is kept.
  for (std::size_t i = 0; i < correlations.size(); ++i) {
    EXPECT_EQ(seq_by_correlation[correlations[i]], i + 1);
  }
  EXPECT_EQ(StoredForUa().size(), static_cast<std::size_t>(kWindow));
}

TEST_F(IngestTest, FailedSyncAcknowledgesNothingMoreUntilRestart) {
  storage::Options faulty;
  faulty.env = &failing_syncs_;
  StopBroker();  // release the database the fixture's broker holds
  auto log = storage::Log::Open(dir_.File("data"), faulty);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  StartBroker(DefaultOptions(), std::move(*log));

  auto ee = Connect("CERT-EE");
  std::vector<Bytes> records = Records(3);
  auto first = ee->Publish(records[0], kWait);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = ee->Publish(records[1], kWait);
  EXPECT_EQ(second.status().code(), ErrorCode::kIoError) << second.status().ToString();
  auto third = ee->Publish(records[2], kWait);
  EXPECT_EQ(third.status().code(), ErrorCode::kUnavailable) << third.status().ToString();

  StartBroker();  // the operator restarts it with a healthy disk
  EXPECT_EQ(StoredForUa(), (std::set<std::uint64_t>{1}));
  auto retry = Connect("CERT-EE")->Publish(records[1], kWait);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_EQ(retry->sequence, 2u);
}

TEST_F(IngestTest, GracefulShutdownAcknowledgesWhatIsInFlightAndLosesNothingAcknowledged) {
  constexpr int kRecords = 1500;
  std::vector<Bytes> records = Records(kRecords);
  auto ee = Connect("CERT-EE");
  for (const auto& r : records) ASSERT_TRUE(ee->SendPublish(r).ok());
  // Stop as soon as the first ACK shows ingest is under way.
  std::set<std::uint64_t> acked;
  auto first = ee->Next(kWait);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->msg.command, wire::Command::kAck);
  acked.insert(first->msg.sequence);
  StopBroker();
  // Collect every reply that left before the socket closed.
  while (true) {
    auto next = ee->Next(milliseconds(500));
    if (!next.ok()) break;
    if (next->msg.command == wire::Command::kAck) acked.insert(next->msg.sequence);
  }
  StartBroker();
  std::set<std::uint64_t> stored = StoredForUa();
  for (std::uint64_t seq : acked) EXPECT_TRUE(stored.count(seq)) << "acknowledged " << seq << " lost";
  EXPECT_GE(stored.size(), acked.size());
}

TEST_F(IngestTest, RestartUnderLoadThenResendingStoresEachRecordExactlyOnce) {
  constexpr int kRecords = 1000;
  std::vector<Bytes> records = Records(kRecords);
  std::map<std::uint64_t, std::uint64_t> first_acks;  // correlation -> sequence
  {
    auto ee = Connect("CERT-EE");
    std::vector<std::uint64_t> correlations;
    for (const auto& r : records) correlations.push_back(*ee->SendPublish(r));
    auto first = ee->Next(kWait);
    ASSERT_TRUE(first.ok());
    first_acks[first->msg.correlation] = first->msg.sequence;
    StopBroker();  // mid-stream
    while (true) {
      auto next = ee->Next(milliseconds(500));
      if (!next.ok()) break;
      if (next->msg.command == wire::Command::kAck) {
        first_acks[next->msg.correlation] = next->msg.sequence;
      }
    }
    // Map correlations back to record indexes (correlations count from 1).
    std::map<std::uint64_t, std::uint64_t> by_index;
    for (auto [c, seq] : first_acks) by_index[c - correlations.front()] = seq;
    first_acks.swap(by_index);
  }
  StartBroker();
  // The publisher resends everything it has no ACK for... and, to be
  // sure, everything else too: duplicates are acknowledged, not stored.
  auto ee = Connect("CERT-EE");
  std::uint64_t base = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto c = ee->SendPublish(records[i]);
    ASSERT_TRUE(c.ok());
    if (i == 0) base = *c;
  }
  std::map<std::uint64_t, std::uint64_t> second_acks;
  while (second_acks.size() < records.size()) {
    auto next = ee->Next(kWait);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    ASSERT_EQ(next->msg.command, wire::Command::kAck) << next->msg.text;
    std::uint64_t index = next->msg.correlation - base;
    second_acks[index] = next->msg.sequence;
    if (first_acks.count(index)) {
      EXPECT_TRUE(next->msg.duplicate);
      EXPECT_EQ(next->msg.sequence, first_acks[index]) << "record " << index;
    }
  }
  std::set<std::uint64_t> distinct;
  for (auto [index, seq] : second_acks) distinct.insert(seq);
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kRecords));
  EXPECT_EQ(StoredForUa().size(), static_cast<std::size_t>(kRecords));
}

TEST_F(IngestTest, RetentionRemovesTheOldestAndASubscriberBehindIsToldWhatIsLeft) {
  for (const auto& r : Records(3)) ASSERT_TRUE(Connect("CERT-EE")->Publish(r, kWait).ok());
  broker::Options options = DefaultOptions();
  options.retention_max_bytes = 1;  // keep nothing
  options.retention_interval_seconds = 1;
  StartBroker(options);
  Status refused;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto ua = Connect("CERT-UA");
        refused = ua->Subscribe(FromSequence(1), kWait).status();
        return !refused.ok();
      },
      std::chrono::seconds(20)));
  EXPECT_EQ(refused.code(), ErrorCode::kPositionRemoved) << refused.ToString();
  EXPECT_NE(refused.message().find("the oldest sequence still held is 4"), std::string::npos)
      << refused.ToString();
  // New records are stored and delivered after retention.
  ASSERT_TRUE(Connect("CERT-EE")->Publish(Records(1, 100)[0], kWait).ok());
}

}  // namespace
}  // namespace certshare::testing
