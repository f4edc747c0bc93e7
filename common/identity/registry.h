// certshare::identity::Registry — the organisations a broker admits and an
// agent trusts: their ids and public keys, and named sharing groups, from a
// JSON file the operator maintains (docs/identity.md):
//
//   {"format": "certshare-registry-v1",
//    "organisations": [ <card>, <card>, ... ],
//    "groups": {"baltic": ["CERT-EE", "CERT-LV", "CERT-LT"], ...}}
//
// A card may carry registry bookkeeping: "revoked" / "revoked_at" (the
// organisation may no longer connect, publish or receive, but its earlier
// records stay verifiable; a rotation to all-new keys reinstates it) and "previous_sign_keys" / "previous_box_keys"
// (keys replaced by rotations, kept so earlier records stay verifiable and
// openable).
//
// Thread-safety: a const Registry may be read from any number of threads.
// Mutations need exclusive access (the broker copies, mutates the copy and
// publishes it: broker/registry_holder.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/identity/identity.h"

namespace certshare::identity {

inline constexpr std::string_view kRegistryFormat = "certshare-registry-v1";
// How an agent names a group where it names recipients: "group:baltic".
inline constexpr std::string_view kGroupPrefix = "group:";
// Most members a group may have: the most recipients a record may name.
inline constexpr std::size_t kMaxGroupMembers = 1024;

class Registry {
 public:
  Registry() = default;

  // Parses registry JSON; kInvalidConfig naming the offending entry for a
  // bad card, a duplicate organisation id, a key used twice, or a bad group
  // (name, unregistered or repeated member).
  static Result<Registry> Parse(std::string_view text);
  // Parse of a file, which must be protected: a regular file, not a
  // symbolic link, owned by this user or root, that neither group nor
  // others may write (files::Protection::kTrusted; kInsecurePermissions
  // otherwise): whoever can change it can admit an organisation.
  static Result<Registry> Load(const std::string& path);

  // Adds or replaces (same org id) a card, bookkeeping included.
  // kInvalidConfig if one of its keys (current or previous) belongs to
  // another organisation.
  Status Put(const Card& card);

  // --- Runtime changes by the broker's operator (broker/admin.cc).
  // Each leaves the registry unchanged when it fails.
  //
  // Registers a new organisation (its public card; bookkeeping fields are
  // ignored). kAlreadyExists if the id is registered, revoked or not;
  // kInvalidConfig for a reused key.
  Status Add(const Card& card);
  // Replaces `card.org`'s keys (and display name) with `card`'s. The
  // replaced signing and box keys move to previous_sign_keys /
  // previous_box_keys when `keep_previous` is true (false: the old keys
  // are compromised, and records signed with them then no longer verify).
  // A revoked organisation is reinstated, but only by a card whose
  // signing, box and transport keys are all new (kRevoked otherwise).
  // Unset, `keep_previous` is true for a rotation and false for a
  // reinstatement: the revoked keys may be in a thief's hands, and are
  // forgotten with every previous key unless told otherwise.
  // kUnknownOrganisation, kInvalidArgument when no key changes,
  // kInvalidConfig for a key of another organisation.
  Status Rotate(const Card& card, std::optional<bool> keep_previous = std::nullopt);
  // Marks `org` revoked at `when` (RFC 3339). Its card stays, so its
  // earlier records stay verifiable. kUnknownOrganisation; kRevoked if
  // already revoked.
  Status Revoke(std::string_view org, std::string_view when);

  // --- Sharing groups.
  // Group names: 1 to 64 of [a-z0-9._-].
  static bool IsValidGroupName(std::string_view name);
  // Adds or replaces a group. kInvalidConfig for a bad name, no members,
  // more than kMaxGroupMembers, a repeated member or one that is not
  // registered.
  Status PutGroup(const std::string& name, std::vector<std::string> members);
  const std::vector<std::string>* FindGroup(std::string_view name) const;
  const std::map<std::string, std::vector<std::string>, std::less<>>& groups() const {
    return groups_;
  }

  // Finds a card whatever its state: callers check `revoked`.
  const Card* Find(std::string_view org) const;
  // The card whose current transport key this is (revoked cards included).
  const Card* FindByTransportKey(const crypto::BoxPublicKey& key) const;
  const std::map<std::string, Card, std::less<>>& cards() const { return cards_; }

  // Entries sorted by organisation id, then the groups (only if any).
  std::string ToJson() const;

 private:
  std::map<std::string, Card, std::less<>> cards_;
  std::map<std::string, std::vector<std::string>, std::less<>> groups_;
};

// What `certshare registry show` and `certshare-broker admin show` print:
// one tab-separated line per organisation (id, display name, "sign " and
// the first 16 hex digits of its signing key, then "revoked <time>" for a
// revoked one), then one per group ("group:<name>" and its members,
// comma-separated).
std::string Describe(const Registry& registry);

}  // namespace certshare::identity
