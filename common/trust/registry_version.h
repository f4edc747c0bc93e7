// certshare::trust::RegistryVersion — a signed, versioned registry of the
// federation's organisations (docs/trust.md, "Registry versions").
//
// Each version lists every organisation (its card, roles, home broker,
// card expiry, revocation and compromise times, previous keys) and the
// sharing groups, names the version before it by the hash of its payload
// ("previous"), expires, and is signed by a threshold of the registry keys
// the federation root names. A version that changes an organisation's keys
// carries, in that organisation's entry, the key-change signatures: by its
// previous signing key (the old key holder asked for it) and by its new
// signing key (proof of possession).
//
// Times are passed in (`now`); nothing here reads a clock. Thread-safe:
// plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/base/timestamp.h"
#include "common/crypto/keys.h"
#include "common/identity/registry.h"
#include "common/trust/root.h"
#include "common/trust/signed_envelope.h"

namespace certshare::trust {

inline constexpr std::string_view kRegistryPayloadType = "certshare-registry-version-v1";
// Largest registry payload, in bytes, and most organisations in it.
inline constexpr std::size_t kMaxRegistryPayload = 8u << 20;
inline constexpr std::size_t kMaxOrganisations = 10000;

// What an organisation may do (its "roles"). Never renumbered: the names
// are the format.
using identity::kRolePublish;
using identity::kRoleSubscribe;

// The signatures an entry carries in the version that changes its keys.
struct KeyChangeProof {
  std::optional<crypto::Signature> old_key_sig;  // by the previous signing key
  std::optional<crypto::Signature> new_key_sig;  // by the new signing key
};

struct Member {
  // org, name, the three keys, revocation ("revoked", "revoked_at") and
  // previous keys, as identity::Registry holds them.
  identity::Card card;
  std::vector<std::string> roles;  // kRolePublish, kRoleSubscribe; 1 or 2, distinct
  std::string home_broker;         // the broker it connects to (an org-id-like name)
  std::string card_expires;        // YYYY-MM-DDTHH:MM:SSZ
  StixMillis card_expires_ms = 0;
  std::string compromised_since;   // empty: not compromised
  StixMillis compromised_since_ms = 0;
  std::optional<KeyChangeProof> key_change;

  bool HasRole(std::string_view role) const;
  // Whether the card has expired at `now` (its keys should not be used for
  // new records; the version itself stays valid).
  bool CardExpired(StixMillis now) const { return now >= card_expires_ms; }
};

struct RegistryVersion {
  std::string federation;
  std::uint64_t version = 0;  // 1 .. 2^53 - 1
  std::string expires;
  StixMillis expires_ms = 0;
  std::optional<crypto::Hash256> previous;  // absent exactly in version 1
  std::vector<Member> members;              // sorted by org id, distinct
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // sorted by name

  const Member* Find(std::string_view org) const;
};

struct SignedRegistryVersion {
  RegistryVersion version;
  SignedEnvelope envelope;
  crypto::Hash256 hash{};  // PayloadHash(envelope.payload): what the next version names
  // The same organisations and groups as an identity::Registry (key reuse
  // across organisations refused), for the code that resolves recipients.
  identity::Registry registry;
};

// BLAKE2b-256("certshare/registry-version/v1" 0x00 || payload).
crypto::Hash256 PayloadHash(std::string_view payload);

// Parses a registry version file: envelope, payload, every field and limit
// of docs/trust.md. kMalformedTrust naming the field. Checks no signature.
Result<SignedRegistryVersion> ParseRegistryVersion(std::string_view text);

// The payload bytes of `version` (compact JSON, documented member order).
// REQUIRES: `version` obeys the documented limits.
std::string RegistryVersionPayload(const RegistryVersion& version);
SignedEnvelope UnsignedRegistryVersion(const RegistryVersion& version);

// What an organisation signs when its keys change:
//   "certshare/key-change/v1" 0x00 || u32 len(federation) || federation
//   || u32 len(org) || org || old sign || old box || old transport
//   || new sign || new box || new transport          (keys 32 bytes each)
Bytes KeyChangeMessage(std::string_view federation, const identity::Card& old_card,
                       const identity::Card& new_card);

// How a verified version changed an organisation's keys.
enum class KeyChangeKind {
  kRotated,                  // signed by its previous signing key (and the new one)
  kReplacedAfterCompromise,  // the previous version marked it compromised or
                             // revoked: its old key could not vouch; agents
                             // that pinned the old card ask their user
};
struct KeyChange {
  std::string org;
  KeyChangeKind kind;
};

struct VerifiedRegistryVersion {
  SignedRegistryVersion version;
  std::vector<KeyChange> key_changes;  // against the previously trusted version
};

// One registry version against the trusted `root` and the previously
// trusted version (nullptr on first contact), in the order of
// docs/trust.md, "Verifying a registry version": parse (kMalformedTrust);
// a threshold of root's registry keys (kUnderThreshold); root's federation
// (kWrongFederation); then against `previous`: not older (kRollback), not
// a second, different version of the same number or a gap or another
// "previous" hash (kBrokenChain), no organisation removed, no revocation
// undone but by all-new keys, no revocation or compromise time moved later
// (kHistoryRewritten), every key change signed by the previous signing key
// (kRotationNotAuthorised) and by the new one (kNoProofOfPossession); last,
// not expired at `now` (kTrustExpired). The same version again (same
// bytes) is accepted and changes nothing.
Result<VerifiedRegistryVersion> VerifyRegistryVersion(const Root& root,
                                                      const SignedRegistryVersion* previous,
                                                      std::string_view candidate,
                                                      StixMillis now);

// Applies `candidates` (each the version after the one before) one by one;
// only the last must not have expired (intermediate ones may have). Key
// changes of every step are reported. With no candidates, `previous` must
// be given and fresh.
//
// `roots` is the path VerifyRootChain returns: the root that vouched for
// `previous` (or the first root held, on first contact), then every newer
// root, oldest first. Each candidate is checked against the registry keys
// of the first of them, from the one that vouched for the version before
// onward, whose threshold it meets: a version signed before a root changed
// the registry keys still takes its place in a chain that goes on past the
// change. The last version (`previous` itself with no candidates) must meet
// the threshold of the last root, since only the current root vouches for
// the current version: kUnderThreshold otherwise (the new root's registry
// keys have not signed a version yet; docs/trust.md, "Rotating the
// registry keys").
Result<VerifiedRegistryVersion> VerifyRegistryChain(const std::vector<SignedRoot>& roots,
                                                    const SignedRegistryVersion* previous,
                                                    const std::vector<std::string>& candidates,
                                                    StixMillis now);

}  // namespace certshare::trust
