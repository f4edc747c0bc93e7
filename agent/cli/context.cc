#include "agent/cli/context.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "agent/cli/exit_codes.h"
#include "agent/cli/passphrase_input.h"
#include "agent/link/live_trust.h"
#include "common/base/file_util.h"
#include "common/base/timestamp.h"

namespace certshare::cli {

namespace {

constexpr std::size_t kMaxConfigBytes = 1u << 20;

// One setting a command may need, and where it can come from.
struct Setting {
  const char* flag;
  const char* env;
  const char* key;
};
constexpr Setting kIdentity{"--identity FILE", "CERTSHARE_IDENTITY", "identity"};
constexpr Setting kRegistry{"--registry FILE", "CERTSHARE_REGISTRY", "registry"};
constexpr Setting kBroker{"--broker ENDPOINT", "CERTSHARE_BROKER", "endpoint in [broker]"};
constexpr Setting kBrokerCard{"--broker-card FILE", "CERTSHARE_BROKER_CARD",
                              "card (or public_key) in [broker]"};

// "--identity" of "--identity FILE".
std::string FlagName(const Setting& setting) {
  const std::string_view flag = setting.flag;
  return std::string(flag.substr(0, flag.find(' ')));
}

void FillFrom(const std::string& from_config, std::string* value) {
  if (value->empty()) *value = from_config;
}

void Install(CLI::App* cmd, ContextFlags* flags, const Needs& needs) {
  cmd->parse_complete_callback([flags, needs] {
    int exit = kExitUsage;
    Status s = ResolveContextFlags(flags, needs, &exit);
    if (!s.ok()) throw CommandLineError{s, exit};
  });
}

}  // namespace

namespace {
void AddConfigFlag(CLI::App* cmd, ContextFlags* flags) {
  cmd->add_option("--config", flags->config_file,
                  "agent configuration file (default: ~/.config/certshare/agent.toml if it "
                  "exists; certshare init writes one)")
      ->envname("CERTSHARE_CONFIG");
}
void AddPassphraseFileFlag(CLI::App* cmd, ContextFlags* flags) {
  cmd->add_option("--passphrase-file", flags->passphrase_file,
                  "file (mode 0600) whose first line is the passphrase of a protected secret "
                  "file (config: passphrase_file)")
      ->envname("CERTSHARE_PASSPHRASE_FILE");
}
}  // namespace

namespace {
void AddTrustDirFlag(CLI::App* cmd, ContextFlags* flags) {
  cmd->add_option("--trust-dir", flags->trust_dir,
                  "trust directory of federation mode: the pinned federation root and the "
                  "verified registry (config: trust.dir; default: trust beside the "
                  "configuration file)")
      ->envname("CERTSHARE_TRUST_DIR");
}
}  // namespace

void AddConfigFlags(CLI::App* cmd, ContextFlags* flags) {
  AddConfigFlag(cmd, flags);
  AddPassphraseFileFlag(cmd, flags);
}

void AddConnectTimeoutFlag(CLI::App* cmd, ContextFlags* flags) {
  cmd->add_option("--connect-timeout", flags->connect_timeout_seconds,
                  "seconds to keep trying while the broker refuses connections (nothing "
                  "listening) before saying so (config: broker.connect_timeout; default 1)")
      ->envname("CERTSHARE_CONNECT_TIMEOUT")
      ->check(CLI::Range(1, 3600));
}

std::chrono::milliseconds ConnectTimeout(const ContextFlags& flags) {
  constexpr int kDefaultSeconds = 1;
  return std::chrono::seconds(flags.connect_timeout_seconds > 0 ? flags.connect_timeout_seconds
                                                                : kDefaultSeconds);
}

void AddContextFlags(CLI::App* cmd, ContextFlags* flags, const Needs& needs) {
  AddConfigFlag(cmd, flags);
  if (needs.identity) {
    cmd->add_option("--identity", flags->identity,
                    "this organisation's secret identity file (config: identity)")
        ->envname("CERTSHARE_IDENTITY");
    AddPassphraseFileFlag(cmd, flags);
  }
  if (needs.registry) {
    cmd->add_option("--registry", flags->registry,
                    "registry of organisations' public cards (config: registry)")
        ->envname("CERTSHARE_REGISTRY");
    AddTrustDirFlag(cmd, flags);
  }
  if (needs.broker) {
    cmd->add_option("--broker", flags->broker,
                    "broker endpoint, e.g. tcp://127.0.0.1:7700 (config: broker.endpoint)")
        ->envname("CERTSHARE_BROKER");
    cmd->add_option("--broker-card", flags->broker_card,
                    "the broker's public card, pins its CURVE key (config: broker.card)")
        ->envname("CERTSHARE_BROKER_CARD");
    AddConnectTimeoutFlag(cmd, flags);
  }
  Install(cmd, flags, needs);
}

void AddContextFlags(CLI::App* cmd, ContextFlags* flags, bool broker) {
  Needs needs;
  needs.broker = broker;
  AddContextFlags(cmd, flags, needs);
}

Result<agent::AgentConfig> LoadAgentConfig(const std::string& config_file) {
  std::string path = config_file;
  if (path.empty()) {
    path = agent::DefaultConfigPath(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
    std::error_code ec;
    if (path.empty() || !std::filesystem::exists(path, ec)) return agent::AgentConfig{};
  }
  auto text = files::Read(path, kMaxConfigBytes);
  if (!text.ok()) {
    return Status(ErrorCode::kInvalidConfig,
                  "cannot read the configuration file: " + text.status().message() +
                      (config_file.empty() ? "" : " (given by --config or CERTSHARE_CONFIG)"));
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const char* home = std::getenv("HOME");
  auto config = agent::ParseAgentConfig(*text, dir, home != nullptr ? home : "");
  if (!config.ok()) return config.status().WithContext(path);
  config->source = path;
  if (config->trust_dir.empty()) config->trust_dir = dir + "/trust";
  return config;
}

Status ResolveContextFlags(ContextFlags* flags, const Needs& needs, int* exit) {
  auto config = LoadAgentConfig(flags->config_file);
  if (!config.ok()) {
    *exit = kExitInvalidInput;
    return config.status();
  }
  flags->config = std::move(*config);
  const agent::AgentConfig& c = flags->config;
  FillFrom(c.identity, &flags->identity);
  FillFrom(c.registry, &flags->registry);
  FillFrom(c.passphrase_file, &flags->passphrase_file);
  FillFrom(c.trust_dir, &flags->trust_dir);
  FillFrom(c.broker_endpoint, &flags->broker);
  if (flags->connect_timeout_seconds == 0) {
    flags->connect_timeout_seconds = c.connect_timeout_seconds;
  }
  // A card given by flag or environment wins over both config forms.
  if (flags->broker_card.empty()) {
    flags->broker_card = c.broker_card;
    if (flags->broker_card.empty()) flags->broker_public_key = c.broker_public_key;
  }

  std::vector<const Setting*> missing;
  if (needs.identity && flags->identity.empty()) missing.push_back(&kIdentity);
  if (needs.registry && flags->registry.empty() && !Federated(*flags)) {
    missing.push_back(&kRegistry);
  }
  const bool broker = needs.broker &&
                      !(needs.broker_not_needed_if != nullptr && *needs.broker_not_needed_if);
  if (broker && flags->broker.empty()) missing.push_back(&kBroker);
  if (broker && flags->broker_card.empty() && !flags->broker_public_key) {
    missing.push_back(&kBrokerCard);
  }
  if (missing.empty()) return Status::Ok();
  std::string message = needs.needed_by[0] == '\0'
                            ? std::string("missing ")
                            : std::string(needs.needed_by) + " needs ";
  for (std::size_t i = 0; i < missing.size(); ++i) {
    message += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ");
    message += FlagName(*missing[i]);
  }
  message += ". Give";
  for (std::size_t i = 0; i < missing.size(); ++i) {
    message += std::string(i == 0 ? " " : "; ") + missing[i]->flag + " (or set " +
               missing[i]->env + ", or " + missing[i]->key + " in the configuration file)";
  }
  message += c.source.empty()
                 ? ". No configuration file was found: `certshare init` writes one"
                 : ". The configuration file is " + c.source;
  *exit = kExitUsage;
  return Status(ErrorCode::kInvalidArgument, message);
}

namespace {
// A file that cannot be read: say which setting named it and what to do.
Status Explain(const Status& s, const Setting& setting, std::string_view fix,
               const ContextFlags& flags) {
  if (s.code() != ErrorCode::kIoError) return s;
  const std::string where =
      flags.config.source.empty() ? "the configuration file" : flags.config.source;
  return Status(s.code(), s.message() + " (" + std::string(fix) + "; it is set by " +
                              FlagName(setting) + ", " + setting.env + " or " + setting.key +
                              " in " + where + ")");
}
}  // namespace

bool Federated(const ContextFlags& flags) {
  return agent::TrustStore::IsFederated(flags.trust_dir);
}

std::function<Status(const identity::Card&)> Context::Usable() const {
  if (!trust) return nullptr;
  std::shared_ptr<agent::TrustStore> store = trust;
  return [store](const identity::Card& card) { return store->Usable(card, NowMillis()); };
}

Status RefreshTrust(const ContextFlags& flags, Context* context) {
  CERTSHARE_ASSIGN_OR_RETURN(std::unique_ptr<agent::BrokerClient> client,
                             ConnectBroker(flags, *context));
  agent::TrustStore& store = *context->trust;
  // Each round moves at least one version forward (the broker sends at
  // least one when it has more); bounded all the same.
  constexpr int kMaxRounds = 1000;
  for (int round = 0; round < kMaxRounds; ++round) {
    CERTSHARE_ASSIGN_OR_RETURN(
        wire::TrustFiles files,
        client->FetchTrust(store.root_version(), store.registry_version(), std::chrono::seconds(10)));
    auto update = store.Apply(files, NowMillis());
    if (!update.ok()) return agent::KeepsWhatItHeld(update.status(), store);
    for (const std::string& line : agent::DescribeTrustUpdate(*update)) {
      std::cerr << "certshare: " << line << "\n";
    }
    if (!update->more) break;
  }
  CERTSHARE_ASSIGN_OR_RETURN(context->registry, store.EffectiveRegistry());
  return Status::Ok();
}

namespace {
// Federation mode: the trust directory, refreshed from the broker when it
// is configured, and the registry it gives.
Status LoadFederation(const ContextFlags& flags, Context* context) {
  CERTSHARE_ASSIGN_OR_RETURN(agent::TrustStore store, agent::TrustStore::Open(flags.trust_dir));
  context->trust = std::make_shared<agent::TrustStore>(std::move(store));
  CERTSHARE_ASSIGN_OR_RETURN(context->registry, context->trust->EffectiveRegistry());
  const bool broker = !flags.broker.empty() &&
                      (!flags.broker_card.empty() || flags.broker_public_key.has_value());
  if (broker) {
    Status refreshed = RefreshTrust(flags, context);
    if (!refreshed.ok()) std::cerr << "certshare: " << refreshed.ToString() << "\n";
  }
  const std::string warning = context->trust->FreshnessWarning(NowMillis());
  if (!warning.empty()) std::cerr << "certshare: warning: " << warning << "\n";
  return Status::Ok();
}
}  // namespace

Result<Context> LoadContext(const ContextFlags& flags) {
  auto me = identity::LoadIdentity(flags.identity, PassphraseFor(flags.passphrase_file));
  if (!me.ok()) {
    return Explain(me.status(), kIdentity, "this organisation's secret file; `certshare keygen` "
                   "makes one", flags);
  }
  if (Federated(flags)) {
    Context context{std::move(*me), {}, nullptr};
    CERTSHARE_RETURN_IF_ERROR(LoadFederation(flags, &context));
    return context;
  }
  auto registry = identity::Registry::Load(flags.registry);
  if (!registry.ok()) {
    return Explain(registry.status(), kRegistry,
                   "the registry; `certshare registry import` makes one", flags);
  }
  return Context{std::move(*me), std::move(*registry), nullptr};
}

LiveLink MakeLiveLink(const ContextFlags& flags, const Context& context,
                      agent::LiveTrust::Say say) {
  LiveLink link;
  if (!context.trust) return link;
  link.trust = std::make_unique<agent::LiveTrust>(context.trust, std::move(say));
  link.refresh = std::make_unique<agent::TrustRefresh>(
      *link.trust, std::chrono::seconds(flags.config.trust_refresh_seconds));
  return link;
}

Result<identity::Card> LoadBrokerCard(const ContextFlags& flags) {
  if (!flags.broker_card.empty() || !flags.broker_public_key) {
    auto card = identity::LoadCard(flags.broker_card);
    if (!card.ok()) {
      return Explain(card.status(), kBrokerCard,
                     "the broker's public card, from the broker's operator", flags);
    }
    return card;
  }
  identity::Card card;
  card.org = "broker";
  card.name = "broker (public_key in " + flags.config.source + ")";
  card.transport_key = *flags.broker_public_key;
  return card;
}

Result<std::unique_ptr<agent::BrokerClient>> ConnectBroker(const ContextFlags& flags,
                                                           const Context& context) {
  CERTSHARE_ASSIGN_OR_RETURN(identity::Card broker, LoadBrokerCard(flags));
  return agent::BrokerClient::Connect(flags.broker, broker, context.me, ConnectTimeout(flags));
}

int Report(const Status& status, int exit) {
  std::cerr << "certshare: " << status.ToString() << "\n";
  return exit;
}

int ExitForBroker(const Status& s) {
  return agent::BrokerNotReached(s) ? kExitUnreachable : kExitRefused;
}

}  // namespace certshare::cli
