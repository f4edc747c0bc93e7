// certshare::trust authoring — making the federation's signed files
// offline (docs/trust.md, "Operation"): what `certshare trust ...`,
// `certshare keygen --rotate-from` and `certshare-broker admin ...
// --sign-with` do, as functions tests can call.
//
// Nothing here verifies the files it makes beyond the format's own limits:
// the broker and the agents verify (VerifyRootUpdate,
// VerifyRegistryVersion). A key is the signing key of an identity made by
// `certshare keygen` (its card names the holder), and a signer's secret
// file is read by the caller with the protected loaders (passphrases).
//
// Times are passed in; nothing reads a clock. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/trust/registry_version.h"
#include "common/trust/root.h"

namespace certshare::trust {

// --- Roots.
struct RootSpec {
  std::string federation;
  std::string expires;                     // a time, docs/trust.md
  std::vector<identity::Card> root_keys;   // holder: the card's org
  std::size_t root_threshold = 0;
  std::vector<identity::Card> registry_keys;
  std::size_t registry_threshold = 0;
};
// Root version 1, unsigned. kInvalidArgument naming the flag at fault.
Result<Root> NewRoot(const RootSpec& spec);
// The version after `current`: version + 1, `spec`'s expiry, and its key
// lists and thresholds where given (an empty list keeps the current one;
// a threshold of 0 keeps the current one). Unsigned.
Result<Root> NextRoot(const Root& current, const RootSpec& spec);

// --- Registry versions.
struct MemberSpec {
  identity::Card card;              // a public card (keygen)
  std::vector<std::string> roles;   // kRolePublish / kRoleSubscribe
  std::string home_broker;
  std::string card_expires;         // a time
};
// A key change made by `certshare keygen --rotate-from`
// (<org>.key-change.json): the new card and the organisation's signatures
// over KeyChangeMessage(federation, old card, new card).
struct KeyChangeFile {
  std::string federation;
  identity::Card old_card;  // the keys it replaces (public)
  identity::Card new_card;
  crypto::Signature old_key_sig{};  // by the old signing key
  crypto::Signature new_key_sig{};  // by the new signing key
};
inline constexpr std::string_view kKeyChangeFormat = "certshare-key-change-v1";
std::string KeyChangeFileToJson(const KeyChangeFile& change);
// kInvalidArgument naming the member; checks no signature (the registry
// signer's tools and every verifier do, VerifyRegistryVersion).
Result<KeyChangeFile> ParseKeyChangeFile(std::string_view text);
// Signs a key change from `old_id` to `new_id` (both secret identities).
KeyChangeFile MakeKeyChange(std::string_view federation, const identity::Identity& old_id,
                            const identity::Identity& new_id);

struct RegistryEdit {
  std::string expires;                      // the new version's expiry (required)
  std::vector<MemberSpec> add;              // new organisations
  std::vector<std::pair<std::string, std::string>> revoke;       // org, at
  std::vector<std::pair<std::string, std::string>> compromised;  // org, since
  std::vector<KeyChangeFile> key_changes;
  // Records known good, added to the organisation's allowed_roots: org,
  // the record's signed Merkle root (docs/trust.md).
  std::vector<std::pair<std::string, crypto::Hash256>> allow_roots;
};
// Version 1 of `root`'s federation with `edit.add` (revoke, compromised and
// key changes are refused: there is nothing to change yet).
Result<RegistryVersion> NewRegistry(const Root& root, const RegistryEdit& edit);
// The version after `previous` (its payload hash as "previous"), every
// organisation kept, then: added, revoked (kAlreadyExists / kRevoked /
// kUnknownOrganisation), marked compromised, keys changed (the replaced
// signing and box keys kept as previous keys, the proof carried), records
// allow-listed (a root already listed is kept once; more than
// identity::kMaxAllowedRoots is kInvalidArgument). Key-change proofs of
// `previous` are not carried over. kInvalidArgument for a key
// change whose old keys are not the organisation's current ones, or for
// another federation.
Result<RegistryVersion> NextRegistry(const SignedRegistryVersion& previous,
                                     const RegistryEdit& edit);

// --- Any signed file.
// What `certshare trust show` prints: what the file is (root, registry
// version, timestamp), its federation,
// version, expiry, and each key (role, holder, fingerprint) and signature
// (whose, by fingerprint, "valid" or "INVALID", or "unknown key"), and for
// a registry version each organisation with its three fingerprints and
// state. `root` (optional) names the registry keys of a registry version.
Result<std::string> DescribeSignedFile(std::string_view text, const Root* root);
// Adds (or replaces) `key`'s signature to the signed file `text`, whatever
// its payload type; returns the new file text.
Result<std::string> SignFile(std::string_view text, const crypto::SigningSecretKey& key);

}  // namespace certshare::trust
