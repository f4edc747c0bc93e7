// The broker's limits (docs/broker.md, "Limits"; issue 10, item 12), each
// against a real in-process broker over loopback:
//   - an organisation over its byte budget is refused BUSY while another
//     is served;
//   - at the broker's total budget, reading pauses and nothing is refused;
//   - connections beyond an organisation's limit are refused at the
//     handshake, and closed ones are counted out;
//   - refusals are logged a few times per organisation and code, not once
//     each;
//   - a failed ZAP handler stops the broker (fail closed).
// The budget holding the broker's memory while a member floods, measured
// on the real program, is tests/flood_test.cc.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>

#include "common/transport/transport.h"
#include "common/wire/frame.h"
#include "storage/env.h"
#include "storage/log.h"
#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using std::chrono::milliseconds;
constexpr auto kWait = milliseconds(20000);

// Captures what the broker logs (its module loggers, which take the default
// logger's sinks when they are made: common/base/module_logger.h), for
// tests that count log lines.
class LogCapture {
 public:
  LogCapture()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100000)),
        previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
    DropModuleLoggers();
  }
  ~LogCapture() {
    spdlog::set_default_logger(previous_);
    DropModuleLoggers();
  }
  // Made again from the default logger at their next line.
  static void DropModuleLoggers() {
    spdlog::drop("broker");
    spdlog::drop("transport");
  }
  std::size_t Count(const std::string& text) const {
    std::size_t n = 0;
    for (const std::string& line : sink_->last_formatted()) {
      n += line.find(text) != std::string::npos;
    }
    return n;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

class LimitsTest : public BrokerFixture {
 protected:
  void TearDown() override {
    OpenLog();  // never leave the committer waiting
    BrokerFixture::TearDown();
  }

  // The log's writes go through it: every synced write (an append or a
  // trim) waits until OpenLog(); cursor writes go through.
  class HeldSyncs : public storage::EnvWrapper {
   public:
    explicit HeldSyncs(LimitsTest* test) : test_(test) {}
    Status Write(const storage::WriteRequest& request) override {
      if (request.sync()) {
        std::unique_lock<std::mutex> lock(test_->mu_);
        test_->cv_.wait(lock, [this] { return test_->open_; });
      }
      return EnvWrapper::Write(request);
    }

   private:
    LimitsTest* const test_;
  };

  // A broker whose log holds every write until OpenLog(): records stay in
  // flight as long as the test wants.
  void StartWithHeldLog(broker::Options options) {
    StopBroker();
    storage::Options held;
    held.env = &held_syncs_;
    auto log = storage::Log::Open(options.data_dir, held);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    StartBroker(options, std::move(*log));
  }
  // The same with records of at most 64 KiB and these budgets.
  broker::Options StartWithBudgets(std::uint64_t per_org, std::uint64_t total) {
    broker::Options options = DefaultOptions();
    options.max_record_bytes = 64u << 10;
    options.max_buffered_bytes_per_org = per_org;
    options.max_buffered_bytes = total;
    StartWithHeldLog(options);
    return options;
  }
  void OpenLog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

  // An incident of about `padding` bytes from `org`, CLEAR.
  Bytes BigRecord(const std::string& org, int n, std::size_t padding) {
    agent::ComposeOptions options;
    envelope::Sealer sealer = SealerFor(org);
    std::string doc = Incident(NumberedUuid(n), "2026-11-01T10:00:00.000Z", Tlp::kClear);
    doc.pop_back();
    doc += R"(,"description":")" + std::string(padding, 'x') + "\"}";
    auto composed = agent::Compose(doc, options, Id(org), registry_, sealer);
    EXPECT_TRUE(composed.ok()) << composed.status().ToString();
    return composed.ok() ? composed->record : Bytes{};
  }

  std::uint64_t Metric(const std::string& sample) const {
    std::string text = broker_->metrics().RenderPrometheus();
    std::string key = "\n" + sample + " ";
    auto at = text.find(key);
    if (at == std::string::npos) return 0;
    return std::stoull(text.substr(at + key.size()));
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  HeldSyncs held_syncs_{this};
};

// CERT-XX publishes faster than the broker acknowledges (here: the log
// holds every write): past max_buffered_bytes_per_org its records are
// refused BUSY, none stored twice or lost; CERT-EE, publishing meanwhile,
// is not refused, and both get their ACKs once the log moves.
TEST_F(LimitsTest, AnOrganisationOverItsBudgetIsBusyWhileAnotherIsServed) {
  const broker::Options options = StartWithBudgets(256u << 10, 4u << 20);
  ASSERT_FALSE(HasFatalFailure());

  auto xx = Connect("CERT-XX");
  ASSERT_NE(xx, nullptr);
  constexpr std::size_t kFlood = 20;  // 20 x ~40 KiB: about three times the budget
  std::map<std::uint64_t, Bytes> sent;
  std::size_t charged = 0, expect_taken = 0;
  for (std::size_t i = 0; i < kFlood; ++i) {
    Bytes record = BigRecord("CERT-XX", static_cast<int>(i), 40u << 10);
    const std::size_t cost = broker::Budget::RecordCost(record.size());
    if (charged + cost <= options.max_buffered_bytes_per_org) {
      charged += cost;
      ++expect_taken;
    }
    auto c = xx->SendPublish(record);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    sent[*c] = std::move(record);
  }
  ASSERT_GT(expect_taken, 2u);
  ASSERT_LT(expect_taken, kFlood / 2);
  // The records beyond the budget are refused at once, each with BUSY.
  std::set<std::uint64_t> busy;
  while (busy.size() < kFlood - expect_taken) {
    auto r = xx->Next(kWait);
    ASSERT_TRUE(r.ok()) << "after " << busy.size() << " BUSY: " << r.status().ToString();
    ASSERT_EQ(r->msg.command, wire::Command::kError);
    ASSERT_EQ(r->msg.error, ErrorCode::kBusy) << r->msg.text;
    EXPECT_NE(r->msg.text.find("max_buffered_bytes_per_org"), std::string::npos) << r->msg.text;
    busy.insert(r->msg.correlation);
  }
  EXPECT_EQ(Metric("certshare_records_refused_total{code=\"BUSY\"}"), busy.size());

  // CERT-EE is within its own budget: its record is taken, not refused.
  auto ee = Connect("CERT-EE");
  ASSERT_NE(ee, nullptr);
  auto ee_c = ee->SendPublish(BigRecord("CERT-EE", 100, 40u << 10));
  ASSERT_TRUE(ee_c.ok());
  auto early = ee->Next(milliseconds(500));
  EXPECT_EQ(early.status().code(), ErrorCode::kTimeout)
      << "CERT-EE was answered while the log was held: " << early.status().ToString()
      << (early.ok() ? " " + early->msg.text : "");

  // The log moves: every record taken is acknowledged.
  OpenLog();
  auto ack = ee->Next(kWait);
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->msg.command, wire::Command::kAck) << ErrorCodeName(ack->msg.error) << ": "
                                                   << ack->msg.text;
  std::size_t acked = 0;
  while (acked < expect_taken) {
    auto r = xx->Next(kWait);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->msg.command, wire::Command::kAck) << r->msg.text;
    EXPECT_EQ(busy.count(r->msg.correlation), 0u);
    ++acked;
  }
  EXPECT_EQ(Metric("certshare_records_refused_total{code=\"BUSY\"}"), busy.size());
  // Every record refused BUSY and sent again now that there is room is
  // stored (what the agent's forwarder does).
  for (std::uint64_t c : busy) {
    auto again = xx->Publish(sent[c], kWait);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_FALSE(again->duplicate);
  }
  // Nothing stays charged: the gauge comes back to zero.
  EXPECT_TRUE(WaitFor([&] { return broker_->metrics().buffered_bytes() == 0; }))
      << broker_->metrics().buffered_bytes();
}

// max_buffered_bytes: with every write held, CERT-XX and CERT-EE, each
// within its own share, together bring the records in flight to the
// broker's total. The broker then stops reading requests (logged once)
// rather than holding more: nothing is refused and nothing lost, and once
// the log moves every record is acknowledged and reading resumes.
TEST_F(LimitsTest, TheTotalBudgetPausesReadingAndRefusesNothing) {
  StopBroker();
  LogCapture log;
  const broker::Options options = StartWithBudgets(1u << 20, 1u << 20);
  ASSERT_FALSE(HasFatalFailure());

  constexpr int kEach = 15;  // 15 x ~40 KiB from each: 1.2 MiB in all
  auto xx = Connect("CERT-XX");
  auto ee = Connect("CERT-EE");
  ASSERT_NE(xx, nullptr);
  ASSERT_NE(ee, nullptr);
  std::size_t cost_each = 0;
  for (int i = 0; i < kEach; ++i) {
    Bytes a = BigRecord("CERT-XX", i, 40u << 10);
    Bytes b = BigRecord("CERT-EE", 100 + i, 40u << 10);
    cost_each = broker::Budget::RecordCost(a.size());
    ASSERT_TRUE(xx->SendPublish(a).ok());
    ASSERT_TRUE(ee->SendPublish(b).ok());
  }
  // Each organisation stays within its share, the two together do not.
  ASSERT_LE(kEach * cost_each, options.max_buffered_bytes_per_org);
  ASSERT_GT(2 * kEach * cost_each, options.max_buffered_bytes);

  ASSERT_TRUE(WaitFor([&] { return log.Count("reading requests paused") == 1; }, kWait))
      << "buffered " << broker_->metrics().buffered_bytes();
  const std::uint64_t held = broker_->metrics().buffered_bytes();
  EXPECT_LE(held, options.max_buffered_bytes);
  EXPECT_LT(held, 2 * kEach * cost_each);  // some still wait unread
  // Nothing is answered while the log is held: in particular no BUSY.
  EXPECT_EQ(xx->Next(milliseconds(300)).status().code(), ErrorCode::kTimeout);
  EXPECT_EQ(ee->Next(milliseconds(300)).status().code(), ErrorCode::kTimeout);
  EXPECT_LE(broker_->metrics().buffered_bytes(), options.max_buffered_bytes);

  OpenLog();
  for (auto* client : {xx.get(), ee.get()}) {
    for (int i = 0; i < kEach; ++i) {
      auto r = client->Next(kWait);
      ASSERT_TRUE(r.ok()) << "reply " << i << ": " << r.status().ToString();
      ASSERT_EQ(r->msg.command, wire::Command::kAck)
          << ErrorCodeName(r->msg.error) << ": " << r->msg.text;
    }
  }
  EXPECT_EQ(Metric("certshare_records_refused_total{code=\"BUSY\"}"), 0u);
  EXPECT_TRUE(WaitFor([&] { return log.Count("reading requests again") >= 1; }, kWait));
  StopBroker();
}

// max_connections_per_org: CERT-XX's third connection is refused at the
// handshake, with a log line: nothing it sends reaches the broker (its
// agent sees the connection close after the handshake timeout, 10 s, and
// retries: transport_test ConnectionsBeyondTheLimitAreRefusedUntilOneCloses).
// CERT-EE connects as usual; once one of CERT-XX's connections closes, a
// new one gets in.
TEST_F(LimitsTest, ConnectionsBeyondTheLimitAreRefusedAndClosedOnesCountedOut) {
  StopBroker();
  LogCapture log;
  broker::Options options = DefaultOptions();
  options.max_connections_per_org = 2;
  StartBroker(options);
  ASSERT_FALSE(HasFatalFailure());

  std::vector<std::unique_ptr<agent::BrokerClient>> xx;
  for (int i = 0; i < 2; ++i) {
    xx.push_back(Connect("CERT-XX"));
    ASSERT_NE(xx.back(), nullptr);
    auto ack = xx.back()->Publish(Record("CERT-XX", {}, Tlp::kClear, NumberedUuid(i)), kWait);
    ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  }
  auto third = Connect("CERT-XX");
  ASSERT_NE(third, nullptr);
  auto refused =
      third->Publish(Record("CERT-XX", {}, Tlp::kClear, NumberedUuid(2)), milliseconds(2000));
  // Not served: the handshake stays unanswered (TIMEOUT) or, when the
  // broker's refusal closes it first (seen under load), the client reports
  // the closed handshake, naming the connection limit among the causes.
  ASSERT_FALSE(refused.ok());
  if (refused.status().code() == ErrorCode::kTransportError) {
    EXPECT_NE(refused.status().message().find("max_connections_per_org"), std::string::npos)
        << refused.status().ToString();
  } else {
    EXPECT_EQ(refused.status().code(), ErrorCode::kTimeout) << refused.status().ToString();
  }
  EXPECT_GE(log.Count("refused a connection of CERT-XX from 127.0.0.1: it has 2 connections "
                      "open, the most allowed (max_connections_per_org)"),
            1u);

  // Another organisation is not affected.
  auto ee = Connect("CERT-EE");
  ASSERT_NE(ee, nullptr);
  ASSERT_TRUE(ee->Publish(Record("CERT-EE", {}, Tlp::kClear, NumberedUuid(10)), kWait).ok());

  // One of CERT-XX's connections closes: a new one is admitted. (The
  // refused one goes first: libzmq would retry it into the free place.)
  third.reset();
  xx[0].reset();
  bool admitted = false;
  for (int attempt = 0; attempt < 20 && !admitted; ++attempt) {
    auto again = Connect("CERT-XX");
    ASSERT_NE(again, nullptr);
    admitted =
        again->Publish(Record("CERT-XX", {}, Tlp::kClear, NumberedUuid(3)), milliseconds(1000))
            .ok();
  }
  EXPECT_TRUE(admitted) << "no connection of CERT-XX admitted after one closed";
  StopBroker();
}

// 500 malformed frames from CERT-XX: each is answered and counted, but the
// log gets 10 lines of them (LogThrottle: 10 per organisation and code per
// minute, then a summary), and a refusal of CERT-EE is still logged.
TEST_F(LimitsTest, RefusalLogLinesAreThrottledPerOrganisationAndCode) {
  StopBroker();
  LogCapture log;
  StartBroker();
  ASSERT_FALSE(HasFatalFailure());
  auto raw = [&](const std::string& org) {
    transport::ClientOptions o;
    o.endpoint = endpoint_;
    o.server_key = Id("BROKER").card.transport_key;
    o.public_key = Id(org).card.transport_key;
    o.secret_key = &Id(org).transport_secret;
    auto c = transport::Client::Connect(o);
    EXPECT_TRUE(c.ok());
    return std::move(*c);
  };
  auto xx = raw("CERT-XX");
  const Bytes junk = {'n', 'o', 't', ' ', 'a', ' ', 'f', 'r', 'a', 'm', 'e'};
  constexpr int kJunk = 500;
  for (int i = 0; i < kJunk; ++i) ASSERT_OK(xx->Send(junk, kWait));
  for (int i = 0; i < kJunk; ++i) {
    auto answer = xx->Receive(kWait);
    ASSERT_TRUE(answer.ok()) << "answer " << i << ": " << answer.status().ToString();
  }
  EXPECT_EQ(Metric("certshare_records_refused_total{code=\"MALFORMED_FRAME\"}"),
            static_cast<std::uint64_t>(kJunk));
  auto ee = raw("CERT-EE");
  ASSERT_OK(ee->Send(junk, kWait));
  ASSERT_TRUE(ee->Receive(kWait).ok());
  StopBroker();  // every line is written
  EXPECT_EQ(log.Count("from CERT-XX: MALFORMED_FRAME (110)"), 10u);
  EXPECT_EQ(log.Count("from CERT-EE: MALFORMED_FRAME (110)"), 1u);
}

// The ZAP handler fails (the admission check throws): the broker admits
// no one from then on, stops, finishes what it had taken, and Run returns
// the failure (certshare-broker then exits 1).
TEST_F(LimitsTest, ZapHandlerFailureStopsTheBroker) {
  StopBroker();
  LogCapture log;
  const crypto::BoxPublicKey poison = Id("STRANGER").card.transport_key;
  const identity::Identity& b = Id("BROKER");
  identity::Identity copy{b.card, b.sign_secret.Clone(), b.box_secret.Clone(),
                          b.transport_secret.Clone()};
  auto opened = broker::Broker::Open(
      DefaultOptions(), std::move(copy), registry_, nullptr,
      [poison](transport::Authorize inner) -> transport::Authorize {
        return [poison, inner](const crypto::BoxPublicKey& key) {
          if (key == poison) throw std::runtime_error("injected fault");
          return inner(key);
        };
      });
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  broker_ = std::move(*opened);
  endpoint_ = broker_->endpoint();
  std::atomic<bool> stop{false};
  std::atomic<bool> returned{false};
  Status result;
  std::thread run([&] {
    result = broker_->Run(stop);
    returned = true;
  });

  // Served as usual before the fault.
  auto ee = Connect("CERT-EE");
  ASSERT_NE(ee, nullptr);
  ASSERT_TRUE(ee->Publish(Record("CERT-EE", {}, Tlp::kClear, NumberedUuid(1)), kWait).ok());
  // The fault: STRANGER's handshake makes the admission check throw.
  auto stranger = Connect("STRANGER");
  ASSERT_NE(stranger, nullptr);
  (void)stranger->Ping();
  ASSERT_TRUE(WaitFor([&] { return returned.load(); }, std::chrono::seconds(20)))
      << "the broker did not stop";
  stop = true;
  run.join();
  EXPECT_EQ(result.code(), ErrorCode::kTransportError) << result.ToString();
  EXPECT_NE(result.message().find("ZAP handler failed (injected fault)"), std::string::npos)
      << result.ToString();
  EXPECT_EQ(log.Count("ZAP handler failed: injected fault"), 1u);
  // Nobody got in after the fault: a new connection is never answered.
  auto late = Connect("CERT-EE");
  ASSERT_NE(late, nullptr);
  EXPECT_FALSE(
      late->Publish(Record("CERT-EE", {}, Tlp::kClear, NumberedUuid(2)), milliseconds(1000)).ok());
  broker_.reset();
}

}  // namespace
}  // namespace certshare::testing
