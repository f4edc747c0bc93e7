// certshare subscribe [--name N] [--from SEQ | --since TIME] [filters]
//
// Prints each record this organisation may receive, verified and
// decrypted, as one JSON line on standard output; acknowledges it to the
// broker only after the line is written and flushed, so a durable
// subscription (--name) resumes after the last record output.
#include <time.h>

#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/render.h"
#include "common/base/tlp.h"

namespace certshare::cli {

namespace {

// Heartbeat: after this much silence the subscriber repeats its last
// acknowledgement, which also tells it whether the broker still holds the
// subscription (a restarted broker answers BAD_SUBSCRIPTION and the
// subscriber subscribes again from where it is). It gives up after
// kBrokerSilence without any message (the broker PINGs idle subscribers).
constexpr auto kPingAfter = std::chrono::seconds(5);
constexpr auto kBrokerSilence = std::chrono::seconds(20);

struct SubscribeFlags {
  ContextFlags context;
  std::string name;
  std::uint64_t from = 0;
  std::string since;
  std::vector<std::string> types;
  std::vector<std::string> origins;
  std::vector<std::string> topics;
  std::string min_tlp = "clear";
  std::string max_tlp = "red";
  std::uint32_t credit = 256;
  std::uint64_t count = 0;
  bool until_caught_up = false;
  int timeout_seconds = 0;
};

// RFC 3339 UTC ("2026-11-01T10:00:00Z", fraction allowed) to milliseconds
// since the Unix epoch.
Result<std::uint64_t> ParseUtcMillis(const std::string& text) {
  struct tm tm = {};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  std::uint64_t millis = 0;
  if (rest != nullptr && *rest == '.') {
    int digits = 0;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, ++digits) {
      if (digits < 3) millis = millis * 10 + static_cast<std::uint64_t>(*rest - '0');
    }
    for (; digits < 3; ++digits) millis *= 10;
  }
  if (rest == nullptr || std::string(rest) != "Z") {
    return Status(ErrorCode::kInvalidArgument,
                  "--since must be an RFC 3339 UTC time such as 2026-11-01T10:00:00Z");
  }
  time_t seconds = timegm(&tm);
  if (seconds < 0) return Status(ErrorCode::kInvalidArgument, "--since is before 1970");
  return static_cast<std::uint64_t>(seconds) * 1000 + millis;
}

Result<wire::SubscribeRequest> BuildRequest(const SubscribeFlags& f) {
  wire::SubscribeRequest req;
  req.name = f.name;
  req.credit = f.credit;
  req.types = f.types;
  req.origins = f.origins;
  req.topics = f.topics;
  auto min = ParseTlp(f.min_tlp);
  auto max = ParseTlp(f.max_tlp);
  if (!min || !max || *min > *max) {
    return Status(ErrorCode::kInvalidArgument,
                  "--min-tlp and --max-tlp take clear, green, amber, amber+strict or red, "
                  "with min <= max");
  }
  req.tlp_min = static_cast<std::uint8_t>(*min);
  req.tlp_max = static_cast<std::uint8_t>(*max);
  if (f.from > 0 && !f.since.empty()) {
    return Status(ErrorCode::kInvalidArgument, "give --from or --since, not both");
  }
  if (f.from > 0) {
    req.start = wire::StartKind::kSequence;
    req.start_value = f.from;
  } else if (!f.since.empty()) {
    req.start = wire::StartKind::kTime;
    CERTSHARE_ASSIGN_OR_RETURN(req.start_value, ParseUtcMillis(f.since));
  } else {
    // A durable subscription resumes; an unnamed one starts at the oldest
    // record held.
    req.start = wire::StartKind::kResume;
  }
  return req;
}

int RunSubscribe(const SubscribeFlags& f) {
  auto request = BuildRequest(f);
  if (!request.ok()) return Report(request.status(), kExitUsage);
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  auto client = ConnectBroker(f.context, *context);
  if (!client.ok()) return Report(client.status(), kExitInvalidInput);
  wire::SubscribeRequest req = *request;
  auto subscribed = (*client)->Subscribe(req, std::chrono::seconds(10));
  if (!subscribed.ok()) {
    bool refused = subscribed.status().code() != ErrorCode::kTimeout &&
                   subscribed.status().code() != ErrorCode::kUnauthenticated &&
                   subscribed.status().code() != ErrorCode::kTransportError;
    return Report(subscribed.status(), refused ? kExitRefused : kExitUnreachable);
  }
  std::cerr << "certshare: subscribed" << (f.name.empty() ? "" : " as " + f.name)
            << " from sequence " << subscribed->sequence << " (broker holds "
            << subscribed->first << ".." << subscribed->head << ")\n";

  using Clock = std::chrono::steady_clock;
  auto idle_limit = f.timeout_seconds > 0 ? std::chrono::seconds(f.timeout_seconds)
                                          : std::chrono::seconds::max();
  Clock::time_point last_heard = Clock::now();
  Clock::time_point last_record = Clock::now();
  std::uint64_t printed = 0;
  std::uint64_t failed = 0;
  std::uint64_t last_sequence = subscribed->sequence - 1;
  while (true) {
    auto next = (*client)->Next(kPingAfter);
    auto now = Clock::now();
    if (!next.ok()) {
      if (next.status().code() != ErrorCode::kTimeout) {
        return Report(next.status(), kExitUnreachable);
      }
      if (now - last_record >= idle_limit) {
        std::cerr << "certshare: no record for " << f.timeout_seconds
                  << " s; stopping after " << printed << " records\n";
        return kExitUnreachable;
      }
      if (now - last_heard >= kBrokerSilence) {
        return Report(Status(ErrorCode::kTimeout, "the broker stopped answering"),
                      kExitUnreachable);
      }
      Status probed = (*client)->Acknowledge(last_sequence, 0);
      if (!probed.ok()) return Report(probed, kExitUnreachable);
      continue;
    }
    last_heard = now;
    const wire::Message& msg = next->msg;
    if (msg.command == wire::Command::kError && msg.error == ErrorCode::kBadSubscription) {
      // The broker no longer knows this subscription (it restarted).
      if (req.name.empty()) {
        req.start = wire::StartKind::kSequence;
        req.start_value = last_sequence + 1;
      } else {
        req.start = wire::StartKind::kResume;
      }
      std::cerr << "certshare: the broker lost the subscription; subscribing again\n";
      auto again = (*client)->Subscribe(req, std::chrono::seconds(10));
      if (!again.ok()) return Report(again.status(), kExitUnreachable);
      continue;
    }
    if (msg.command == wire::Command::kError) {
      return Report(Status(msg.error, "the broker ended the subscription: " + msg.text),
                    kExitRefused);
    }
    if (msg.command == wire::Command::kCaughtUp) {
      std::cerr << "certshare: caught up with the broker at sequence " << msg.sequence
                << " (" << printed << " records received)\n";
      if (f.until_caught_up) return failed ? kExitVerifyFailed : kExitOk;
      continue;
    }
    if (msg.command != wire::Command::kDeliver) continue;
    last_record = now;
    auto line = agent::Render(msg.sequence, msg.record, context->me, context->registry);
    if (line.ok()) {
      std::cout << *line << "\n" << std::flush;
      if (!std::cout) {
        return Report(Status(ErrorCode::kIoError, "writing standard output failed"),
                      kExitFailure);
      }
      ++printed;
    } else {
      ++failed;
      std::cerr << "certshare: record " << msg.sequence
                << " REJECTED, not output: " << line.status().ToString() << "\n";
    }
    // Only now, with the line written, may the broker move the cursor.
    last_sequence = msg.sequence;
    Status acked = (*client)->Acknowledge(msg.sequence, 1);
    if (!acked.ok()) return Report(acked, kExitUnreachable);
    if (f.count > 0 && printed + failed >= f.count) return failed ? kExitVerifyFailed : kExitOk;
  }
}

}  // namespace

void AddSubscribe(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SubscribeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "subscribe",
      "receive the records this organisation may read; print each, verified and "
      "decrypted, as one JSON line");
  cmd->add_option("--name", flags->name,
                  "durable subscription name: the broker remembers what was acknowledged "
                  "and a later run resumes after it");
  cmd->add_option("--from", flags->from, "start at this sequence");
  cmd->add_option("--since", flags->since,
                  "start at the first record received at or after this RFC 3339 UTC time");
  cmd->add_option("--type", flags->types, "only these STIX types (repeatable)")->delimiter(',');
  cmd->add_option("--origin", flags->origins, "only from these organisations (repeatable)")
      ->delimiter(',');
  cmd->add_option("--topic", flags->topics, "only records with one of these topics")
      ->delimiter(',');
  cmd->add_option("--min-tlp", flags->min_tlp, "lowest TLP to receive (default clear)");
  cmd->add_option("--max-tlp", flags->max_tlp, "highest TLP to receive (default red)");
  cmd->add_option("--credit", flags->credit,
                  "records the broker may send ahead of acknowledgements (default 256)")
      ->check(CLI::Range(1, 8192));
  cmd->add_option("--count", flags->count, "stop after this many records (default: never)");
  cmd->add_flag("--until-caught-up", flags->until_caught_up,
                "stop once every stored record has been received");
  cmd->add_option("--timeout", flags->timeout_seconds,
                  "give up after this many seconds without a record (default: wait forever)");
  AddContextFlags(cmd, &flags->context, true);
  cmd->callback([flags, exit_code] { *exit_code = RunSubscribe(*flags); });
}

}  // namespace certshare::cli
