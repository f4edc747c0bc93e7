// certshare::agent::AgentConfig — the agent's configuration file
// (agent.toml, TOML 1.0, edited by hand; docs/agent.md "Configuration").
//
// A setting comes from, in order of precedence: a command-line flag, its
// environment variable, this file, the default below. This module only
// parses the file's text; finding and reading the file, and applying the
// precedence, is the command line's job (agent/cli/context.h).
//
//   identity = "keys/CERT-EE.secret.json"
//   registry = "registry.json"
//   passphrase_file = "keys/passphrase"
//   [broker]
//   endpoint = "tcp://broker.example:7700"
//   card = "keys/BROKER.card.json"        # or public_key = "<64 hex>"
//   connect_timeout = 1
//   [publish]
//   to = ["CERT-UA", "group:eu-csirts-network"]
//   [sensor]
//   tlp = "green"
//   assume_offset = "+00:00"
//   [spool]
//   path = "spool"
//   limit = "1 GiB"
//   [trust]
//   dir = "trust"
//   refresh = 600
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/base/tlp.h"
#include "common/crypto/keys.h"

namespace certshare::agent {

// Every value the file can set. Paths are absolute or relative to the
// current directory once parsed (the file's relative paths are resolved
// against the file's folder). An empty string means "not set".
struct AgentConfig {
  // `identity`: this organisation's secret file (<org>.secret.json, mode
  // 0600, made by `certshare keygen`). Flag --identity, environment
  // CERTSHARE_IDENTITY. Default: none; publish and subscribe need it.
  std::string identity;

  // `registry`: this agent's registry of organisations' public cards.
  // Flag --registry, environment CERTSHARE_REGISTRY. Default: none.
  std::string registry;

  // `passphrase_file`: a file (mode 0600) whose first line is the
  // passphrase of a protected secret file, for unattended agents. Flag
  // --passphrase-file, environment CERTSHARE_PASSPHRASE_FILE. Default: none
  // (then CERTSHARE_PASSPHRASE, then a prompt on the terminal). Unused when
  // the secret file is not protected.
  std::string passphrase_file;

  // [broker] `endpoint`: the broker's ZeroMQ endpoint, e.g.
  // "tcp://broker.example:7700". Flag --broker, environment
  // CERTSHARE_BROKER. Default: none.
  std::string broker_endpoint;

  // [broker] `card`: the broker's public card; pins its CURVE key. Flag
  // --broker-card, environment CERTSHARE_BROKER_CARD. Default: none.
  std::string broker_card;

  // [broker] `public_key`: instead of `card`, the broker's transport public
  // key (the card's "transport_public", 64 hex digits). Give one of the
  // two. Default: none.
  std::optional<crypto::BoxPublicKey> broker_public_key;

  // [broker] `connect_timeout`: seconds, 1-3600, that a command keeps
  // trying when every attempt to connect to the broker is refused (nothing
  // listens there) before it gives up. Flag --connect-timeout, environment
  // CERTSHARE_CONNECT_TIMEOUT. Default (0 here: not set) 1 s. Raise it to
  // ride out broker restarts; a broker that accepts but answers slowly is
  // waited for as long as the command's --timeout, whatever this says.
  int connect_timeout_seconds = 0;

  // [publish] `to`: default recipients when a command is given no --to:
  // organisation ids and "group:<name>" of the registry's groups. Default:
  // none (AMBER and above then need --to; GREEN goes to everyone).
  std::vector<std::string> to;

  // [sensor] `tlp`: the TLP of records a sensor makes from events that
  // carry no marking of their own. Default GREEN (the whole community,
  // encrypted to every registered organisation); AMBER or above needs `to`.
  Tlp sensor_tlp = Tlp::kGreen;

  // [sensor] `assume_offset`: the UTC offset a sensor assumes for EVE
  // timestamps written without one ("Z", "+00:00", "+02:00", "-0500").
  // Flag --assume-offset. Default: none, and such events are reported as
  // bad (the zone is never guessed). Set it to the sensor host's offset
  // when its Suricata logs local time without an offset.
  std::optional<int> sensor_assume_offset_minutes;

  // [subscribe] `receipts`: whether `certshare subscribe` sends each
  // record's origin a signed delivery receipt ("processed", true) or not
  // ("none", false). Flag --receipts. Default true (docs/receipts.md).
  bool subscribe_receipts = true;

  // [spool] `path`: the folder of the local spool, where accepted records
  // wait for the broker's acknowledgement. Default: empty, meaning
  // DefaultSpoolPath() ($XDG_STATE_HOME/certshare/spool).
  std::string spool_path;

  // [spool] `limit`: most bytes the spool may hold; when full, new input is
  // refused with an error (nothing is dropped). An integer (bytes) or a
  // string with a unit: "512 MiB", "1 GiB", "2 GB". Default 1 GiB.
  std::uint64_t spool_limit_bytes = std::uint64_t{1} << 30;

  // [trust] `dir`: the trust directory of federation mode (the pinned
  // federation root, the verified registry version, the signed timestamp,
  // the pinned keys; agent/link/trust_store.h). Flag --trust-dir,
  // environment CERTSHARE_TRUST_DIR. Default: "trust" beside the file (set
  // by ParseAgentConfig); without a file, none. A directory without a
  // pinned root means local mode.
  std::string trust_dir;

  // [trust] `refresh`: seconds, 1-86400, between two requests for the
  // registry on long-lived connections (agent/link/live_trust.h), besides
  // the broker's notices. Default 600; a few seconds only for tests (each
  // request costs the broker one answer).
  int trust_refresh_seconds = 600;

  // The file these values came from; empty when there was none.
  std::string source;
};

// Parses the text of an agent.toml. Relative paths in it (identity,
// registry, passphrase_file, broker.card, spool.path) are resolved against
// `base_dir`, the folder of the file; "~/" at their start is the home
// folder (`home`, "" to leave it as written).
//
// Every problem is reported together in one kInvalidConfig status, one per
// line, each naming its key and line: a TOML syntax error (the parse stops
// there), an unknown key or table ("line 4: unknown key \"brokr\"; did you
// mean \"broker\"?"), a value of the wrong type ("line 7: broker.endpoint
// must be a string"), or a value a rule refuses (an invalid TLP, a
// recipient that is neither an organisation id nor "group:<name>", both
// broker.card and broker.public_key). Never throws.
Result<AgentConfig> ParseAgentConfig(std::string_view toml_text, const std::string& base_dir,
                                     const std::string& home = "");

// Where the configuration file is when neither --config nor
// CERTSHARE_CONFIG names it: $XDG_CONFIG_HOME/certshare/agent.toml, or
// ~/.config/certshare/agent.toml when XDG_CONFIG_HOME is unset or empty.
// Empty if neither variable is set. Arguments are the variables' values
// (nullptr when unset).
std::string DefaultConfigPath(const char* xdg_config_home, const char* home);

// The folder under which the default spools are: $XDG_STATE_HOME/certshare/spool,
// else ~/.local/state/certshare/spool; "certshare-spool" if neither is set.
// Each identity's default spool is a folder in it named <org>-<first 8 hex
// digits of the signing key> (cli::SpoolDir).
std::string DefaultSpoolPath(const char* xdg_state_home, const char* home);

// What `certshare init` fills in; empty values are written commented out.
struct ConfigTemplate {
  std::string org;              // --org: identity = "keys/<org>.secret.json"
  std::string broker_endpoint;  // --broker
};

// A complete agent.toml in which every key has a comment (what it is, its
// default, when to change it). Parses with ParseAgentConfig.
std::string RenderConfigTemplate(const ConfigTemplate& values);

}  // namespace certshare::agent
