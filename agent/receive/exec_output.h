// certshare::agent::ExecOutput — runs a command for each record
// (`certshare subscribe --exec CMD`): `/bin/sh -c CMD` with the record's
// JSON line (as agent::Render prints it, with a newline) on its standard
// input, certshare's standard output and error as its own.
//
// A record is passed on when the command exits 0. Otherwise the command is
// run again after a backoff (first_backoff, doubled each time, at most
// max_backoff), up to `retries` more times; if it still fails, Write
// returns kUnavailable naming the record and the last exit status, and the
// subscriber stops without acknowledging the record: it is neither skipped
// nor lost, and the next run starts with it. A command that does not read
// its input is judged by its exit status alone.
//
// The command's environment is built afresh, never inherited: it holds
// only PATH, HOME, USER, LOGNAME, LANG, LC_ALL, LC_CTYPE, TZ and TMPDIR from
// certshare's own environment, plus the record's signed header fields
// CERTSHARE_SEQUENCE, CERTSHARE_ORIGIN, CERTSHARE_TLP, CERTSHARE_TYPE,
// CERTSHARE_ID and CERTSHARE_MODIFIED. So no secret certshare was given
// through its environment (a passphrase, a key path) reaches the command.
// It inherits no other file descriptor of certshare's.
//
// A command runs to its end: certshare puts no time limit on it (while it
// runs the subscription is idle; if the broker closes it for silence, the
// subscriber subscribes again and resumes).
//
// Thread-safety: one thread per ExecOutput.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "agent/receive/output.h"

namespace certshare::agent {

struct ExecOutputOptions {
  // The command line, run with /bin/sh -c. Required.
  std::string command;
  // Runs after a failure before giving up. Default 3 (4 runs in all).
  int retries = 3;
  // Wait before the first rerun; doubled for each further one. Default 1 s.
  std::chrono::milliseconds first_backoff{1000};
  // Longest wait between runs. Default 30 s.
  std::chrono::milliseconds max_backoff{30000};
  // How to wait (tests pass one that records instead of sleeping). Default:
  // std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Told about each failed run ("exit status 3; running it again in 1 s");
  // default: a line on standard error.
  std::function<void(const std::string&)> warn;
};

class ExecOutput final : public Output {
 public:
  explicit ExecOutput(ExecOutputOptions options);

  Status Recover(const std::vector<std::string>& redo) override;
  Status Write(const Verified& record) override;
  bool CommitDue(OutputClock::time_point) const override { return true; }
  Status Commit(const Journal& journal) override { return journal(""); }
  std::string Describe() const override { return "command " + options_.command; }

 private:
  // Runs the command once: OK when it exits 0, else a description.
  Status RunOnce(const Verified& record);
  ExecOutputOptions options_;
};

}  // namespace certshare::agent
