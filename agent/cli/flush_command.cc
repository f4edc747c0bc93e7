// certshare flush [--timeout S] [--retry-refused | --drop-refused] [--json]
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

namespace certshare::cli {

namespace {

struct FlushFlags {
  ContextFlags context;
  SpoolFlags spool;
  int timeout_seconds = 10;
  bool retry_refused = false;
  bool drop_refused = false;
  bool json = false;
};

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
  agent::Forwarder forwarder(**spool, *connector);
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
  cmd->add_flag("--json", flags->json, "print the result as JSON");
  AddContextFlags(cmd, &flags->context, true);
  AddSpoolFlags(cmd, &flags->spool, false, &flags->context);
  cmd->callback([flags, exit_code] { *exit_code = RunFlush(*flags); });
}

}  // namespace certshare::cli
