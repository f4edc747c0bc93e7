// certshare init [--org ORG] [--broker ENDPOINT] [--out FILE]
//
// Writes a commented agent configuration file (agent/config/config.h), never over
// an existing one, and prints what to do next.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/config/config.h"
#include "common/base/file_util.h"
#include "common/identity/identity.h"

namespace certshare::cli {

namespace {

struct InitFlags {
  std::string org;
  std::string broker;
  std::string out;
};

int RunInit(const InitFlags& f) {
  if (!f.org.empty() && !identity::IsValidOrgId(f.org)) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         "--org \"" + f.org + "\" must be 1-64 characters of A-Z a-z 0-9 . _ -"),
                  kExitUsage);
  }
  if (!f.broker.empty() && f.broker.find("://") == std::string::npos) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         "--broker must be a ZeroMQ endpoint such as tcp://broker.example:7700"),
                  kExitUsage);
  }
  const std::string default_path =
      agent::DefaultConfigPath(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
  const std::string path = f.out.empty() ? default_path : f.out;
  if (path.empty()) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         "neither XDG_CONFIG_HOME nor HOME is set: pass --out FILE"),
                  kExitUsage);
  }
  const std::string text = agent::RenderConfigTemplate({f.org, f.broker});
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  // What the file says, resolved as certshare will read it.
  auto config = agent::ParseAgentConfig(text, dir);
  if (!config.ok()) {
    return Report(Status(ErrorCode::kInternal, "certshare init made a configuration it "
                                               "cannot read (a bug; please report it): " +
                                                   config.status().message()),
                  kExitFailure);
  }
  Status s = files::MakeDirs(dir);
  if (s.ok()) s = files::WriteNew(path, text, 0644);
  if (s.code() == ErrorCode::kAlreadyExists) {
    return Report(Status(ErrorCode::kAlreadyExists,
                         path + " already exists; certshare init never overwrites it. Edit "
                                "it, or pass --out FILE to write another"),
                  kExitInvalidInput);
  }
  if (!s.ok()) return Report(s, kExitFailure);

  const std::string use = path == default_path
                              ? std::string()
                              : " --config " + path;
  const std::string keys = dir + "/keys";
  std::cout << "wrote " << path << " (every key is explained in it)\n\nNext steps:\n";
  int step = 0;
  if (!f.org.empty()) {
    std::cout << "  " << ++step << ". create the identity (add --protect for a passphrase):\n"
              << "       certshare keygen --org " << f.org << " --out " << keys << "\n"
              << "     and give " << keys << "/" << f.org
              << ".card.json to the broker operator and your peers\n";
  } else {
    std::cout << "  " << ++step << ". set identity in " << path
              << " to your secret file, or create one:\n"
              << "       certshare keygen --org <ORG> --out " << keys << "\n";
  }
  std::cout << "  " << ++step << ". save the broker's card as " << config->broker_card << "\n";
  std::cout << "  " << ++step << ". import the cards of the organisations you exchange with:\n"
            << "       certshare registry import" << use << " CARD...\n";
  if (f.broker.empty()) {
    std::cout << "  " << ++step << ". set endpoint in the [broker] section of " << path << "\n";
  }
  std::cout << "  " << ++step << ". check that everything is found and the broker answers:\n"
            << "       certshare status" << use << "\n";
  if (!use.empty()) {
    std::cout << "Commands find this file with --config " << path
              << " or CERTSHARE_CONFIG=" << path << ".\n";
  }
  return kExitOk;
}

}  // namespace

void AddInit(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<InitFlags>();
  CLI::App* cmd = app.add_subcommand(
      "init", "write a commented agent configuration file (never overwrites one)");
  cmd->add_option("--org", flags->org,
                  "organisation id: sets identity to keys/<ORG>.secret.json beside the file");
  cmd->add_option("--broker", flags->broker, "the broker's endpoint, e.g. tcp://broker:7700");
  cmd->add_option("--out", flags->out,
                  "where to write it (default: ~/.config/certshare/agent.toml, or under "
                  "$XDG_CONFIG_HOME)");
  cmd->callback([flags, exit_code] { *exit_code = RunInit(*flags); });
}

}  // namespace certshare::cli
