// certshare keygen --org <id> --out <dir>
#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "common/identity/identity.h"

namespace certshare::cli {

namespace {
struct KeygenFlags {
  std::string org;
  std::string name;
  std::string out;
};

int RunKeygen(const KeygenFlags& f) {
  auto files = identity::Generate(f.org, f.name, f.out);
  if (!files.ok()) return Report(files.status(), kExitInvalidInput);
  std::cout << "created the identity of " << f.org << ":\n"
            << "  secret keys (keep private, mode 0600): " << files->secret_path << "\n"
            << "  public card (give to the broker operator and peers): "
            << files->card_path << "\n";
  return kExitOk;
}
}  // namespace

void AddKeygen(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<KeygenFlags>();
  CLI::App* cmd = app.add_subcommand(
      "keygen", "create an organisation's identity: signing, encryption and transport keys");
  cmd->add_option("--org", flags->org, "organisation id, e.g. CERT-EE")->required();
  cmd->add_option("--name", flags->name, "display name (default: the id)");
  cmd->add_option("--out", flags->out, "directory for <org>.secret.json and <org>.card.json")
      ->required();
  cmd->callback([flags, exit_code] { *exit_code = RunKeygen(*flags); });
}

}  // namespace certshare::cli
