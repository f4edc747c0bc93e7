// Indicator patterns: when `pattern_type` is "stix", `pattern` must parse
// as the STIX Patterning Language (schemas/pattern.h); the problem names the
// byte offset of the first syntax error. Other pattern languages (pcre,
// sigma, snort, suricata, yara, ...) are carried as opaque strings.
#include "common/base/json.h"
#include "schemas/object_checker.h"
#include "schemas/pattern.h"
#include "schemas/rules.h"

namespace certshare::schemas {

void ObjectChecker::CheckIndicatorPattern() {
  std::string type;
  const rapidjson::Value* pattern = json::Member(object_, "pattern");
  if (!json::GetString(object_, "pattern_type", &type) || type != "stix" ||
      pattern == nullptr || !pattern->IsString()) {
    return;  // absent or of the wrong kind: "required" / "value-type" say so
  }
  PatternError error;
  const Status parsed = CheckPattern(
      std::string_view(pattern->GetString(), pattern->GetStringLength()),
      &error);
  if (parsed.ok()) return;
  const PathNode node = PathNode::Member(nullptr, "pattern");
  std::string message =
      "`pattern` is not a valid STIX pattern: " + error.message;
  if (error.message.find("offset") == std::string::npos) {
    message += " (at byte offset " + std::to_string(error.offset) + ")";
  }
  Report(&node, rule::kPattern, std::move(message));
}

}  // namespace certshare::schemas
