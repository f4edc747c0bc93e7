// certshare get <sequence> [--timeout S]
//
// Fetches one record by its broker sequence, verifies and decrypts it as
// `subscribe` does (agent::Render) and prints its JSON line. It asks the
// broker for a non-durable subscription starting at that sequence with a
// credit of one: the first record the broker may send this organisation
// from there is either that sequence (printed) or a later one, or the
// broker reports it has caught up (then the sequence is not available to
// this organisation). docs/agent.md, "certshare get".
#include <iostream>
#include <limits>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/receive/render.h"

namespace certshare::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct GetFlags {
  ContextFlags context;
  std::uint64_t sequence = 0;
  int timeout_seconds = 10;
};

Status NotAvailable(std::uint64_t sequence, const std::string& org, std::uint64_t head) {
  if (sequence > head) {
    return Status(ErrorCode::kNotFound, "there is no record at sequence " +
                                            std::to_string(sequence) +
                                            " yet: the broker's newest is " +
                                            std::to_string(head));
  }
  return Status(ErrorCode::kNotFound,
                "the record at sequence " + std::to_string(sequence) +
                    " is not available to " + org +
                    ": its TLP and recipients do not include this organisation, or it was "
                    "removed");
}

int RunGet(const GetFlags& f) {
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  auto client = ConnectBroker(f.context, *context);
  if (!client.ok()) return Report(client.status(), kExitInvalidInput);
  const auto timeout = std::chrono::seconds(f.timeout_seconds);
  const auto deadline = Clock::now() + timeout;

  wire::SubscribeRequest request;
  request.start = wire::StartKind::kSequence;
  request.start_value = f.sequence;
  request.credit = 1;
  auto subscribed = (*client)->Subscribe(request, timeout);
  if (!subscribed.ok()) return Report(subscribed.status(), ExitForBroker(subscribed.status()));
  const std::string& org = context->me.card.org;
  if (f.sequence > subscribed->head) {
    return Report(NotAvailable(f.sequence, org, subscribed->head), kExitRefused);
  }
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return Report(Status(ErrorCode::kTimeout, "the broker did not send the record within " +
                                                    std::to_string(f.timeout_seconds) + " s"),
                    kExitUnreachable);
    }
    auto next = (*client)->Next(left);
    if (!next.ok()) {
      if (next.status().code() == ErrorCode::kTimeout) continue;
      return Report(next.status(), kExitUnreachable);
    }
    const wire::Message& msg = next->msg;
    if (msg.command == wire::Command::kError) {
      return Report(Status(msg.error, "the broker ended the request: " + msg.text),
                    kExitRefused);
    }
    if (msg.command == wire::Command::kCaughtUp ||
        (msg.command == wire::Command::kDeliver && msg.sequence != f.sequence)) {
      return Report(NotAvailable(f.sequence, org, subscribed->head), kExitRefused);
    }
    if (msg.command != wire::Command::kDeliver) continue;
    auto line = agent::Render(msg.sequence, msg.record, context->me, context->registry);
    if (!line.ok()) {
      std::cerr << "certshare: record " << msg.sequence
                << " REJECTED, not output: " << line.status().ToString() << "\n";
      return kExitVerifyFailed;
    }
    std::cout << *line << "\n" << std::flush;
    if (!std::cout) {
      return Report(Status(ErrorCode::kIoError, "writing standard output failed"),
                    kExitFailure);
    }
    return kExitOk;
  }
}

}  // namespace

void AddGet(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<GetFlags>();
  CLI::App* cmd = app.add_subcommand(
      "get", "fetch one record by its sequence; print it, verified and decrypted, as one JSON "
             "line");
  cmd->add_option("sequence", flags->sequence, "the broker's sequence number of the record")
      ->required()
      ->check(CLI::Range(std::uint64_t{1}, std::numeric_limits<std::uint64_t>::max()));
  cmd->add_option("--timeout", flags->timeout_seconds,
                  "seconds to wait for the broker (default 10)")
      ->check(CLI::Range(1, 3600));
  AddContextFlags(cmd, &flags->context, true);
  cmd->callback([flags, exit_code] { *exit_code = RunGet(*flags); });
}

}  // namespace certshare::cli
