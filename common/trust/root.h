// certshare::trust::Root — the federation root of trust (docs/trust.md,
// "The federation root").
//
// root.json names the federation, the root keys (held offline, e.g. by
// CERT-EE, CERT-UA and the EU hub's operator) with their threshold, and
// the online registry-signing keys with theirs, and expires. Agents and
// brokers pin version 1 after checking its fingerprint out of band; every
// later version must be signed by a threshold of the previous version's
// root keys AND of its own, and be exactly one more (TUF's root rotation).
//
// Times are passed in (`now`, milliseconds since the epoch): nothing here
// reads a clock. Thread-safe: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/base/timestamp.h"
#include "common/crypto/keys.h"
#include "common/trust/signed_envelope.h"

namespace certshare::trust {

inline constexpr std::string_view kRootPayloadType = "certshare-root-v1";
// Largest root payload, in bytes.
inline constexpr std::size_t kMaxRootPayload = 64u << 10;
// Most keys a role (root or registry) may list.
inline constexpr std::size_t kMaxRoleKeys = 16;

// Federation names: 1 to 64 of [a-z0-9._-].
bool IsValidFederationName(std::string_view name);

struct TrustKey {
  crypto::SigningPublicKey key{};
  std::string holder;  // who holds it, for people: 1 to 128 bytes
};

// A set of keys and how many of them must sign.
struct KeyRole {
  std::vector<TrustKey> keys;  // distinct keys
  std::size_t threshold = 0;   // 1 <= threshold <= keys.size()
  std::vector<crypto::SigningPublicKey> PublicKeys() const;
};

struct Root {
  std::string federation;
  std::uint64_t version = 0;  // 1 .. 2^53 - 1
  std::string expires;        // YYYY-MM-DDTHH:MM:SSZ
  StixMillis expires_ms = 0;
  KeyRole root;      // sign root versions
  KeyRole registry;  // sign registry versions; no key in both roles
};

struct SignedRoot {
  Root root;
  SignedEnvelope envelope;  // as received: what a broker serves on
};

// Parses a root file: the envelope and its payload, every field and limit
// of docs/trust.md. kMalformedTrust naming the field. Checks no signature.
Result<SignedRoot> ParseRoot(std::string_view text);

// The payload bytes of `root` (compact JSON, members in the documented
// order). REQUIRES: `root` obeys the documented limits.
std::string RootPayload(const Root& root);

// An envelope holding RootPayload(root) and no signature yet.
SignedEnvelope UnsignedRoot(const Root& root);

// The root an agent or broker pins at set-up (`certshare init --root`),
// after its fingerprint was checked out of band: parsed, and signed by a
// threshold of its own root keys (kUnderThreshold otherwise). Expiry is
// not checked here (CheckRootFresh).
Result<SignedRoot> VerifyPinnedRoot(std::string_view text);

// One root update, in the order of docs/trust.md, "Verifying a root
// update": parse (kMalformedTrust); a threshold of `trusted`'s root keys
// (kUnderThreshold); the same federation (kWrongFederation); version
// exactly trusted + 1 (kRollback if not above, kWrongRootVersion if it
// skips); a threshold of its own root keys (kUnderThreshold). Expiry is
// not checked: an intermediate root may have expired (TUF 5.3.4), only
// the last one of a chain must be fresh.
Result<SignedRoot> VerifyRootUpdate(const Root& trusted, std::string_view candidate);

// kTrustExpired when `now` is at or after root.expires.
Status CheckRootFresh(const Root& root, StixMillis now);

// Applies `candidates` (versions trusted + 1, + 2, ... in order) one by one
// with VerifyRootUpdate, then checks the last root is fresh. Returns the
// path: `trusted` followed by every candidate, oldest first (back() is the
// current root; just `trusted`, checked fresh too, when there are no
// candidates), as VerifyRegistryChain takes it. The first refusal stops it
// and names the candidate.
Result<std::vector<SignedRoot>> VerifyRootChain(const SignedRoot& trusted,
                                                const std::vector<std::string>& candidates,
                                                StixMillis now);

}  // namespace certshare::trust
