// A flooding member cannot raise the broker's memory past its budget while
// others are served (docs/broker.md, "Limits"; issue 10, item 12). The real
// certshare-broker runs as a child process with small limits; CERT-XX
// floods it from 12 connections (the limit is 4): on each, a subscription
// with the most credit it may hold that it never reads, and large records
// (with bad signatures, so that storage does not grow) sent back to back
// without reading a reply. Meanwhile CERT-EE publishes one record at a time
// and each must be acknowledged. The broker's peak resident memory
// (VmHWM, /proc) may exceed what it used before the flood by at most what
// its limits allow (computed below from the same settings) plus a fixed
// allowance for the allocator and RocksDB.
//
// Before the limits, one such connection could make the broker queue
// 10,000 frames each way (here: every stored record, for each of the 12
// subscriptions: ~180 MiB) and hold 16,384 records in flight whatever
// their size.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include "agent/link/broker_client.h"
#include "agent/link/compose.h"
#include "broker/broker.h"
#include "broker/options.h"
#include "common/base/file_util.h"
#include "common/base/testing.h"
#include "common/base/tlp.h"
#include "common/transport/transport.h"
#include "common/wire/frame.h"
#include "tests/crash/harness_util.h"

namespace certshare::testing {
namespace {

// Whether this build runs under AddressSanitizer (gcc says so with
// __SANITIZE_ADDRESS__, clang with __has_feature).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAddressSanitizer = true;
#else
constexpr bool kUnderAddressSanitizer = false;
#endif
#else
constexpr bool kUnderAddressSanitizer = false;
#endif

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// VmRSS or VmHWM of `pid`, in bytes (0 if unreadable).
std::uint64_t ProcKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1)) * 1024;
  }
  return 0;
}

// The end of the broker's log, for failure messages (the work directory
// is removed with the test).
std::string LogTail(const TempDir& work) {
  auto log = files::Read(work.File("broker.log"));
  if (!log.ok()) return log.status().ToString();
  return "broker.log ends:\n" + log->substr(log->size() > 4000 ? log->size() - 4000 : 0);
}

// A CLEAR note of about `padding` bytes from `org`.
Bytes Note(const crash::Federation& fed, const std::string& org, int n, std::size_t padding) {
  const identity::Identity& id = fed.ids.at(org);
  envelope::Sealer sealer(org, id.sign_secret, id.box_secret);
  std::string doc =
      R"({"type":"note","spec_version":"2.1","id":"note--)" + NumberedUuid(n) +
      R"(","created":"2026-11-01T10:00:00.000Z","modified":"2026-11-01T10:00:00.000Z",)"
      R"("content":")" + std::string(padding, 'x') + R"(","object_refs":["incident--)" +
      NumberedUuid(n) + R"("],"object_marking_refs":[")" +
      std::string(TlpMarkingId(Tlp::kClear)) + R"("]})";
  auto composed = agent::Compose(doc, {}, id, fed.registry, sealer);
  EXPECT_TRUE(composed.ok()) << composed.status().ToString();
  return composed.ok() ? composed->record : Bytes{};
}

TEST(FloodTest, AFloodingMemberCannotRaiseTheBrokersMemoryPastItsBudget) {
  ASSERT_OK(crypto::Init());
  TempDir work;
  crash::Federation fed = crash::MakeFederation(work.path());
  broker::Options limits;
  limits.max_record_bytes = 256u << 10;
  limits.max_buffered_bytes_per_org = 4u << 20;
  limits.max_buffered_bytes = 16u << 20;
  limits.max_connections_per_org = 4;
  limits.connection_queue_bytes = 1u << 20;
  limits.fanout_tail_bytes = 4u << 20;
  const broker::ConnectionQueues queues = broker::QueuesFor(limits);
  crash::BrokerProcess broker(CERTSHARE_BROKER_BINARY, work.path());
  ASSERT_TRUE(broker.Start(
      "tcp://127.0.0.1:*", "data",
      "\"max_record_bytes\":" + std::to_string(limits.max_record_bytes) +
          ",\"max_buffered_bytes_per_org\":" + std::to_string(limits.max_buffered_bytes_per_org) +
          ",\"max_buffered_bytes\":" + std::to_string(limits.max_buffered_bytes) +
          ",\"max_connections_per_org\":" + std::to_string(limits.max_connections_per_org) +
          ",\"connection_queue_bytes\":" + std::to_string(limits.connection_queue_bytes) +
          ",\"fanout_tail_bytes\":" + std::to_string(limits.fanout_tail_bytes) +
          ",\"ingest_workers\":1"))
      << "see " << work.File("broker.log");
  const identity::Card& broker_card = fed.ids.at("BROKER").card;

  // What the subscriptions will be sent: 60 records of ~250 KiB.
  constexpr int kStored = 60;
  {
    auto xx = agent::BrokerClient::Connect(broker.endpoint(), broker_card, fed.ids.at("CERT-XX"));
    ASSERT_TRUE(xx.ok());
    for (int i = 0; i < kStored; ++i) {
      auto ack = (*xx)->Publish(Note(fed, "CERT-XX", i, 250u << 10), milliseconds(20000));
      ASSERT_TRUE(ack.ok()) << "record " << i << ": " << ack.status().ToString() << "\n"
                            << LogTail(work);
    }
    // Read them all once, so that the broker's caches are warm before the
    // baseline is taken.
    wire::SubscribeRequest all;
    all.start = wire::StartKind::kSequence;
    all.start_value = 1;
    all.credit = 8192;
    ASSERT_TRUE((*xx)->Subscribe(all, milliseconds(20000)).ok());
    for (int got = 0; got < kStored;) {
      auto next = (*xx)->Next(milliseconds(20000));
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      got += next->msg.command == wire::Command::kDeliver;
    }
  }
  std::this_thread::sleep_for(milliseconds(500));  // let that connection close
  const std::uint64_t baseline = ProcKb(broker.pid(), "VmRSS");
  ASSERT_GT(baseline, 0u);

  // The flood: a record the broker refuses only after reading and checking
  // it (one signature byte flipped), sent over and over.
  Bytes bad = Note(fed, "CERT-XX", 1000, 250u << 10);
  bad[bad.size() - 1] ^= 0x01;
  constexpr int kConnections = 12;
  constexpr auto kFloodFor = std::chrono::seconds(8);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> flood_sent{0};
  std::vector<std::thread> flooders;
  for (int c = 0; c < kConnections; ++c) {
    flooders.emplace_back([&] {
      const identity::Identity& xx = fed.ids.at("CERT-XX");
      transport::ClientOptions o;
      o.endpoint = broker.endpoint();
      o.server_key = broker_card.transport_key;
      o.public_key = xx.card.transport_key;
      o.secret_key = &xx.transport_secret;
      o.send_high_water_mark = 2;     // the test process queues little itself
      o.receive_high_water_mark = 1;  // and reads nothing
      wire::SubscribeRequest all;
      all.start = wire::StartKind::kSequence;
      all.start_value = 1;
      all.credit = 8192;
      // A connection that takes nothing for half a second (refused at the
      // handshake, or stalled) is replaced by a new one: the refused ones
      // keep knocking.
      while (!stop) {
        auto client = transport::Client::Connect(o);
        if (!client.ok()) return;
        (void)(*client)->Send(wire::EncodeSubscribe(1, all), milliseconds(100));
        std::uint64_t correlation = 2;
        for (int stalled = 0; !stop && stalled < 5;) {
          if ((*client)->Send(wire::EncodePublish(correlation, bad), milliseconds(100)).ok()) {
            ++correlation;
            ++flood_sent;
            stalled = 0;
          } else {
            ++stalled;
          }
        }
      }
    });
  }

  // Meanwhile CERT-EE is served, record by record.
  auto ee = agent::BrokerClient::Connect(broker.endpoint(), broker_card, fed.ids.at("CERT-EE"));
  ASSERT_TRUE(ee.ok());
  int acked = 0;
  std::uint64_t peak = 0;
  const auto until = Clock::now() + kFloodFor;
  for (int i = 0; Clock::now() < until; ++i) {
    auto ack = (*ee)->Publish(Note(fed, "CERT-EE", 2000 + i, 1000), milliseconds(10000));
    EXPECT_TRUE(ack.ok()) << "CERT-EE's record " << i << ": " << ack.status().ToString() << "\n"
                          << LogTail(work);
    acked += ack.ok();
    peak = std::max(peak, ProcKb(broker.pid(), "VmRSS"));
    std::this_thread::sleep_for(milliseconds(100));
  }
  peak = std::max(peak, ProcKb(broker.pid(), "VmHWM"));
  stop = true;
  for (auto& t : flooders) t.join();
  EXPECT_GE(acked, 10);
  EXPECT_GT(flood_sent.load(), 100u) << "the flood did not flood";

  // What the limits allow, from the same settings (docs/broker.md,
  // "Limits"): the organisation's records in flight, and for each of its
  // admitted connections ZeroMQ's queues (receive: receive_hwm - 1 frames
  // waiting and one being read; send: the high-water mark of the largest
  // DELIVER) and the replies waiting in the broker; and the fan-out's tail
  // and read window.
  const std::uint64_t deliver = limits.max_record_bytes + wire::kDeliverOverhead;
  const std::uint64_t allowed =
      limits.max_buffered_bytes_per_org + limits.fanout_tail_bytes +
      broker::Broker::kReadWindowBytes +
      limits.max_connections_per_org *
          (queues.receive_hwm * static_cast<std::uint64_t>(queues.max_frame_bytes) +
           queues.send_hwm * deliver + limits.connection_queue_bytes);
  // The allocator's slack, RocksDB's reads, libzmq's per-connection
  // buffers: what the broker may use beyond its budget, whatever the flood.
  constexpr std::uint64_t kAllowance = 48u << 20;
  std::cout << "broker memory: baseline " << (baseline >> 20) << " MiB, peak " << (peak >> 20)
            << " MiB, limits allow " << (allowed >> 20) << " MiB + " << (kAllowance >> 20)
            << " MiB; CERT-EE acknowledged " << acked << " records; the flood sent "
            << flood_sent.load() << " frames\n";
  if (kUnderAddressSanitizer) {
    // The broker's RSS then holds AddressSanitizer's quarantine of freed
    // memory (256 MiB by default) and its redzones, not what the broker
    // keeps: the bound is checked by the normal build (scripts/test.sh).
    std::cout << "memory bound not checked under AddressSanitizer\n";
  } else {
    EXPECT_LE(peak, baseline + allowed + kAllowance)
        << "baseline " << (baseline >> 20) << " MiB, peak " << (peak >> 20) << " MiB, allowed "
        << ((allowed + kAllowance) >> 20) << " MiB more";
  }

  // The refused handshakes were logged a few times, not each time.
  broker.Kill(SIGTERM);
  auto log = files::Read(work.File("broker.log"));
  ASSERT_TRUE(log.ok());
  std::size_t refused_lines = 0;
  for (std::size_t at = 0; (at = log->find("refused a connection of CERT-XX", at)) !=
                           std::string::npos;
       ++at) {
    ++refused_lines;
  }
  EXPECT_GE(refused_lines, 1u) << *log;
  EXPECT_LE(refused_lines, 10u);
}

}  // namespace
}  // namespace certshare::testing
