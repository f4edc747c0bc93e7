// Store and forward for records this command made (docs/agent.md, "Store
// and forward"): what `certshare publish` and the builders' --publish share.
// The records are written to this identity's spool with one synced write,
// and only then sent (agent/link/send.h); by default the command waits
// until the broker has acknowledged them (exit 0) or refused them (exit 4);
// with no_wait it returns as soon as they are safely spooled. Records
// spooled earlier and still pending are sent first, in the order they were
// accepted. Here: the flags, Ctrl-C, and what the command prints.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "agent/cli/context.h"
#include "agent/cli/store_forward.h"
#include "agent/config/config.h"
#include "agent/link/compose.h"
#include "agent/link/compose_split.h"
#include "common/base/tlp.h"

namespace certshare::cli {

struct SendOptions {
  SpoolFlags spool;
  int timeout_seconds = 10;  // without an acknowledgement; records stay spooled
  bool json = false;         // print the result as one JSON object
  bool split = false;        // the records are a split bundle: print a summary
  bool no_wait = false;      // return once spooled
};

// What a publishing command's flags say about how its records are sealed
// (agent::ComposeOptions). Each command adds the flags it has.
struct ComposeFlags {
  std::string tlp;               // --tlp; empty: not given
  std::vector<std::string> to;   // --to; empty: publish.to of the configuration
  bool plaintext_green = false;  // --plaintext-green
  std::vector<std::string> topics;            // --topic
  std::string derive_topics = "clear-green";  // --derive-topics
};

// Adds --topic (repeatable, comma-separated) and --derive-topics
// clear-green|always|never (agent/stix/topics.h) to a publishing command.
void AddTopicFlags(CLI::App* cmd, ComposeFlags* flags);

// The compose options of `flags`: the TLP of --tlp (without it,
// `default_tlp`), the recipients of --to (without it, publish.to of
// `config`), encrypted GREEN unless --plaintext-green, the topics given and
// --derive-topics' mode. kInvalidArgument for a --tlp that is not a level.
Result<agent::ComposeOptions> ComposeOptionsOf(const ComposeFlags& flags,
                                               const agent::AgentConfig& config,
                                               std::optional<Tlp> default_tlp = std::nullopt);

// Spools `records` (one synced write), then forwards them. Prints the
// result (one line, or the summary of a split bundle; JSON with
// options.json) and returns the exit status. `context` must be the one
// the records were sealed with.
int SpoolAndSend(const SendOptions& options, const agent::SplitRecords& records,
                 const ContextFlags& flags, const Context& context);

}  // namespace certshare::cli
