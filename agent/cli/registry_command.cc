// certshare registry import|show|confirm
//
// Local mode: the hand-kept registry file. Federation mode (a pinned root in
// the trust directory): `show` lists the verified registry version and the
// cards imported by hand, `import` adds cards to the trust directory's
// local.json (never redefining a federation organisation), `confirm`
// accepts a key replacement after a compromise (agent/link/trust_store.h).
#include <filesystem>
#include <iostream>

#include "common/base/timestamp.h"

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/identity/registry.h"
#include "agent/link/trust_store.h"

namespace certshare::cli {

namespace {

struct RegistryFlags {
  ContextFlags context;  // only the registry: --registry / CERTSHARE_REGISTRY / registry
  std::vector<std::string> cards;
  std::string org;          // confirm ORG
  std::string fingerprint;  // confirm --fingerprint
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

Result<agent::TrustStore> OpenTrust(const RegistryFlags& f) {
  return agent::TrustStore::Open(f.context.trust_dir);
}

int RunImportFederated(const RegistryFlags& f) {
  auto store = OpenTrust(f);
  if (!store.ok()) return Report(store.status(), kExitInvalidInput);
  std::vector<identity::Card> cards;
  for (const auto& path : f.cards) {
    auto card = identity::LoadCard(path);
    if (!card.ok()) return Report(card.status(), kExitInvalidInput);
    cards.push_back(identity::PublicCard(*card));
  }
  Status s = store->ImportLocal(cards);
  if (!s.ok()) return Report(s.WithContext("nothing was imported"), kExitInvalidInput);
  for (std::size_t i = 0; i < cards.size(); ++i) {
    std::cout << "imported " << cards[i].org << " from " << f.cards[i]
              << " (by hand, confirmed out of band: " << agent::Fingerprints(cards[i]) << ")\n";
  }
  return kExitOk;
}

// One organisation: id, name, the three fingerprints, then what the
// registry says of it, one "key value" per tab-separated column.
void ShowCard(const identity::Card& card, const trust::Member* member, const char* source) {
  std::cout << card.org << "\t" << card.name << "\t" << agent::Fingerprints(card);
  if (member != nullptr) {
    std::cout << "\troles ";
    for (std::size_t i = 0; i < member->roles.size(); ++i) {
      std::cout << (i ? "," : "") << member->roles[i];
    }
    std::cout << "\thome " << member->home_broker;
  }
  if (!card.card_expires.empty()) std::cout << "\texpires " << card.card_expires;
  if (card.revoked) std::cout << "\trevoked " << card.revoked_at;
  if (!card.compromised_since.empty()) std::cout << "\tcompromised " << card.compromised_since;
  if (source != nullptr) std::cout << "\t" << source;
  std::cout << "\n";
}

void ShowGroups(const identity::Registry& registry) {
  for (const auto& [name, members] : registry.groups()) {
    std::cout << identity::kGroupPrefix << name << "\t";
    for (std::size_t i = 0; i < members.size(); ++i) std::cout << (i ? "," : "") << members[i];
    std::cout << "\n";
  }
}

int RunShowFederated(const RegistryFlags& f) {
  auto store = OpenTrust(f);
  if (!store.ok()) return Report(store.status(), kExitInvalidInput);
  auto registry = store->EffectiveRegistry();
  if (!registry.ok()) return Report(registry.status(), kExitInvalidInput);
  const trust::SignedRegistryVersion* version = store->registry();
  std::cout << "federation " << store->root().root.federation << ", root version "
            << store->root_version() << " (expires " << store->root().root.expires
            << "), registry version " << store->registry_version();
  if (version != nullptr) std::cout << " (expires " << version->version.expires << ")";
  std::cout << "\n";
  for (const auto& [org, card] : registry->cards()) {
    const trust::Member* member = version ? version->version.Find(org) : nullptr;
    const char* source = member == nullptr ? "imported by hand" : nullptr;
    Status usable = store->Usable(card, NowMillis());
    if (usable.code() == ErrorCode::kKeyNotConfirmed && store->pins().count(org) != 0) {
      source = "NEW KEYS NOT CONFIRMED (certshare registry confirm)";
    }
    ShowCard(card, member, source);
  }
  ShowGroups(*registry);
  return kExitOk;
}

int RunConfirm(const RegistryFlags& f) {
  if (!Federated(f.context)) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         "registry confirm is for federation mode: the trust directory " +
                             f.context.trust_dir + " holds no pinned root"),
                  kExitUsage);
  }
  auto store = OpenTrust(f);
  if (!store.ok()) return Report(store.status(), kExitInvalidInput);
  auto pin = store->Confirm(f.org, f.fingerprint);
  if (!pin.ok()) return Report(pin.status(), kExitInvalidInput);
  identity::Card card;
  card.org = f.org;
  card.sign_key = pin->sign;
  card.box_key = pin->box;
  card.transport_key = pin->transport;
  std::cout << "confirmed the new keys of " << f.org << ": " << agent::Fingerprints(card) << "\n";
  std::cerr << "certshare: " << f.org << ": keys changed (confirmed by the user): "
            << agent::Fingerprints(card) << "\n";
  return kExitOk;
}

int RunImport(const RegistryFlags& f) {
  if (Federated(f.context)) return RunImportFederated(f);
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
  if (Federated(f.context)) return RunShowFederated(f);
  auto registry = identity::Registry::Load(f.context.registry);
  if (!registry.ok()) return Report(registry.status(), kExitInvalidInput);
  for (const auto& [org, card] : registry->cards()) ShowCard(card, nullptr, nullptr);
  ShowGroups(*registry);
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
      "show",
      "list the organisations (the three key fingerprints, roles, home broker, card expiry, "
      "revocation and compromise) and the sharing groups");
  AddContextFlags(show, &flags->context, registry_only);
  show->callback([flags, exit_code] { *exit_code = RunShow(*flags); });
  CLI::App* confirm = cmd->add_subcommand(
      "confirm",
      "federation mode: accept an organisation's keys replaced after a compromise, once its "
      "new signing key's fingerprint was compared out of band");
  AddContextFlags(confirm, &flags->context, registry_only);
  confirm->add_option("org", flags->org, "the organisation id")->required();
  confirm->add_option("--fingerprint", flags->fingerprint,
                      "its new signing key's fingerprint, as it read it to you")
      ->required();
  confirm->callback([flags, exit_code] { *exit_code = RunConfirm(*flags); });
}

}  // namespace certshare::cli
