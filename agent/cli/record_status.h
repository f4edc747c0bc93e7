// `certshare status <stix-id|sequence> [--json]` (docs/receipts.md, "Who
// processed my record"): the receipts of one record this agent published.
// Kept apart from status_command.cc (the agent's own status), which only
// hands the record's name here.
#pragma once

#include <string>

#include "agent/cli/context.h"
#include "agent/cli/store_forward.h"

namespace certshare::cli {

struct RecordStatusArgs {
  const ContextFlags* context = nullptr;
  const SpoolFlags* spool = nullptr;
  std::string record;  // a STIX id (its latest version published) or a sequence
  bool json = false;
  int timeout_seconds = 5;
};

// Finds the record in the spool's notes, catches up the durable
// subscription "certshare-receipts" (receipt records only) into the
// receipts store, and prints every recipient of the record's signed
// header with its state. Exit 0; 3 when the record is not one this
// agent's spool published (or its note predates receipts); 5 when the
// broker was not reached (what the store holds is still printed); 1 when
// the store cannot be read.
int RunRecordStatus(const RecordStatusArgs& args);

}  // namespace certshare::cli
