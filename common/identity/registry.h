// certshare::identity::Registry — the organisations a broker admits and an
// agent trusts: their ids and public keys, from a JSON file the operator
// maintains (docs/identity.md):
//
//   {"format": "certshare-registry-v1",
//    "organisations": [ <card>, <card>, ... ]}
//
// Thread-safety: a const Registry may be read from any number of threads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/base/status.h"
#include "common/identity/identity.h"

namespace certshare::identity {

inline constexpr std::string_view kRegistryFormat = "certshare-registry-v1";

class Registry {
 public:
  Registry() = default;

  // Parses registry JSON; kInvalidConfig naming the offending entry for a
  // bad card, a duplicate organisation id or a key used twice.
  static Result<Registry> Parse(std::string_view text);
  static Result<Registry> Load(const std::string& path);

  // Adds or replaces (same org id) a card. kInvalidConfig if one of its keys
  // belongs to another organisation.
  Status Put(const Card& card);

  const Card* Find(std::string_view org) const;
  const Card* FindByTransportKey(const crypto::BoxPublicKey& key) const;
  const std::map<std::string, Card, std::less<>>& cards() const { return cards_; }

  std::string ToJson() const;

 private:
  std::map<std::string, Card, std::less<>> cards_;
};

}  // namespace certshare::identity
