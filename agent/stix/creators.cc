#include "agent/stix/creators.h"

#include <map>
#include <string>

#include "agent/stix/stix_objects.h"
#include "common/base/json.h"

namespace certshare::agent {

namespace {

// The registry's organisations by identity id, built on first need.
class RegisteredIdentities {
 public:
  explicit RegisteredIdentities(const identity::Registry& registry) : registry_(registry) {}

  // The organisation whose identity `id` is, or nullptr.
  const std::string* Find(std::string_view id) {
    if (by_id_.empty()) {
      for (const auto& [org, card] : registry_.cards()) {
        by_id_.emplace(OrganisationIdentityId(org), org);
      }
    }
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second;
  }

 private:
  const identity::Registry& registry_;
  std::map<std::string, std::string, std::less<>> by_id_;
};

Status CheckOne(const rapidjson::Value& object, const std::string& own_id,
                std::string_view origin, RegisteredIdentities& registered) {
  std::string creator;
  if (!json::GetString(object, "created_by_ref", &creator) || creator == own_id) {
    return Status::Ok();
  }
  const std::string* claimed = registered.Find(creator);
  if (claimed == nullptr) return Status::Ok();
  std::string id;
  json::GetString(object, "id", &id);
  return Status(ErrorCode::kOriginMismatch,
                id + " names " + *claimed + "'s identity (" + creator +
                    ") in created_by_ref, but the record is " + std::string(origin) +
                    "'s: only " + *claimed + " may publish objects as its own");
}

}  // namespace

Status CheckCreators(const rapidjson::Value& document, std::string_view origin,
                     const identity::Registry& registry) {
  if (!document.IsObject()) return Status::Ok();
  const std::string own_id = OrganisationIdentityId(origin);
  RegisteredIdentities registered(registry);
  std::string type;
  json::GetString(document, "type", &type);
  const rapidjson::Value* objects = json::Member(document, "objects");
  if (type != "bundle" || objects == nullptr || !objects->IsArray()) {
    return CheckOne(document, own_id, origin, registered);
  }
  for (const rapidjson::Value& object : objects->GetArray()) {
    if (!object.IsObject()) continue;
    CERTSHARE_RETURN_IF_ERROR(CheckOne(object, own_id, origin, registered));
  }
  return Status::Ok();
}

}  // namespace certshare::agent
