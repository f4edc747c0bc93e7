// certshare_loadgen: drives a running certshare-broker over loopback CURVE
// exactly as agents do (agent::BrokerClient), for scripts/bench.sh
// (docs/performance.md). Not a test: it prints one JSON object per run
// (bench/result.h, Report) and exits non-zero only when something failed.
//
//   certshare_loadgen run     N publishers of pre-sealed records (bench/records.h),
//                             M live subscribers verifying each, K stalled ones;
//                             optionally at a fixed rate (latency)
//   certshare_loadgen catchup one subscriber reading the store from 1 until CAUGHT_UP
//   certshare_loadgen watch   only samples the broker, until a file exists (runs
//                             of the real programs, scenario 6)
//
// Keys: <keys>/<ORG>.secret.json for the origin and the recipients, and
// <keys>/BROKER.card.json, as `certshare keygen` writes them; the registry
// is the broker's. With --broker-pid the broker's peak RSS and the CPU of
// each of its threads during the run are reported (bench/process_stats.h).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/process_stats.h"
#include "bench/publisher.h"
#include "bench/records.h"
#include "bench/result.h"
#include "bench/subscriber.h"
#include "common/crypto/keys.h"

namespace certshare::bench {
namespace {

struct Common {
  std::string keys, registry_file, endpoint, origin = "CERT-EE", scenario;
  std::vector<std::string> recipients = {"CERT-UA", "CERT-EU", "CERT-LV", "CERT-LT"};
  pid_t broker_pid = 0;

  identity::Registry registry;
  std::map<std::string, std::unique_ptr<identity::Identity>> ids;
  identity::Card broker_card;

  Status Load() {
    CERTSHARE_ASSIGN_OR_RETURN(registry, identity::Registry::Load(registry_file));
    CERTSHARE_ASSIGN_OR_RETURN(broker_card, identity::LoadCard(keys + "/BROKER.card.json"));
    std::vector<std::string> orgs = recipients;
    orgs.push_back(origin);
    for (const std::string& org : orgs) {
      CERTSHARE_ASSIGN_OR_RETURN(identity::Identity id,
                                 identity::LoadIdentity(keys + "/" + org + ".secret.json"));
      ids[org] = std::make_unique<identity::Identity>(std::move(id));
    }
    return Status::Ok();
  }
  Result<std::unique_ptr<agent::BrokerClient>> Connect(const std::string& org) {
    return agent::BrokerClient::Connect(endpoint, broker_card, *ids.at(org),
                                        std::chrono::seconds(10));
  }
};

int Fail(const Status& status) {
  std::fprintf(stderr, "certshare_loadgen: %s\n", status.ToString().c_str());
  return 1;
}

std::int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct RunOptions {
  std::size_t publishers = 1, records = 10000, batch = 256, subscribers = 0, stalled = 0;
  std::size_t window = 0;  // 0: 1024 / publishers, at least 256
  std::uint32_t credit = 1024;
  double rate = 0;
  bool verify = true, stream = false;
};

int Run(Common& c, const RunOptions& o) {
  if (Status s = c.Load(); !s.ok()) return Fail(s);
  RecordSource source(*c.ids.at(c.origin), c.registry, c.recipients, o.records, o.batch);
  if (o.stream) {
    source.StartSealing(8);
  } else if (Status s = source.Preseal(); !s.ok()) {
    return Fail(s);
  }

  // Subscribers first, each from now on (records stored before are not its).
  struct Sub {
    std::string org;
    std::unique_ptr<agent::BrokerClient> client;
    SubscriberOptions options;
    SubscriberResult result;
  };
  std::vector<Sub> subs(o.subscribers + o.stalled);
  for (std::size_t i = 0; i < subs.size(); ++i) {
    Sub& s = subs[i];
    s.org = c.recipients[i % c.recipients.size()];
    auto client = c.Connect(s.org);
    if (!client.ok()) return Fail(client.status());
    s.client = std::move(*client);
    wire::SubscribeRequest req;
    req.start = wire::StartKind::kTime;
    req.start_value = static_cast<std::uint64_t>(NowMillis());
    req.credit = o.credit;
    if (auto subscribed = s.client->Subscribe(req, std::chrono::seconds(30)); !subscribed.ok()) {
      return Fail(subscribed.status());
    }
    s.options = {o.verify, i >= o.subscribers, o.credit, o.records};
  }
  std::vector<std::unique_ptr<agent::BrokerClient>> pubs;
  for (std::size_t i = 0; i < o.publishers; ++i) {
    auto client = c.Connect(c.origin);
    if (!client.ok()) return Fail(client.status());
    pubs.push_back(std::move(*client));
  }

  SendTimes sent(o.records);
  std::atomic<bool> stop{false};
  ProcessSampler sampler(c.broker_pid);
  sampler.Start();
  const Clock::time_point start = Clock::now();

  std::vector<std::thread> threads;
  for (Sub& s : subs) {
    threads.emplace_back([&] {
      s.result = RunSubscriber(*s.client, s.options, *c.ids.at(s.org), c.registry, &sent, stop);
    });
  }
  PublisherOptions popts;
  popts.window = o.window != 0 ? o.window : std::max<std::size_t>(256, 1024 / o.publishers);
  popts.rate = o.rate / static_cast<double>(o.publishers);
  std::vector<PublisherResult> published(o.publishers);
  std::vector<std::thread> publishers;
  for (std::size_t i = 0; i < o.publishers; ++i) {
    publishers.emplace_back([&, i] { published[i] = RunPublisher(*pubs[i], source, popts, &sent); });
  }
  for (std::thread& t : publishers) t.join();
  std::size_t acked = 0, busy = 0;
  Clock::time_point last_ack = start;
  for (const PublisherResult& p : published) {
    if (!p.status.ok()) {
      stop = true;
      for (std::thread& t : threads) t.join();
      return Fail(p.status);
    }
    acked += p.acked;
    busy += p.busy;
    last_ack = std::max(last_ack, p.last_ack);
  }
  // The live subscribers finish by themselves; then the stalled ones stop.
  for (std::size_t i = 0; i < o.subscribers; ++i) threads[i].join();
  const ProcessStats broker = sampler.Stop();
  stop = true;
  for (std::size_t i = o.subscribers; i < threads.size(); ++i) threads[i].join();

  double slowest = 0;  // the slowest live subscriber's records/s
  Clock::time_point all_delivered = last_ack;
  std::vector<double> latency;
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < o.subscribers; ++i) {
    const SubscriberResult& r = subs[i].result;
    if (!r.status.ok() || r.received < o.records) {
      return Fail(Status(r.status.ok() ? ErrorCode::kInternal : r.status.code(),
                         "subscriber " + std::to_string(i) + " received " +
                             std::to_string(r.received) + " of " + std::to_string(o.records) +
                             (r.status.ok() ? "" : ": " + r.status.ToString())));
    }
    const double rate = static_cast<double>(r.received) / Seconds(start, r.last);
    slowest = i == 0 ? rate : std::min(slowest, rate);
    all_delivered = std::max(all_delivered, r.last);
    latency.insert(latency.end(), r.latency_ms.begin(), r.latency_ms.end());
    rejected += r.rejected;
  }
  Report result("certshare", c.scenario);
  result.Set("publishers", o.publishers).Set("subscribers", o.subscribers)
      .Set("stalled", o.stalled).Set("batch", o.batch).Set("records", o.records)
      .Set("record_bytes", source.average_bytes()).Set("credit", o.credit)
      .Set("verify", o.verify ? 1 : 0).Set("target_rate", o.rate)
      .Set("ingest_rate", static_cast<double>(acked) / Seconds(start, last_ack))
      .Set("end_to_end_rate", static_cast<double>(o.records) / Seconds(start, all_delivered))
      .Set("seconds", Seconds(start, all_delivered)).Set("busy_retries", busy)
      .Set("rejected", rejected);
  if (o.subscribers > 0) result.Set("subscriber_rate_min", slowest).Latency(latency);
  result.Server(broker).Print();
  return rejected == 0 ? 0 : 1;
}

// One subscriber from sequence 1 until CAUGHT_UP.
int CatchUp(Common& c, bool verify, std::uint32_t credit) {
  if (Status s = c.Load(); !s.ok()) return Fail(s);
  const std::string& org = c.recipients.front();
  auto client = c.Connect(org);
  if (!client.ok()) return Fail(client.status());
  ProcessSampler sampler(c.broker_pid);
  sampler.Start();
  const Clock::time_point start = Clock::now();
  wire::SubscribeRequest req;
  req.start = wire::StartKind::kSequence;
  req.start_value = 1;
  req.credit = credit;
  if (auto subscribed = (*client)->Subscribe(req, std::chrono::seconds(30)); !subscribed.ok()) {
    return Fail(subscribed.status());
  }
  std::atomic<bool> stop{false};
  SubscriberOptions options;
  options.verify = verify;
  options.credit = credit;
  SubscriberResult r = RunSubscriber(**client, options, *c.ids.at(org), c.registry, nullptr, stop);
  const double seconds = Seconds(start, Clock::now());
  const ProcessStats broker = sampler.Stop();
  if (!r.status.ok()) return Fail(r.status);
  Report("certshare", c.scenario)
      .Set("records", r.received).Set("verify", verify ? 1 : 0).Set("credit", credit)
      .Set("seconds", seconds).Set("rate", static_cast<double>(r.received) / seconds)
      .Set("rejected", r.rejected).Server(broker).Print();
  return r.rejected == 0 ? 0 : 1;
}

// Samples the broker until `done` exists (polled every 100 ms).
int Watch(const Common& c, const std::string& done) {
  ProcessSampler sampler(c.broker_pid);
  sampler.Start();
  const Clock::time_point start = Clock::now();
  std::error_code ec;
  while (!std::filesystem::exists(done, ec)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const ProcessStats broker = sampler.Stop();
  Report("certshare", c.scenario).Set("seconds", Seconds(start, Clock::now())).Server(broker).Print();
  return 0;
}

}  // namespace
}  // namespace certshare::bench

int main(int argc, char** argv) {
  using namespace certshare::bench;
  if (certshare::Status s = certshare::crypto::Init(); !s.ok()) return Fail(s);
  CLI::App app{"certshare_loadgen: drives a running certshare-broker (scripts/bench.sh)"};
  app.require_subcommand(1);
  Common c;
  RunOptions o;
  bool no_verify = false;
  std::uint32_t catchup_credit = 8192;
  auto common = [&](CLI::App* sub) {
    sub->add_option("--keys", c.keys, "folder of <ORG>.secret.json and BROKER.card.json")->required();
    sub->add_option("--registry", c.registry_file, "the broker's registry")->required();
    sub->add_option("--broker", c.endpoint, "tcp://127.0.0.1:PORT")->required();
    sub->add_option("--broker-pid", c.broker_pid, "sample this process's memory and threads");
    sub->add_option("--origin", c.origin, "the publishing organisation");
    sub->add_option("--recipients", c.recipients, "the four recipients")->delimiter(',');
    sub->add_option("--scenario", c.scenario, "the label of the result");
    sub->add_flag("--no-verify", no_verify, "subscribers only decode the header");
  };
  CLI::App* run = app.add_subcommand("run", "publishers, live and stalled subscribers");
  common(run);
  run->add_option("--publishers", o.publishers)->check(CLI::Range(1, 64));
  run->add_option("--records", o.records)->check(CLI::PositiveNumber);
  run->add_option("--batch", o.batch, "records under one signature")->check(CLI::Range(1, 10000));
  run->add_option("--subscribers", o.subscribers, "live, verifying every record");
  run->add_option("--stalled", o.stalled, "subscribed, reading nothing");
  run->add_option("--credit", o.credit)->check(CLI::Range(1, 8192));
  run->add_option("--rate", o.rate, "records/s in total; 0: as fast as acknowledged");
  run->add_option("--window", o.window, "records in flight per publisher");
  run->add_flag("--stream", o.stream, "seal while publishing (filling a store)");
  CLI::App* catchup = app.add_subcommand("catchup", "one subscriber from 1 until CAUGHT_UP");
  common(catchup);
  catchup->add_option("--credit", catchup_credit)->check(CLI::Range(1, 8192));
  CLI::App* watch = app.add_subcommand("watch", "sample the broker until a file exists");
  std::string done;
  watch->add_option("--broker-pid", c.broker_pid)->required();
  watch->add_option("--until-exists", done)->required();
  watch->add_option("--scenario", c.scenario, "the label of the result");
  CLI11_PARSE(app, argc, argv);
  o.verify = !no_verify;
  if (run->parsed()) return Run(c, o);
  if (watch->parsed()) return Watch(c, done);
  return CatchUp(c, !no_verify, catchup_credit);
}
