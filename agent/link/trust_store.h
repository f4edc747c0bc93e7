// certshare::agent::TrustStore — the agent's trust directory in federation
// mode (docs/agent.md, "Federation mode"; docs/trust.md).
//
// The directory (config `[trust] dir`, flag --trust-dir, environment
// CERTSHARE_TRUST_DIR) holds:
//   root.json       the latest verified federation root (version 1 pinned by
//                   `certshare init --root`, after its fingerprints were
//                   compared out of band)
//   registry.json   the latest verified registry version, the file as received
//   timestamp.json  the latest verified signed timestamp (when there is one)
//   pins.json       each organisation's three keys as first seen, and the key
//                   changes waiting for the user's confirmation
//   local.json      cards the user imported by hand (an unsigned registry
//                   file, docs/identity.md): confirmed out of band, never
//                   redefining an organisation of the federation registry
// Every file is read protected (files::Protection::kTrusted: not writable by
// group or others, not a symbolic link) and written atomically (temporary
// file, fsync, rename). A directory without root.json is local mode: the
// agent uses its hand-kept registry file as before.
//
// Nothing the broker sends is believed unchecked: Apply verifies the root
// chain (trust::VerifyRootChain) and the registry chain
// (trust::VerifyRegistryChain) against what the store holds, and changes
// nothing (in memory or on disk) when any of it is refused: the agent never
// goes back to an older or unverified state.
//
// Key continuity: an organisation's keys are pinned the first time a
// verified version lists it while the store is fresh. A later version that
// changes them by a rotation the old key signed moves the pin (and the
// change is reported); a replacement after a compromise
// (trust::KeyChangeKind::kReplacedAfterCompromise) is held back until the
// user confirms the new signing key's fingerprint (Confirm). Until then,
// and for a card never pinned while the store is not fresh, Usable refuses
// the card with KEY_NOT_CONFIRMED.
//
// Thread-safety: not thread-safe; one owner (the command's main thread).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/base/timestamp.h"
#include "common/identity/registry.h"
#include "common/trust/registry_version.h"
#include "common/trust/root.h"
#include "common/trust/timestamp.h"
#include "common/wire/frame.h"

namespace certshare::agent {

// What one Apply changed, in words for the user and the log.
struct TrustUpdate {
  std::uint64_t root_from = 0, root_to = 0;
  std::uint64_t registry_from = 0, registry_to = 0;
  // One line per change of an organisation's keys, with the three
  // fingerprints ("CERT-UA: keys changed by a rotation its old key signed:
  // sign 3f2a ... box ... transport ...").
  std::vector<std::string> key_changes;
  // Whether the broker has more than this answer carried (ask again).
  bool more = false;
  // The timestamp the broker sent, when it was not taken (expired, not
  // for the version held, a rollback, too few signatures): the rest of the
  // answer was applied, and the agent stays or becomes "not fresh".
  Status timestamp_refused;
};

// An organisation's keys as pinned.
struct Pin {
  crypto::SigningPublicKey sign{};
  crypto::BoxPublicKey box{};
  crypto::BoxPublicKey transport{};
  // A replacement after a compromise, not yet confirmed: the keys the
  // registry now lists (the pin keeps the old ones meanwhile).
  bool pending = false;
  bool operator==(const Pin&) const = default;
};

class TrustStore {
 public:
  static constexpr const char* kRootFile = "root.json";
  static constexpr const char* kRegistryFile = "registry.json";
  static constexpr const char* kTimestampFile = "timestamp.json";
  static constexpr const char* kPinsFile = "pins.json";
  static constexpr const char* kLocalFile = "local.json";

  // Whether `dir` holds a pinned root (federation mode).
  static bool IsFederated(const std::string& dir);

  // `certshare init --root`: verifies `root_text` (trust::VerifyPinnedRoot:
  // signed by a threshold of its own root keys, kUnderThreshold otherwise)
  // and writes it as dir/root.json (creating dir, mode 0700). kAlreadyExists
  // when a root is pinned there already (a different file: pinning again
  // would undo what the agent has verified since).
  static Result<trust::SignedRoot> PinRoot(const std::string& dir, std::string_view root_text);

  // Loads the directory: root.json (re-verified as pinned), registry.json
  // (re-verified: a threshold of the root's registry keys, the root's
  // federation), pins.json, local.json. kInvalidConfig / kMalformedTrust /
  // kUnderThreshold naming the file; kInsecurePermissions for a file others
  // may write.
  static Result<TrustStore> Open(const std::string& dir);

  std::uint64_t root_version() const { return root_.root.version; }
  std::uint64_t registry_version() const {
    return registry_ ? registry_->version.version : 0;
  }
  const trust::SignedRoot& root() const { return root_; }
  const trust::SignedRegistryVersion* registry() const {
    return registry_ ? &*registry_ : nullptr;
  }
  const trust::SignedTimestamp* timestamp() const { return timestamp_ ? &*timestamp_ : nullptr; }
  const std::map<std::string, Pin, std::less<>>& pins() const { return pins_; }
  const identity::Registry& local() const { return local_; }

  // Verifies what the broker sent (TRUST) and, if all of it verifies,
  // makes it current and writes it (registry.json, root.json,
  // timestamp.json, pins.json). The timestamp is checked last, against the
  // registry version then held (trust::VerifyTimestamp); one naming a newer
  // version is left for the next request, and one refused is reported in
  // TrustUpdate::timestamp_refused without undoing the rest.
  // A refusal changes nothing and carries the trust code (kRollback,
  // kBrokenChain, kUnderThreshold, kRotationNotAuthorised, ...), naming
  // the file. A broker claiming a latest version below the one held is
  // kRollback.
  Result<TrustUpdate> Apply(const wire::TrustFiles& files, StixMillis now);

  // Whether the registry is known to be current at `now`: a verified signed
  // timestamp that names the version held and has not expired.
  bool Fresh(StixMillis now) const;
  // The warning of an agent that is not fresh (empty when fresh):
  // "the registry was last confirmed current at <issued>; a revocation
  // since then may be hidden from this agent".
  std::string FreshnessWarning(StixMillis now) const;

  // The registry compose and render use: the verified version's
  // organisations and groups, plus the cards imported by hand. Empty (no
  // organisation) before the first registry version arrives.
  Result<identity::Registry> EffectiveRegistry() const;

  // Whether this agent may seal to `card` now: OK for a card imported by
  // hand, or a pinned one whose keys match the pin and that is not waiting
  // for a confirmation; KEY_NOT_CONFIRMED otherwise (saying what to
  // compare and run); TRUST_EXPIRED for a card past its card_expires.
  Status Usable(const identity::Card& card, StixMillis now) const;

  // `certshare registry confirm ORG --fingerprint "...."`: accepts the
  // pending replacement of `org`'s keys when `fingerprint` is its new
  // signing key's fingerprint (spaces and case ignored), and writes
  // pins.json. kUnknownOrganisation; kInvalidArgument when nothing waits
  // or the fingerprint differs.
  Result<Pin> Confirm(std::string_view org, std::string_view fingerprint);

  // `certshare registry import` in federation mode: adds cards to
  // local.json, all or nothing. kAlreadyExists for a card whose id the
  // federation registry holds; kInvalidConfig for a key of another
  // organisation.
  Status ImportLocal(const std::vector<identity::Card>& cards);

 private:
  TrustStore() = default;
  std::string Path(const char* file) const;
  // Pins the members of the current registry not pinned yet (when fresh),
  // and turns key changes into pin moves or pending confirmations.
  void UpdatePins(const std::vector<trust::KeyChange>& changes, bool fresh,
                  std::vector<std::string>* said);
  Status WritePins() const;

  std::string dir_;
  trust::SignedRoot root_;
  std::string root_text_;
  std::optional<trust::SignedRegistryVersion> registry_;
  std::string registry_text_;
  std::optional<trust::SignedTimestamp> timestamp_;
  std::map<std::string, Pin, std::less<>> pins_;
  identity::Registry local_;
};

// pins.json (docs/agent.md, "Federation mode"):
//   {"format": "certshare-pins-v1", "organisations": [{"org": "CERT-UA",
//    "sign_public": <64 hex>, "box_public": ..., "transport_public": ...,
//    "pending": true (optional)}]}
// ParsePins refuses anything else with kInvalidConfig; PinsToJson writes
// what ParsePins reads back to the same pins.
using Pins = std::map<std::string, Pin, std::less<>>;
Result<Pins> ParsePins(std::string_view text);
std::string PinsToJson(const Pins& pins);

// "sign 3f2a ...  box 77de ...  transport e1aa ...": an organisation's
// three fingerprints on one line (trust::Fingerprint).
std::string Fingerprints(const identity::Card& card);

}  // namespace certshare::agent
