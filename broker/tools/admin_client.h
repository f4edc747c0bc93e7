// certshare::broker::AdminClient — the operator's side of ADMIN: connects
// to a broker with the operator's transport key (the broker's ZAP handler
// admits it as "@operator"), signs each command with the operator's
// signing key and waits for ADMIN_OK or the broker's refusal. Used by
// `certshare-broker admin` (RunAdmin) and by tests.
//
// Thread-safety: one thread per AdminClient.
#pragma once

#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>

#include "broker/admin_command.h"
#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"
#include "common/transport/wire_client.h"
#include "common/wire/frame.h"

namespace certshare::broker {

// What the broker answered (ADMIN_OK).
struct AdminAnswer {
  std::string summary;          // what changed, in one line
  std::string registry_json;    // the whole registry after the command
  identity::Registry registry;  // the same, parsed
  std::string trust_json;       // federation mode: the "trust" member; empty otherwise
  std::string quarantine_json;  // the "quarantine" member (the holds); empty if absent
};

class AdminClient {
 public:
  // `me` is the operator's identity (or, in tests, anyone's): its transport
  // key connects, its signing key signs.
  static Result<std::unique_ptr<AdminClient>> Connect(const std::string& endpoint,
                                                      const identity::Card& broker,
                                                      const identity::Identity& me);

  // Serialises, signs and sends `command`; waits for the answer. The
  // broker's refusal comes back as its error code and message;
  // kUnauthenticated when the broker does not admit this key; kTimeout.
  Result<AdminAnswer> Send(const AdminCommand& command, std::chrono::milliseconds timeout);
  // Sends these exact bytes (tests: tampered, replayed, foreign commands).
  Result<AdminAnswer> SendSigned(std::string_view json, const wire::AdminSignature& signature,
                                 std::chrono::milliseconds timeout);
  // The signature Send would use.
  wire::AdminSignature Sign(std::string_view json) const;
  const crypto::BoxPublicKey& broker_key() const { return broker_key_; }

 private:
  AdminClient(std::unique_ptr<transport::WireClient> wire, crypto::BoxPublicKey broker_key,
              crypto::SigningSecretKey sign_key)
      : wire_(std::move(wire)), broker_key_(broker_key), sign_key_(std::move(sign_key)) {}
  std::unique_ptr<transport::WireClient> wire_;
  crypto::BoxPublicKey broker_key_;
  crypto::SigningSecretKey sign_key_;
};

// `certshare-broker admin ...` (docs/operations.md).
struct AdminRequest {
  std::string operator_secret;  // --operator: the operator's secret identity file
  std::string broker;           // --broker: the broker's endpoint
  std::string broker_card;      // --broker-card: pins the broker's CURVE key
  AdminKind kind = AdminKind::kShow;
  std::string card_path;        // add-org, rotate: the organisation's card
  std::string org;              // revoke, quarantine, release
  std::string since;            // quarantine --since: RFC 3339
  std::string until;            // quarantine --until: RFC 3339; empty: open
  std::string file_path;        // apply: the signed file
  bool forget_previous_keys = false;  // rotate --forget-previous-keys
  bool keep_previous_keys = false;    // rotate --keep-previous-keys (a reinstatement)
  bool json = false;            // show --json: print the registry file's JSON
  int timeout_seconds = 10;
};

// Exit statuses of `certshare-broker admin`, as for `certshare`
// (agent/cli/exit_codes.h): never renumber.
inline constexpr int kAdminExitOk = 0;
inline constexpr int kAdminExitFailure = 1;
inline constexpr int kAdminExitInvalidInput = 3;  // a key, card or broker card file
inline constexpr int kAdminExitRefused = 4;       // the broker answered with an ERROR
inline constexpr int kAdminExitUnreachable = 5;   // no answer, or the key was not admitted

// Runs one admin command: prints what changed (or, for show, the registry
// as `certshare registry show` does, and in federation mode first the
// federation, root and registry versions, expiry, the timestamp and every
// organisation's key fingerprints; then a `withheld` line per hold) on
// `out`, a refusal on `err`.
int RunAdmin(const AdminRequest& request, std::ostream& out, std::ostream& err);

}  // namespace certshare::broker
