// certshare::identity — who an organisation is, in files.
//
// An organisation's identity is three key pairs:
//   sign       Ed25519: signs every record it originates
//   box        X25519: receives payload keys wrapped for it (key slots)
//   transport  X25519: its CURVE key towards the broker (ZAP admits it)
// Keeping the transport key apart from the box key means the two protocols
// never share a key, and a transport key can be rotated without touching
// records already encrypted.
//
// Files (docs/identity.md):
//   <org>.secret.json  the secret keys, mode 0600, never overwritten;
//                      optionally protected by a passphrase (format
//                      "certshare-secret-v1-protected": the secrets sealed
//                      under an Argon2id-derived key, crypto/passphrase.h)
//   <org>.card.json    the public identity card, for exchange
//
// Thread-safety: the types are plain values; functions share no state.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "common/base/status.h"
#include "common/base/timestamp.h"
#include "common/crypto/keys.h"
#include "common/crypto/passphrase.h"

namespace certshare::identity {

inline constexpr std::string_view kCardFormat = "certshare-card-v1";
inline constexpr std::string_view kSecretFormat = "certshare-secret-v1";
inline constexpr std::string_view kProtectedSecretFormat = "certshare-secret-v1-protected";
// Most keys a card keeps in "previous_sign_keys" / "previous_box_keys"
// (one per rotation); a rotation beyond it forgets the oldest.
inline constexpr std::size_t kMaxPreviousKeys = 16;

// Organisation ids: 1 to 64 of [A-Za-z0-9._-], e.g. "CERT-EE".
bool IsValidOrgId(std::string_view org);

struct Card {
  std::string org;
  std::string name;  // display name
  crypto::SigningPublicKey sign_key{};
  crypto::BoxPublicKey box_key{};
  crypto::BoxPublicKey transport_key{};
  // Registry bookkeeping (docs/identity.md, "Revocation" and "Rotation").
  // A card made by keygen has none of these; the broker's registry sets
  // them when its operator revokes or rotates an organisation.
  bool revoked = false;
  std::string revoked_at;  // RFC 3339 UTC, when revoked; empty otherwise
  // Keys the organisation used before its last rotations, oldest first:
  // records signed (and key slots wrapped) with them stay verifiable and
  // openable. Never used to admit a connection or accept a new record.
  std::vector<crypto::SigningPublicKey> previous_sign_keys;
  std::vector<crypto::BoxPublicKey> previous_box_keys;
  // What a signed registry version (docs/trust.md) says about the
  // organisation, which verifiers act on; the unsigned registry may carry
  // them too. Times are "YYYY-MM-DDTHH:MM:SSZ"; empty: not set.
  //   compromised_since: records it signed at or after this time are not
  //                      trusted (its key may be in other hands).
  //   card_expires:      after it, its keys are not used for new records.
  //   allowed_roots:     records "known good" at the moment of a revocation
  //                      or rotation: their signed Merkle roots (at most
  //                      kMaxAllowedRoots).
  std::string compromised_since;
  std::string card_expires;
  std::vector<crypto::Hash256> allowed_roots;
  // What a signed registry version says the organisation may do (roles
  // kRolePublish, kRoleSubscribe; docs/trust.md): set only from one (never
  // read from or written to card and registry files); empty: both, as in
  // local mode and for a broker's local additions. Brokers enforce it
  // (docs/protocol.md, "Roles").
  std::vector<std::string> roles;
  // The broker the signed registry version homes it at (docs/trust.md);
  // set only from one, like `roles`. Empty: any. A broker with a `name`
  // refuses an organisation homed elsewhere.
  std::string home_broker;
};

inline constexpr std::string_view kRolePublish = "publish";
inline constexpr std::string_view kRoleSubscribe = "subscribe";
// Whether `card` has `role` (a card without roles has both).
bool HasRole(const Card& card, std::string_view role);

// Most record roots a card's "allowed_roots" may list.
inline constexpr std::size_t kMaxAllowedRoots = 4096;

// Whether `card` has expired at `now_unix_ms` (its card_expires is set and
// not after it). A card without card_expires never expires.
bool CardExpired(const Card& card, StixMillis now);

struct Identity {
  Card card;
  crypto::SigningSecretKey sign_secret;
  crypto::BoxSecretKey box_secret;
  crypto::BoxSecretKey transport_secret;
};

struct GeneratedFiles {
  std::string secret_path;
  std::string card_path;
};

// Creates a fresh identity for `org` in `dir`: <org>.secret.json (0600) and
// <org>.card.json. Refuses (kAlreadyExists) if either file exists. With a
// `passphrase`, the secret file is protected by it.
Result<GeneratedFiles> Generate(std::string_view org, std::string_view name,
                                const std::string& dir,
                                const crypto::Passphrase* passphrase = nullptr);

// Supplies the passphrase of a protected secret file (its path is the
// argument) when LoadIdentity meets one; called at most once per load, and
// only once the file's other fields are known to be well formed. Its error
// is returned with the path as context, so it should say how to give a
// passphrase.
using PassphraseSource =
    std::function<Result<crypto::Passphrase>(const std::string& secret_path)>;

// Loads a secret file: refuses a symbolic link, one owned by another user
// or one group or others may access (kInsecurePermissions;
// files::ReadProtected), checks every secret matches its public half
// (kInvalidConfig otherwise). The file text is wiped from memory after use.
// A protected file is opened with the passphrase from `passphrase`:
// kDecryptFailed ("wrong passphrase") if it does not open; without a
// source, kInvalidArgument.
Result<Identity> LoadIdentity(const std::string& path,
                              const PassphraseSource& passphrase = nullptr);

// --- Protected secret files (docs/identity.md).

// Whether the secret file at `path` is protected by a passphrase (read from
// its "format"; mode checked as by LoadIdentity).
Result<bool> IsProtectedSecretFile(const std::string& path);

// The card fields of a secret file, plain or protected, without reading its
// secrets (no passphrase needed): what building records needs.
Result<Card> LoadSecretFileCard(const std::string& path);

// Writes `id` as a secret file at `path`, mode 0600, protected by
// `passphrase` unless it is null. With `replace`, an existing file is
// replaced atomically (temporary file, fsync, rename); without it an
// existing file is never overwritten (kAlreadyExists). The text is wiped
// from memory once written.
Status WriteSecretFile(const std::string& path, const Identity& id,
                       const crypto::Passphrase* passphrase, bool replace);

// Reads a passphrase file: its first line (without the line end) is the
// passphrase. Refuses a file protected less than a secret file
// (kInsecurePermissions, saying to chmod 600), one over 64 KiB (kIoError),
// an empty one
// (kInvalidConfig), or one whose first line is longer than
// crypto::kMaxPassphraseLength. Its text is wiped from memory.
Result<crypto::Passphrase> ReadPassphraseFile(const std::string& path);

// Cards as JSON. ParseCard also reads the optional registry bookkeeping
// fields ("revoked", "revoked_at", "previous_sign_keys",
// "previous_box_keys", "compromised_since", "card_expires",
// "allowed_roots"); CardToJson writes them only when set, so a card
// from keygen round-trips unchanged.
Result<Card> ParseCard(const rapidjson::Value& value);
Result<Card> LoadCard(const std::string& path);
// LoadCard for a card that decides whom to trust (the broker's operator
// card): the file must be protected as the registry is
// (files::Protection::kTrusted; kInsecurePermissions otherwise).
Result<Card> LoadTrustedCard(const std::string& path);
std::string CardToJson(const Card& card);
// The card without its registry bookkeeping: what its owner hands out.
Card PublicCard(const Card& card);

}  // namespace certshare::identity
