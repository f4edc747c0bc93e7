#include "agent/cli/send_records.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include "agent/cli/exit_codes.h"
#include "agent/cli/stop_signals.h"
#include "agent/link/progress.h"
#include "agent/link/published.h"
#include "agent/link/send.h"

namespace certshare::cli {

namespace {

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

using agent::Comparison;

std::string RecipientsOf(const agent::PublishedNote& note) {
  return note.recipients.empty() ? std::string("none") : Joined(note.recipients, ", ");
}

// The warning for a record the broker did not store because it holds
// another version with the same id and `modified`.
void WarnDiffers(const agent::Outcome& o, const Comparison& c, const agent::PublishedNote& mine) {
  std::vector<std::string> what;
  for (const std::string& d : c.differs) {
    if (d == "recipients") {
      what.push_back("its recipients (stored: " + RecipientsOf(c.stored) +
                     "; this one: " + RecipientsOf(mine) + ")");
    } else if (d == "TLP") {
      what.push_back("its TLP (stored: " + std::string(TlpName(c.stored.tlp)) +
                     "; this one: " + std::string(TlpName(mine.tlp)) + ")");
    } else {
      what.push_back("its " + d);
    }
  }
  std::cerr << "certshare: warning: the broker keeps the version of " << DescribeRecord(o.dedupe_key)
            << " it stored as sequence " << o.sequence << ", which differs from this one in "
            << Joined(what, " and ")
            << "; this one was not stored. To send it, make it a new version with a later "
               "`modified`: `certshare revise FILE --out NEW.json`, then `certshare publish "
               "NEW.json`\n";
}

// `"stored":{...}` or null, and `"differs":[...]` or null, for --json.
std::string JsonComparison(const Comparison& c) {
  if (!c.known) return "\"stored\":null,\"differs\":null";
  std::string out = "\"stored\":{\"tlp\":\"" + std::string(TlpName(c.stored.tlp)) +
                    "\",\"encrypted\":" + (c.stored.encrypted ? "true" : "false") +
                    ",\"recipients\":[";
  for (std::size_t i = 0; i < c.stored.recipients.size(); ++i) {
    out += (i ? "," : "") + JsonString(c.stored.recipients[i]);
  }
  out += "]},\"differs\":[";
  for (std::size_t i = 0; i < c.differs.size(); ++i) {
    out += (i ? "," : "") + JsonString(c.differs[i]);
  }
  return out + "]";
}

void ReportEarlier(const agent::SendResult& t, const agent::Spool& spool) {
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

// Ctrl-C (or SIGTERM) stopped the forwarding before the broker had
// answered for `waiting` of this command's records: they are safe in the
// spool.
int PrintInterrupted(std::uint64_t waiting, const std::string& first_id,
                     const agent::Spool& spool) {
  std::cerr << "certshare: interrupted: " << (waiting == 1 ? first_id
                                                            : std::to_string(waiting) + " records")
            << (waiting == 1 ? " is" : " are") << " in the spool " << spool.dir()
            << ", not yet acknowledged by the broker; `certshare flush` sends "
            << (waiting == 1 ? "it" : "them")
            << " (a record the broker already holds is acknowledged as a duplicate). Do not "
               "build or publish "
            << (waiting == 1 ? "it" : "them") << " again\n";
  return kExitInterrupted;
}

int PrintSingle(const SendOptions& f, const agent::Composed& record,
                const std::optional<agent::Outcome>& outcome, const Status& drained,
                bool interrupted, agent::Spool& spool) {
  const envelope::Header& h = record.header;
  if (!outcome) {
    if (interrupted) return PrintInterrupted(1, h.stix_id, spool);
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
  const agent::PublishedNote mine = agent::NoteOf(h, record.content);
  const Comparison c = agent::CompareWithStored(spool, *outcome, mine);
  if (f.json) {
    std::cout << "{\"sequence\":" << outcome->sequence
              << ",\"duplicate\":" << (duplicate ? "true" : "false") << ",\"id\":\""
              << h.stix_id << "\",\"tlp\":\"" << TlpName(h.tlp) << "\"," << JsonComparison(c)
              << "}\n";
  } else if (!c.known && duplicate) {
    // The stored version came from elsewhere (another machine or spool, or
    // before this agent kept notes): what it holds is not known here.
    std::cout << "already published: " << h.stix_id << " as sequence " << outcome->sequence
              << "; the stored version was not sent from this spool, so whether its recipients "
                 "and content are this file's is not known here\n";
  } else {
    // The stored version's routing: this record's when they are the same.
    std::cout << (duplicate ? "already published: " : "published ") << h.stix_id
              << " as sequence " << outcome->sequence << " "
              << (c.differs.empty() ? Routing(h) : "(" + DescribeRouting(c.stored) + ")")
              << "\n";
  }
  if (c.differs.empty()) return kExitOk;
  WarnDiffers(*outcome, c, mine);
  return kExitStoredDiffers;
}

// The summary of a --split publish: always printed, one line (or one JSON
// object); each refusal on standard error.
int PrintSummary(const SendOptions& f, const agent::SplitRecords& split,
                 const std::vector<std::uint64_t>& ids, const agent::SendResult& t,
                 bool interrupted, agent::Spool& spool) {
  const Status& drained = t.drained;
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
  // Records acknowledged for a stored version that differs from them.
  std::vector<std::pair<const agent::Outcome*, Comparison>> differing;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::optional<agent::Outcome>& o = t.own.at(ids[i]);
    if (!o || o->kind == Kind::kRefused) continue;
    const agent::PublishedNote mine =
        agent::NoteOf(split.records[i].header, split.records[i].content);
    Comparison c = agent::CompareWithStored(spool, *o, mine);
    if (c.differs.empty()) continue;
    WarnDiffers(*o, c, mine);
    differing.emplace_back(&*o, std::move(c));
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
    std::cout << "],\"differing\":[";
    for (std::size_t i = 0; i < differing.size(); ++i) {
      const agent::Outcome& o = *differing[i].first;
      std::cout << (i ? "," : "") << "{\"id\":" << JsonString(StixIdOf(o.dedupe_key))
                << ",\"modified\":" << JsonString(ModifiedOf(o.dedupe_key))
                << ",\"sequence\":" << o.sequence << "," << JsonComparison(differing[i].second)
                << "}";
    }
    std::cout << "],\"pending\":" << pending
              << ",\"skipped_markings\":" << split.skipped_markings << "}\n";
  } else {
    std::cout << split.source_id << ": " << t.own.size() << " records: " << stored
              << " published, " << duplicates << " already published";
    if (!differing.empty()) {
      std::cout << " (" << differing.size() << " differing from the stored version)";
    }
    std::cout << ", " << refused << " refused";
    if (pending > 0) std::cout << ", " << pending << " not yet acknowledged";
    if (split.skipped_markings > 0) {
      std::cout << " (" << split.skipped_markings << " TLP marking definitions not sent)";
    }
    std::cout << "\n";
  }
  if (pending > 0) {
    if (interrupted) {
      std::string first;  // a record not yet acknowledged, named when it is the only one
      for (std::size_t i = 0; i < ids.size() && first.empty(); ++i) {
        if (!t.own.at(ids[i])) first = split.records[i].header.stix_id;
      }
      return PrintInterrupted(pending, first, spool);
    }
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
  return differing.empty() ? kExitOk : kExitStoredDiffers;
}

}  // namespace

void AddTopicFlags(CLI::App* cmd, ComposeFlags* flags) {
  cmd->add_option("--topic", flags->topics,
                  "a routing topic subscribers can filter on, e.g. sector:energy (repeat or "
                  "comma-separate); readable by the broker")
      ->delimiter(',')
      ->check([](const std::string& t) {
        return t.empty() || t.size() > 255 ? std::string("a topic is 1 to 255 bytes")
                                           : std::string();
      });
  cmd->add_option("--derive-topics", flags->derive_topics,
                  "add the topics the document implies (rsit:<class>, sector:<s>, "
                  "country:<CC>): clear-green (default: only for TLP:CLEAR and GREEN, as "
                  "the broker can read topics), always, or never")
      ->check(CLI::IsMember({"clear-green", "always", "never"}));
}

namespace {
// The mode a checked --derive-topics value names.
agent::TopicMode ParseTopicMode(const std::string& derive) {
  if (derive == "always") return agent::TopicMode::kAuto;
  if (derive == "never") return agent::TopicMode::kNone;
  return agent::TopicMode::kDefault;
}
}  // namespace

Result<agent::ComposeOptions> ComposeOptionsOf(const ComposeFlags& f,
                                               const agent::AgentConfig& config,
                                               std::optional<Tlp> default_tlp) {
  agent::ComposeOptions options;
  options.tlp = f.tlp.empty() ? default_tlp : ParseTlp(f.tlp);
  if (!f.tlp.empty() && !options.tlp) {
    return Status(ErrorCode::kInvalidArgument,
                  "--tlp must be clear, green, amber, amber+strict or red");
  }
  options.recipients = f.to.empty() ? config.to : f.to;
  options.encrypt_green = !f.plaintext_green;
  options.topics = f.topics;
  options.topic_mode = ParseTopicMode(f.derive_topics);
  return options;
}

namespace {

// Revoked organisations a group or the GREEN community would have reached
// are left out of the records (agent/link/compose.h): said once.
void WarnLeftOut(const std::vector<agent::Composed>& records) {
  std::vector<agent::LeftOut> all;
  for (const agent::Composed& r : records) {
    for (const agent::LeftOut& l : r.left_out) {
      if (std::find(all.begin(), all.end(), l) == all.end()) all.push_back(l);
    }
  }
  if (!all.empty()) std::cerr << "certshare: warning: " << agent::DescribeLeftOut(all) << "\n";
}

}  // namespace

int SpoolAndSend(const SendOptions& f, const agent::SplitRecords& split,
                 const ContextFlags& flags, const Context& context) {
  WarnLeftOut(split.records);
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
  auto ids = agent::SpoolRecords(**spool, split.records);
  if (!ids.ok()) return Report(ids.status(), ExitForForward(ids.status()));
  if (f.no_wait) return PrintSpooled(f, split.records, split.source_id, **spool);

  // Forward, oldest first, until everything is acknowledged or the broker
  // stays silent for --timeout.
  agent::ProgressBar progress(std::cerr, "publishing", ids->size(),
                              agent::IsTerminal(STDERR_FILENO) && ids->size() > 1);
  agent::SendResult sent;
  bool interrupted = false;
  {
    // Ctrl-C stops waiting (the records stay spooled); a second one kills.
    StopSignals signals(StopSignals::Repeat::kKills);
    LiveLink live = MakeLiveLink(flags, context, [&](const std::string& line) {
      progress.Finish();
      std::cerr << "certshare: " << line << "\n";
    });
    sent = agent::ForwardRecords(**spool, *connector, *ids, timeout, &signals.stop(),
                                 [&](std::uint64_t settled) { progress.Update(settled); },
                                 live.refresh.get());
    interrupted = signals.stop();
  }
  progress.Finish();
  ReportEarlier(sent, **spool);
  if (!f.split) {
    return PrintSingle(f, split.records.front(), sent.own.at(ids->front()), sent.drained,
                       interrupted, **spool);
  }
  return PrintSummary(f, split, *ids, sent, interrupted, **spool);
}

}  // namespace certshare::cli
