// The flags of `certshare subscribe` (subscribe_command.cc registers them;
// docs/agent.md documents them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/cli/context.h"

namespace certshare::cli {

struct SubscribeFlags {
  ContextFlags context;
  // What to receive.
  std::string name;
  bool take_over = false;  // --take-over: from the connection holding `name`
  std::uint64_t from = 0;
  std::string since;
  std::vector<std::string> types;
  std::vector<std::string> origins;
  std::vector<std::string> topics;
  std::string min_tlp = "clear";
  std::string max_tlp = "red";
  std::uint32_t credit = 256;
  // When to stop.
  std::uint64_t count = 0;
  bool until_caught_up = false;
  int timeout_seconds = 0;
  // Where records go (docs/agent.md, "Subscriber feeds"). Neither
  // output_dir nor exec: JSON lines on standard output.
  std::string output_dir;
  std::size_t roll_count = 1000;
  int roll_seconds = 60;
  std::string exec;
  int exec_retries = 3;
  std::string state_dir;   // default: <output_dir>.state; none for stdout
  std::string quarantine;  // default: <state_dir>/quarantine
};

}  // namespace certshare::cli
