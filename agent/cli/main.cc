// certshare: the agent command line a CERT's analysts and sensors use.
#include <CLI/CLI.hpp>

#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/usage_hints.h"
#include "common/base/core_dumps.h"
#include "common/base/version.h"
#include "common/crypto/keys.h"

int main(int argc, char** argv) {
  using namespace certshare;
  // Before anything reads a secret (common/base/core_dumps.h).
  if (Status s = ForbidCoreDumps(); !s.ok()) return cli::Report(s, cli::kExitFailure);
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
  cli::AddInit(app, &exit_code);
  cli::AddProtect(app, &exit_code);
  cli::AddFlush(app, &exit_code);
  cli::AddStatus(app, &exit_code);
  cli::AddGet(app, &exit_code);
  cli::AddSensor(app, &exit_code);
  cli::AddTrust(app, &exit_code);

  app.footer(
      "Settings: a flag wins over its CERTSHARE_* environment variable, which wins over the\n"
      "configuration file (--config FILE, CERTSHARE_CONFIG, or ~/.config/certshare/agent.toml;\n"
      "`certshare init` writes one). `certshare <command> --help` lists a command's flags.\n"
      "Exit status: 0 ok, 1 other failure, 2 usage (bad or missing flag or setting),\n"
      "3 invalid input (file, STIX, keys, configuration, wrong passphrase), 4 refused by the\n"
      "broker, 5 broker unreachable, 6 a received record failed verification, 7 spool full.\n"
      "docs/agent.md describes every command.");

  app.set_version_flag("--version", VersionLine("certshare"),
                       "print the version (and the source commit) and exit");

  Status s = crypto::Init();
  if (!s.ok()) return cli::Report(s, cli::kExitFailure);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A mistyped command or option: name it, with the closest one there is
    // ("did you mean"); anything else in the parser's words.
    if (cli::ExplainUnknownWord(app, argc, argv, std::cerr)) return cli::kExitUsage;
    app.exit(e);
    return cli::kExitUsage;
  } catch (const cli::CommandLineError& e) {
    // A missing setting or an unusable configuration file (context.h),
    // found once a command's own flags were parsed: a mistyped option
    // after them is the first thing to fix.
    if (cli::ExplainUnknownWord(app, argc, argv, std::cerr)) return cli::kExitUsage;
    return cli::Report(e.status, e.exit);
  }
  return exit_code;
}
