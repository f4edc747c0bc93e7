#include "common/identity/registry.h"

#include <algorithm>
#include <set>

#include "common/base/file_util.h"
#include "common/base/json.h"

namespace certshare::identity {

namespace {

template <typename Key>
bool Contains(const std::vector<Key>& keys, const Key& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Whether two organisations' cards share a key: a signing key (current or
// previous) of one is a signing key of the other, or an X25519 key (box,
// current or previous, or transport) of one is an X25519 key of the other.
// Without allocating: the registry checks every pair when it loads.
bool ShareAKey(const Card& a, const Card& b) {
  auto any_sign = [](const Card& c, const crypto::SigningPublicKey& key) {
    return c.sign_key == key || Contains(c.previous_sign_keys, key);
  };
  auto any_x25519 = [](const Card& c, const crypto::BoxPublicKey& key) {
    return c.box_key == key || c.transport_key == key || Contains(c.previous_box_keys, key);
  };
  if (any_sign(b, a.sign_key)) return true;
  for (const auto& key : a.previous_sign_keys) {
    if (any_sign(b, key)) return true;
  }
  if (any_x25519(b, a.box_key) || any_x25519(b, a.transport_key)) return true;
  for (const auto& key : a.previous_box_keys) {
    if (any_x25519(b, key)) return true;
  }
  return false;
}

Status ParseGroups(const rapidjson::Value& doc, Registry* registry) {
  const rapidjson::Value* groups = json::Member(doc, "groups");
  if (groups == nullptr) return Status::Ok();
  if (!groups->IsObject()) {
    return Status(ErrorCode::kInvalidConfig,
                  "registry \"groups\" must be an object: {\"<name>\": [\"<org>\", ...]}");
  }
  for (const auto& m : groups->GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    std::string where = "groups." + name;
    if (!m.value.IsArray()) {
      return Status(ErrorCode::kInvalidConfig,
                    where + ": must be a list of organisation ids");
    }
    std::vector<std::string> members;
    for (const auto& org : m.value.GetArray()) {
      if (!org.IsString()) {
        return Status(ErrorCode::kInvalidConfig,
                      where + ": must be a list of organisation ids");
      }
      members.emplace_back(org.GetString(), org.GetStringLength());
    }
    Status s = registry->PutGroup(name, std::move(members));
    if (!s.ok()) return s.WithContext(where);
  }
  return Status::Ok();
}

}  // namespace

Result<Registry> Registry::Parse(std::string_view text) {
  rapidjson::Document doc;
  Status s = json::Parse(text, &doc);
  if (!s.ok()) return Status(ErrorCode::kInvalidConfig, s.message());
  std::string format;
  if (!json::GetString(doc, "format", &format) || format != kRegistryFormat) {
    return Status(ErrorCode::kInvalidConfig,
                  "registry \"format\" must be \"" + std::string(kRegistryFormat) + "\"");
  }
  const rapidjson::Value* orgs = json::Member(doc, "organisations");
  if (orgs == nullptr || !orgs->IsArray()) {
    return Status(ErrorCode::kInvalidConfig,
                  "registry needs an \"organisations\" array");
  }
  Registry registry;
  for (rapidjson::SizeType i = 0; i < orgs->Size(); ++i) {
    std::string where = "organisations[" + std::to_string(i) + "]";
    Result<Card> card = ParseCard((*orgs)[i]);
    if (!card.ok()) return card.status().WithContext(where);
    if (registry.Find(card->org) != nullptr) {
      return Status(ErrorCode::kInvalidConfig,
                    where + ": organisation " + card->org + " is listed twice");
    }
    s = registry.Put(*card);
    if (!s.ok()) return s.WithContext(where);
  }
  CERTSHARE_RETURN_IF_ERROR(ParseGroups(doc, &registry));
  return registry;
}

Result<Registry> Registry::Load(const std::string& path) {
  CERTSHARE_ASSIGN_OR_RETURN(std::string text,
                             files::ReadProtected(path, files::Protection::kTrusted,
                                                  "the registry", 64u << 20));
  Result<Registry> registry = Parse(text);
  if (!registry.ok()) return registry.status().WithContext(path);
  return registry;
}

Status Registry::Put(const Card& card) {
  for (const auto& [org, other] : cards_) {
    if (org == card.org) continue;
    if (ShareAKey(card, other)) {
      return Status(ErrorCode::kInvalidConfig,
                    "organisation " + card.org + " uses a key of " + org);
    }
  }
  cards_[card.org] = card;
  return Status::Ok();
}

Status Registry::Add(const Card& card) {
  if (const Card* existing = Find(card.org)) {
    return Status(ErrorCode::kAlreadyExists,
                  "organisation " + card.org + " is already registered" +
                      (existing->revoked ? " (revoked; rotate to all-new keys reinstates it)"
                                         : "; use rotate to change its keys"));
  }
  return Put(PublicCard(card));
}

Status Registry::Rotate(const Card& card, std::optional<bool> keep_previous) {
  const Card* current = Find(card.org);
  if (current == nullptr) {
    return Status(ErrorCode::kUnknownOrganisation,
                  "organisation " + card.org + " is not registered; use add-org");
  }
  if (current->revoked) {
    // Reinstatement (a stolen laptop: revoked at once, back with new keys).
    // Every key must be new: any of the revoked ones may be in other hands.
    bool all_new = card.sign_key != current->sign_key && card.box_key != current->box_key &&
                   card.transport_key != current->transport_key &&
                   !Contains(current->previous_sign_keys, card.sign_key) &&
                   !Contains(current->previous_box_keys, card.box_key);
    if (!all_new) {
      return Status(ErrorCode::kRevoked,
                    "organisation " + card.org + " was revoked at " + current->revoked_at +
                        "; it comes back only with a card whose signing, box and transport "
                        "keys are all new");
    }
  }
  if (card.sign_key == current->sign_key && card.box_key == current->box_key &&
      card.transport_key == current->transport_key) {
    return Status(ErrorCode::kInvalidArgument,
                  "the card of " + card.org + " has the registered keys: nothing to rotate");
  }
  Card next = PublicCard(card);  // not revoked: a rotation reinstates
  // A reinstatement forgets every key of the revoked organisation unless
  // told to keep them; a rotation keeps the older previous keys and, unless
  // told not to, adds the replaced ones.
  const bool keep = keep_previous.value_or(!current->revoked);
  if (keep || !current->revoked) {
    next.previous_sign_keys = current->previous_sign_keys;
    next.previous_box_keys = current->previous_box_keys;
  }
  if (keep) {
    auto keep = [](auto* list, const auto& old_key, const auto& new_key) {
      if (old_key == new_key || Contains(*list, old_key)) return;
      list->push_back(old_key);
      if (list->size() > kMaxPreviousKeys) list->erase(list->begin());
    };
    keep(&next.previous_sign_keys, current->sign_key, next.sign_key);
    keep(&next.previous_box_keys, current->box_key, next.box_key);
  }
  // A key the organisation used before may come back as its current one.
  std::erase(next.previous_sign_keys, next.sign_key);
  std::erase(next.previous_box_keys, next.box_key);
  return Put(next);
}

Status Registry::Revoke(std::string_view org, std::string_view when) {
  auto it = cards_.find(org);
  if (it == cards_.end()) {
    return Status(ErrorCode::kUnknownOrganisation,
                  "organisation " + std::string(org) + " is not registered");
  }
  if (it->second.revoked) {
    return Status(ErrorCode::kRevoked, "organisation " + std::string(org) +
                                           " was already revoked at " +
                                           it->second.revoked_at);
  }
  it->second.revoked = true;
  it->second.revoked_at = std::string(when);
  return Status::Ok();
}

bool Registry::IsValidGroupName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

Status Registry::PutGroup(const std::string& name, std::vector<std::string> members) {
  if (!IsValidGroupName(name)) {
    return Status(ErrorCode::kInvalidConfig,
                  "group name \"" + name + "\" must be 1-64 characters of a-z 0-9 . _ -");
  }
  if (members.empty()) {
    return Status(ErrorCode::kInvalidConfig, "group " + name + " has no members");
  }
  if (members.size() > kMaxGroupMembers) {
    return Status(ErrorCode::kInvalidConfig,
                  "group " + name + " has more than " + std::to_string(kMaxGroupMembers) +
                      " members");
  }
  std::set<std::string_view> seen;
  for (const auto& org : members) {
    if (Find(org) == nullptr) {
      return Status(ErrorCode::kInvalidConfig,
                    "group " + name + ": member " + org + " is not a registered organisation");
    }
    if (!seen.insert(org).second) {
      return Status(ErrorCode::kInvalidConfig,
                    "group " + name + ": member " + org + " is listed twice");
    }
  }
  groups_[name] = std::move(members);
  return Status::Ok();
}

const std::vector<std::string>* Registry::FindGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

const Card* Registry::Find(std::string_view org) const {
  auto it = cards_.find(org);
  return it == cards_.end() ? nullptr : &it->second;
}

const Card* Registry::FindByTransportKey(const crypto::BoxPublicKey& key) const {
  for (const auto& [org, card] : cards_) {
    if (card.transport_key == key) return &card;
  }
  return nullptr;
}

std::string Registry::ToJson() const {
  std::string out = "{\n  \"format\": \"" + std::string(kRegistryFormat) +
                    "\",\n  \"organisations\": [";
  bool first = true;
  for (const auto& [org, card] : cards_) {
    out += first ? "\n" : ",\n";
    first = false;
    std::string card_json = CardToJson(card);
    card_json.pop_back();  // trailing newline
    out += card_json;
  }
  out += "\n  ]";
  if (!groups_.empty()) {
    // Names and ids are plain ASCII ([a-z0-9._-], [A-Za-z0-9._-]): no escaping.
    out += ",\n  \"groups\": {";
    first = true;
    for (const auto& [name, members] : groups_) {
      out += first ? "\n" : ",\n";
      first = false;
      out += "    \"" + name + "\": [";
      for (std::size_t i = 0; i < members.size(); ++i) {
        out += (i ? ", \"" : "\"") + members[i] + "\"";
      }
      out += "]";
    }
    out += "\n  }";
  }
  out += "\n}\n";
  return out;
}

std::string Describe(const Registry& registry) {
  std::string out;
  for (const auto& [org, card] : registry.cards()) {
    out += org + "\t" + card.name + "\tsign " + HexEncode(card.sign_key).substr(0, 16) + "…";
    if (card.revoked) out += "\trevoked " + card.revoked_at;
    out += "\n";
  }
  for (const auto& [name, members] : registry.groups()) {
    out += std::string(kGroupPrefix) + name + "\t";
    for (std::size_t i = 0; i < members.size(); ++i) out += (i ? "," : "") + members[i];
    out += "\n";
  }
  return out;
}

}  // namespace certshare::identity
