#include "broker/federation.h"

#include "broker/admin_command.h"
#include "common/base/file_util.h"

namespace certshare::broker {

StixMillis TrustNow() { return static_cast<StixMillis>(NowMs()); }

namespace {
Result<std::string> ReadRoot(const Options& options) {
  return files::ReadProtected(options.root, files::Protection::kTrusted, "the federation root",
                              1u << 20);
}
Result<std::string> ReadRegistryVersion(const Options& options) {
  return files::ReadProtected(options.registry, files::Protection::kTrusted,
                              "the registry version", 32u << 20);
}
Result<identity::Registry> ReadLocal(const Options& options) {
  if (options.local_registry.empty()) return identity::Registry();
  return identity::Registry::Load(options.local_registry);
}
}  // namespace

Result<identity::Registry> CheckFederationConfig(const Options& options, StixMillis now) {
  CERTSHARE_ASSIGN_OR_RETURN(std::string root_text, ReadRoot(options));
  Result<trust::SignedRoot> root = trust::VerifyPinnedRoot(root_text);
  if (!root.ok()) return root.status().WithContext(options.root);
  identity::Registry combined;
  if (!options.registry.empty()) {
    CERTSHARE_ASSIGN_OR_RETURN(std::string text, ReadRegistryVersion(options));
    auto version = trust::VerifyRegistryVersion(root->root, nullptr, text, now);
    if (!version.ok()) return version.status().WithContext(options.registry);
    combined = version->version.registry;
  }
  CERTSHARE_ASSIGN_OR_RETURN(identity::Registry local, ReadLocal(options));
  for (const auto& [org, card] : local.cards()) {
    if (combined.Find(org) != nullptr) {
      return Status(ErrorCode::kInvalidConfig,
                    options.local_registry + ": local addition " + org +
                        " redefines an organisation of the federation registry");
    }
    Status put = combined.Put(card);
    if (!put.ok()) return put.WithContext(options.local_registry);
  }
  return combined;
}

Result<identity::Registry> CombinedRegistry(const TrustStore& store,
                                            const identity::Registry& local) {
  identity::Registry combined;
  const trust::SignedRegistryVersion* version = store.registry();
  if (version != nullptr) combined = version->registry;
  for (const auto& [org, card] : local.cards()) {
    if (combined.Find(org) != nullptr) {
      return Status(ErrorCode::kInvalidConfig,
                    "local addition " + org + " redefines an organisation of the federation "
                    "registry (version " + std::to_string(version->version.version) +
                    "): remove it from local_registry; the federation's card is used");
    }
    Status put = combined.Put(card);
    if (!put.ok()) return put.WithContext("local addition " + org);
  }
  for (const auto& [name, members] : local.groups()) {
    if (combined.FindGroup(name) != nullptr) {
      return Status(ErrorCode::kInvalidConfig,
                    "local group " + name + " redefines a group of the federation registry");
    }
    CERTSHARE_RETURN_IF_ERROR(combined.PutGroup(name, members));
  }
  return combined;
}

Result<Federation> OpenFederation(const Options& options, StixMillis now) {
  Federation fed;
  CERTSHARE_ASSIGN_OR_RETURN(std::string root_text, ReadRoot(options));
  Result<std::unique_ptr<TrustStore>> store =
      TrustStore::Open(options.data_dir + "/trust", root_text);
  if (!store.ok()) return store.status().WithContext(options.root);
  fed.store = std::move(*store);

  if (!options.registry.empty()) {
    CERTSHARE_ASSIGN_OR_RETURN(std::string text, ReadRegistryVersion(options));
    Result<trust::SignedRegistryVersion> parsed = trust::ParseRegistryVersion(text);
    if (!parsed.ok()) return parsed.status().WithContext(options.registry);
    const trust::SignedRegistryVersion* held = fed.store->registry();
    if (held != nullptr && parsed->version.version <= held->version.version) {
      if (parsed->version.version < held->version.version) {
        fed.notes.push_back(options.registry + " is registry version " +
                            std::to_string(parsed->version.version) +
                            "; the data directory holds version " +
                            std::to_string(held->version.version) + ", which is used");
      }
    } else {
      Result<TrustStore::Applied> applied = fed.store->Apply(text, now);
      if (!applied.ok()) return applied.status().WithContext(options.registry);
      fed.notes.push_back("applied " + applied->summary + " from " + options.registry);
    }
  }
  CERTSHARE_ASSIGN_OR_RETURN(fed.local, ReadLocal(options));
  Result<identity::Registry> combined = CombinedRegistry(*fed.store, fed.local);
  if (!combined.ok()) return combined.status().WithContext(options.local_registry);
  fed.combined = std::move(*combined);
  for (std::string& warning : fed.store->Warnings(now)) fed.notes.push_back(std::move(warning));
  return fed;
}

}  // namespace certshare::broker
