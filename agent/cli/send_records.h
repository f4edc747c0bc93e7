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

#include <string>
#include <vector>

#include "agent/cli/context.h"
#include "agent/cli/store_forward.h"
#include "agent/link/compose_split.h"
#include "agent/stix/topics.h"

namespace certshare::cli {

struct SendOptions {
  SpoolFlags spool;
  int timeout_seconds = 10;  // without an acknowledgement; records stay spooled
  bool json = false;         // print the result as one JSON object
  bool split = false;        // the records are a split bundle: print a summary
  bool no_wait = false;      // return once spooled
};

// Adds --topic (repeatable, comma-separated) and --derive-topics
// clear-green|always|never (agent/stix/topics.h) to a publishing command.
void AddTopicFlags(CLI::App* cmd, std::vector<std::string>* topics, std::string* derive);
// The mode a checked --derive-topics value names.
agent::TopicMode ParseTopicMode(const std::string& derive);

// Spools `records` (one synced write), then forwards them. Prints the
// result (one line, or the summary of a split bundle; JSON with
// options.json) and returns the exit status. `context` must be the one
// the records were sealed with.
int SpoolAndSend(const SendOptions& options, const agent::SplitRecords& records,
                 const ContextFlags& flags, const Context& context);

}  // namespace certshare::cli
