// certshare::agent::JsonLinesOutput — one JSON line per record (the line
// agent::Render describes) written to a file descriptor, normally standard
// output: `certshare subscribe | your-tool`.
//
// Each line is written whole with write(2) as it arrives (no user-space
// buffer), so a reader sees it at once and a crash of certshare after Write
// loses nothing. The line is then passed on: a crash before the journal
// records it can output it again after a restart (docs/agent.md). Commit
// is the journal call alone; CommitDue is always true.
//
// Errors: kIoError when the write fails (a closed pipe, a full disk).
#pragma once

#include <string>
#include <utility>

#include "agent/receive/output.h"

namespace certshare::agent {

class JsonLinesOutput final : public Output {
 public:
  // Writes to `fd`, which stays owned by the caller.
  explicit JsonLinesOutput(int fd, std::string description = "standard output")
      : fd_(fd), description_(std::move(description)) {}

  Status Recover(const std::vector<std::string>& redo) override;
  Status Write(const Verified& record) override;
  bool CommitDue(OutputClock::time_point) const override { return true; }
  Status Commit(const Journal& journal) override { return journal(""); }
  std::string Describe() const override { return description_; }

 private:
  int fd_;
  std::string description_;
};

}  // namespace certshare::agent
