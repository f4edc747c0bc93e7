// The `certshare new <kind>` builders, each in its own file, registered on
// the `new` subcommand by AddNew (new_command.cc).
#pragma once

#include <CLI/CLI.hpp>

namespace certshare::cli {

void AddNewIncident(CLI::App& parent, int* exit_code);
void AddNewIndicator(CLI::App& parent, int* exit_code);
void AddNewSighting(CLI::App& parent, int* exit_code);
void AddNewBundle(CLI::App& parent, int* exit_code);

}  // namespace certshare::cli
