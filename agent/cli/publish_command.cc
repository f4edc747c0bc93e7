// certshare publish <file|-> [--tlp LEVEL] [--to ORG,...] [--split] [--no-wait]
//
// Store and forward (docs/agent.md, "Store and forward"): the document is
// sealed (with --split, one record per object of a bundle), the records
// are written to this identity's spool with one synced write, and only
// then sent. By default the command waits until the broker has
// acknowledged them (exit 0) or refused them (exit 4); with --no-wait it
// exits as soon as they are safely spooled. Records spooled earlier and
// still pending are sent first, in the order they were accepted.
#include <unistd.h>

#include <iostream>
#include <iterator>
#include <map>
#include <optional>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/publish_split.h"
#include "agent/cli/store_forward.h"
#include "agent/compose.h"
#include "agent/forwarder.h"
#include "agent/progress.h"
#include "common/base/file_util.h"

namespace certshare::cli {

namespace {

struct PublishFlags {
  ContextFlags context;
  SpoolFlags spool;
  std::string input;
  std::string tlp;
  std::vector<std::string> to;
  int timeout_seconds = 10;
  bool json = false;
  bool plaintext_green = false;
  bool split = false;
  bool no_wait = false;
};

Result<std::string> ReadInput(const std::string& input) {
  if (input != "-") return files::Read(input);
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return Status(ErrorCode::kIoError, "reading standard input failed");
  return text;
}

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

int PrintSpooled(const PublishFlags& f, const std::vector<agent::Composed>& records,
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

int PrintSingle(const PublishFlags& f, const agent::Composed& record,
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
int PrintSummary(const PublishFlags& f, const SplitRecords& split, const Tally& t,
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

int RunPublish(const PublishFlags& f) {
  agent::ComposeOptions options;
  if (!f.tlp.empty()) {
    options.tlp = ParseTlp(f.tlp);
    if (!options.tlp) {
      return Report(Status(ErrorCode::kInvalidArgument,
                           "--tlp must be clear, green, amber, amber+strict or red"),
                    kExitUsage);
    }
  }
  // Without --to, the configuration's default recipients (publish.to).
  options.recipients = f.to.empty() ? f.context.config.to : f.to;
  options.encrypt_green = !f.plaintext_green;
  auto text = ReadInput(f.input);
  if (!text.ok()) return Report(text.status(), kExitInvalidInput);
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  envelope::Sealer sealer(context->me.card.org, context->me.sign_secret,
                          context->me.box_secret);
  SplitRecords split;
  if (f.split) {
    auto composed = ComposeSplit(*text, options, *context, sealer);
    if (!composed.ok()) return Report(composed.status(), kExitInvalidInput);
    split = std::move(*composed);
  } else {
    auto composed = agent::Compose(*text, options, context->me, context->registry, sealer);
    if (!composed.ok()) return Report(composed.status(), kExitInvalidInput);
    split.source_id = composed->header.stix_id;
    split.records.push_back(std::move(*composed));
  }
  auto connector = MakeConnector(f.context, *context);
  if (!connector.ok()) return Report(connector.status(), kExitInvalidInput);

  // Accept: one synced write. From here on the records are safe.
  const auto timeout = std::chrono::seconds(f.timeout_seconds);
  auto spool = OpenSpool(f.spool, context->me, timeout);
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

}  // namespace

void AddPublish(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<PublishFlags>();
  CLI::App* cmd = app.add_subcommand(
      "publish",
      "sign, encrypt and publish a STIX 2.1 object or bundle: spooled durably first, then "
      "sent; waits for the ACK unless --no-wait");
  cmd->add_option("input", flags->input, "STIX JSON file, or - for standard input")->required();
  cmd->add_option("--tlp", flags->tlp,
                  "clear|green|amber|amber+strict|red (default: the document's TLP 2.0 "
                  "marking; with --split, the level of unmarked objects)");
  cmd->add_option("--to", flags->to, "recipient organisations (repeat or comma-separate)")
      ->delimiter(',');
  cmd->add_option("--timeout", flags->timeout_seconds,
                  "give up after this many seconds without an acknowledgement; the records "
                  "stay spooled (default 10)")
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--json", flags->json, "print the result as JSON");
  cmd->add_flag("--plaintext-green", flags->plaintext_green,
                "send a TLP:GREEN record signed but not encrypted (default: encrypted to "
                "the named recipients, or to every registered organisation)");
  cmd->add_flag("--split", flags->split,
                "publish each object of a bundle as its own record (progress bar on a "
                "terminal, summary at the end)");
  cmd->add_flag("--no-wait", flags->no_wait,
                "exit as soon as the records are safely in the spool; `certshare flush` or "
                "the next publish sends them");
  AddContextFlags(cmd, &flags->context, true);
  AddSpoolFlags(cmd, &flags->spool, true, &flags->context);
  cmd->callback([flags, exit_code] { *exit_code = RunPublish(*flags); });
}

}  // namespace certshare::cli
