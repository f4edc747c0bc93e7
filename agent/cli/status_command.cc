// certshare status [--timeout S] [--refused] [--json]
//
// What an analyst or a monitoring script asks first: who am I (the
// identity and its keys), can I reach the broker (a PING round trip), and
// is anything waiting (the spool's depth and oldest record, and records
// the broker refused), and how far behind each durable subscription is
// (POSITIONS: its acknowledged position against the log's head). Exit 0
// when the broker answered, 5 when it did not, 1 when the spool cannot be
// read. docs/agent.md, "certshare status".
#include <chrono>

#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/record_status.h"
#include "agent/cli/store_forward.h"
#include "agent/link/probe.h"
#include "common/base/timestamp.h"
#include "common/trust/key_id.h"

namespace certshare::cli {

namespace {

struct StatusFlags {
  ContextFlags context;
  SpoolFlags spool;
  int timeout_seconds = 5;
  bool refused = false;
  bool json = false;
  std::string record;  // status <stix-id|sequence>: record_status.h
};

using agent::Behind;
using agent::BrokerProbe;
using agent::PositionRemoved;

// The probe (agent/link/probe.h) with the broker's card from the settings;
// a card that cannot be loaded is the probe's error.
BrokerProbe Probe(const ContextFlags& flags, const Context& context,
                  std::chrono::milliseconds timeout) {
  auto card = LoadBrokerCard(flags);  // broker.card or broker.public_key
  if (!card.ok()) {
    BrokerProbe probe;
    probe.error = card.status();
    return probe;
  }
  return agent::ProbeBroker(flags.broker, *card, context.me, ConnectTimeout(flags), timeout);
}

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

std::string Rfc3339(std::uint64_t ms) { return FormatUtc(static_cast<std::int64_t>(ms / 1000)); }

std::string Age(std::uint64_t ms) {
  std::uint64_t s = ms / 1000;
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min";
  if (s < 172800) return std::to_string(s / 3600) + " h " + std::to_string(s / 60 % 60) + " min";
  return std::to_string(s / 86400) + " d " + std::to_string(s / 3600 % 24) + " h";
}

// A name as the broker sent it, safe to print on a terminal (the broker's
// names are plain ASCII; a hostile one's need not be).
std::string Printable(const std::string& text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  return out;
}

std::string Size(std::uint64_t bytes) {
  if (bytes < 10 * 1024) return std::to_string(bytes) + " B";
  if (bytes < 10 * 1024 * 1024) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes >> 20) + " MiB";
}

void PrintSpoolText(const agent::SpoolCounts& counts,
                    const std::vector<agent::RefusedRecord>& refused) {
  std::cout << counts.pending << " pending";
  if (counts.pending > 0) std::cout << " (" << Size(counts.pending_bytes) << ")";
  if (counts.oldest_accepted_ms) {
    std::uint64_t now = NowMs();
    std::uint64_t age = now > *counts.oldest_accepted_ms ? now - *counts.oldest_accepted_ms : 0;
    std::cout << ", oldest accepted " << Age(age) << " ago ("
              << Rfc3339(*counts.oldest_accepted_ms) << ")";
  }
  std::cout << ", " << counts.refused << " refused\n";
  for (const agent::RefusedRecord& r : refused) {
    std::cout << "refused       " << r.spooled.id << "  " << StixIdOf(r.spooled.dedupe_key)
              << "  " << ModifiedOf(r.spooled.dedupe_key) << "  " << Rfc3339(r.refused_ms)
              << "  " << ErrorCodeName(r.code) << " (" << static_cast<int>(r.code)
              << "): " << r.message << "\n";
  }
}

// One line per durable subscription, e.g.
//   subscriptions eu-feed: acknowledged through 120 of 150 (30 behind), connected
//   subscriptions nightly: acknowledged through 90 of 150 (at most 60 behind), not connected
void PrintSubscriptionsText(const BrokerProbe& probe) {
  constexpr const char* kLabel = "subscriptions ";
  if (!probe.reachable) {
    std::cout << kLabel << "unknown (the broker is not reachable)\n";
    return;
  }
  if (!probe.positions.ok()) {
    std::cout << kLabel << "unknown: " << probe.positions.status().ToString() << "\n";
    return;
  }
  const agent::SubscriptionPositions& s = *probe.positions;
  if (s.subscriptions.empty()) {
    std::cout << kLabel << "none\n";
    return;
  }
  for (const wire::Position& p : s.subscriptions) {
    std::cout << kLabel << Printable(p.name) << ": acknowledged through " << p.acknowledged << " of "
              << s.head << " (" << (p.lag ? "" : "at most ") << Behind(s.head, p)
              << " behind), "
              << (p.connected ? "connected" : "not connected");
    if (PositionRemoved(s, p)) {
      std::cout << "; records after it were removed by retention (oldest held " << s.first
                << ")";
    }
    std::cout << "\n";
  }
}

void PrintText(const Context& context, const ContextFlags& flags, const BrokerProbe& probe,
               const std::string& dir, const Result<agent::SpoolCounts>& counts,
               const std::vector<agent::RefusedRecord>& refused) {
  const identity::Card& me = context.me.card;
  std::cout << "organisation  " << me.org << (me.name.empty() || me.name == me.org
                                                  ? std::string()
                                                  : " (" + me.name + ")")
            << "\n";
  std::cout << "keys          " << agent::Fingerprints(me) << "\n";
  if (context.trust) {
    const agent::TrustStore& t = *context.trust;
    std::cout << "federation    " << t.root().root.federation << ": root version "
              << t.root_version() << " (expires " << t.root().root.expires
              << "), registry version " << t.registry_version();
    if (t.registry() != nullptr) std::cout << " (expires " << t.registry()->version.expires << ")";
    std::cout << "\n";
    std::cout << "freshness     ";
    if (t.Fresh(NowMillis())) {
      std::cout << "current: signed timestamp issued " << t.timestamp()->timestamp.issued
                << ", valid until " << t.timestamp()->timestamp.expires << "\n";
    } else {
      std::cout << "NOT fresh: " << t.FreshnessWarning(NowMillis()) << "\n";
    }
  }
  std::cout << "broker        " << flags.broker << ": ";
  if (probe.reachable) {
    std::cout << "reachable, round trip " << probe.round_trip.count() << " ms\n";
  } else {
    std::cout << "NOT reachable: " << probe.error.ToString() << "\n";
  }
  std::cout << "spool         " << dir << ": ";
  if (!counts.ok()) {
    std::cout << "cannot be read: " << counts.status().ToString() << "\n";
  } else {
    PrintSpoolText(*counts, refused);
  }
  PrintSubscriptionsText(probe);
}

void PrintSpoolJson(const agent::SpoolCounts& counts,
                    const std::vector<agent::RefusedRecord>& refused, bool list_refused) {
  std::cout << ",\"pending\":" << counts.pending << ",\"pending_bytes\":"
            << counts.pending_bytes << ",\"refused\":" << counts.refused
            << ",\"refused_bytes\":" << counts.refused_bytes << ",\"oldest_accepted\":";
  if (counts.oldest_accepted_ms) {
    std::uint64_t now = NowMs();
    std::uint64_t age = now > *counts.oldest_accepted_ms ? now - *counts.oldest_accepted_ms : 0;
    std::cout << "\"" << Rfc3339(*counts.oldest_accepted_ms)
              << "\",\"oldest_age_seconds\":" << age / 1000;
  } else {
    std::cout << "null,\"oldest_age_seconds\":null";
  }
  if (list_refused) {
    std::cout << ",\"refused_records\":[";
    for (std::size_t i = 0; i < refused.size(); ++i) {
      const agent::RefusedRecord& r = refused[i];
      std::cout << (i ? "," : "") << "{\"spool_id\":" << r.spooled.id
                << ",\"id\":" << JsonString(StixIdOf(r.spooled.dedupe_key))
                << ",\"modified\":" << JsonString(ModifiedOf(r.spooled.dedupe_key))
                << ",\"refused_at\":\"" << Rfc3339(r.refused_ms) << "\",\"code\":\""
                << ErrorCodeName(r.code) << "\",\"message\":" << JsonString(r.message) << "}";
    }
    std::cout << "]";
  }
}

// "subscriptions": [...] , or null with "subscriptions_error" when unknown.
void PrintSubscriptionsJson(const BrokerProbe& probe) {
  if (!probe.positions.ok()) {
    std::cout << ",\"subscriptions\":null,\"subscriptions_error\":"
              << JsonString(probe.positions.status().ToString());
    return;
  }
  const agent::SubscriptionPositions& s = *probe.positions;
  std::cout << ",\"subscriptions\":[";
  for (std::size_t i = 0; i < s.subscriptions.size(); ++i) {
    const wire::Position& p = s.subscriptions[i];
    std::cout << (i ? "," : "") << "{\"name\":" << JsonString(Printable(p.name))
              << ",\"acknowledged\":" << p.acknowledged << ",\"head\":" << s.head
              << ",\"behind\":" << Behind(s.head, p)
              << ",\"behind_counted\":" << (p.lag ? "true" : "false")
              << ",\"connected\":" << (p.connected ? "true" : "false")
              << ",\"position_removed\":" << (PositionRemoved(s, p) ? "true" : "false") << "}";
  }
  std::cout << "]";
}

// ,"fingerprints":{...} and, in federation mode, ,"federation":{...}: what
// the text's keys, federation and freshness lines say (docs/agent.md,
// "certshare status").
void PrintFederationJson(const Context& context) {
  const identity::Card& me = context.me.card;
  std::cout << ",\"fingerprints\":{\"sign\":"
            << JsonString(trust::Fingerprint(trust::KeyKind::kEd25519, me.sign_key))
            << ",\"box\":" << JsonString(trust::Fingerprint(trust::KeyKind::kX25519, me.box_key))
            << ",\"transport\":"
            << JsonString(trust::Fingerprint(trust::KeyKind::kX25519, me.transport_key)) << "}";
  if (!context.trust) {
    std::cout << ",\"federation\":null";
    return;
  }
  const agent::TrustStore& t = *context.trust;
  const trust::SignedRegistryVersion* registry = t.registry();
  const trust::SignedTimestamp* stamp = t.timestamp();
  const StixMillis now = NowMillis();
  std::cout << ",\"federation\":{\"name\":" << JsonString(t.root().root.federation)
            << ",\"root_version\":" << t.root_version()
            << ",\"root_expires\":" << JsonString(t.root().root.expires)
            << ",\"registry_version\":" << t.registry_version() << ",\"registry_expires\":"
            << (registry ? JsonString(registry->version.expires) : std::string("null"))
            << ",\"fresh\":" << (t.Fresh(now) ? "true" : "false") << ",\"timestamp_issued\":"
            << (stamp ? JsonString(stamp->timestamp.issued) : std::string("null"))
            << ",\"timestamp_expires\":"
            << (stamp ? JsonString(stamp->timestamp.expires) : std::string("null"))
            << ",\"freshness_warning\":";
  const std::string warning = t.FreshnessWarning(now);
  std::cout << (warning.empty() ? std::string("null") : JsonString(warning)) << "}";
}

void PrintJson(const Context& context, const ContextFlags& flags, const BrokerProbe& probe,
               const std::string& dir, const Result<agent::SpoolCounts>& counts,
               const std::vector<agent::RefusedRecord>& refused, bool list_refused) {
  const identity::Card& me = context.me.card;
  std::cout << "{\"org\":" << JsonString(me.org) << ",\"name\":" << JsonString(me.name)
            << ",\"keys\":{\"sign\":\"" << HexEncode(me.sign_key) << "\",\"box\":\""
            << HexEncode(me.box_key) << "\",\"transport\":\"" << HexEncode(me.transport_key)
            << "\"}";
  PrintFederationJson(context);
  std::cout << ",\"broker\":{\"endpoint\":" << JsonString(flags.broker)
            << ",\"reachable\":" << (probe.reachable ? "true" : "false");
  if (probe.reachable) {
    std::cout << ",\"round_trip_ms\":" << probe.round_trip.count();
  } else {
    std::cout << ",\"error\":" << JsonString(probe.error.ToString());
  }
  std::cout << "},\"spool\":{\"dir\":" << JsonString(dir);
  if (!counts.ok()) {
    std::cout << ",\"error\":" << JsonString(counts.status().ToString());
  } else {
    PrintSpoolJson(*counts, refused, list_refused);
  }
  std::cout << "}";
  PrintSubscriptionsJson(probe);
  std::cout << "}\n";
}

int RunStatus(const StatusFlags& f) {
  if (!f.record.empty()) {
    return RunRecordStatus({&f.context, &f.spool, f.record, f.json, f.timeout_seconds});
  }
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  auto dir = SpoolDir(f.spool, context->me);
  if (!dir.ok()) return Report(dir.status(), kExitUsage);
  // The spool is read without taking it: a sensor may be using it.
  Result<agent::SpoolCounts> counts = agent::Spool::Inspect(*dir);
  std::vector<agent::RefusedRecord> refused;
  if (f.refused && counts.ok()) {
    auto listed = agent::Spool::InspectRefused(*dir, SIZE_MAX);
    if (!listed.ok()) {
      counts = listed.status();
    } else {
      refused = std::move(*listed);
    }
  }
  BrokerProbe probe = Probe(f.context, *context, std::chrono::seconds(f.timeout_seconds));
  if (f.json) {
    PrintJson(*context, f.context, probe, *dir, counts, refused, f.refused);
  } else {
    PrintText(*context, f.context, probe, *dir, counts, refused);
  }
  if (!counts.ok()) return kExitFailure;
  return probe.reachable ? kExitOk : kExitUnreachable;
}

}  // namespace

void AddStatus(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<StatusFlags>();
  CLI::App* cmd = app.add_subcommand(
      "status",
      "this organisation's identity, whether the broker answers, what waits in the spool, "
      "and how far behind its durable subscriptions are");
  cmd->add_option("--timeout", flags->timeout_seconds,
                  "seconds to wait for the broker's answer to a PING, and to the subscriptions "
                  "request (default 5)")
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--refused", flags->refused,
                "also list the records the broker refused (kept in the spool)");
  cmd->add_flag("--json", flags->json, "print the status as one JSON object");
  cmd->add_option("record", flags->record,
                  "a record this agent published (STIX id: its latest version; or the "
                  "broker's sequence): list its recipients and their receipts instead");
  AddContextFlags(cmd, &flags->context, true);
  AddSpoolFlags(cmd, &flags->spool, false, &flags->context);
  cmd->callback([flags, exit_code] { *exit_code = RunStatus(*flags); });
}

}  // namespace certshare::cli
