// certshare subscribe [--from SEQ] [--count N] [--until-caught-up]
#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/render.h"

namespace certshare::cli {

namespace {

struct SubscribeFlags {
  ContextFlags context;
  std::uint64_t from = 1;
  std::uint64_t count = 0;
  bool until_caught_up = false;
  int timeout_seconds = 0;
};

int RunSubscribe(const SubscribeFlags& f) {
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  auto client = ConnectBroker(f.context, *context);
  if (!client.ok()) return Report(client.status(), kExitInvalidInput);
  Status s = (*client)->Subscribe(f.from);
  if (!s.ok()) return Report(s, kExitUnreachable);

  auto wait = f.timeout_seconds > 0 ? std::chrono::milliseconds(f.timeout_seconds * 1000)
                                    : std::chrono::milliseconds(24 * 3600 * 1000);
  std::uint64_t printed = 0;
  std::uint64_t failed = 0;
  while (true) {
    auto next = (*client)->Next(wait);
    if (!next.ok()) {
      if (next.status().code() == ErrorCode::kTimeout && f.timeout_seconds > 0) {
        std::cerr << "certshare: no message from the broker for " << f.timeout_seconds
                  << " s; stopping after " << printed << " records\n";
      }
      Report(next.status(), kExitUnreachable);
      return kExitUnreachable;
    }
    const wire::Message& msg = next->msg;
    if (msg.command == wire::Command::kError) {
      return Report(Status(msg.error, "the broker refused: " + msg.text), kExitRefused);
    }
    if (msg.command == wire::Command::kCaughtUp) {
      std::cerr << "certshare: caught up with the broker at sequence " << msg.sequence
                << " (" << printed << " records received)\n";
      if (f.until_caught_up) return failed ? kExitVerifyFailed : kExitOk;
      continue;
    }
    if (msg.command != wire::Command::kDeliver) continue;
    auto line = agent::Render(msg.sequence, msg.record, context->me, context->registry);
    if (!line.ok()) {
      ++failed;
      std::cerr << "certshare: record " << msg.sequence
                << " REJECTED, not output: " << line.status().ToString() << "\n";
      continue;
    }
    std::cout << *line << "\n" << std::flush;
    if (f.count > 0 && ++printed >= f.count) return failed ? kExitVerifyFailed : kExitOk;
    if (f.count == 0) ++printed;
  }
}

}  // namespace

void AddSubscribe(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SubscribeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "subscribe",
      "receive the records this organisation may read; print each, verified and "
      "decrypted, as one JSON line");
  cmd->add_option("--from", flags->from, "first sequence to receive (default 1: everything)");
  cmd->add_option("--count", flags->count, "stop after this many records (default: never)");
  cmd->add_flag("--until-caught-up", flags->until_caught_up,
                "stop once every stored record has been received");
  cmd->add_option("--timeout", flags->timeout_seconds,
                  "give up after this many seconds without a message (default: wait forever)");
  AddContextFlags(cmd, &flags->context, true);
  cmd->callback([flags, exit_code] { *exit_code = RunSubscribe(*flags); });
}

}  // namespace certshare::cli
