#include "common/identity/registry.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "common/base/file_util.h"
#include "common/base/json.h"

namespace certshare::identity {

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
  return registry;
}

Result<Registry> Registry::Load(const std::string& path) {
  CERTSHARE_ASSIGN_OR_RETURN(std::string text, files::Read(path));
  Result<Registry> registry = Parse(text);
  if (!registry.ok()) return registry.status().WithContext(path);
  return registry;
}

Status Registry::Put(const Card& card) {
  for (const auto& [org, other] : cards_) {
    if (org == card.org) continue;
    bool shared = other.sign_key == card.sign_key || other.box_key == card.box_key ||
                  other.transport_key == card.transport_key ||
                  other.transport_key == card.box_key || other.box_key == card.transport_key;
    if (shared) {
      return Status(ErrorCode::kInvalidConfig,
                    "organisation " + card.org + " uses a key of " + org);
    }
  }
  cards_[card.org] = card;
  return Status::Ok();
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
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace certshare::identity
