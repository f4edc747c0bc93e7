// The string formats of particular STIX properties (format:<name> in the
// catalog), hash values, property names and dictionary keys. Each check is
// one pass over the text; where the OASIS schemas give a regular expression
// the check accepts the same language unless docs/records.md says otherwise.
#include <arpa/inet.h>

#include <array>
#include <string>

#include "schemas/formats.h"

namespace certshare::schemas {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlpha(char c) { return IsLower(c) || IsUpper(c); }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsSpaceOrControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7F;
}

bool Fail(std::string_view* why, std::string_view reason) {
  if (why != nullptr) *why = reason;
  return false;
}

template <typename Pred>
bool All(std::string_view text, Pred pred) {
  for (char c : text) {
    if (!pred(c)) return false;
  }
  return true;
}

// Decimal 0..max without leading zeros.
bool IsSmallDecimal(std::string_view text, int max) {
  if (text.empty() || text.size() > 3 || !All(text, IsDigit)) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value <= max;
}

// Splits "<address>/<prefix>" and checks the prefix (0..max).
bool SplitPrefix(std::string_view text, int max, std::string_view* address) {
  const std::size_t slash = text.find('/');
  *address = text.substr(0, slash);
  return slash == std::string_view::npos ||
         IsSmallDecimal(text.substr(slash + 1), max);
}

bool IsIpv4(std::string_view text, std::string_view* why) {
  std::string_view address;
  if (!SplitPrefix(text, 32, &address)) {
    return Fail(why, "has a CIDR prefix that is not 0-32");
  }
  int parts = 0;
  while (true) {
    const std::size_t dot = address.find('.');
    if (!IsSmallDecimal(address.substr(0, dot), 255)) break;
    ++parts;
    if (dot == std::string_view::npos)
      return parts == 4 || Fail(why, "is not four numbers");
    address.remove_prefix(dot + 1);
  }
  return Fail(why,
              "is not a dotted-quad IPv4 address (four numbers 0-255, "
              "no leading zeros, optional /0-32)");
}

bool IsIpv6(std::string_view text, std::string_view* why) {
  std::string_view address;
  if (!SplitPrefix(text, 128, &address)) {
    return Fail(why, "has a CIDR prefix that is not 0-128");
  }
  address = address.substr(0, address.find('%'));  // zone index, RFC 4007
  std::array<unsigned char, 16> bytes;
  if (address.size() > 45 ||
      inet_pton(AF_INET6, std::string(address).c_str(), bytes.data()) != 1) {
    return Fail(why, "is not an IPv6 address");
  }
  return true;
}

bool IsMac(std::string_view text, std::string_view* why) {
  // STIX: a single colon-delimited, lower-case MAC-48 address.
  bool ok = text.size() == 17;
  for (std::size_t i = 0; ok && i < text.size(); ++i) {
    ok = i % 3 == 2 ? text[i] == ':'
                    : (IsDigit(text[i]) || (text[i] >= 'a' && text[i] <= 'f'));
  }
  return ok || Fail(why,
                    "is not a lower-case, colon-delimited MAC-48 address "
                    "such as 00:1a:2b:3c:4d:5e");
}

bool IsUrl(std::string_view text, std::string_view* why) {
  // RFC 3986: scheme ":" hier-part; scheme = ALPHA *( ALPHA / DIGIT / "+" /
  // "-" / "." ). Beyond that only what can never be in a URL is refused.
  const std::size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos || !IsAlpha(text[0]) ||
      !All(text.substr(0, colon), [](char c) {
        return IsAlnum(c) || c == '+' || c == '-' || c == '.';
      })) {
    return Fail(why, "has no scheme (such as https:)");
  }
  if (colon + 1 == text.size())
    return Fail(why, "has nothing after the scheme");
  for (char c : text) {
    if (IsSpaceOrControl(c) || c == '"' || c == '<' || c == '>' || c == '\\' ||
        c == '^' || c == '`' || c == '{' || c == '|' || c == '}') {
      return Fail(why,
                  "contains a space or a character a URL cannot hold "
                  "unescaped");
    }
  }
  return true;
}

bool IsEmail(std::string_view text, std::string_view* why) {
  const std::size_t at = text.rfind('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == text.size() ||
      !All(text, [](char c) { return !IsSpaceOrControl(c); })) {
    return Fail(why, "is not an e-mail address (local-part@domain)");
  }
  return true;
}

bool IsDomainName(std::string_view text, std::string_view* why) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > 253) {
    return Fail(why, "is not a domain name (1-253 characters)");
  }
  while (true) {
    const std::size_t dot = text.find('.');
    const std::string_view label = text.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' ||
        label.back() == '-') {
      return Fail(why, "has an empty, over-long or hyphen-edged label");
    }
    for (char c : label) {
      // Internationalised labels pass as UTF-8; ASCII is letters, digits,
      // '-' and '_' (service labels such as _dmarc).
      if (static_cast<unsigned char>(c) < 0x80 && !IsAlnum(c) && c != '-' &&
          c != '_') {
        return Fail(why, "contains a character a host name cannot hold");
      }
    }
    if (dot == std::string_view::npos) return true;
    text.remove_prefix(dot + 1);
  }
}

bool IsLanguageTag(std::string_view text, std::string_view* why) {
  // RFC 5646, the shape only: subtags of 1-8 letters or digits joined by
  // '-', the first 2-8 letters (or the singletons i / x).
  bool first = true;
  while (true) {
    const std::size_t dash = text.find('-');
    const std::string_view sub = text.substr(0, dash);
    const bool ok =
        first ? (sub.size() >= 2 && sub.size() <= 8 && All(sub, IsAlpha)) ||
                    sub == "i" || sub == "x" || sub == "I" || sub == "X"
              : !sub.empty() && sub.size() <= 8 && All(sub, IsAlnum);
    if (!ok) {
      return Fail(why, "is not an RFC 5646 language tag such as en or pt-BR");
    }
    if (dash == std::string_view::npos) return true;
    text.remove_prefix(dash + 1);
    first = false;
  }
}

bool IsBase64(std::string_view text, std::string_view* why) {
  bool ok = !text.empty() && text.size() % 4 == 0;
  std::size_t padding = 0;
  for (std::size_t i = 0; ok && i < text.size(); ++i) {
    const char c = text[i];
    if (c == '=') {
      ++padding;
      ok = i + 2 >= text.size() && padding <= 2;
    } else {
      ok = padding == 0 && (IsAlnum(c) || c == '+' || c == '/');
    }
  }
  return ok || Fail(why, "is not padded base64 (RFC 4648)");
}

bool IsHex(std::string_view text, std::string_view* why) {
  return (!text.empty() && text.size() % 2 == 0 && All(text, IsHexDigit)) ||
         Fail(why, "is not an even number of hex digits");
}

bool IsArtifactMimeType(std::string_view text, std::string_view* why) {
  static constexpr std::string_view kTopLevel[] = {
      "application", "audio",     "font", "image", "message",
      "model",       "multipart", "text", "video"};
  const std::size_t slash = text.find('/');
  const std::string_view top = text.substr(0, slash);
  bool ok = slash != std::string_view::npos && slash + 1 < text.size();
  if (ok) {
    ok = false;
    for (std::string_view t : kTopLevel) ok = ok || t == top;
    const char c = text[slash + 1];
    ok = ok && (IsAlnum(c) || c == '.' || c == '+' || c == '_' || c == '-');
  }
  return ok || Fail(why,
                    "is not an IANA media type such as "
                    "application/zip");
}

bool IsCharset(std::string_view text, std::string_view* why) {
  return (text.size() >= 2 && text.size() <= 250 &&
          All(text,
              [](char c) {
                return IsAlnum(c) || c == '/' || c == '.' || c == '+' ||
                       c == '_' || c == ':' || c == '-';
              })) ||
         Fail(why, "is not an IANA character set name such as windows-1252");
}

bool IsCpe23(std::string_view text, std::string_view* why) {
  // cpe:2.3:part:vendor:product:version:update:edition:language:
  // sw_edition:target_sw:target_hw:other — 13 components, ':' escaped as
  // "\:" inside one.
  constexpr std::string_view kPrefix = "cpe:2.3:";
  bool ok = text.substr(0, kPrefix.size()) == kPrefix &&
            text.size() > kPrefix.size() &&
            std::string_view("aho*-").find(text[kPrefix.size()]) !=
                std::string_view::npos;
  int components = 1;
  std::size_t length = 0;
  for (std::size_t i = 0; ok && i < text.size(); ++i) {
    if (text[i] == '\\') {
      ok = i + 1 < text.size();
      ++i;
      ++length;
    } else if (text[i] == ':') {
      ok = length > 0;
      ++components;
      length = 0;
    } else {
      ok = !IsSpaceOrControl(text[i]);
      ++length;
    }
  }
  return (ok && length > 0 && components == 13) ||
         Fail(why,
              "is not a CPE 2.3 formatted string "
              "(cpe:2.3:part:vendor:product:... with 13 components)");
}

bool IsRegistryKey(std::string_view text, std::string_view* why) {
  // STIX: hive names in full (HKEY_LOCAL_MACHINE), never abbreviated.
  static constexpr std::string_view kShort[] = {"hklm", "hkcc", "hkcr", "hkcu",
                                                "hku"};
  const std::string_view hive = text.substr(0, text.find('\\'));
  for (std::string_view s : kShort) {
    if (hive.size() != s.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < s.size(); ++i) {
      same = same && (hive[i] | 0x20) == s[i];
    }
    if (same) {
      return Fail(why,
                  "abbreviates its hive; write it in full, such as "
                  "HKEY_LOCAL_MACHINE");
    }
  }
  return true;
}

bool IsRelationshipType(std::string_view text, std::string_view* why) {
  return (!text.empty() &&
          All(text,
              [](char c) { return IsLower(c) || IsDigit(c) || c == '-'; })) ||
         Fail(why,
              "is not lower-case ASCII letters, digits and hyphens "
              "(such as indicates)");
}

}  // namespace

bool HasFormat(Format format, std::string_view text, std::string_view* why) {
  switch (format) {
    case Format::kUrl:
      return IsUrl(text, why);
    case Format::kIpv4:
      return IsIpv4(text, why);
    case Format::kIpv6:
      return IsIpv6(text, why);
    case Format::kMac:
      return IsMac(text, why);
    case Format::kEmail:
      return IsEmail(text, why);
    case Format::kDomainName:
      return IsDomainName(text, why);
    case Format::kLang:
      return IsLanguageTag(text, why);
    case Format::kBase64:
      return IsBase64(text, why);
    case Format::kHex:
      return IsHex(text, why);
    case Format::kArtifactMimeType:
      return IsArtifactMimeType(text, why);
    case Format::kCharset:
      return IsCharset(text, why);
    case Format::kCpe:
      return IsCpe23(text, why);
    case Format::kRegistryKey:
      return IsRegistryKey(text, why);
    case Format::kRelationshipType:
      return IsRelationshipType(text, why);
  }
  return Fail(why, "has an unknown format");
}

bool IsHashValue(std::string_view algorithm, std::string_view text) {
  struct HexHash {
    std::string_view name;
    std::size_t digits;
  };
  static constexpr HexHash kHex[] = {{"MD5", 32},      {"SHA-1", 40},
                                     {"SHA-256", 64},  {"SHA-512", 128},
                                     {"SHA3-256", 64}, {"SHA3-512", 128}};
  for (const HexHash& h : kHex) {
    if (h.name == algorithm) {
      return text.size() == h.digits && All(text, IsHexDigit);
    }
  }
  if (algorithm == "SSDEEP") {
    return !text.empty() && text.size() <= 128 && All(text, [](char c) {
      return IsAlnum(c) || c == '/' || c == '+' || c == ':' || c == '.';
    });
  }
  if (algorithm == "TLSH") {
    // 70 hex digits, or 72 with the "T1" version prefix of TLSH 4.
    if (text.size() == 72 && text.substr(0, 2) == "T1") text.remove_prefix(2);
    return text.size() == 70 && All(text, IsAlnum);
  }
  return true;
}

bool IsPropertyName(std::string_view name) {
  return name.size() >= 3 && name.size() <= 250 && IsLower(name[0]) &&
         All(name, [](char c) { return IsAlnum(c) || c == '_'; });
}

bool IsDictionaryKey(std::string_view key) {
  return !key.empty() && key.size() <= 250 &&
         All(key, [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

}  // namespace certshare::schemas
