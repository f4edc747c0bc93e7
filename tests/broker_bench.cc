// A program to run by hand, not a test: `build/tests/broker_bench`.
// Throughput of an in-process broker over loopback (docs/broker.md,
// "Limits", has the figures): one publisher pipelines records and waits
// for every ACK, then a subscriber reads them all back (credit 8,192, no
// acknowledgements) until CAUGHT_UP, then another as `certshare subscribe`
// does (credit 256, and for each record CONSUMED and one more credit).
// Small records (about 1 KiB, all 3,000
// in flight) at several `connection_queue_bytes`, the broker's default
// first; then large ones (about 256 KiB, 64 in flight) at the default.
// Each line: the case, then the three times in seconds. Run it a few times: on
// a shared machine the spread is wide.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
constexpr auto kWait = milliseconds(60000);

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

class BrokerBench : public BrokerFixture {
 protected:
  // A CLEAR incident from CERT-EE with a description of `padding` bytes.
  Bytes Padded(int n, std::size_t padding) {
    envelope::Sealer sealer = SealerFor("CERT-EE");
    std::string doc = Incident(NumberedUuid(n), "2026-11-01T10:00:00.000Z", Tlp::kClear);
    doc.pop_back();
    doc += R"(,"description":")" + std::string(padding, 'x') + "\"}";
    auto composed = agent::Compose(doc, {}, Id("CERT-EE"), registry_, sealer);
    EXPECT_TRUE(composed.ok()) << composed.status().ToString();
    return composed.ok() ? composed->record : Bytes{};
  }

  // Reads everything stored from 1 as CERT-UA with `credit`; with `ack`,
  // acknowledging each record with one more credit. Returns the seconds.
  double CatchUp(std::uint32_t credit, bool ack, std::size_t expected) {
    auto ua = Connect("CERT-UA");
    const auto start = Clock::now();
    EXPECT_TRUE(ua->Subscribe(FromSequence(1, credit), kWait).ok());
    std::size_t delivered = 0;
    while (true) {
      auto next = ua->Next(kWait);
      EXPECT_TRUE(next.ok()) << next.status().ToString();
      if (!next.ok() || next->msg.command == wire::Command::kCaughtUp) break;
      if (next->msg.command != wire::Command::kDeliver) continue;
      ++delivered;
      if (ack) EXPECT_OK(ua->Acknowledge(next->msg.sequence, 1));
    }
    EXPECT_EQ(delivered, expected);
    return Seconds(start);
  }

  // Publishes `records` with at most `window` unacknowledged, then reads
  // them back twice; prints the times.
  void Measure(const std::string& what, const std::vector<Bytes>& records, std::size_t window) {
    auto ee = Connect("CERT-EE");
    auto start = Clock::now();
    std::size_t sent = 0;
    for (; sent < std::min(window, records.size()); ++sent) {
      ASSERT_TRUE(ee->SendPublish(records[sent]).ok());
    }
    for (std::size_t acked = 0; acked < records.size(); ++acked) {
      auto next = ee->Next(kWait);
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      ASSERT_EQ(next->msg.command, wire::Command::kAck) << next->msg.text;
      if (sent < records.size()) {
        ASSERT_TRUE(ee->SendPublish(records[sent++]).ok());
      }
    }
    const double publish = Seconds(start);
    const double catch_up = CatchUp(8192, false, records.size());
    const double as_agent = CatchUp(256, true, records.size());
    std::printf("%-44s publish+ACK %.3f s  catch-up %.3f s  acknowledging %.3f s\n",
                what.c_str(), publish, catch_up, as_agent);
  }
};

TEST_F(BrokerBench, SmallRecordsByQueueSize) {
  const std::uint64_t default_bytes = DefaultOptions().connection_queue_bytes;
  for (std::uint64_t queue_bytes : {default_bytes, std::uint64_t{8} << 20,
                                    std::uint64_t{32} << 20, std::uint64_t{1} << 30}) {
    broker::Options options = DefaultOptions();
    options.connection_queue_bytes = queue_bytes;
    StopBroker();
    std::filesystem::remove_all(options.data_dir);  // an empty log each time
    StartBroker(options);
    std::vector<Bytes> records;
    for (int i = 0; i < 3000; ++i) records.push_back(Padded(i, 900));
    Measure("3000 x 1 KiB, connection_queue_bytes " + std::to_string(queue_bytes >> 20) + " MiB" +
                (queue_bytes == default_bytes ? " (default)" : ""),
            records, records.size());
  }
}

TEST_F(BrokerBench, LargeRecords) {
  std::vector<Bytes> records;
  for (int i = 0; i < 200; ++i) records.push_back(Padded(i, 256u << 10));
  Measure("200 x 256 KiB, 64 in flight, default", records, 64);
}

}  // namespace
}  // namespace certshare::testing
