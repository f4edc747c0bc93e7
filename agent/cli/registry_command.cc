// certshare registry import|show
#include <filesystem>
#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/identity/registry.h"

namespace certshare::cli {

namespace {

struct RegistryFlags {
  ContextFlags context;  // only the registry: --registry / CERTSHARE_REGISTRY / registry
  std::vector<std::string> cards;
};

// One import argument into `registry`: a card file (certshare-card-v1), or
// a whole registry (certshare-registry-v1: a registry file, or what
// `certshare-broker admin show --json` prints), whose organisations,
// bookkeeping included (revocations, previous keys), and groups replace
// those of the same ids. Appends what it did to `said`.
Status ImportFile(const std::string& path, identity::Registry* registry,
                  std::vector<std::string>* said) {
  CERTSHARE_ASSIGN_OR_RETURN(std::string text, files::Read(path, 16u << 20));
  rapidjson::Document doc;
  std::string format;
  if (!json::Parse(text, &doc).ok() || !doc.IsObject() ||
      !json::GetString(doc, "format", &format) || format != identity::kRegistryFormat) {
    // A card, or a file LoadCard explains the trouble with.
    CERTSHARE_ASSIGN_OR_RETURN(identity::Card card, identity::LoadCard(path));
    CERTSHARE_RETURN_IF_ERROR(registry->Put(card).WithContext(path));
    said->push_back("imported " + card.org + " from " + path);
    return Status::Ok();
  }
  Result<identity::Registry> other = identity::Registry::Parse(text);
  if (!other.ok()) return other.status().WithContext(path);
  for (const auto& [org, card] : other->cards()) {
    CERTSHARE_RETURN_IF_ERROR(registry->Put(card).WithContext(path));
    said->push_back("imported " + org +
                    (card.revoked ? " (revoked at " + card.revoked_at + ")" : std::string()) +
                    " from " + path);
  }
  for (const auto& [name, members] : other->groups()) {
    CERTSHARE_RETURN_IF_ERROR(registry->PutGroup(name, members).WithContext(path));
    said->push_back("imported group:" + name + " from " + path);
  }
  return Status::Ok();
}

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
    if (Status s = ImportFile(path, &registry, &imported); !s.ok()) {
      return Report(s.WithContext("nothing was imported (" + f.context.registry +
                                  " is unchanged)"),
                    kExitInvalidInput);
    }
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
      "import",
      "add or replace organisations' public cards, or every organisation and group of a "
      "registry file such as `certshare-broker admin show --json` prints (creates the "
      "registry if missing)");
  AddContextFlags(import, &flags->context, registry_only);
  import->add_option("cards", flags->cards, "card files or registry files")->required();
  import->callback([flags, exit_code] { *exit_code = RunImport(*flags); });
  CLI::App* show = cmd->add_subcommand(
      "show", "list the registered organisations (revoked ones marked) and the sharing groups");
  AddContextFlags(show, &flags->context, registry_only);
  show->callback([flags, exit_code] { *exit_code = RunShow(*flags); });
}

}  // namespace certshare::cli
