#include "agent/stix/topics.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "agent/stix/rsit.h"
#include "common/base/json.h"
#include "common/envelope/envelope.h"

namespace certshare::agent {

namespace {

constexpr std::size_t kMaxTopicBytes = 255;  // a str8 in the header

void Add(std::set<std::string>* topics, std::string topic) {
  if (topic.size() <= kMaxTopicBytes) topics->insert(std::move(topic));
}

// rsit:<class>="<type>" (or another form rsit::Find reads) -> rsit:<class>;
// labels that are not a known RSIT classification give nothing.
void FromLabels(const rapidjson::Value& object, std::set<std::string>* topics) {
  const rapidjson::Value* labels = json::Member(object, "labels");
  if (labels == nullptr || !labels->IsArray()) return;
  for (const auto& label : labels->GetArray()) {
    if (!label.IsString()) continue;
    const std::string_view text(label.GetString(), label.GetStringLength());
    Result<const rsit::Type*> type = rsit::Find(text);
    if (type.ok()) Add(topics, "rsit:" + std::string((*type)->klass));
  }
}

void FromObject(const rapidjson::Value& object, std::set<std::string>* topics) {
  if (!object.IsObject()) return;
  std::string type;
  json::GetString(object, "type", &type);
  if (type == "incident") {
    FromLabels(object, topics);
  } else if (type == "identity") {
    std::string identity_class;
    json::GetString(object, "identity_class", &identity_class);
    const rapidjson::Value* sectors = json::Member(object, "sectors");
    if (identity_class != "class" || sectors == nullptr || !sectors->IsArray()) return;
    for (const auto& sector : sectors->GetArray()) {
      if (sector.IsString() && sector.GetStringLength() > 0) {
        Add(topics, "sector:" + std::string(sector.GetString(), sector.GetStringLength()));
      }
    }
  } else if (type == "location") {
    std::string country;
    if (json::GetString(object, "country", &country) && !country.empty()) {
      std::transform(country.begin(), country.end(), country.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      Add(topics, "country:" + country);
    }
  }
}

}  // namespace

std::vector<std::string> DeriveTopics(std::string_view stix_text) {
  rapidjson::Document doc;
  if (!json::Parse(stix_text, &doc).ok()) return {};
  return DeriveTopics(doc);
}

std::vector<std::string> DeriveTopics(const rapidjson::Value& doc) {
  if (!doc.IsObject()) return {};
  std::set<std::string> topics;
  const rapidjson::Value* objects = json::Member(doc, "objects");
  if (objects != nullptr && objects->IsArray()) {
    for (const auto& object : objects->GetArray()) FromObject(object, &topics);
  } else {
    FromObject(doc, &topics);
  }
  std::vector<std::string> out(topics.begin(), topics.end());
  if (out.size() > envelope::kMaxTopics) out.resize(envelope::kMaxTopics);
  return out;
}

bool DerivesTopics(TopicMode mode, Tlp tlp) {
  switch (mode) {
    case TopicMode::kAuto: return true;
    case TopicMode::kNone: return false;
    case TopicMode::kDefault: return tlp == Tlp::kClear || tlp == Tlp::kGreen;
  }
  return false;
}

}  // namespace certshare::agent
