#include "agent/receive/subscriber_session.h"

#include <algorithm>
#include <optional>
#include <thread>

namespace certshare::agent {

namespace {

using Clock = std::chrono::steady_clock;
using Why = SessionEnd::Why;

// Heartbeat: after this much silence the subscriber repeats its last
// acknowledgement, which also tells it whether the broker still holds the
// subscription (a restarted broker answers BAD_SUBSCRIPTION and the
// subscriber subscribes again from where it is). It gives up after
// kBrokerSilence without any message; each probe carries a PING, which the
// broker answers.
constexpr auto kPingAfter = std::chrono::seconds(5);
constexpr auto kBrokerSilence = std::chrono::seconds(20);
// Subscribing again and told SUBSCRIPTION_HELD: how long to keep trying,
// and how often. Longer than the broker's default heartbeat timeout
// (15 s), after which it lets go of a connection that went silent.
constexpr auto kHeldRetryFor = std::chrono::seconds(20);
constexpr auto kHeldRetryEvery = std::chrono::seconds(1);
// How long the last acknowledgement may take to reach the broker at exit.
constexpr auto kFlushWait = std::chrono::seconds(2);
// Credit owed is granted once no further record has come for this long:
// records trickling in live are acknowledged a few at a time, not each
// with two frames of its own, and the window is never held back for more.
constexpr auto kGrantAfter = std::chrono::milliseconds(10);

class Session {
 public:
  Session(SubscriberConnection& connection, wire::SubscribeRequest request,
          const wire::Message& subscribed, Feed& feed, const SessionOptions& options)
      : o_(options),
        connection_(connection),
        req_(std::move(request)),
        feed_(feed),
        acked_(subscribed.sequence > 0 ? subscribed.sequence - 1 : 0) {}

  SessionEnd Run();

 private:
  bool StopAsked() const { return o_.stop != nullptr && o_.stop->load(); }
  void Say(const std::string& line) const {
    if (o_.say) o_.say(line);
  }
  // The next wait for a message: until the next heartbeat, or sooner when
  // the output must roll a file.
  std::chrono::milliseconds NextWait(Clock::time_point now) const;
  // Commits the output if it holds records and, when `due_only`, is due.
  Status CommitIfNeeded(bool due_only, Clock::time_point now);
  // CONSUMED(what the feed has done) and `credit` more records.
  Status Acknowledge(std::uint32_t credit);
  // Acknowledges with the credit owed for the records taken since the
  // last grant.
  Status GrantOwed() {
    const std::uint32_t owed = owed_;
    owed_ = 0;
    return Acknowledge(owed);
  }
  // Records taken before the owed credit is granted while more are
  // waiting: a quarter of the window, so the broker always has credit.
  std::uint32_t GrantEvery() const { return std::max<std::uint32_t>(1, req_.credit / 4); }
  // Commits, acknowledges and flushes; returns the commit's error.
  Status Finish();
  // Ends the session: `why`, with `status` for the failures.
  SessionEnd End(Why why, Status status = Status::Ok()) const;
  // Finishes, then ends with `why` (kFailed if the commit failed).
  SessionEnd Finished(Why why);
  // Ends with a failure after finishing what can be: an error committing
  // is only said, `status` is why the session ends.
  SessionEnd FailAfterFinish(Why why, Status status);
  // After *stop became true.
  SessionEnd Stopped() {
    Say("stopping on a signal after " + std::to_string(passed_) +
        " records; what was output is committed and acknowledged");
    return Finished(Why::kDone);
  }
  Status Resubscribe();
  // Sends TRUST_GET when due (federation mode).
  Status TickTrust() {
    if (o_.trust == nullptr) return Status::Ok();
    return o_.trust->Tick([this](std::uint64_t root, std::uint64_t registry) {
      return connection_.SendTrustGet(root, registry);
    });
  }
  // Another connection took the subscription over: commit what the output
  // holds (acknowledging is no longer possible) and end.
  SessionEnd TakenOver(const wire::Message& msg);
  // Handles a DELIVER; returns how the session ends, if it does.
  std::optional<SessionEnd> Deliver(const wire::Message& msg, Clock::time_point now);

  const SessionOptions& o_;
  SubscriberConnection& connection_;
  wire::SubscribeRequest req_;
  Feed& feed_;
  std::uint64_t acked_;
  bool acked_since_start_ = false;
  std::uint32_t owed_ = 0;  // credit for records taken, not yet granted again
  std::uint64_t passed_ = 0;
  std::uint64_t quarantined_ = 0;
  std::uint64_t receipts_ = 0;
  std::uint64_t receipts_kept_ = 0;
};

std::chrono::milliseconds Session::NextWait(Clock::time_point now) const {
  // Owed credit: wait briefly for more records, and grant it if none come.
  if (owed_ > 0) return kGrantAfter;
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(kPingAfter);
  if (o_.trust != nullptr) wait = std::min(wait, o_.trust->UntilDue());
  if (auto deadline = feed_.CommitDeadline()) {
    auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now);
    wait = std::clamp(until + std::chrono::milliseconds(1), std::chrono::milliseconds(0), wait);
  }
  return wait;
}

Status Session::CommitIfNeeded(bool due_only, Clock::time_point now) {
  if (feed_.Pending() == 0) return Status::Ok();
  if (due_only && !feed_.CommitDue(now)) return Status::Ok();
  return feed_.Commit();
}

Status Session::Acknowledge(std::uint32_t credit) {
  std::uint64_t done = std::max(acked_, feed_.DoneThrough());
  if (done > acked_) acked_since_start_ = true;
  acked_ = done;
  return connection_.Acknowledge(acked_, credit);
}

SessionEnd Session::End(Why why, Status status) const {
  SessionEnd end;
  end.why = why;
  end.status = std::move(status);
  end.passed = passed_;
  end.quarantined = quarantined_;
  end.receipts = receipts_;
  end.receipts_kept = receipts_kept_;
  return end;
}

Status Session::Finish() {
  CERTSHARE_RETURN_IF_ERROR(CommitIfNeeded(false, Clock::now()));
  CERTSHARE_RETURN_IF_ERROR(feed_.FlushReceipts(Clock::now(), /*all=*/true));
  if (!Acknowledge(0).ok() || !acked_since_start_) return Status::Ok();
  // The connection does not linger: wait for a PONG, which the broker sends
  // after reading everything before the PING, our acknowledgements included.
  if (!connection_.Ping().ok()) return Status::Ok();
  auto until = Clock::now() + kFlushWait;
  while (Clock::now() < until) {
    auto next = connection_.Next(
        std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
    if (!next.ok() || next->msg.command == wire::Command::kPong) break;
  }
  return Status::Ok();
}

SessionEnd Session::Finished(Why why) {
  Status committed = Finish();
  if (!committed.ok()) return End(Why::kFailed, committed);
  return End(why);
}

SessionEnd Session::FailAfterFinish(Why why, Status status) {
  Status committed = Finish();
  if (!committed.ok()) Say(committed.ToString());
  return End(why, std::move(status));
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
  Say("the broker lost the subscription; subscribing again");
  const auto give_up = Clock::now() + kHeldRetryFor;
  while (true) {
    auto again = connection_.Subscribe(req_, std::chrono::seconds(10));
    if (again.ok()) {
      owed_ = 0;  // the new subscription starts with the request's whole credit
      // Perhaps a new broker process: register this connection again.
      if (o_.trust != nullptr) o_.trust->AskNow();
      return Status::Ok();
    }
    // Held: by this subscriber's previous connection, which the broker
    // has not seen go yet, or by another subscriber (then it stays held).
    if (again.status().code() != ErrorCode::kSubscriptionHeld || Clock::now() >= give_up ||
        StopAsked()) {
      return again.status();
    }
    std::this_thread::sleep_for(kHeldRetryEvery);
  }
}

SessionEnd Session::TakenOver(const wire::Message& msg) {
  Say(std::string(ErrorCodeName(msg.error)) + " (" +
      std::to_string(static_cast<int>(msg.error)) + "): " + msg.text + "; stopping after " +
      std::to_string(passed_) +
      " records (what was output and not yet acknowledged goes to the new subscriber too)");
  Status committed = CommitIfNeeded(false, Clock::now());
  if (!committed.ok()) return End(Why::kFailed, committed);
  return End(Why::kTakenOver);
}

std::optional<SessionEnd> Session::Deliver(const wire::Message& msg, Clock::time_point now) {
  auto taken = feed_.Take(msg.sequence, msg.record);
  if (!taken.ok()) {
    // Not acknowledged: the record comes again on the next run. What came
    // before it is committed and acknowledged.
    return FailAfterFinish(Why::kFailed,
                           taken.status().WithContext("record " + std::to_string(msg.sequence) +
                                                      " not output, not acknowledged"));
  }
  switch (taken->what) {
    case Taken::What::kWritten:
      ++passed_;
      break;
    case Taken::What::kDuplicate:
      Say("record " + std::to_string(msg.sequence) +
          " was already output; skipped (delivered again)");
      break;
    case Taken::What::kReceipt:
      ++receipts_;
      receipts_kept_ += taken->kept;
      break;
    case Taken::What::kQuarantined:
      ++quarantined_;
      Say("record " + std::to_string(msg.sequence) +
          " REJECTED, not output: " + taken->why.ToString() +
          (taken->quarantined.empty() ? "" : "; quarantined in " + taken->quarantined));
      break;
  }
  Status committed = CommitIfNeeded(true, now);
  if (!committed.ok()) return End(Why::kFailed, committed);
  // One more record of credit either way, granted with the acknowledgement
  // once a quarter of the window is owed, or sooner when no record comes
  // for kGrantAfter (Run). Only what the feed has done moves the cursor.
  if (++owed_ >= GrantEvery()) {
    Status acked = GrantOwed();
    if (!acked.ok()) return End(Why::kBrokerLost, acked);
  }
  if (o_.count > 0 && passed_ + quarantined_ >= o_.count) return Finished(Why::kDone);
  return std::nullopt;
}

SessionEnd Session::Run() {
  // In the clock's own unit: seconds::max() would overflow when compared
  // with a steady_clock duration (nanoseconds) and stop at once.
  const Clock::duration idle_limit =
      o_.timeout_seconds > 0
          ? Clock::duration(std::chrono::seconds(o_.timeout_seconds))
          : Clock::duration::max();
  Clock::time_point last_heard = Clock::now();
  Clock::time_point last_record = Clock::now();
  while (true) {
    if (StopAsked()) return Stopped();
    Status asked = TickTrust();
    if (!asked.ok()) return FailAfterFinish(Why::kBrokerLost, asked);
    auto next = connection_.Next(NextWait(Clock::now()));
    if (StopAsked()) return Stopped();
    auto now = Clock::now();
    Status rolled = CommitIfNeeded(true, now);
    if (rolled.ok()) rolled = feed_.FlushReceipts(now, /*all=*/false);
    if (!rolled.ok()) return End(Why::kFailed, rolled);
    if (!next.ok()) {
      if (next.status().code() != ErrorCode::kTimeout) {
        return FailAfterFinish(Why::kBrokerLost, next.status());
      }
      if (owed_ > 0) {
        // No record came within kGrantAfter: grant what is owed now.
        Status acked = GrantOwed();
        if (!acked.ok()) return End(Why::kBrokerLost, acked);
        continue;
      }
      if (now - last_record >= idle_limit) {
        Say("no record for " + std::to_string(o_.timeout_seconds) + " s; stopping after " +
            std::to_string(passed_) + " records");
        return Finished(Why::kIdle);
      }
      if (now - last_heard >= kBrokerSilence) {
        return FailAfterFinish(Why::kBrokerLost,
                               Status(ErrorCode::kTimeout, "the broker stopped answering"));
      }
      // A probe: the acknowledgement also moves the cursor after a roll by
      // time; the PING is what the broker answers (PONG), so a quiet but
      // healthy broker is heard from. (Our own messages keep the broker
      // from PINGing us, so without it an idle feed would hear nothing.)
      Status probed = Acknowledge(0);
      if (probed.ok()) probed = connection_.Ping();
      if (!probed.ok()) return End(Why::kBrokerLost, probed);
      continue;
    }
    last_heard = now;
    const wire::Message& msg = next->msg;
    if (o_.trust != nullptr && o_.trust->Handle(msg)) continue;
    if (msg.command == wire::Command::kError && msg.error == ErrorCode::kBadSubscription) {
      // The broker no longer knows this subscription (it restarted).
      Status again = Resubscribe();
      if (!again.ok()) {
        return FailAfterFinish(BrokerNotReached(again) ? Why::kBrokerLost : Why::kRefused,
                               again);
      }
      continue;
    }
    if (msg.command == wire::Command::kError &&
        msg.error == ErrorCode::kSubscriptionTakenOver) {
      return TakenOver(msg);
    }
    if (msg.command == wire::Command::kError) {
      return FailAfterFinish(
          Why::kRefused, Status(msg.error, "the broker ended the subscription: " + msg.text));
    }
    if (msg.command == wire::Command::kCaughtUp) {
      Say("caught up with the broker at sequence " + std::to_string(msg.sequence) + " (" +
          std::to_string(passed_) + " records received)");
      if (o_.until_caught_up) return Finished(Why::kDone);
      continue;
    }
    if (msg.command != wire::Command::kDeliver) continue;
    last_record = now;
    if (auto end = Deliver(msg, now)) return *end;
  }
}

}  // namespace

SessionEnd RunSubscriberSession(SubscriberConnection& connection, wire::SubscribeRequest request,
                                const wire::Message& subscribed, Feed& feed,
                                const SessionOptions& options) {
  Session session(connection, std::move(request), subscribed, feed, options);
  return session.Run();
}

}  // namespace certshare::agent
