// The subscriber's Feed as `certshare subscribe`'s flags describe it: the
// output (standard output, --output-dir or --exec), the state directory
// with its seen store, and the quarantine (docs/agent.md, "Subscriber
// feeds").
#pragma once

#include <memory>
#include <string>

#include "agent/cli/context.h"
#include "agent/cli/subscribe_flags.h"
#include "agent/output/feed.h"

namespace certshare::cli {

// The state directory used when --state-dir is not given: "<DIR>.state"
// beside --output-dir DIR (so the directory itself holds only bundles);
// empty for the other outputs.
std::string DefaultStateDir(const SubscribeFlags& flags);

struct OpenedFeed {
  std::unique_ptr<agent::Feed> feed;
  std::string state_dir;   // empty: no state kept
  std::string quarantine;  // empty: rejected records are only reported
};

// kInvalidArgument for flags that do not go together (caller: usage);
// kInUse naming the state directory when another subscriber uses it; the
// seen store's and directories' errors otherwise.
Result<OpenedFeed> OpenFeed(const SubscribeFlags& flags, const Context& context);

}  // namespace certshare::cli
