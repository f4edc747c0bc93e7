#include "agent/cli/subscribe_session.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"

namespace certshare::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Heartbeat: after this much silence the subscriber repeats its last
// acknowledgement, which also tells it whether the broker still holds the
// subscription (a restarted broker answers BAD_SUBSCRIPTION and the
// subscriber subscribes again from where it is). It gives up after
// kBrokerSilence without any message; each probe carries a PING, which the
// broker answers.
constexpr auto kPingAfter = std::chrono::seconds(5);

// SIGTERM and SIGINT: stop taking records, commit what the output holds,
// acknowledge it, exit (0, or 6 if something was quarantined).
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }
void CatchSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocked poll() returns at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}
constexpr auto kBrokerSilence = std::chrono::seconds(20);
// Subscribing again and told SUBSCRIPTION_HELD: how long to keep trying,
// and how often. Longer than the broker's default heartbeat timeout
// (15 s), after which it lets go of a connection that went silent.
constexpr auto kHeldRetryFor = std::chrono::seconds(20);
constexpr auto kHeldRetryEvery = std::chrono::seconds(1);
// How long the last acknowledgement may take to reach the broker at exit.
constexpr auto kFlushWait = std::chrono::seconds(2);

// TESTS ONLY (tests/subscribe_outputs_test.sh): with
// CERTSHARE_TEST_KILL_AFTER_COMMITS=N in the environment the subscriber
// kills itself with SIGKILL right after its Nth output commit that held
// records, before acknowledging them: the crash between writing and
// acknowledging, on purpose. Unset (always, in production): no effect.
int KillAfterCommits() {
  const char* value = std::getenv("CERTSHARE_TEST_KILL_AFTER_COMMITS");
  return value == nullptr ? 0 : std::atoi(value);
}

class Session {
 public:
  Session(const SubscribeFlags& flags, agent::BrokerClient& client,
          wire::SubscribeRequest request, const wire::Message& subscribed, agent::Feed& feed)
      : f_(flags),
        client_(client),
        req_(std::move(request)),
        feed_(feed),
        acked_(subscribed.sequence > 0 ? subscribed.sequence - 1 : 0),
        kill_after_commits_(KillAfterCommits()) {}

  int Run();

 private:
  // The next wait for a message: until the next heartbeat, or sooner when
  // the output must roll a file.
  std::chrono::milliseconds NextWait(Clock::time_point now) const;
  // Commits the output if it holds records and, when `due_only`, is due.
  Status CommitIfNeeded(bool due_only, Clock::time_point now);
  // CONSUMED(what the feed has done) and `credit` more records.
  Status Acknowledge(std::uint32_t credit);
  // Commits, acknowledges and flushes; returns `exit`.
  int Finish(int exit);
  // After SIGTERM or SIGINT.
  int Stopped() {
    std::cerr << "certshare: stopping on a signal after " << passed_
              << " records; what was output is committed and acknowledged\n";
    return Finish(DoneExit());
  }
  int Fail(const Status& status, int exit);
  Status Resubscribe();
  // Another connection took the subscription over: commit what the output
  // holds (acknowledging is no longer possible), report, exit 8.
  int TakenOver(const wire::Message& msg);
  // Handles a DELIVER; returns an exit status to stop with, or -1.
  int Deliver(const wire::Message& msg, Clock::time_point now);
  int DoneExit() const { return quarantined_ > 0 ? kExitVerifyFailed : kExitOk; }

  const SubscribeFlags& f_;
  agent::BrokerClient& client_;
  wire::SubscribeRequest req_;
  agent::Feed& feed_;
  std::uint64_t acked_;
  bool acked_since_start_ = false;
  std::uint64_t passed_ = 0;
  std::uint64_t quarantined_ = 0;
  int commits_with_records_ = 0;
  int kill_after_commits_;
};

std::chrono::milliseconds Session::NextWait(Clock::time_point now) const {
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(kPingAfter);
  if (auto deadline = feed_.CommitDeadline()) {
    auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now);
    wait = std::clamp(until + std::chrono::milliseconds(1), std::chrono::milliseconds(0), wait);
  }
  return wait;
}

Status Session::CommitIfNeeded(bool due_only, Clock::time_point now) {
  if (feed_.Pending() == 0) return Status::Ok();
  if (due_only && !feed_.CommitDue(now)) return Status::Ok();
  CERTSHARE_RETURN_IF_ERROR(feed_.Commit());
  if (kill_after_commits_ > 0 && ++commits_with_records_ >= kill_after_commits_) {
    ::raise(SIGKILL);  // TESTS ONLY, see KillAfterCommits
  }
  return Status::Ok();
}

Status Session::Acknowledge(std::uint32_t credit) {
  std::uint64_t done = std::max(acked_, feed_.DoneThrough());
  if (done > acked_) acked_since_start_ = true;
  acked_ = done;
  return client_.Acknowledge(acked_, credit);
}

int Session::Fail(const Status& status, int exit) { return Report(status, exit); }

int Session::Finish(int exit) {
  Status committed = CommitIfNeeded(false, Clock::now());
  if (!committed.ok()) return Report(committed, kExitFailure);
  if (!Acknowledge(0).ok() || !acked_since_start_) return exit;
  // The connection does not linger: wait for a PONG, which the broker sends
  // after reading everything before the PING, our acknowledgements included.
  if (!client_.Ping().ok()) return exit;
  auto until = Clock::now() + kFlushWait;
  while (Clock::now() < until) {
    auto next = client_.Next(std::chrono::duration_cast<std::chrono::milliseconds>(
        until - Clock::now()));
    if (!next.ok() || next->msg.command == wire::Command::kPong) break;
  }
  return exit;
}

Status Session::Resubscribe() {
  if (req_.name.empty()) {
    // Not durable: start again after what is done (records taken but not
    // committed come again and the feed skips them).
    req_.start = wire::StartKind::kSequence;
    req_.start_value = acked_ + 1;
  } else {
    req_.start = wire::StartKind::kResume;
  }
  std::cerr << "certshare: the broker lost the subscription; subscribing again\n";
  const auto give_up = Clock::now() + kHeldRetryFor;
  while (true) {
    auto again = client_.Subscribe(req_, std::chrono::seconds(10));
    if (again.ok()) return Status::Ok();
    // Held: by this subscriber's previous connection, which the broker
    // has not seen go yet, or by another subscriber (then it stays held).
    if (again.status().code() != ErrorCode::kSubscriptionHeld || Clock::now() >= give_up ||
        g_stop) {
      return again.status();
    }
    std::this_thread::sleep_for(kHeldRetryEvery);
  }
}

int Session::TakenOver(const wire::Message& msg) {
  std::cerr << "certshare: " << ErrorCodeName(msg.error) << " (" << static_cast<int>(msg.error)
            << "): " << msg.text << "; stopping after " << passed_
            << " records (what was output and not yet acknowledged goes to the new "
               "subscriber too)\n";
  Status committed = CommitIfNeeded(false, Clock::now());
  if (!committed.ok()) return Report(committed, kExitFailure);
  return kExitTakenOver;
}

int Session::Deliver(const wire::Message& msg, Clock::time_point now) {
  auto taken = feed_.Take(msg.sequence, msg.record);
  if (!taken.ok()) {
    // Not acknowledged: the record comes again on the next run. What came
    // before it is committed and acknowledged.
    Finish(0);
    return Fail(taken.status().WithContext("record " + std::to_string(msg.sequence) +
                                           " not output, not acknowledged"),
                kExitFailure);
  }
  switch (taken->what) {
    case agent::Taken::What::kWritten:
      ++passed_;
      break;
    case agent::Taken::What::kDuplicate:
      std::cerr << "certshare: record " << msg.sequence
                << " was already output; skipped (delivered again)\n";
      break;
    case agent::Taken::What::kQuarantined:
      ++quarantined_;
      std::cerr << "certshare: record " << msg.sequence
                << " REJECTED, not output: " << taken->why.ToString()
                << (taken->quarantined.empty() ? "" : "; quarantined in " + taken->quarantined)
                << "\n";
      break;
  }
  Status committed = CommitIfNeeded(true, now);
  if (!committed.ok()) return Fail(committed, kExitFailure);
  // Only what the feed has done may move the cursor; one more record of
  // credit either way.
  Status acked = Acknowledge(1);
  if (!acked.ok()) return Fail(acked, kExitUnreachable);
  if (f_.count > 0 && passed_ + quarantined_ >= f_.count) return Finish(DoneExit());
  return -1;
}

int Session::Run() {
  // In the clock's own unit: seconds::max() would overflow when compared
  // with a steady_clock duration (nanoseconds) and stop at once.
  const Clock::duration idle_limit =
      f_.timeout_seconds > 0
          ? Clock::duration(std::chrono::seconds(f_.timeout_seconds))
          : Clock::duration::max();
  Clock::time_point last_heard = Clock::now();
  Clock::time_point last_record = Clock::now();
  while (true) {
    if (g_stop) return Stopped();
    auto next = client_.Next(NextWait(Clock::now()));
    if (g_stop) return Stopped();
    auto now = Clock::now();
    Status rolled = CommitIfNeeded(true, now);
    if (!rolled.ok()) return Fail(rolled, kExitFailure);
    if (!next.ok()) {
      if (next.status().code() != ErrorCode::kTimeout) {
        Finish(0);
        return Fail(next.status(), kExitUnreachable);
      }
      if (now - last_record >= idle_limit) {
        std::cerr << "certshare: no record for " << f_.timeout_seconds << " s; stopping after "
                  << passed_ << " records\n";
        return Finish(kExitUnreachable);
      }
      if (now - last_heard >= kBrokerSilence) {
        Finish(0);
        return Fail(Status(ErrorCode::kTimeout, "the broker stopped answering"),
                    kExitUnreachable);
      }
      // A probe: the acknowledgement also moves the cursor after a roll by
      // time; the PING is what the broker answers (PONG), so a quiet but
      // healthy broker is heard from. (Our own messages keep the broker
      // from PINGing us, so without it an idle feed would hear nothing.)
      Status probed = Acknowledge(0);
      if (probed.ok()) probed = client_.Ping();
      if (!probed.ok()) return Fail(probed, kExitUnreachable);
      continue;
    }
    last_heard = now;
    const wire::Message& msg = next->msg;
    if (msg.command == wire::Command::kError && msg.error == ErrorCode::kBadSubscription) {
      // The broker no longer knows this subscription (it restarted).
      Status again = Resubscribe();
      if (!again.ok()) {
        Finish(0);
        return Fail(again, ExitForBroker(again));
      }
      continue;
    }
    if (msg.command == wire::Command::kError &&
        msg.error == ErrorCode::kSubscriptionTakenOver) {
      return TakenOver(msg);
    }
    if (msg.command == wire::Command::kError) {
      Finish(0);
      return Fail(Status(msg.error, "the broker ended the subscription: " + msg.text),
                  kExitRefused);
    }
    if (msg.command == wire::Command::kCaughtUp) {
      std::cerr << "certshare: caught up with the broker at sequence " << msg.sequence << " ("
                << passed_ << " records received)\n";
      if (f_.until_caught_up) return Finish(DoneExit());
      continue;
    }
    if (msg.command != wire::Command::kDeliver) continue;
    last_record = now;
    int stop = Deliver(msg, now);
    if (stop >= 0) return stop;
  }
}

}  // namespace

int RunSubscribeSession(const SubscribeFlags& flags, agent::BrokerClient& client,
                        wire::SubscribeRequest request, const wire::Message& subscribed,
                        agent::Feed& feed) {
  CatchSignals();
  Session session(flags, client, std::move(request), subscribed, feed);
  return session.Run();
}

}  // namespace certshare::cli
