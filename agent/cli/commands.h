// The certshare subcommands. Each Add* registers one subcommand on `app`;
// when it runs, it stores its exit status in *exit_code.
#pragma once

#include <CLI/CLI.hpp>

namespace certshare::cli {

void AddKeygen(CLI::App& app, int* exit_code);
void AddPublish(CLI::App& app, int* exit_code);
void AddSubscribe(CLI::App& app, int* exit_code);
void AddRegistry(CLI::App& app, int* exit_code);
void AddNew(CLI::App& app, int* exit_code);
void AddRevise(CLI::App& app, int* exit_code);
void AddValidate(CLI::App& app, int* exit_code);
void AddRsit(CLI::App& app, int* exit_code);
void AddInit(CLI::App& app, int* exit_code);
void AddProtect(CLI::App& app, int* exit_code);
// Store and forward (docs/agent.md, "Store and forward").
void AddFlush(CLI::App& app, int* exit_code);
void AddStatus(CLI::App& app, int* exit_code);
void AddGet(CLI::App& app, int* exit_code);
// Sensors (docs/agent.md, "Sensors").
void AddSensor(CLI::App& app, int* exit_code);
// The federation's offline authoring tools (docs/trust.md, "Operation").
void AddTrust(CLI::App& app, int* exit_code);

}  // namespace certshare::cli
