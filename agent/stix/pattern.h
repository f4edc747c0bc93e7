// certshare::agent — STIX patterns (STIX 2.1 §9) for the observables an
// analyst hands `certshare new indicator`: an IP address or network, a
// domain name, a URL, or a file hash.
//
// Each observable is checked and normalised first (an IPv4 address must be
// one, a hash has the length its algorithm gives, ...), then becomes one
// comparison expression, e.g. [domain-name:value = 'example.com'];
// several are joined with OR. String literals are quoted per §9.2: a
// backslash becomes \\ and a single quote \', nothing else is escaped.
//
// Thread-safe: no shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"

namespace certshare::agent {

struct Observable {
  enum class Kind { kIpv4, kIpv6, kDomain, kUrl, kFileHash };
  Kind kind;
  std::string value;           // normalised: address, domain, URL or hex digest
  std::string hash_algorithm;  // kFileHash only: the STIX name, e.g. "SHA-256"
};

// "203.0.113.47", "203.0.113.0/24", "2001:db8::1", "2001:db8::/32".
// IPv6 is lower-cased; a prefix length must fit the family.
Result<Observable> ParseIpObservable(std::string_view text);
// "tax-refund-portal.example": letters, digits, '-' and '_' in labels of at
// most 63, 253 in all, at least two labels; lower-cased, a final dot
// dropped. Internationalised names must be given in their xn-- form.
Result<Observable> ParseDomainObservable(std::string_view text);
// An absolute URL with a scheme ("https://...", "hxxp" is refused: give the
// real URL; the pattern is data, not a link). No spaces or control
// characters; at most 8192 bytes.
Result<Observable> ParseUrlObservable(std::string_view text);
// "ALGO:DIGEST", e.g. "SHA-256:aec0...". ALGO from hash-algorithm-ov in any
// case ("sha256" works); hex digests are checked for length and
// lower-cased.
Result<Observable> ParseFileHashObservable(std::string_view text);

// A STIX pattern string literal body: \ -> \\ and ' -> \'.
std::string EscapePatternString(std::string_view text);

// One comparison expression in brackets, e.g. [url:value = 'https://x/'].
std::string ComparisonExpression(const Observable& observable);

// The observation expressions joined with " OR ". REQUIRES: non-empty.
std::string PatternFor(const std::vector<Observable>& observables);

// A short description for a default indicator name, e.g.
// "domain tax-refund-portal.example" or "3 observables".
std::string DescribeObservables(const std::vector<Observable>& observables);

}  // namespace certshare::agent
