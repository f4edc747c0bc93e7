// certshare::agent::ReceiptsOnlyOutput — the Output of a subscription that
// asks the broker for receipt records only (`certshare status <id>`'s
// catch-up, docs/receipts.md): the Feed keeps receipts itself and never
// writes them to an output, so any record that reaches Write is one the
// subscription's type filter should have kept away: refused (INTERNAL),
// not acknowledged.
//
// Thread-safety: one thread, as every Output.
#pragma once

#include "agent/receive/output.h"

namespace certshare::agent {

class ReceiptsOnlyOutput final : public Output {
 public:
  Status Recover(const std::vector<std::string>& redo) override {
    if (!redo.empty()) {
      return Status(ErrorCode::kInternal, "the receipts subscription has nothing to redo");
    }
    return Status::Ok();
  }
  Status Write(const Verified& record) override {
    return Status(ErrorCode::kInternal, "the receipts subscription received " + record.id +
                                            ", which is not a receipt");
  }
  bool CommitDue(OutputClock::time_point) const override { return true; }
  Status Commit(const Journal& journal) override { return journal(""); }
  std::string Describe() const override { return "the receipts store"; }
};

}  // namespace certshare::agent
