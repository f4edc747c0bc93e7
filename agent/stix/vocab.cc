#include "agent/stix/vocab.h"

#include <algorithm>
#include <cctype>

namespace certshare::agent {

namespace {

// Incident Core: incident-determination-enum.
constexpr std::string_view kDeterminationValues[] = {
    "blocked", "confirmed", "failed-attempt", "false-positive", "suspected"};
// Incident Core: incident-investigation-ov.
constexpr std::string_view kInvestigationValues[] = {"new", "open", "closed"};
// STIX 2.1 industry-sector-ov, as in the OASIS schema sdos/identity.json.
constexpr std::string_view kSectorValues[] = {
    "agriculture", "aerospace", "automotive", "chemical", "commercial",
    "communications", "construction", "defense", "education", "energy",
    "engineering", "entertainment", "financial-services", "government",
    "emergency-services", "government-local", "government-national",
    "government-public-services", "government-regional", "healthcare",
    "hospitality-leisure", "infrastructure", "dams", "nuclear", "water",
    "insurance", "manufacturing", "mining", "non-profit", "pharmaceuticals",
    "retail", "technology", "telecommunications", "transportation", "utilities"};
// STIX 2.1 indicator-type-ov.
constexpr std::string_view kIndicatorTypeValues[] = {
    "anomalous-activity", "anonymization", "benign", "compromised",
    "malicious-activity", "attribution", "unknown"};
// ISO 3166-1 alpha-2, the officially assigned codes.
constexpr std::string_view kCountryValues[] = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX",
    "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ",
    "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK",
    "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
    "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR",
    "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS",
    "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN",
    "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
    "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV",
    "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ",
    "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI",
    "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC",
    "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
    "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR",
    "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"};

// STIX 2.1 hash-algorithm-ov and the value shapes of the OASIS
// hashes-type.json schema.
constexpr HashAlgorithm kHashAlgorithms[] = {
    {"MD5", 32},      {"SHA-1", 40},    {"SHA-256", 64}, {"SHA-512", 128},
    {"SHA3-256", 64}, {"SHA3-512", 128}, {"SSDEEP", 0},  {"TLSH", 0},
};

std::string Squash(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

const Vocabulary kIncidentDeterminations{"incident-determination-enum", kDeterminationValues};
const Vocabulary kInvestigationStatuses{"incident-investigation-ov", kInvestigationValues};
const Vocabulary kIndustrySectors{"industry-sector-ov", kSectorValues};
const Vocabulary kIndicatorTypes{"indicator-type-ov", kIndicatorTypeValues};
const Vocabulary kCountryCodes{"ISO 3166-1 alpha-2", kCountryValues};

bool Vocabulary::Contains(std::string_view value) const {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::string Vocabulary::Join() const {
  std::string out;
  for (std::string_view v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

std::optional<HashAlgorithm> FindHashAlgorithm(std::string_view name) {
  const std::string wanted = Squash(name);
  for (const HashAlgorithm& a : kHashAlgorithms) {
    if (Squash(a.name) == wanted) return a;
  }
  return std::nullopt;
}

std::string HashAlgorithmNames() {
  std::string out;
  for (const HashAlgorithm& a : kHashAlgorithms) {
    if (!out.empty()) out += ", ";
    out += a.name;
  }
  return out;
}

}  // namespace certshare::agent
