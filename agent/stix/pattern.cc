#include "agent/stix/pattern.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "agent/stix/vocab.h"

namespace certshare::agent {

namespace {

constexpr std::size_t kMaxUrlBytes = 8192;

Status Bad(std::string_view what, std::string_view text, std::string_view why) {
  return Status(ErrorCode::kInvalidArgument, std::string(what) + " \"" + std::string(text) +
                                                 "\" " + std::string(why));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool ParsePrefix(std::string_view digits, int max, int* out) {
  if (digits.empty() || digits.size() > 3) return false;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
  return ec == std::errc() && end == digits.data() + digits.size() && *out >= 0 &&
         *out <= max;
}

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

Result<Observable> ParseIpObservable(std::string_view text) {
  const std::string s(text);
  const std::size_t slash = s.find('/');
  const std::string address = s.substr(0, slash);
  unsigned char buf[16];
  Observable o;
  int max_prefix;
  if (inet_pton(AF_INET, address.c_str(), buf) == 1) {
    o.kind = Observable::Kind::kIpv4;
    max_prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), buf) == 1) {
    o.kind = Observable::Kind::kIpv6;
    max_prefix = 128;
  } else {
    return Bad("--ip", text, "is not an IPv4 or IPv6 address (or ADDRESS/PREFIX network)");
  }
  o.value = o.kind == Observable::Kind::kIpv6 ? Lower(address) : address;
  if (slash != std::string::npos) {
    int prefix;
    if (!ParsePrefix(std::string_view(s).substr(slash + 1), max_prefix, &prefix)) {
      return Bad("--ip", text,
                 "has a bad prefix length: 0 to " + std::to_string(max_prefix) + " after '/'");
    }
    o.value += "/" + std::to_string(prefix);
  }
  return o;
}

Result<Observable> ParseDomainObservable(std::string_view text) {
  std::string d = Lower(text);
  if (!d.empty() && d.back() == '.') d.pop_back();
  if (d.empty() || d.size() > 253) return Bad("--domain", text, "must be 1 to 253 characters");
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= d.size()) {
    std::size_t dot = d.find('.', start);
    if (dot == std::string::npos) dot = d.size();
    const std::string_view label = std::string_view(d).substr(start, dot - start);
    if (label.empty() || label.size() > 63) {
      return Bad("--domain", text, "has an empty label or one longer than 63 characters");
    }
    if (!std::all_of(label.begin(), label.end(), IsLabelChar)) {
      return Bad("--domain", text,
                 "may hold only letters, digits, '-' and '_' between dots (write "
                 "internationalised names in their xn-- form)");
    }
    if (label.front() == '-' || label.back() == '-') {
      return Bad("--domain", text, "has a label that starts or ends with '-'");
    }
    ++labels;
    start = dot + 1;
  }
  if (labels < 2) return Bad("--domain", text, "needs at least two labels, e.g. example.com");
  return Observable{Observable::Kind::kDomain, d, ""};
}

Result<Observable> ParseUrlObservable(std::string_view text) {
  if (text.size() > kMaxUrlBytes) {
    return Bad("--url", text.substr(0, 40), "is longer than 8192 bytes");
  }
  const std::size_t colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) {
    return Bad("--url", text, "needs a scheme, e.g. https://example.com/path");
  }
  const std::string_view scheme = text.substr(0, colon);
  const bool scheme_ok =
      std::isalpha(static_cast<unsigned char>(scheme.front())) &&
      std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '+' || c == '-' || c == '.';
      });
  if (!scheme_ok) return Bad("--url", text, "has an ill-formed scheme");
  const std::string lower_scheme = Lower(scheme);
  if (lower_scheme == "hxxp" || lower_scheme == "hxxps") {
    return Bad("--url", text, "is defanged; give the real URL (a pattern is data, not a link)");
  }
  if (text.size() == colon + 3) return Bad("--url", text, "has nothing after the scheme");
  for (unsigned char c : text) {
    if (c <= 0x20 || c == 0x7f) {
      return Bad("--url", text, "contains a space or control character; percent-encode it");
    }
  }
  return Observable{Observable::Kind::kUrl, std::string(text), ""};
}

Result<Observable> ParseFileHashObservable(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Bad("--file-hash", text, "must be ALGO:DIGEST, e.g. SHA-256:<64 hex digits>");
  }
  const std::optional<HashAlgorithm> algo = FindHashAlgorithm(text.substr(0, colon));
  if (!algo) {
    return Bad("--file-hash", text,
               "names an unknown hash algorithm; use one of " + HashAlgorithmNames());
  }
  std::string digest(text.substr(colon + 1));
  if (algo->hex_digits > 0) {
    digest = Lower(digest);
    const bool hex = std::all_of(digest.begin(), digest.end(),
                                 [](unsigned char c) { return std::isxdigit(c); });
    if (!hex || digest.size() != algo->hex_digits) {
      return Bad("--file-hash", text,
                 "is not a " + std::string(algo->name) + " digest: " +
                     std::to_string(algo->hex_digits) + " hexadecimal digits expected");
    }
  } else if (algo->name == "TLSH") {
    const bool ok = digest.size() == 70 && std::all_of(digest.begin(), digest.end(), [](unsigned char c) {
                      return std::isalnum(c);
                    });
    if (!ok) return Bad("--file-hash", text, "is not a TLSH digest (70 letters and digits)");
  } else {  // SSDEEP
    const bool ok = !digest.empty() && digest.size() <= 128 &&
                    std::all_of(digest.begin(), digest.end(), [](unsigned char c) {
                      return std::isalnum(c) || c == '/' || c == '+' || c == ':' || c == '.';
                    });
    if (!ok) return Bad("--file-hash", text, "is not an ssdeep digest");
  }
  return Observable{Observable::Kind::kFileHash, digest, std::string(algo->name)};
}

std::string EscapePatternString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string ComparisonExpression(const Observable& o) {
  std::string path;
  switch (o.kind) {
    case Observable::Kind::kIpv4:
      path = "ipv4-addr:value";
      break;
    case Observable::Kind::kIpv6:
      path = "ipv6-addr:value";
      break;
    case Observable::Kind::kDomain:
      path = "domain-name:value";
      break;
    case Observable::Kind::kUrl:
      path = "url:value";
      break;
    case Observable::Kind::kFileHash:
      // Hash names with '-' must be quoted in an object path (§9.3).
      path = "file:hashes.'" + EscapePatternString(o.hash_algorithm) + "'";
      break;
  }
  return "[" + path + " = '" + EscapePatternString(o.value) + "']";
}

std::string PatternFor(const std::vector<Observable>& observables) {
  std::string out;
  for (const Observable& o : observables) {
    if (!out.empty()) out += " OR ";
    out += ComparisonExpression(o);
  }
  return out;
}

std::string DescribeObservables(const std::vector<Observable>& observables) {
  if (observables.size() != 1) return std::to_string(observables.size()) + " observables";
  const Observable& o = observables.front();
  switch (o.kind) {
    case Observable::Kind::kIpv4:
    case Observable::Kind::kIpv6:
      return "IP address " + o.value;
    case Observable::Kind::kDomain:
      return "domain " + o.value;
    case Observable::Kind::kUrl:
      return "URL " + o.value;
    case Observable::Kind::kFileHash:
      return "file with " + o.hash_algorithm + " " + o.value;
  }
  return "observable";
}

}  // namespace certshare::agent
