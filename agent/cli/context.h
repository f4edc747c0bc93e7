// What most subcommands need: this organisation's identity, its copy of
// the registry, and how to reach the broker.
//
// Each setting comes from, in order of precedence: its flag, its
// environment variable, the agent's configuration file (agent/config/config.h),
// its default. The configuration file is --config FILE, else
// CERTSHARE_CONFIG, else $XDG_CONFIG_HOME/certshare/agent.toml
// (~/.config/certshare/agent.toml) if that exists.
//
//   flag               environment                configuration key
//   --config           CERTSHARE_CONFIG           -
//   --identity         CERTSHARE_IDENTITY         identity
//   --registry         CERTSHARE_REGISTRY         registry
//   --passphrase-file  CERTSHARE_PASSPHRASE_FILE  passphrase_file
//   --broker           CERTSHARE_BROKER           broker.endpoint
//   --broker-card      CERTSHARE_BROKER_CARD      broker.card (or broker.public_key)
//   --connect-timeout  CERTSHARE_CONNECT_TIMEOUT  broker.connect_timeout
//   --trust-dir        CERTSHARE_TRUST_DIR        trust.dir (default "trust" beside the file)
//   (publish --to)     -                          publish.to
//
// Federation mode (docs/agent.md, "Federation mode"): when the trust
// directory holds a pinned root, the registry is the verified signed
// registry version (plus cards imported by hand), fetched from the broker
// (TRUST_GET) before the command composes or verifies anything; --registry
// is then not needed.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agent/config/config.h"
#include "agent/link/broker_client.h"
#include "agent/link/live_trust.h"
#include "agent/link/trust_store.h"
#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::cli {

struct ContextFlags {
  std::string identity;     // --identity / CERTSHARE_IDENTITY / identity
  std::string registry;     // --registry / CERTSHARE_REGISTRY / registry
  std::string broker;       // --broker / CERTSHARE_BROKER / broker.endpoint
  std::string broker_card;  // --broker-card / CERTSHARE_BROKER_CARD / broker.card
  std::string config_file;  // --config / CERTSHARE_CONFIG
  std::string passphrase_file;  // --passphrase-file / CERTSHARE_PASSPHRASE_FILE / passphrase_file
  std::string trust_dir;        // --trust-dir / CERTSHARE_TRUST_DIR / trust.dir
  // broker.public_key, used when no broker card is given anywhere.
  std::optional<crypto::BoxPublicKey> broker_public_key;
  // --connect-timeout / CERTSHARE_CONNECT_TIMEOUT / broker.connect_timeout:
  // seconds a refused connection to the broker is retried before the
  // command says so (agent::BrokerClient::Connect). 0 until resolved, then
  // 1 by default.
  int connect_timeout_seconds = 0;
  // The configuration file as read (its `source` empty if there was none):
  // what commands use for settings without a flag here (publish.to,
  // sensor.tlp, spool.*).
  agent::AgentConfig config;
};

// What a subcommand cannot run without.
struct Needs {
  bool identity = true;
  bool registry = true;
  bool broker = false;  // endpoint and card (or public key)
  // What needs them, for the message: "--publish" gives "--publish needs
  // --registry ..."; empty gives "missing --registry ...".
  const char* needed_by = "";
  // If set and true once the command line is parsed, the broker is not
  // needed after all (publish --no-wait only spools).
  const bool* broker_not_needed_if = nullptr;
};

// Adds --config, --identity, --registry and --passphrase-file (and, with
// `broker`, --broker and --broker-card) to a subcommand. Once its flags are
// parsed, the configuration file fills what neither a flag nor the
// environment gave, and a setting still missing stops the command (exit 2,
// naming the flag, the variable and the configuration key).
void AddContextFlags(CLI::App* cmd, ContextFlags* flags, bool broker);
// The same with finer needs: `registry import|show` need only the
// registry. Flags for settings not needed are not added.
void AddContextFlags(CLI::App* cmd, ContextFlags* flags, const Needs& needs);

// Adds only --config and --passphrase-file, for commands with flags of
// their own (the builders); call ResolveContextFlags when parsed.
void AddConfigFlags(CLI::App* cmd, ContextFlags* flags);
// Adds --connect-timeout (AddContextFlags does for commands that need the
// broker; the builders add it themselves).
void AddConnectTimeoutFlag(CLI::App* cmd, ContextFlags* flags);
// The resolved --connect-timeout.
std::chrono::milliseconds ConnectTimeout(const ContextFlags& flags);

// Reads the configuration file (see above) into flags->config and fills
// every empty setting of `flags` from it; then checks `needs`. Errors:
// kInvalidConfig for an unusable file (exit 3), kInvalidArgument for a
// missing setting (exit 2); *exit is set accordingly.
Status ResolveContextFlags(ContextFlags* flags, const Needs& needs, int* exit);

// Reads the configuration file named by `config_file` (--config /
// CERTSHARE_CONFIG; it must exist) or, if empty, the default one if it
// exists. Without a file, the defaults (source empty).
Result<agent::AgentConfig> LoadAgentConfig(const std::string& config_file);

// A failure found while the command line is parsed (see AddContextFlags):
// thrown from CLI11's parse callbacks, caught in main, which prints it with
// Report and exits with `exit`.
struct CommandLineError {
  Status status;
  int exit;
};

struct Context {
  identity::Identity me;
  identity::Registry registry;
  // Federation mode only: the trust directory (null in local mode).
  std::shared_ptr<agent::TrustStore> trust;
  // Federation mode: whether this agent may seal to a card (key pins,
  // freshness, card expiry: agent::TrustStore::Usable); null in local mode.
  std::function<Status(const identity::Card&)> Usable() const;
};

// Whether the settings name a trust directory holding a pinned root.
bool Federated(const ContextFlags& flags);

// Loads the identity (asking for its passphrase if the secret file is
// protected: agent/cli/passphrase_input.h) and the registry. In federation
// mode, when the broker is configured, first asks it for the registry
// (RefreshTrust); a refusal is printed with its code and the agent keeps
// what it held; the freshness warning is printed when the registry is not
// known to be current.
Result<Context> LoadContext(const ContextFlags& flags);

// Federation mode: connects to the broker, sends TRUST_GET (again while it
// has more), applies what comes back (agent::TrustStore::Apply) and prints
// every key change and refusal on stderr. Updates context->registry.
// Returns the refusal (the context keeps what it held) or the connection's
// error.
Status RefreshTrust(const ContextFlags& flags, Context* context);
// Federation mode: what keeps a long-lived link's trust current
// (agent/link/live_trust.h): TRUST_GET on the link's own connection after
// connecting, on TRUST_NOTICE and every trust.refresh seconds. Both null
// in local mode.
struct LiveLink {
  std::unique_ptr<agent::LiveTrust> trust;
  std::unique_ptr<agent::TrustRefresh> refresh;
};
// Takes over context.trust (from now on used only through the LiveTrust);
// `say` gets each line it tells (versions applied, key changes, refusals
// with their codes), without a prefix.
LiveLink MakeLiveLink(const ContextFlags& flags, const Context& context,
                      agent::LiveTrust::Say say);

// The broker's card: from --broker-card (or its variable or broker.card),
// else a card made of broker.public_key.
Result<identity::Card> LoadBrokerCard(const ContextFlags& flags);
Result<std::unique_ptr<agent::BrokerClient>> ConnectBroker(const ContextFlags& flags,
                                                           const Context& context);

// Prints "certshare: <CODE> (<n>): <message>" on stderr and returns `exit`.
int Report(const Status& status, int exit);

// The exit status for a request the broker did not grant: kExitUnreachable
// (5) when the broker was not reached (agent::BrokerNotReached),
// kExitRefused (4) when it refused (its ERROR code, or a handshake refused
// as REVOKED).
int ExitForBroker(const Status& s);

}  // namespace certshare::cli
