#include "schemas/describe.h"

#include <cstdio>

namespace certshare::schemas {

namespace {
constexpr std::size_t kMaxQuotedBytes = 80;
}  // namespace

std::string Quote(std::string_view text) {
  bool cut = false;
  if (text.size() > kMaxQuotedBytes) {
    std::size_t end = kMaxQuotedBytes;
    // Back off UTF-8 continuation bytes so a character is never split.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    text = text.substr(0, end);
    cut = true;
  }
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += cut ? "\"…" : "\"";
  return out;
}

std::string NameOf(std::string_view name) {
  bool plain = !name.empty() && name.size() <= 250;
  for (char c : name) {
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                      c == '.' || c == ':');
  }
  return plain ? "`" + std::string(name) + "`" : Quote(name);
}

std::string Describe(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kStringType:
      return Quote({value.GetString(), value.GetStringLength()});
    case rapidjson::kNumberType:
      return "a number";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kTrueType:
      return "true";
    case rapidjson::kFalseType:
      return "false";
    case rapidjson::kNullType:
      return "null";
  }
  return "a value";
}

}  // namespace certshare::schemas
