#include "bench/peer.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <thread>

#include "bench/process_stats.h"

namespace certshare::bench {

std::string StampedMessage(std::size_t bytes) {
  std::string m(std::max<std::size_t>(bytes, 8), 'x');
  Restamp(m);
  return m;
}

void Restamp(std::string& message) {
  const std::int64_t now = Clock::now().time_since_epoch().count();
  std::memcpy(message.data(), &now, sizeof now);
}

double MillisSinceStamp(const void* data, std::size_t size, Clock::time_point now) {
  std::int64_t sent = 0;
  if (size < sizeof sent) return 0;
  std::memcpy(&sent, data, sizeof sent);
  return static_cast<double>(now.time_since_epoch().count() - sent) / 1e6;
}

Pacer::Pacer(double rate)
    : interval_(rate > 0 ? std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(1.0 / rate))
                         : Clock::duration::zero()),
      next_(Clock::now()) {}

bool Pacer::Due() const { return interval_ == Clock::duration::zero() || Clock::now() >= next_; }
void Pacer::Sent() { next_ += interval_; }
std::chrono::milliseconds Pacer::Wait() const {
  if (interval_ == Clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(next_ - Clock::now()));
}

namespace {

int Fail(const std::string& peer, const Status& status) {
  std::fprintf(stderr, "%s_bench: %s\n", peer.c_str(), status.ToString().c_str());
  return 1;
}

// Publishers (and, started first, consumers) at once; returns when all are done.
struct Round {
  std::vector<PublishStats> published;
  std::vector<ConsumeStats> consumed;
};

// `start`: when the first publisher starts.
Round RunRound(Peer& peer, const PeerOptions& o, std::size_t consumers, Clock::time_point* start) {
  Round round;
  round.published.resize(o.publishers);
  round.consumed.resize(consumers);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < consumers; ++i) {
    threads.emplace_back([&, i] { round.consumed[i] = peer.Consume(i, o.messages); });
  }
  // Give the consumers a moment to attach before the first message.
  if (consumers > 0) std::this_thread::sleep_for(std::chrono::milliseconds(300));
  *start = Clock::now();
  for (std::size_t i = 0; i < o.publishers; ++i) {
    const std::size_t count = o.messages / o.publishers + (i < o.messages % o.publishers ? 1 : 0);
    threads.emplace_back([&, i, count] {
      round.published[i] = peer.Publish(count, o.window, o.rate / static_cast<double>(o.publishers), o.bytes);
    });
  }
  for (std::thread& t : threads) t.join();
  return round;
}

}  // namespace

int RunPeer(Peer& peer, const PeerOptions& o) {
  const std::size_t queues = o.catchup ? 4 : std::max<std::size_t>(4, o.consumers);
  if (Status s = peer.Reset(queues); !s.ok()) return Fail(peer.name(), s);
  ProcessSampler sampler(o.server_pid);
  Report result(peer.name(), o.scenario);
  result.Set("publishers", o.publishers).Set("messages", o.messages).Set("bytes", o.bytes)
      .Set("queues", queues).Set("window", o.window);

  sampler.Start();
  Clock::time_point start;
  Round round = RunRound(peer, o, o.catchup ? 0 : o.consumers, &start);
  Clock::time_point last_confirm = start;
  for (const PublishStats& p : round.published) {
    if (!p.status.ok()) return Fail(peer.name(), p.status);
    last_confirm = std::max(last_confirm, p.last);
  }
  result.Set("ingest_rate", static_cast<double>(o.messages) / Seconds(start, last_confirm));

  if (o.catchup) {  // the store is full: one consumer reads it
    const ProcessStats filled = sampler.Stop();
    (void)filled;
    ProcessSampler reading(o.server_pid);
    reading.Start();
    start = Clock::now();
    ConsumeStats c = peer.Consume(0, o.messages);
    if (!c.status.ok()) return Fail(peer.name(), c.status);
    result.Set("rate", static_cast<double>(c.received) / Seconds(start, c.last))
        .Server(reading.Stop()).Print();
    return 0;
  }
  double slowest = 0;
  Clock::time_point all = last_confirm;
  std::vector<double> latency;
  for (std::size_t i = 0; i < round.consumed.size(); ++i) {
    const ConsumeStats& c = round.consumed[i];
    if (!c.status.ok()) return Fail(peer.name(), c.status);
    const double rate = static_cast<double>(c.received) / Seconds(start, c.last);
    slowest = i == 0 ? rate : std::min(slowest, rate);
    all = std::max(all, c.last);
    latency.insert(latency.end(), c.latency_ms.begin(), c.latency_ms.end());
  }
  result.Set("consumers", o.consumers).Set("target_rate", o.rate)
      .Set("end_to_end_rate", static_cast<double>(o.messages) / Seconds(start, all))
      .Set("seconds", Seconds(start, all));
  if (o.consumers > 0) result.Set("subscriber_rate_min", slowest).Latency(latency);
  result.Server(sampler.Stop()).Print();
  return 0;
}

int PeerMain(int argc, char** argv, const std::string& name,
             const std::function<std::unique_ptr<Peer>(int port)>& make) {
  CLI::App app{name + "_bench: " + name + " under scripts/bench.sh's scenarios (bench/peer.h)"};
  PeerOptions o;
  int port = 0;
  std::string mode = "run";
  app.add_option("mode", mode, "run or catchup")->check(CLI::IsMember({"run", "catchup"}));
  app.add_option("--port", port, "the server's port on 127.0.0.1")->required();
  app.add_option("--server-pid", o.server_pid, "sample this process's memory and threads");
  app.add_option("--scenario", o.scenario, "the label of the result");
  app.add_option("--publishers", o.publishers)->check(CLI::Range(1, 256));
  app.add_option("--messages", o.messages)->check(CLI::PositiveNumber);
  app.add_option("--bytes", o.bytes, "message size; the last one given counts")
      ->check(CLI::Range(8, 1 << 20))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--consumers", o.consumers)->check(CLI::Range(0, 64));
  app.add_option("--window", o.window, "unconfirmed messages per publisher")->check(CLI::PositiveNumber);
  app.add_option("--rate", o.rate, "messages/s in total; 0: as fast as confirmed");
  CLI11_PARSE(app, argc, argv);
  o.catchup = mode == "catchup";
  std::unique_ptr<Peer> peer = make(port);
  return RunPeer(*peer, o);
}

}  // namespace certshare::bench
