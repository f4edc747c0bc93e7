// `certshare-broker admin`: the command line of the operator's registry
// changes (docs/operations.md). Part of the certshare-broker program only.
#pragma once

namespace CLI {
class App;
}

namespace certshare::broker {

// Adds the `admin` subcommand (add-org, rotate, revoke, show) to `app`.
// When one of them runs, its exit status is stored in *exit_code.
void AddAdminCommand(CLI::App& app, int* exit_code);

}  // namespace certshare::broker
