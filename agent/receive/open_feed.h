// certshare::agent::OpenFeed — a subscriber's Feed (feed.h) from where its
// records go (docs/agent.md, "Subscriber feeds"): the output (standard
// output, a directory of bundle files or a command), the state directory
// with its seen store, and the quarantine. `certshare subscribe`'s
// --output-dir, --roll-count, --roll-seconds, --exec, --exec-retries,
// --state-dir and --quarantine set the options, and the error messages
// name those flags.
//
// Thread-safety: plain functions; the Feed is used by one thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "agent/receive/feed.h"
#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {

// Neither output_dir nor exec: JSON lines on standard output.
struct FeedOptions {
  std::string output_dir;        // --output-dir: STIX bundle files in DIR
  std::size_t roll_count = 1000;  // --roll-count: records per file at most
  int roll_seconds = 60;         // --roll-seconds: a file is written once its first
                                 // record is this old; 0: by count only
  std::string exec;              // --exec: a command run per record
  int exec_retries = 3;          // --exec-retries
  std::string state_dir;   // --state-dir; default: <output_dir>.state; none for stdout
  std::string quarantine;  // --quarantine; default: <state_dir>/quarantine
  bool accept_previous_keys = false;  // --accept-previous-keys (render.h)
};

// The state directory used when none is given: "<DIR>.state" beside
// output_dir DIR (so the directory itself holds only bundles); empty for
// the other outputs.
std::string DefaultStateDir(const FeedOptions& options);

struct OpenedFeed {
  std::unique_ptr<Feed> feed;
  std::string state_dir;   // empty: no state kept
  std::string quarantine;  // empty: rejected records are only reported
};

// Makes the output, opens the state directory's seen store (made 0700 if
// new) and the quarantine, and opens the Feed (which finishes what a crash
// interrupted). `me` and `registry` must outlive the Feed.
// kInvalidArgument for options that do not go together (exec without a
// state directory, a state directory that is the output directory);
// kInUse naming the state directory when another subscriber uses it; the
// seen store's and directories' errors otherwise.
Result<OpenedFeed> OpenFeed(const FeedOptions& options, const identity::Identity& me,
                            const identity::Registry& registry);

}  // namespace certshare::agent
