#include "agent/stix/bundle.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "agent/stix/uuid.h"
#include "common/base/json.h"

namespace certshare::agent {

namespace {

std::string StringMember(const rapidjson::Value& obj, const char* name) {
  std::string out;
  json::GetString(obj, name, &out);
  return out;
}

}  // namespace

std::string VersionOf(const rapidjson::Value& object) {
  std::string v = StringMember(object, "modified");
  if (v.empty()) v = StringMember(object, "created");
  return v;
}

std::string ToPrettyJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Bundle::Bundle() : id_(NewStixId("bundle")) {
  doc_.SetObject();
  auto& a = doc_.GetAllocator();
  doc_.AddMember("type", "bundle", a);
  doc_.AddMember("id", rapidjson::Value(id_.c_str(), a), a);
  doc_.AddMember("objects", rapidjson::Value(rapidjson::kArrayType), a);
}

const rapidjson::Value& Bundle::Objects() const { return doc_["objects"]; }

const rapidjson::Value* Bundle::FindFirst(std::string_view type) const {
  for (const auto& o : Objects().GetArray()) {
    const rapidjson::Value* t = json::Member(o, "type");
    if (t && t->IsString() && std::string_view(t->GetString(), t->GetStringLength()) == type) {
      return &o;
    }
  }
  return nullptr;
}

Status Bundle::Add(rapidjson::Value&& object) {
  const std::string id = StringMember(object, "id");
  if (!object.IsObject() || id.empty()) {
    return Status(ErrorCode::kInvalidStix, "a STIX object needs a string \"id\"");
  }
  const std::string version = VersionOf(object);
  rapidjson::Value& objects = doc_["objects"];
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].first != id || keys_[i].second != version) continue;
    if (objects[static_cast<rapidjson::SizeType>(i)] == object) return Status::Ok();
    return Status(ErrorCode::kInvalidArgument,
                  "two different objects claim to be the same version of " + id +
                      (version.empty() ? std::string() : " (modified " + version + ")") +
                      "; a changed object needs a later \"modified\" (certshare revise)");
  }
  keys_.emplace_back(id, version);
  objects.PushBack(object.Move(), doc_.GetAllocator());
  return Status::Ok();
}

Result<std::size_t> Bundle::AddDocument(std::string_view text, std::string_view source) {
  rapidjson::Document parsed;
  Status s = json::Parse(text, &parsed);
  if (!s.ok()) return s.WithContext(source);
  rapidjson::Value* list = nullptr;
  rapidjson::Value single(rapidjson::kArrayType);
  if (parsed.IsArray()) {
    list = &parsed;
  } else if (parsed.IsObject() && StringMember(parsed, "type") == "bundle") {
    auto it = parsed.FindMember("objects");
    if (it == parsed.MemberEnd()) return std::size_t{0};
    if (!it->value.IsArray()) {
      return Status(ErrorCode::kInvalidStix,
                    std::string(source) + ": the bundle's \"objects\" is not a list");
    }
    list = &it->value;
  } else if (parsed.IsObject()) {
    single.PushBack(parsed.Move(), parsed.GetAllocator());
    list = &single;
  } else {
    return Status(ErrorCode::kInvalidStix,
                  std::string(source) + ": expected a STIX object, bundle or list of objects");
  }
  std::size_t added = 0;
  for (auto& o : list->GetArray()) {
    const std::size_t before = size();
    rapidjson::Value copy(o, doc_.GetAllocator());
    s = Add(std::move(copy));
    if (!s.ok()) return s.WithContext(source);
    added += size() - before;
  }
  return added;
}

std::string Bundle::ToJson() const { return ToPrettyJson(doc_); }

}  // namespace certshare::agent
