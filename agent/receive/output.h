// certshare::agent::Output — where a subscriber puts the records it has
// verified and decrypted: JSON lines on standard output, a directory of
// STIX bundle files, or a command run per record (docs/agent.md,
// "Subscriber feeds").
//
// The subscriber (agent::Feed) calls Write for each verified record, then
// Commit when CommitDue says so (at once for outputs that pass each record
// on as it comes). Only after Commit returns OK does it acknowledge the
// records to the broker: an acknowledged record is always safely output.
//
// Commit and the duplicate check. Commit receives a `Journal`: it must call
// it exactly once, at the moment the records are durable, with a redo
// action (or "" when there is nothing to redo). The subscriber records the
// records' keys and the action in one synced write. When the output can
// finish its commit from durable state alone (a directory: rename an
// fsynced temporary file), it calls the journal *before* making the
// records visible and Recover finishes the action after a crash, so keys
// and output change together and a redelivered record is never output
// twice. Outputs that cannot (standard output, a command) pass each record
// on in Write and call the journal right after: a crash in the
// microseconds between the two can output that one record twice.
//
// Errors from Write or Commit mean the records were not committed: the
// subscriber stops without acknowledging them, and a restart receives them
// again.
//
// Thread-safety: one thread per Output.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/receive/render.h"
#include "common/base/status.h"

namespace certshare::agent {

using OutputClock = std::chrono::steady_clock;

// Records the keys of the records being committed and `redo`, durably.
using Journal = std::function<Status(std::string_view redo)>;

class Output {
 public:
  virtual ~Output() = default;

  // Finishes the redo actions a crash interrupted (each as given to a
  // journal; actions of another output kind are an error), then removes
  // what an uncommitted batch left behind. Called once, before any Write.
  virtual Status Recover(const std::vector<std::string>& redo) = 0;

  // Whether `record` may join the records written since the last commit;
  // when not, the subscriber commits first (a directory: an object of the
  // record conflicts with a different object of the same id and version
  // already in the file).
  virtual bool Fits(const Verified& /*record*/) const { return true; }

  // Takes one verified record.
  virtual Status Write(const Verified& record) = 0;

  // Whether the records written should be committed now.
  virtual bool CommitDue(OutputClock::time_point now) const = 0;
  // When CommitDue will become true on its own (a directory rolled by
  // time), if records are waiting; nullopt otherwise.
  virtual std::optional<OutputClock::time_point> CommitDeadline() const {
    return std::nullopt;
  }

  // Makes every record written since the last commit durable (and
  // visible), calling `journal` once as described above. With nothing
  // written, calls it with "" and does nothing else.
  virtual Status Commit(const Journal& journal) = 0;

  // "standard output", "directory /srv/feed", ... for messages.
  virtual std::string Describe() const = 0;
};

}  // namespace certshare::agent
