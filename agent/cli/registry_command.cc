// certshare registry import|show
#include <filesystem>
#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "common/base/file_util.h"
#include "common/identity/registry.h"

namespace certshare::cli {

namespace {

struct RegistryFlags {
  ContextFlags context;  // only the registry: --registry / CERTSHARE_REGISTRY / registry
  std::vector<std::string> cards;
};

int RunImport(const RegistryFlags& f) {
  identity::Registry registry;
  std::error_code exists_error;
  if (std::filesystem::exists(f.context.registry, exists_error) || exists_error) {
    auto loaded = identity::Registry::Load(f.context.registry);
    if (!loaded.ok()) return Report(loaded.status(), kExitInvalidInput);
    registry = std::move(*loaded);
  }
  // All or nothing: every card is checked before the file is written, and
  // what was imported is said only once it is.
  std::vector<std::string> imported;
  for (const auto& path : f.cards) {
    auto card = identity::LoadCard(path);
    Status s = card.ok() ? registry.Put(*card) : card.status();
    if (!s.ok()) {
      if (card.ok()) s = s.WithContext(path);  // LoadCard's errors name it already
      return Report(s.WithContext("nothing was imported (" + f.context.registry +
                                  " is unchanged)"),
                    kExitInvalidInput);
    }
    imported.push_back("imported " + card->org + " from " + path);
  }
  Status s = files::WriteAtomic(f.context.registry, registry.ToJson());
  if (!s.ok()) return Report(s, kExitFailure);
  for (const std::string& line : imported) std::cout << line << "\n";
  return kExitOk;
}

int RunShow(const RegistryFlags& f) {
  auto registry = identity::Registry::Load(f.context.registry);
  if (!registry.ok()) return Report(registry.status(), kExitInvalidInput);
  std::cout << identity::Describe(*registry);
  return kExitOk;
}

}  // namespace

void AddRegistry(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<RegistryFlags>();
  const Needs registry_only{/*identity=*/false, /*registry=*/true, /*broker=*/false};
  CLI::App* cmd = app.add_subcommand("registry", "manage this agent's copy of the registry");
  cmd->require_subcommand(1);
  CLI::App* import = cmd->add_subcommand(
      "import", "add or replace organisations' public cards (creates the registry if missing)");
  AddContextFlags(import, &flags->context, registry_only);
  import->add_option("cards", flags->cards, "card files")->required();
  import->callback([flags, exit_code] { *exit_code = RunImport(*flags); });
  CLI::App* show = cmd->add_subcommand(
      "show", "list the registered organisations (revoked ones marked) and the sharing groups");
  AddContextFlags(show, &flags->context, registry_only);
  show->callback([flags, exit_code] { *exit_code = RunShow(*flags); });
}

}  // namespace certshare::cli
