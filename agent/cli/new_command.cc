// certshare new incident|indicator|sighting|bundle: STIX 2.1 records for
// analysts, without writing JSON (docs/agent.md, "Building records").
#include "agent/cli/commands.h"
#include "agent/cli/new_commands.h"

namespace certshare::cli {

void AddNew(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "new", "build a STIX 2.1 incident, indicator, sighting or bundle, ready to publish");
  cmd->require_subcommand(1);
  AddNewIncident(*cmd, exit_code);
  AddNewIndicator(*cmd, exit_code);
  AddNewSighting(*cmd, exit_code);
  AddNewBundle(*cmd, exit_code);
}

}  // namespace certshare::cli
