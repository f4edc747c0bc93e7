#include "broker/options.h"

#include <rapidjson/document.h>

#include <vector>

#include "common/base/json.h"

namespace certshare::broker {

namespace {

std::string Resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

}  // namespace

Result<Options> ParseConfig(std::string_view text, const std::string& base_dir) {
  rapidjson::Document doc;
  Status parsed = json::Parse(text, &doc);
  if (!parsed.ok()) return Status(ErrorCode::kInvalidConfig, parsed.message());
  if (!doc.IsObject()) return Status(ErrorCode::kInvalidConfig, "config must be a JSON object");

  Options options;
  std::vector<std::string> problems;
  static const char* kKnown[] = {"listen", "identity", "registry", "data_dir",
                                 "max_record_bytes", "endpoint_file"};
  for (const auto& m : doc.GetObject()) {
    std::string name = m.name.GetString();
    bool known = false;
    for (const char* k : kKnown) known = known || name == k;
    if (!known) problems.push_back("unknown setting \"" + name + "\"");
  }
  auto str = [&](const char* name, std::string* out, bool required) {
    const rapidjson::Value* v = json::Member(doc, name);
    if (v == nullptr) {
      if (required) problems.push_back(std::string("\"") + name + "\" is required");
      return;
    }
    if (!v->IsString() || v->GetStringLength() == 0) {
      problems.push_back(std::string("\"") + name + "\" must be a non-empty string");
      return;
    }
    *out = v->GetString();
  };
  str("listen", &options.listen, false);
  str("identity", &options.identity, true);
  str("registry", &options.registry, true);
  str("data_dir", &options.data_dir, true);
  str("endpoint_file", &options.endpoint_file, false);
  if (const rapidjson::Value* v = json::Member(doc, "max_record_bytes")) {
    if (!v->IsUint64() || v->GetUint64() < 1024 || v->GetUint64() > (256ull << 20)) {
      problems.push_back("\"max_record_bytes\" must be a whole number from 1024 to 268435456");
    } else {
      options.max_record_bytes = v->GetUint64();
    }
  }
  if (options.listen.rfind("tcp://", 0) != 0 && options.listen.rfind("ipc://", 0) != 0) {
    problems.push_back("\"listen\" must be a tcp:// or ipc:// endpoint");
  }
  if (!problems.empty()) {
    std::string msg = "invalid broker config:";
    for (const auto& p : problems) msg += "\n  - " + p;
    return Status(ErrorCode::kInvalidConfig, msg);
  }
  options.identity = Resolve(options.identity, base_dir);
  options.registry = Resolve(options.registry, base_dir);
  options.data_dir = Resolve(options.data_dir, base_dir);
  options.endpoint_file = Resolve(options.endpoint_file, base_dir);
  return options;
}

}  // namespace certshare::broker
