// certshare::agent — the closed and open vocabularies the builders check
// analysts' values against, so that a typo is caught before a record is
// signed rather than by a recipient's tool.
//
//  - Incident Core extension (extension-definition--ef765651-…, the version
//    pinned in docs/records.md): incident-determination-enum (closed) and
//    incident-investigation-ov.
//  - STIX 2.1: industry-sector-ov (as in the OASIS identity.json schema),
//    indicator-type-ov, hash-algorithm-ov.
//  - ISO 3166-1 alpha-2 country codes (the 249 officially assigned codes).
//
// Open vocabularies are still checked: certshare's builders take only the
// listed values (a hand-written document may use others).
//
// Thread-safe: constant data.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace certshare::agent {

struct Vocabulary {
  std::string_view name;                   // e.g. "incident-determination-enum"
  std::span<const std::string_view> values;

  bool Contains(std::string_view value) const;
  // "a, b, c" for messages and prompts.
  std::string Join() const;
};

extern const Vocabulary kIncidentDeterminations;
extern const Vocabulary kInvestigationStatuses;
extern const Vocabulary kIndustrySectors;
extern const Vocabulary kIndicatorTypes;
extern const Vocabulary kCountryCodes;

// A hash algorithm of hash-algorithm-ov, as STIX spells it, and the shape
// of its values.
struct HashAlgorithm {
  std::string_view name;       // "SHA-256"
  std::size_t hex_digits;      // exact length of a hex digest; 0: not hex
};
// Finds an algorithm by name, ignoring case and '-' / '_' ("sha256",
// "SHA_256" and "SHA-256" are all SHA-256). nullopt when unknown.
std::optional<HashAlgorithm> FindHashAlgorithm(std::string_view name);
// "MD5, SHA-1, SHA-256, ..." for messages.
std::string HashAlgorithmNames();

}  // namespace certshare::agent
