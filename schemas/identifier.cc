// STIX type names and identifiers (STIX 2.1 §2.9, §3.1 `type`).
#include "schemas/formats.h"
#include "schemas/stix_check.h"

namespace certshare::schemas {

namespace {

constexpr std::size_t kUuidLength = 36;  // 8-4-4-4-12 hex digits
constexpr std::size_t kVersionAt = 14;   // xxxxxxxx-xxxx-Vxxx-...
constexpr std::size_t kVariantAt = 19;   // xxxxxxxx-xxxx-xxxx-Nxxx-...
constexpr std::size_t kMinTypeLength = 3;
constexpr std::size_t kMaxTypeLength = 250;

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsLowerHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool IsAnyHex(char c) { return IsLowerHex(c) || (c >= 'A' && c <= 'F'); }
bool IsDash(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

bool HasUuidShape(std::string_view text, bool (*hex)(char)) {
  if (text.size() != kUuidLength) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (IsDash(i) ? text[i] != '-' : !hex(text[i])) return false;
  }
  return true;
}

bool IsVariantDigit(char c) {
  return c == '8' || c == '9' || c == 'a' || c == 'b';
}

}  // namespace

bool IsStixType(std::string_view type) {
  if (type.size() < kMinTypeLength || type.size() > kMaxTypeLength) {
    return false;
  }
  if (!IsLowerAlnum(type.front()) || !IsLowerAlnum(type.back())) return false;
  for (char c : type) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

bool IsStixUuid(std::string_view text) {
  return HasUuidShape(text, IsLowerHex) && text[kVersionAt] >= '1' &&
         text[kVersionAt] <= '5' && IsVariantDigit(text[kVariantAt]);
}

std::string_view WhyNotStixUuid(std::string_view text) {
  if (!HasUuidShape(text, IsAnyHex) || IsStixUuid(text)) return {};
  if (!HasUuidShape(text, IsLowerHex)) {
    return "has upper-case hex digits; STIX ids use lower-case UUIDs";
  }
  if (text[kVersionAt] < '1' || text[kVersionAt] > '5') {
    return "is not an RFC 4122 UUID: its version digit (the 13th) must be "
           "1-5, normally 4 (random) or 5 (observables)";
  }
  return "is not an RFC 4122 UUID: its variant digit (the 17th) must be 8, "
         "9, a or b";
}

std::string_view IdTypePrefix(std::string_view id) {
  if (id.size() < kUuidLength + 2) return {};
  return id.substr(0, id.size() - kUuidLength - 2);
}

bool IsStixIdOfAnyType(std::string_view id) {
  const std::string_view type = IdTypePrefix(id);
  return IsStixType(type) && IsStixId(id, type);
}

bool IsStixId(std::string_view id, std::string_view type) {
  if (!IsStixType(type)) return false;
  if (id.size() != type.size() + 2 + kUuidLength) return false;
  return id.substr(0, type.size()) == type &&
         id.substr(type.size(), 2) == "--" &&
         IsStixUuid(id.substr(type.size() + 2));
}

}  // namespace certshare::schemas
