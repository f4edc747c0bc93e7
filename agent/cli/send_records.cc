#include "agent/cli/send_records.h"

#include <unistd.h>

#include <iostream>
#include <map>
#include <optional>

#include "agent/cli/exit_codes.h"
#include "agent/forwarder.h"
#include "agent/progress.h"

namespace certshare::cli {

namespace {

// What happened to this command's own records, and to older ones sent on
// the way.
struct Tally {
  std::map<std::uint64_t, std::optional<agent::Outcome>> own;  // by spool id
  std::uint64_t own_settled = 0;
  std::uint64_t earlier_acked = 0;
  std::vector<agent::Outcome> earlier_refused;

  std::uint64_t Count(agent::Outcome::Kind kind) const {
    std::uint64_t n = 0;
    for (const auto& [id, o] : own) n += o && o->kind == kind;
    return n;
  }
};

// "(TLP:amber, to CERT-UA, CERT-EU, encrypted)"
std::string Routing(const envelope::Header& h) {
  std::string out = "(TLP:" + std::string(TlpName(h.tlp));
  if (!h.recipients.empty()) {
    out += ", to";
    for (std::size_t i = 0; i < h.recipients.size(); ++i) {
      out += (i ? ", " : " ") + h.recipients[i];
    }
  }
  return out + (h.encrypted ? ", encrypted)" : ", signed, not encrypted)");
}

void ReportEarlier(const Tally& t, const agent::Spool& spool) {
  if (t.earlier_acked > 0) {
    std::cerr << "certshare: also delivered " << t.earlier_acked
              << " records spooled earlier\n";
  }
  for (const agent::Outcome& o : t.earlier_refused) {
    std::cerr << "certshare: a record spooled earlier, " << DescribeRecord(o.dedupe_key)
              << ", was REFUSED: " << o.refusal.ToString() << "; kept in the refused area of "
              << spool.dir() << " (certshare status --refused)\n";
  }
}

int PrintSpooled(const SendOptions& f, const std::vector<agent::Composed>& records,
                 const std::string& source_id, const agent::Spool& spool) {
  const envelope::Header& h = records.front().header;
  if (f.json) {
    std::cout << "{\"spooled\":true,\"id\":" << JsonString(source_id)
              << ",\"records\":" << records.size() << ",\"tlp\":\"" << TlpName(h.tlp)
              << "\",\"pending\":" << spool.Depth() << ",\"spool\":" << JsonString(spool.dir())
              << "}\n";
    return kExitOk;
  }
  if (records.size() == 1) {
    std::cout << "spooled " << h.stix_id << " " << Routing(h);
  } else {
    std::cout << "spooled " << records.size() << " records of " << source_id;
  }
  std::cout << "; " << spool.Depth() << " records wait in " << spool.dir()
            << " for `certshare flush` or the next publish\n";
  return kExitOk;
}

int PrintSingle(const SendOptions& f, const agent::Composed& record,
                const std::optional<agent::Outcome>& outcome, const Status& drained,
                const agent::Spool& spool) {
  const envelope::Header& h = record.header;
  if (!outcome) {
    Report(drained.ok() ? Status(ErrorCode::kTimeout, "no acknowledgement from the broker")
                        : drained,
           kExitFailure);
    std::cerr << "certshare: " << h.stix_id << " stays in the spool " << spool.dir()
              << "; `certshare flush` (or the next publish) sends it\n";
    return drained.ok() ? kExitUnreachable : ExitForForward(drained);
  }
  if (outcome->kind == agent::Outcome::Kind::kRefused) {
    Report(outcome->refusal, kExitRefused);
    std::cerr << "certshare: kept in the refused area of " << spool.dir()
              << " (certshare status --refused)\n";
    return kExitRefused;
  }
  const bool duplicate = outcome->kind == agent::Outcome::Kind::kDuplicate;
  if (f.json) {
    std::cout << "{\"sequence\":" << outcome->sequence
              << ",\"duplicate\":" << (duplicate ? "true" : "false") << ",\"id\":\""
              << h.stix_id << "\",\"tlp\":\"" << TlpName(h.tlp) << "\"}\n";
    return kExitOk;
  }
  std::cout << (duplicate ? "already published: " : "published ") << h.stix_id
            << " as sequence " << outcome->sequence << " " << Routing(h) << "\n";
  return kExitOk;
}

// The summary of a --split publish: always printed, one line (or one JSON
// object); each refusal on standard error.
int PrintSummary(const SendOptions& f, const SplitRecords& split, const Tally& t,
                 const Status& drained, const agent::Spool& spool) {
  using Kind = agent::Outcome::Kind;
  const std::uint64_t stored = t.Count(Kind::kStored);
  const std::uint64_t duplicates = t.Count(Kind::kDuplicate);
  const std::uint64_t refused = t.Count(Kind::kRefused);
  const std::uint64_t pending = t.own.size() - t.own_settled;
  for (const auto& [id, o] : t.own) {
    if (o && o->kind == Kind::kRefused) {
      std::cerr << "certshare: " << DescribeRecord(o->dedupe_key)
                << " REFUSED: " << o->refusal.ToString() << "\n";
    }
  }
  if (f.json) {
    std::cout << "{\"id\":" << JsonString(split.source_id) << ",\"records\":" << t.own.size()
              << ",\"published\":" << stored << ",\"duplicates\":" << duplicates
              << ",\"refused\":[";
    bool first = true;
    for (const auto& [id, o] : t.own) {
      if (!o || o->kind != Kind::kRefused) continue;
      std::cout << (first ? "" : ",") << "{\"id\":" << JsonString(StixIdOf(o->dedupe_key))
                << ",\"modified\":" << JsonString(ModifiedOf(o->dedupe_key))
                << ",\"code\":\"" << ErrorCodeName(o->refusal.code())
                << "\",\"message\":" << JsonString(o->refusal.message()) << "}";
      first = false;
    }
    std::cout << "],\"pending\":" << pending
              << ",\"skipped_markings\":" << split.skipped_markings << "}\n";
  } else {
    std::cout << split.source_id << ": " << t.own.size() << " records: " << stored
              << " published, " << duplicates << " already published, " << refused
              << " refused";
    if (pending > 0) std::cout << ", " << pending << " not yet acknowledged";
    if (split.skipped_markings > 0) {
      std::cout << " (" << split.skipped_markings << " TLP marking definitions not sent)";
    }
    std::cout << "\n";
  }
  if (pending > 0) {
    Report(drained.ok() ? Status(ErrorCode::kTimeout, "no acknowledgement from the broker")
                        : drained,
           kExitFailure);
    std::cerr << "certshare: " << pending << " records stay in the spool " << spool.dir()
              << "; `certshare flush` (or the next publish) sends them\n";
    return drained.ok() ? kExitUnreachable : ExitForForward(drained);
  }
  if (refused > 0) {
    std::cerr << "certshare: refused records are kept in the refused area of " << spool.dir()
              << " (certshare status --refused)\n";
    return kExitRefused;
  }
  return kExitOk;
}

}  // namespace

void AddTopicFlags(CLI::App* cmd, std::vector<std::string>* topics, std::string* derive) {
  cmd->add_option("--topic", *topics,
                  "a routing topic subscribers can filter on, e.g. sector:energy (repeat or "
                  "comma-separate); readable by the broker")
      ->delimiter(',')
      ->check([](const std::string& t) {
        return t.empty() || t.size() > 255 ? std::string("a topic is 1 to 255 bytes")
                                           : std::string();
      });
  cmd->add_option("--derive-topics", *derive,
                  "add the topics the document implies (rsit:<class>, sector:<s>, "
                  "country:<CC>): clear-green (default: only for TLP:CLEAR and GREEN, as "
                  "the broker can read topics), always, or never")
      ->check(CLI::IsMember({"clear-green", "always", "never"}));
}

agent::TopicMode ParseTopicMode(const std::string& derive) {
  if (derive == "always") return agent::TopicMode::kAuto;
  if (derive == "never") return agent::TopicMode::kNone;
  return agent::TopicMode::kDefault;
}

int SpoolAndSend(const SendOptions& f, const SplitRecords& split, const ContextFlags& flags,
                 const Context& context) {
  // The broker's settings are checked before anything is accepted (a
  // --no-wait publish needs none: it only spools).
  Result<agent::Forwarder::Connector> connector = agent::Forwarder::Connector();
  if (!f.no_wait) {
    connector = MakeConnector(flags, context);
    if (!connector.ok()) return Report(connector.status(), kExitInvalidInput);
  }

  // Accept: one synced write. From here on the records are safe.
  const auto timeout = std::chrono::seconds(f.timeout_seconds);
  auto spool = OpenSpool(f.spool, context.me, timeout);
  if (!spool.ok()) return Report(spool.status(), ExitForForward(spool.status()));
  std::vector<Bytes> bytes;
  bytes.reserve(split.records.size());
  for (const auto& r : split.records) bytes.push_back(r.record);
  auto ids = (*spool)->Add(bytes);
  if (!ids.ok()) return Report(ids.status(), ExitForForward(ids.status()));
  bytes.clear();
  if (f.no_wait) return PrintSpooled(f, split.records, split.source_id, **spool);

  // Forward, oldest first, until everything is acknowledged or the broker
  // stays silent for --timeout.
  Tally tally;
  for (std::uint64_t id : *ids) tally.own.emplace(id, std::nullopt);
  agent::ProgressBar progress(std::cerr, "publishing", tally.own.size(),
                              agent::IsTerminal(STDERR_FILENO) && tally.own.size() > 1);
  agent::Forwarder forwarder(**spool, *connector);
  forwarder.OnOutcome([&](const agent::Outcome& o) {
    auto it = tally.own.find(o.spool_id);
    if (it == tally.own.end()) {
      if (o.kind == agent::Outcome::Kind::kRefused) {
        tally.earlier_refused.push_back(o);
      } else {
        ++tally.earlier_acked;
      }
      return;
    }
    if (!it->second) ++tally.own_settled;
    it->second = o;
    progress.Update(tally.own_settled);
  });
  Status drained = forwarder.Drain(timeout);
  progress.Finish();
  ReportEarlier(tally, **spool);
  if (!f.split) {
    return PrintSingle(f, split.records.front(), tally.own.begin()->second, drained, **spool);
  }
  return PrintSummary(f, split, tally, drained, **spool);
}


}  // namespace certshare::cli
