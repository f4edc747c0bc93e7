// certshare: the agent command line a CERT's analysts and sensors use.
#include <CLI/CLI.hpp>

#include "agent/cli/commands.h"
#include "agent/cli/exit_codes.h"
#include "common/crypto/keys.h"
#include "agent/cli/context.h"

int main(int argc, char** argv) {
  using namespace certshare;
  CLI::App app{"certshare: share signed, encrypted STIX 2.1 incidents between CERTs"};
  app.require_subcommand(1);
  int exit_code = cli::kExitOk;
  cli::AddKeygen(app, &exit_code);
  cli::AddPublish(app, &exit_code);
  cli::AddSubscribe(app, &exit_code);
  cli::AddRegistry(app, &exit_code);
  cli::AddNew(app, &exit_code);
  cli::AddRevise(app, &exit_code);
  cli::AddValidate(app, &exit_code);
  cli::AddRsit(app, &exit_code);

  Status s = crypto::Init();
  if (!s.ok()) return cli::Report(s, cli::kExitFailure);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return cli::kExitUsage;
  }
  return exit_code;
}
