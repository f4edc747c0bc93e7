// certshare flush [--timeout S] [--retry-refused | --drop-refused] [--reseal] [--json]
//
// Sends everything pending in this identity's spool to the broker and
// waits for the acknowledgements (docs/agent.md, "Store and forward"): what
// `publish --no-wait` left behind, or what a broker outage held up.
#include <unistd.h>

#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/store_forward.h"
#include "agent/link/forwarder.h"
#include "agent/link/progress.h"
#include "agent/link/published.h"
#include "agent/link/reseal.h"

namespace certshare::cli {

namespace {

struct FlushFlags {
  ContextFlags context;
  SpoolFlags spool;
  int timeout_seconds = 10;
  bool retry_refused = false;
  bool drop_refused = false;
  bool reseal = false;
  bool json = false;
};

// --reseal: each refused or pending record naming a recipient this agent's
// registry now marks revoked is sealed again for the others
// (agent/link/reseal.h) and replaces the old one in the spool, pending.
// What changed is said per record. Returns the first spool error.
Status ResealSpool(agent::Spool& spool, const Context& context) {
  envelope::Sealer sealer(context.me.card.org, context.me.sign_secret, context.me.box_secret);
  std::uint64_t unexplained = 0;  // refused REVOKED, but nobody is revoked here
  auto reseal = [&](std::uint64_t id, const Bytes& record, const std::string& key,
                    bool refused_revoked) -> Status {
    auto resealed = agent::ResealWithoutRevoked(record, context.me, context.registry, sealer);
    if (!resealed.ok()) {
      std::cerr << "certshare: cannot reseal " << DescribeRecord(key) << ": "
                << resealed.status().ToString() << "\n";
      return Status::Ok();
    }
    if (!resealed->has_value()) {
      if (refused_revoked) ++unexplained;
      return Status::Ok();
    }
    const agent::Resealed& r = **resealed;
    const std::string note = agent::EncodeNote(agent::NoteOf(r.header, r.content));
    CERTSHARE_RETURN_IF_ERROR(spool.Replace(id, r.record, key, note).status());
    std::string dropped;
    for (const std::string& org : r.dropped) {
      const identity::Card* card = context.registry.Find(org);
      dropped += (dropped.empty() ? "" : ", ") + org + " (revoked at " +
                 (card != nullptr ? card->revoked_at : std::string("?")) + ")";
    }
    std::cerr << "certshare: resealed " << DescribeRecord(key) << " without " << dropped
              << ": it now goes to " << Joined(r.header.recipients, ", ") << "\n";
    return Status::Ok();
  };
  CERTSHARE_ASSIGN_OR_RETURN(std::vector<agent::RefusedRecord> refused,
                             spool.Refused(SIZE_MAX));
  for (const agent::RefusedRecord& r : refused) {
    CERTSHARE_RETURN_IF_ERROR(reseal(r.spooled.id, r.spooled.record, r.spooled.dedupe_key,
                                     r.code == ErrorCode::kRevoked));
  }
  // Pending records, by pages; the resealed ones come back at the end, with
  // ids above `last`, and are not looked at again.
  const std::uint64_t last = spool.LastId();
  for (std::uint64_t from = 0; from <= last;) {
    CERTSHARE_ASSIGN_OR_RETURN(std::vector<agent::SpooledRecord> page, spool.Pending(from, 256));
    if (page.empty()) break;
    for (const agent::SpooledRecord& r : page) {
      if (r.id > last) break;
      CERTSHARE_RETURN_IF_ERROR(reseal(r.id, r.record, r.dedupe_key, false));
    }
    from = page.back().id + 1;
  }
  if (unexplained > 0) {
    std::cerr << "certshare: " << unexplained
              << " records were refused with REVOKED, but this agent's registry marks none "
                 "of their recipients revoked: take in the broker's registry first "
                 "(certshare registry import FILE, FILE from certshare-broker admin show "
                 "--json), then flush --reseal again\n";
  }
  return Status::Ok();
}

int RunFlush(const FlushFlags& f) {
  if (f.retry_refused && f.drop_refused) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         "give --retry-refused or --drop-refused, not both"),
                  kExitUsage);
  }
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  auto connector = MakeConnector(f.context, *context);
  if (!connector.ok()) return Report(connector.status(), kExitInvalidInput);
  const auto timeout = std::chrono::seconds(f.timeout_seconds);
  auto spool = OpenSpool(f.spool, context->me, timeout);
  if (!spool.ok()) return Report(spool.status(), ExitForForward(spool.status()));

  if (f.reseal) {
    if (Status s = ResealSpool(**spool, *context); !s.ok()) return Report(s, kExitFailure);
  }
  if (f.drop_refused) {
    auto refused = (*spool)->Refused(SIZE_MAX);
    if (!refused.ok()) return Report(refused.status(), kExitFailure);
    for (const agent::RefusedRecord& r : *refused) {
      std::cerr << "certshare: dropping " << DescribeRecord(r.spooled.dedupe_key)
                << ", refused with " << ErrorCodeName(r.code) << ": " << r.message << "\n";
    }
    auto dropped = (*spool)->DropRefused();
    if (!dropped.ok()) return Report(dropped.status(), kExitFailure);
  }
  if (f.retry_refused) {
    auto moved = (*spool)->RetryRefused();
    if (!moved.ok()) return Report(moved.status(), kExitFailure);
    if (*moved > 0) std::cerr << "certshare: sending " << *moved << " refused records again\n";
  }

  const std::uint64_t total = (*spool)->Depth();
  std::uint64_t stored = 0, duplicates = 0, refused = 0;
  agent::ProgressBar progress(std::cerr, "flushing", total,
                              agent::IsTerminal(STDERR_FILENO) && total > 1);
  LiveLink live = MakeLiveLink(f.context, *context, [&](const std::string& line) {
    progress.Finish();
    std::cerr << "certshare: " << line << "\n";
  });
  agent::Forwarder forwarder(**spool, *connector);
  forwarder.KeepTrustCurrent(live.refresh.get());
  forwarder.OnOutcome([&](const agent::Outcome& o) {
    switch (o.kind) {
      case agent::Outcome::Kind::kStored: ++stored; break;
      case agent::Outcome::Kind::kDuplicate: ++duplicates; break;
      case agent::Outcome::Kind::kRefused:
        ++refused;
        progress.Finish();
        std::cerr << "certshare: " << DescribeRecord(o.dedupe_key)
                  << " REFUSED: " << o.refusal.ToString() << "\n";
        break;
    }
    progress.Update(stored + duplicates + refused);
  });
  Status drained = forwarder.Drain(timeout);
  progress.Finish();
  const std::uint64_t pending = (*spool)->Depth();
  if (f.json) {
    std::cout << "{\"published\":" << stored << ",\"duplicates\":" << duplicates
              << ",\"refused\":" << refused << ",\"pending\":" << pending
              << ",\"spool\":" << JsonString((*spool)->dir()) << "}\n";
  } else {
    std::cout << "flushed " << (stored + duplicates + refused) << " records: " << stored
              << " published, " << duplicates << " already published, " << refused
              << " refused; " << pending << " pending in " << (*spool)->dir() << "\n";
  }
  if (!drained.ok()) return Report(drained, ExitForForward(drained));
  if (refused > 0) {
    std::cerr << "certshare: refused records are kept in the refused area "
                 "(certshare status --refused; flush --retry-refused or --drop-refused)\n";
    return kExitRefused;
  }
  return kExitOk;
}

}  // namespace

void AddFlush(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<FlushFlags>();
  CLI::App* cmd = app.add_subcommand(
      "flush", "send every record waiting in the spool to the broker and wait for the ACKs");
  cmd->add_option("--timeout", flags->timeout_seconds,
                  "give up after this many seconds without an acknowledgement (default 10)")
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--retry-refused", flags->retry_refused,
                "first put the records the broker refused back in the queue (e.g. after "
                "the broker's registry was fixed)");
  cmd->add_flag("--drop-refused", flags->drop_refused,
                "first delete the records the broker refused (each is named on stderr)");
  cmd->add_flag("--reseal", flags->reseal,
                "first seal again, for the remaining recipients, every refused or pending "
                "record naming an organisation this agent's registry marks revoked (each "
                "named on stderr with what changed)");
  cmd->add_flag("--json", flags->json, "print the result as JSON");
  AddContextFlags(cmd, &flags->context, true);
  AddSpoolFlags(cmd, &flags->spool, false, &flags->context);
  cmd->callback([flags, exit_code] { *exit_code = RunFlush(*flags); });
}

}  // namespace certshare::cli
