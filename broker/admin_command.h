// certshare::broker admin commands: the registry changes the broker's
// operator may make while the broker runs, as the JSON an ADMIN frame
// carries (docs/protocol.md, "ADMIN"; docs/operations.md, "Changing the
// registry while the broker runs"):
//
//   {"format": "certshare-admin-v1",
//    "broker": "<64 hex: the target broker's transport public key>",
//    "issued_at_ms": 1764233247000,        // the operator's clock
//    "nonce": "<32 hex: 16 random bytes>",
//    "command": "add-org" | "rotate" | "revoke" | "show" | "apply"
//               | "quarantine" | "release",
//    "card": { <a public card> },          // add-org, rotate
//    "keep_previous_keys": true,           // rotate; optional (Registry::Rotate)
//    "org": "CERT-XX",                     // revoke, quarantine, release
//    "since_ms": 1764233247000,            // quarantine: received from then on
//    "until_ms": 1764236847000,            // quarantine, optional: ...to then
//    "file": "<a signed trust file>"}      // apply: a root, registry
//                                          // version or timestamp, as text
//
// In federation mode (docs/operations.md, "Federation mode") "apply" is
// how the registry changes; add-org, rotate and revoke change only the
// broker's local additions. In local mode "apply" is NOT_FEDERATED.
// "quarantine" and "release" change no registry: they withhold an origin's
// records from delivery, or stop doing so (broker/quarantine.h).
//
// The operator signs exactly these bytes: Ed25519 over
// wire::AdminSignedMessage(json) = "certshare/admin/v1" 0x00 json.
// The broker checks, in order: sent from the operator's connection, the
// signature (before parsing anything), the JSON, "broker" is this broker,
// and freshness (broker/replay_guard.h) — then applies it
// (ApplyAdminCommand).
//
// Thread-safety: free functions are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker/options.h"
#include "common/base/status.h"
#include "common/crypto/keys.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"
#include "common/wire/frame.h"

namespace certshare::broker {

inline constexpr std::string_view kAdminFormat = "certshare-admin-v1";
// The ZAP User-Id of the operator's connections. Organisation ids cannot
// start with '@', so it can never name an organisation.
inline constexpr std::string_view kOperatorUserId = "@operator";

// Sent on the wire as "command": never rename.
enum class AdminKind { kAddOrg, kRotate, kRevoke, kShow, kApply, kQuarantine, kRelease };
std::string_view AdminKindName(AdminKind kind);  // "add-org", ...

struct AdminCommand {
  AdminKind kind = AdminKind::kShow;
  crypto::BoxPublicKey broker_key{};  // the broker it is meant for
  std::uint64_t issued_at_ms = 0;
  std::string nonce;                  // 32 hex digits
  identity::Card card;                // add-org, rotate (public fields only)
  // rotate: keep the replaced keys for earlier records; unset (absent from
  // the JSON): yes for a rotation, no for a reinstatement
  // (identity::Registry::Rotate).
  std::optional<bool> keep_previous_keys;
  std::string org;                    // revoke, quarantine, release
  std::uint64_t since_ms = 0;         // quarantine
  std::uint64_t until_ms = 0;         // quarantine; 0: open (absent from the JSON)
  std::string file;                   // apply: the signed file's text
};

// A command for `broker_key`, issued now with a fresh random nonce.
AdminCommand NewAdminCommand(AdminKind kind, const crypto::BoxPublicKey& broker_key);
std::string AdminCommandToJson(const AdminCommand& command);
// kInvalidArgument naming what is wrong (after kMalformedJson checks).
Result<AdminCommand> ParseAdminCommand(std::string_view json);

wire::AdminSignature SignAdminCommand(std::string_view json,
                                      const crypto::SigningSecretKey& operator_key);
[[nodiscard]] bool VerifyAdminCommand(std::string_view json,
                                      const wire::AdminSignature& signature,
                                      const crypto::SigningPublicKey& operator_key);

// The registry after `command`, and one line saying what changed (for the
// broker's log and the operator). "show" changes nothing. Errors leave
// `current` as it was: kAlreadyExists, kUnknownOrganisation, kRevoked,
// kInvalidArgument, kInvalidConfig (a key of another organisation or of
// the operator).
struct AdminOutcome {
  identity::Registry registry;
  std::string summary;
  bool changed = false;
};
Result<AdminOutcome> ApplyAdminCommand(const identity::Registry& current,
                                       const AdminCommand& command,
                                       const identity::Card& operator_card,
                                       std::uint64_t now_ms);

// What ADMIN_OK carries: {"command": ..., "summary": ..., "registry": {...}}
// with the whole registry after the command, "quarantine":
// `quarantine_json` (Quarantine::ToJson) when given, and in federation mode
// "trust": `trust_json` (the federation, root and registry versions and
// expiry, the timestamp's "issued", the local additions, warnings).
std::string AdminResultToJson(const AdminCommand& command, const AdminOutcome& outcome,
                              std::string_view trust_json = {},
                              std::string_view quarantine_json = {});

// Loads options.operator_card, a file protected as the registry is
// (identity::LoadTrustedCard: kInsecurePermissions otherwise), and checks
// it shares no key with the registry's organisations (its transport key
// must identify only the operator). kInvalidConfig / kIoError naming the
// file.
Result<identity::Card> LoadOperatorCard(const Options& options,
                                        const identity::Registry& registry);

// Milliseconds since the Unix epoch, and as RFC 3339 UTC
// ("2026-11-27T08:47:27Z").
std::uint64_t NowMs();
std::string Rfc3339(std::uint64_t ms);

}  // namespace certshare::broker
