// crash_harness: kills the real broker with SIGKILL at random moments
// while publishers publish and subscribers consume, restarts it, and at
// the end checks that nothing acknowledged was lost and that every
// subscriber's output holds each record it may receive exactly once, in
// order per origin, and nothing it may not receive.
//
// usage: crash_harness <certshare-broker> <work-dir> [cycles] [records-per-publisher]
// Prints a summary; exits 0 only if lost == 0 and duplicates == 0.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "agent/link/broker_client.h"
#include "agent/link/compose.h"
#include "common/base/file_util.h"
#include "common/envelope/record_key.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"
#include "tests/crash/harness_util.h"

namespace certshare::crash {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// --- Publishers ---------------------------------------------------------

struct Published {
  std::mutex mu;
  std::map<std::string, std::uint64_t> acked;  // stix id -> sequence
};

std::string Uuid(int publisher, int n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%08d-0000-4000-8000-%012d", publisher, n);
  return buf;
}

std::string Incident(const std::string& uuid, Tlp tlp) {
  return R"({"type":"incident","spec_version":"2.1","id":"incident--)" + uuid +
         R"(","created":"2026-11-01T10:00:00.000Z","modified":"2026-11-01T10:00:00.000Z",)"
         R"("name":"crash test","object_marking_refs":[")" + std::string(TlpMarkingId(tlp)) +
         R"("]})";
}

// Publishes `count` records with a pipelined window; whenever the broker
// stops answering it reconnects and resends everything not yet
// acknowledged (the broker's duplicate check makes that safe).
void Publish(const Federation& fed, const std::string& org, int index, int count,
             const std::vector<std::string>& to, Tlp tlp, const std::function<std::string()>& endpoint,
             const identity::Card& broker, milliseconds pace, Published* out,
             std::atomic<bool>* failed) {
  const identity::Identity& me = fed.ids.at(org);
  envelope::Sealer sealer(org, me.sign_secret, me.box_secret);
  std::vector<Bytes> records;
  std::vector<std::string> ids;
  for (int n = 0; n < count; ++n) {
    agent::ComposeOptions options;
    options.recipients = to;
    std::string uuid = Uuid(index, n);
    auto composed = agent::Compose(Incident(uuid, tlp), options, me, fed.registry, sealer);
    if (!composed.ok()) {
      std::cerr << composed.status().ToString() << "\n";
      *failed = true;
      return;
    }
    records.push_back(composed->record);
    ids.push_back("incident--" + uuid);
  }
  std::set<std::size_t> pending;
  for (std::size_t i = 0; i < records.size(); ++i) pending.insert(i);
  auto deadline = Clock::now() + std::chrono::minutes(30);
  while (!pending.empty() && Clock::now() < deadline) {
    auto client = agent::BrokerClient::Connect(endpoint(), broker, me);
    if (!client.ok()) continue;
    std::map<std::uint64_t, std::size_t> in_flight;  // correlation -> index
    auto it = pending.begin();
    constexpr std::size_t kWindow = 64;
    auto next_send = Clock::now();
    while (true) {
      // Paced, so that publishing spans the whole kill phase.
      while (in_flight.size() < kWindow && it != pending.end() && Clock::now() >= next_send) {
        next_send = Clock::now() + pace;
        auto c = (*client)->SendPublish(records[*it]);
        if (!c.ok()) break;
        in_flight[*c] = *it;
        ++it;
      }
      if (in_flight.empty() && it == pending.end()) break;
      if (in_flight.empty()) {
        std::this_thread::sleep_until(next_send);
        continue;
      }
      auto next = (*client)->Next(milliseconds(1500));
      if (!next.ok()) break;  // broker gone: reconnect and resend
      auto f = in_flight.find(next->msg.correlation);
      if (f == in_flight.end()) continue;
      if (next->msg.command == wire::Command::kAck) {
        std::lock_guard<std::mutex> lock(out->mu);
        auto [pos, inserted] = out->acked.emplace(ids[f->second], next->msg.sequence);
        if (!inserted && pos->second != next->msg.sequence) {
          std::cerr << "FAIL: " << ids[f->second] << " acknowledged as " << pos->second
                    << " and later as " << next->msg.sequence << "\n";
          *failed = true;
        }
        pending.erase(f->second);
      } else if (next->msg.error != ErrorCode::kUnavailable) {
        std::cerr << "FAIL: refused " << ids[f->second] << ": " << next->msg.text << "\n";
        *failed = true;
        return;
      }
      in_flight.erase(f);
    }
  }
}

// --- Subscribers --------------------------------------------------------

struct Output {
  std::vector<std::pair<std::string, std::string>> lines;  // (origin, stix id)
  std::uint64_t redelivered = 0;  // dropped by the duplicate check
};

// A durable subscriber: outputs each new record once (duplicate check by
// origin and id), acknowledges after output, resumes after broker restarts.
void Subscribe(const Federation& fed, const std::string& org, const std::function<std::string()>& endpoint,
               const identity::Card& broker, const std::atomic<bool>& stop, Output* out) {
  const identity::Identity& me = fed.ids.at(org);
  std::set<std::string> seen;
  while (!stop) {
    auto client = agent::BrokerClient::Connect(endpoint(), broker, me);
    if (!client.ok()) continue;
    wire::SubscribeRequest req;
    req.name = "crash";
    req.credit = 256;
    if (!(*client)->Subscribe(req, milliseconds(1500)).ok()) continue;
    while (!stop) {
      auto next = (*client)->Next(milliseconds(1500));
      if (!next.ok()) break;
      if (next->msg.command == wire::Command::kError) break;
      if (next->msg.command != wire::Command::kDeliver) continue;
      auto record = envelope::Decode(next->msg.record);
      if (!record.ok()) break;
      const envelope::Header& h = record->header;
      std::string key = envelope::EncodeRecordKey(envelope::RecordKeyOf(h));
      if (seen.insert(key).second) {
        out->lines.emplace_back(h.origin, h.stix_id);
      } else {
        ++out->redelivered;
      }
      if (!(*client)->Acknowledge(next->msg.sequence, 1).ok()) break;
    }
  }
}

// --- Setup --------------------------------------------------------------

int Run(const std::string& broker_bin, const std::string& work, int cycles, int per_publisher) {
  if (!crypto::Init().ok()) return 2;
  Federation fed = MakeFederation(work);
  const identity::Card broker_card = fed.ids.at("BROKER").card;
  BrokerProcess broker(broker_bin, work);
  if (!broker.Start("tcp://127.0.0.1:*")) {
    std::cerr << "the broker did not start; see " << work << "/broker.log\n";
    return 2;
  }
  // Restarts reuse the port so that clients reconnect by themselves.
  std::string listen = broker.endpoint();
  std::mutex endpoint_mu;
  auto endpoint = [&] {
    std::lock_guard<std::mutex> lock(endpoint_mu);
    return listen;
  };

  // Who publishes what to whom: EE → UA+EU (AMBER), UA → EU (RED),
  // EU → everyone (CLEAR). CERT-XX receives only the CLEAR ones.
  struct Plan {
    std::string org;
    std::vector<std::string> to;
    Tlp tlp;
  };
  std::vector<Plan> plans = {{"CERT-EE", {"CERT-UA", "CERT-EU"}, Tlp::kAmber},
                             {"CERT-UA", {"CERT-EU"}, Tlp::kRed},
                             {"CERT-EU", {}, Tlp::kClear}};
  Published published;
  std::atomic<bool> failed{false};
  std::atomic<bool> stop_subscribers{false};
  std::map<std::string, Output> outputs;
  for (const char* org : {"CERT-EE", "CERT-UA", "CERT-EU", "CERT-XX"}) outputs[org];
  std::vector<std::thread> subscribers;
  for (auto& [org, out] : outputs) {
    subscribers.emplace_back(Subscribe, std::cref(fed), org, endpoint, std::cref(broker_card),
                             std::cref(stop_subscribers), &out);
  }
  // One record every `pace` per publisher spreads publishing over about
  // the time the kills take (~250 ms per cycle).
  auto pace = milliseconds(std::max(1, cycles * 250 / std::max(1, per_publisher)));
  std::vector<std::thread> publishers;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    publishers.emplace_back(Publish, std::cref(fed), plans[i].org, static_cast<int>(i),
                            per_publisher, plans[i].to, plans[i].tlp, endpoint,
                            std::cref(broker_card), pace, &published, &failed);
  }

  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pause_ms(20, 400);
  int done = 0;
  for (; done < cycles; ++done) {
    std::this_thread::sleep_for(milliseconds(pause_ms(rng)));
    broker.Kill(SIGKILL);
    if (!broker.Start(listen)) {
      std::cerr << "the broker did not restart; see " << work << "/broker.log\n";
      failed = true;
      break;
    }
  }
  for (auto& t : publishers) t.join();

  // Let subscribers drain, then check the store from scratch.
  std::size_t expected_total = plans.size() * static_cast<std::size_t>(per_publisher);
  auto deadline = Clock::now() + std::chrono::minutes(5);
  auto expected_for = [&](const std::string& org) {
    std::size_t n = 0;
    for (const auto& p : plans) {
      bool receives = p.tlp == Tlp::kClear ||
                      std::find(p.to.begin(), p.to.end(), org) != p.to.end();
      if (receives) n += static_cast<std::size_t>(per_publisher);
    }
    return n;
  };
  while (Clock::now() < deadline) {
    bool all = true;
    for (auto& [org, out] : outputs) all = all && out.lines.size() >= expected_for(org);
    if (all) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  stop_subscribers = true;
  for (auto& t : subscribers) t.join();

  // Every acknowledged record is stored: read everything back as each org.
  std::uint64_t verified = 0;
  std::uint64_t lost = 0;
  std::set<std::uint64_t> stored;
  for (const char* org : {"CERT-UA", "CERT-EU"}) {
    auto client = agent::BrokerClient::Connect(endpoint(), broker_card, fed.ids.at(org));
    wire::SubscribeRequest all;
    all.start = wire::StartKind::kSequence;
    all.start_value = 1;
    all.credit = 8192;
    if (!client.ok() || !(*client)->Subscribe(all, milliseconds(10000)).ok()) return 2;
    while (true) {
      auto next = (*client)->Next(milliseconds(10000));
      if (!next.ok() || next->msg.command == wire::Command::kCaughtUp) break;
      if (next->msg.command == wire::Command::kDeliver) {
        stored.insert(next->msg.sequence);
        (void)(*client)->Acknowledge(next->msg.sequence, 1);
      }
    }
  }
  for (const auto& [id, seq] : published.acked) {
    if (stored.count(seq)) {
      ++verified;
    } else {
      ++lost;
      std::cerr << "LOST: " << id << " (acknowledged as " << seq << ")\n";
    }
  }

  // Each output: exactly what its organisation may receive, once, in order
  // per origin.
  std::uint64_t duplicates = 0;
  std::uint64_t wrong = 0;
  std::uint64_t missing = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t redelivered = 0;
  for (auto& [org, out] : outputs) {
    redelivered += out.redelivered;
    std::set<std::string> ids;
    std::map<std::string, std::string> last_by_origin;
    for (const auto& [origin, id] : out.lines) {
      if (!ids.insert(id).second) ++duplicates;
      const Plan* plan = nullptr;
      for (const auto& p : plans) plan = p.org == origin ? &p : plan;
      bool may = plan && (plan->tlp == Tlp::kClear ||
                          std::find(plan->to.begin(), plan->to.end(), org) != plan->to.end());
      if (!may) {
        ++wrong;
        std::cerr << "WRONG RECIPIENT: " << org << " received " << id << "\n";
      }
      if (id <= last_by_origin[origin]) ++out_of_order;
      last_by_origin[origin] = id;
    }
    if (ids.size() < expected_for(org)) missing += expected_for(org) - ids.size();
  }

  std::cout << "== crash test summary ==\n"
            << "cycles (broker SIGKILLs):      " << done << "\n"
            << "records published:             " << expected_total << "\n"
            << "records acknowledged:          " << published.acked.size() << "\n"
            << "acknowledged, verified stored: " << verified << "\n"
            << "lost (must be 0):              " << lost << "\n"
            << "duplicates in outputs (0):     " << duplicates << "\n"
            << "wrong recipient (0):           " << wrong << "\n"
            << "missing from outputs (0):      " << missing << "\n"
            << "out of order per origin (0):   " << out_of_order << "\n"
            << "redeliveries dropped by the subscribers' duplicate check: " << redelivered << "\n";
  bool ok = !failed && lost == 0 && duplicates == 0 && wrong == 0 && missing == 0 &&
            out_of_order == 0 && published.acked.size() == expected_total;
  std::cout << (ok ? "PASS" : "FAIL") << "\n";
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace certshare::crash

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: crash_harness <certshare-broker> <work-dir> [cycles] [records-per-publisher]\n";
    return 2;
  }
  int cycles = argc > 3 ? std::atoi(argv[3]) : 100;
  int records = argc > 4 ? std::atoi(argv[4]) : 300;
  try {
    return certshare::crash::Run(argv[1], argv[2], cycles, records);
  } catch (const std::exception& e) {
    std::cerr << "crash_harness: " << e.what() << "\n";
    return 2;
  }
}
