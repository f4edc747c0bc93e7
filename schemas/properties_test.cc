// The property rules from the catalog: value types, null and empty values,
// names, enumerations, ranges, number precision, formats, references,
// hashes, dictionaries, dependencies between properties, time order,
// external references, custom properties and custom objects.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/base/testing.h"
#include "schemas/stix_check.h"
#include "schemas/test_util.h"

namespace certshare::schemas {
namespace {

using test::Dump;
using test::Keys;
using test::KeysOf;
using test::MustParse;
using test::Set;
using test::SetJson;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

// `base` with the value at `pointer` replaced by `json` (or removed when
// `json` is nullptr), checked.
Report With(const char* base, const char* pointer, const char* json) {
  auto doc = MustParse(base);
  if (json == nullptr) {
    Set(doc, pointer, nullptr);
  } else {
    SetJson(doc, pointer, json);
  }
  return Check(doc);
}

struct Case {
  const char* base;
  const char* pointer;
  const char* json;  // nullptr: remove
  Keys expected;
};

void ExpectCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    Report report = With(c.base, c.pointer, c.json);
    EXPECT_EQ(KeysOf(report), c.expected)
        << c.pointer << " = " << (c.json ? c.json : "(removed)") << "\n"
        << Dump(report);
  }
}

constexpr char kFile[] = R"({
  "type": "file", "spec_version": "2.1",
  "id": "file--1e2f3a4b-5c6d-5e7f-8a9b-0c1d2e3f4a5b",
  "created": "2026-03-03T12:00:00.000Z",
  "name": "loader.dll", "size": 74240,
  "hashes": {"SHA-256": "93e8dc07b5231a83d07a866cf0a843aeb2115383bdb0b4b9696b1b43bf581437"}
})";

constexpr char kLocation[] = R"({
  "type": "location", "spec_version": "2.1",
  "id": "location--2f3a4b5c-6d7e-4f80-9a1b-2c3d4e5f6a7b",
  "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
  "country": "ee"
})";

constexpr char kNetworkTraffic[] = R"({
  "type": "network-traffic", "spec_version": "2.1",
  "id": "network-traffic--3a4b5c6d-7e8f-5a90-8b1c-2d3e4f5a6b7c",
  "created": "2026-03-03T12:00:00.000Z",
  "src_ref": "ipv4-addr--4b5c6d7e-8f9a-5b01-9c2d-3e4f5a6b7c8d",
  "dst_port": 443, "protocols": ["ipv4", "tcp", "tls"]
})";

TEST(Properties, ValidObjectsOfEveryKindPass) {
  for (const char* text :
       {test::kIndicator, kFile, kLocation, kNetworkTraffic,
        test::kRelationship, test::kSighting, test::kLanguageContent,
        test::kExtensionDefinition, test::kCustomObject, test::kAmberDefinition,
        test::kCoreIncident}) {
    Report report = Check(MustParse(text));
    EXPECT_TRUE(report.ok()) << text << "\n" << Dump(report);
  }
}

TEST(Properties, RequiredByType) {
  ExpectCases({
      {test::kIndicator, "/pattern", nullptr, {{"/pattern", "required"}}},
      {test::kIndicator, "/valid_from", nullptr, {{"/valid_from", "required"}}},
      {test::kRelationship,
       "/source_ref",
       nullptr,
       {{"/source_ref", "required"}}},
      {test::kSighting,
       "/sighting_of_ref",
       nullptr,
       {{"/sighting_of_ref", "required"}}},
      {test::kExtensionDefinition,
       "/created_by_ref",
       nullptr,
       {{"/created_by_ref", "required"}}},
  });
  Report report = With(test::kIndicator, "/pattern_type", nullptr);
  ASSERT_THAT(KeysOf(report), ElementsAre(Pair("/pattern_type", "required")));
  EXPECT_EQ(report.problems[0].message,
            "`pattern_type` is required on \"indicator\" objects");
}

TEST(Properties, ValueTypes) {
  ExpectCases({
      {test::kIndicator, "/name", "42", {{"/name", "value-type"}}},
      {test::kIndicator, "/name", "[\"a\"]", {{"/name", "value-type"}}},
      {test::kIndicator, "/revoked", "\"false\"", {{"/revoked", "value-type"}}},
      {test::kIndicator,
       "/confidence",
       "\"high\"",
       {{"/confidence", "value-type"}}},
      {test::kIndicator,
       "/confidence",
       "50.5",
       {{"/confidence", "value-type"}}},
      {test::kIndicator,
       "/labels",
       "\"phishing\"",
       {{"/labels", "value-type"}}},
      {test::kIndicator,
       "/labels",
       "[\"a\", 7]",
       {{"/labels/1", "value-type"}}},
      {test::kIndicator,
       "/kill_chain_phases",
       "[{\"kill_chain_name\": \"x\"}]",
       {{"/kill_chain_phases/0/phase_name", "required"}}},
      {test::kIndicator,
       "/kill_chain_phases",
       "[\"initial-access\"]",
       {{"/kill_chain_phases/0", "value-type"}}},
      {test::kIndicator,
       "/valid_from",
       "1772535730",
       {{"/valid_from", "value-type"}}},
  });
  // An integral number passes as an integer.
  EXPECT_TRUE(With(test::kIndicator, "/confidence", "50.0").ok());
}

TEST(Properties, NullAndEmpty) {
  ExpectCases({
      {test::kIndicator, "/name", "null", {{"/name", "null-value"}}},
      {test::kIndicator, "/labels", "[]", {{"/labels", "empty-list"}}},
      {test::kIndicator, "/labels", "[null]", {{"/labels/0", "null-value"}}},
      {test::kIndicator, "/x_custom", "null", {{"/x_custom", "null-value"}}},
      {test::kIndicator, "/x_custom", "{\"a\": [null]}", {{"/x_custom/a/0", "null-value"}}},
      {kNetworkTraffic, "/ipfix", "{}", {{"/ipfix", "empty-dictionary"}}},
  });
  // An empty custom object, string or list is fine (below).
  EXPECT_TRUE(With(test::kIndicator, "/x_custom", "{}").ok());
  EXPECT_TRUE(With(test::kIndicator, "/x_custom", "\"\"").ok());
}

// The empty-list rule is STIX's rule for the properties it defines as
// lists; what a custom property holds is its producer's business. MITRE's
// ATT&CK for ICS 18.1 bundle, which the OASIS schemas accept, has empty
// lists in x_mitre_* properties: it must pass.
TEST(Properties, EmptyListsOnlyInListsStixDefines) {
  const std::string bundle = test::Bundle(R"(
    {"type": "attack-pattern", "spec_version": "2.1",
     "id": "attack-pattern--2c4d4e92-0ccf-4a97-b54c-86d662988a53",
     "created": "2020-05-21T17:43:26.506Z", "modified": "2024-04-16T12:25:11.146Z",
     "name": "Program Download",
     "kill_chain_phases": [{"kill_chain_name": "mitre-ics-attack", "phase_name": "lateral-movement-ics"}],
     "x_mitre_platforms": ["None"], "x_mitre_contributors": [],
     "x_mitre_data_sources": [], "x_mitre_attack_spec_version": "3.2.0",
     "x_mitre_aliases": {"previous": []}},
    {"type": "x-mitre-matrix", "spec_version": "2.1",
     "id": "x-mitre-matrix--575f48f4-8897-4468-897b-48bb364af6c7",
     "created": "2020-10-27T14:49:39.188Z", "modified": "2024-04-16T12:25:11.146Z",
     "name": "ATT&CK for ICS", "tactic_refs": [], "x_mitre_domains": [[], ["ics-attack"]]})");
  Report report = CheckText(bundle);
  EXPECT_TRUE(report.ok()) << Dump(report);
  EXPECT_THAT(report.warnings, IsEmpty());
  // The same empty list in a property STIX defines as a list is refused.
  EXPECT_THAT(KeysOf(With(test::kIndicator, "/labels", "[]")),
              ElementsAre(Pair("/labels", "empty-list")));
  EXPECT_THAT(KeysOf(With(test::kIndicator, "/kill_chain_phases", "[]")),
              ElementsAre(Pair("/kill_chain_phases", "empty-list")));
}

TEST(Properties, NamesAndReservedNames) {
  ExpectCases({
      {test::kIndicator, "/x", "1", {{"/x", "property-name"}}},
      {test::kIndicator, "/X_Custom", "1", {{"/X_Custom", "property-name"}}},
      {test::kIndicator, "/x-custom", "1", {{"/x-custom", "property-name"}}},
      {test::kIndicator, "/x_custöm", "1", {{"/x_custöm", "property-name"}}},
      {test::kIndicator, "/severity", "\"high\"", {{"/severity", "reserved"}}},
      {test::kIndicator, "/action", "\"block\"", {{"/action", "reserved"}}},
      {test::kIndicator,
       "/type",
       "\"action\"",
       {{"/type", "reserved"}, {"/id", "id-format"}}},
  });
  // Custom properties: x_ by convention (a warning otherwise), any
  // well-formed name by the spec, upper case after the first letter
  // allowed.
  EXPECT_TRUE(With(test::kIndicator, "/x_acme_score", "7").ok());
  EXPECT_THAT(With(test::kIndicator, "/x_acme_score", "7").warnings, IsEmpty());
  EXPECT_TRUE(With(test::kIndicator, "/acme_score", "7").ok());
  EXPECT_TRUE(With(test::kIndicator, "/x_acmeScore", "{\"Any Key\": 1}").ok());
  const std::string long_name = "/x_" + std::string(247, 'a');
  EXPECT_TRUE(With(test::kIndicator, long_name.c_str(), "1").ok());
  const std::string too_long = "/x_" + std::string(249, 'a');
  EXPECT_THAT(KeysOf(With(test::kIndicator, too_long.c_str(), "1")),
              ElementsAre(Pair(too_long, "property-name")));
}

TEST(Properties, EnumerationsAndRanges) {
  ExpectCases({
      {test::kIndicator, "/confidence", "101", {{"/confidence", "range"}}},
      {test::kIndicator, "/confidence", "-1", {{"/confidence", "range"}}},
      {kNetworkTraffic, "/dst_port", "65536", {{"/dst_port", "range"}}},
      {kFile, "/size", "-1", {{"/size", "range"}}},
      {kLocation,
       "/latitude",
       "90.5",
       {{"/latitude", "range"}, {"/latitude", "property-dependency"}}},
      {test::kSighting, "/count", "1000000000", {{"/count", "range"}}},
  });
  Report report = With(test::kIndicator, "/confidence", "150");
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].message,
            "`confidence` 150 is out of range: 0 to 100");
  for (const char* ok : {"0", "100", "37"}) {
    EXPECT_TRUE(With(test::kIndicator, "/confidence", ok).ok()) << ok;
  }
  auto opinion = MustParse(R"({"type": "opinion", "spec_version": "2.1",
    "id": "opinion--4b5c6d7e-8f90-4a12-8b3c-4d5e6f7a8b9c",
    "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
    "opinion": "agree",
    "object_refs": ["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]})");
  EXPECT_TRUE(Check(opinion).ok());
  Set(opinion, "/opinion", "Agree");
  report = Check(opinion);
  ASSERT_THAT(KeysOf(report), ElementsAre(Pair("/opinion", "enum")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("strongly-agree"));
}

TEST(Properties, NumbersBeyondTwoToThe53AreRefused) {
  // ±(2^53 − 1) is the largest any JSON implementation holds exactly.
  EXPECT_TRUE(With(kFile, "/size", "9007199254740991").ok());
  for (const char* big :
       {"9007199254740992", "18446744073709551615",
        "123456789012345678901234567890", "1e300", "9007199254740993.5"}) {
    Report report = With(kFile, "/size", big);
    EXPECT_THAT(KeysOf(report), ElementsAre(Pair("/size", "number-precision")))
        << big;
  }
  EXPECT_THAT(KeysOf(With(test::kIndicator, "/x_count", "-9007199254740992")),
              ElementsAre(Pair("/x_count", "number-precision")));
  EXPECT_THAT(KeysOf(With(test::kIndicator, "/x_deep", "{\"a\": [1, 2e20]}")),
              ElementsAre(Pair("/x_deep/a/1", "number-precision")));
  // Small fractions are fine.
  EXPECT_TRUE(With(test::kIndicator, "/x_ratio", "0.0000346907836994945").ok());
}

TEST(Properties, Formats) {
  struct FormatCase {
    const char* base;
    const char* pointer;
    const char* good;
    const char* bad;
  };
  constexpr char kIpv4[] = R"({"type": "ipv4-addr",
    "id": "ipv4-addr--4b5c6d7e-8f9a-5b01-9c2d-3e4f5a6b7c8d", "value": "1.2.3.4",
    "created": "2026-03-03T12:00:00.000Z"})";
  constexpr char kIpv6[] = R"({"type": "ipv6-addr",
    "id": "ipv6-addr--5c6d7e8f-9a0b-5c12-8d3e-4f5a6b7c8d9e", "value": "::1",
    "created": "2026-03-03T12:00:00.000Z"})";
  constexpr char kMac[] = R"({"type": "mac-addr",
    "id": "mac-addr--6d7e8f9a-0b1c-5d23-9e4f-5a6b7c8d9e0f",
    "value": "00:1a:2b:3c:4d:5e", "created": "2026-03-03T12:00:00.000Z"})";
  constexpr char kUrl[] = R"({"type": "url",
    "id": "url--7e8f9a0b-1c2d-5e34-8f5a-6b7c8d9e0f1a",
    "value": "https://a.example/x", "created": "2026-03-03T12:00:00.000Z"})";
  constexpr char kDomain[] = R"({"type": "domain-name",
    "id": "domain-name--8f9a0b1c-2d3e-5f45-9a6b-7c8d9e0f1a2b",
    "value": "a.example", "created": "2026-03-03T12:00:00.000Z"})";
  constexpr char kEmail[] = R"({"type": "email-addr",
    "id": "email-addr--9a0b1c2d-3e4f-5a56-8b7c-8d9e0f1a2b3c",
    "value": "a@b.example", "created": "2026-03-03T12:00:00.000Z"})";
  constexpr char kSoftware[] = R"({"type": "software",
    "id": "software--0b1c2d3e-4f5a-5b67-9c8d-9e0f1a2b3c4d",
    "name": "Word", "created": "2026-03-03T12:00:00.000Z"})";
  constexpr char kKey[] = R"({"type": "windows-registry-key",
    "id": "windows-registry-key--1c2d3e4f-5a6b-5c78-8d9e-0f1a2b3c4d5e",
    "key": "HKEY_LOCAL_MACHINE\\System", "created": "2026-03-03T12:00:00.000Z"})";
  for (const FormatCase& c : {
           FormatCase{kIpv4, "/value", R"("198.51.100.0/24")",
                      R"("198.51.100.256")"},
           FormatCase{kIpv4, "/value", R"("10.0.0.1")", R"("10.0.0.01")"},
           FormatCase{kIpv4, "/value", R"("10.0.0.1/32")", R"("10.0.0.1/33")"},
           FormatCase{kIpv6, "/value", R"("2001:db8::1/64")",
                      R"("2001:db8:::1")"},
           FormatCase{kIpv6, "/value", R"("fe80::1%eth0")", R"("1.2.3.4")"},
           FormatCase{kMac, "/value", R"("ff:ff:ff:ff:ff:ff")",
                      R"("FF:FF:FF:FF:FF:FF")"},
           FormatCase{kMac, "/value", R"("00:00:00:00:00:00")",
                      R"("00-1a-2b-3c-4d-5e")"},
           FormatCase{kUrl, "/value", R"("ftp://h.example/f")",
                      R"("www.example.com")"},
           FormatCase{kUrl, "/value", R"("urn:isbn:0451450523")",
                      R"("https://a b.example")"},
           FormatCase{kDomain, "/value", R"("_dmarc.example.")",
                      R"("a..example")"},
           FormatCase{kDomain, "/value", R"("bücher.example")",
                      R"("a.example/x")"},
           FormatCase{kEmail, "/value", R"("jdoe@example.com")",
                      R"("jdoe.example.com")"},
           FormatCase{kSoftware, "/cpe",
                      R"("cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*")",
                      R"("cpe:/a:microsoft:word:2000")"},
           FormatCase{kSoftware, "/languages", R"(["en", "pt-BR", "zh-Hant"])",
                      R"(["en_US"])"},
           FormatCase{kKey, "/key", R"("HKEY_CURRENT_USER\\Run")",
                      R"("HKLM\\Run")"},
           FormatCase{test::kIndicator, "/lang", R"("en")", R"("e")"},
           FormatCase{test::kRelationship, "/relationship_type",
                      R"("related-to")", R"("Related To")"},
           FormatCase{kFile, "/magic_number_hex", R"("ffd8")", R"("ffd")"},
           FormatCase{kFile, "/name_enc", R"("windows-1252")", R"("utf 8")"},
           FormatCase{test::kIndicator, "/x_data_bin", R"("aGVsbG8=")",
                      R"("aGVsbG8")"},
           FormatCase{test::kIndicator, "/x_data_hex", R"("00ff")", R"("0g")"},
       }) {
    Report good = With(c.base, c.pointer, c.good);
    EXPECT_TRUE(good.ok()) << c.good << "\n" << Dump(good);
    Report bad = With(c.base, c.pointer, c.bad);
    ASSERT_EQ(bad.problems.size(), 1u) << c.bad << "\n" << Dump(bad);
    EXPECT_EQ(bad.problems[0].rule, "format") << c.bad;
  }
}

TEST(Properties, References) {
  ExpectCases({
      {test::kIndicator,
       "/created_by_ref",
       R"("identity--bbd6aa74-a810-4ed1-a420-4c8ee8901df0")",
       {}},
      {test::kIndicator,
       "/created_by_ref",
       R"("tool--bbd6aa74-a810-4ed1-a420-4c8ee8901df0")",
       {{"/created_by_ref", "ref-type"}}},
      {test::kIndicator,
       "/created_by_ref",
       R"("identity--bbd6aa74")",
       {{"/created_by_ref", "ref-format"}}},
      {test::kIndicator,
       "/created_by_ref",
       R"("identity--BBD6AA74-A810-4ED1-A420-4C8EE8901DF0")",
       {{"/created_by_ref", "ref-format"}}},
      {test::kIndicator,
       "/created_by_ref",
       R"("identity--bbd6aa74-a810-7ed1-a420-4c8ee8901df0")",
       {{"/created_by_ref", "ref-format"}}},
      {test::kIndicator,
       "/created_by_ref",
       "7",
       {{"/created_by_ref", "value-type"}}},
      // Relationships connect domain objects and observables, custom ones
      // included, but not relationships, markings or bundles.
      {test::kRelationship,
       "/target_ref",
       R"("ipv4-addr--4b5c6d7e-8f9a-5b01-9c2d-3e4f5a6b7c8d")",
       {}},
      {test::kRelationship,
       "/target_ref",
       R"("x-acme-widget--4b5c6d7e-8f9a-4b01-9c2d-3e4f5a6b7c8d")",
       {}},
      {test::kRelationship,
       "/target_ref",
       R"("sighting--4b5c6d7e-8f9a-4b01-9c2d-3e4f5a6b7c8d")",
       {{"/target_ref", "ref-type"}}},
      {test::kRelationship,
       "/target_ref",
       R"("marking-definition--4b5c6d7e-8f9a-4b01-9c2d-3e4f5a6b7c8d")",
       {{"/target_ref", "ref-type"}}},
      {test::kRelationship,
       "/source_ref",
       R"("bundle--4b5c6d7e-8f9a-4b01-9c2d-3e4f5a6b7c8d")",
       {{"/source_ref", "ref-type"}}},
      {test::kSighting,
       "/where_sighted_refs",
       R"(["location--4b5c6d7e-8f9a-4b01-9c2d-3e4f5a6b7c8d",
           "tool--4b5c6d7e-8f9a-4b01-9c2d-3e4f5a6b7c8d"])",
       {{"/where_sighted_refs/1", "ref-type"}}},
      {test::kSighting,
       "/sighting_of_ref",
       R"("file--4b5c6d7e-8f9a-5b01-9c2d-3e4f5a6b7c8d")",
       {{"/sighting_of_ref", "ref-type"}}},
      {kNetworkTraffic,
       "/src_ref",
       R"("url--4b5c6d7e-8f9a-5b01-9c2d-3e4f5a6b7c8d")",
       {{"/src_ref", "ref-type"}}},
  });
  Report report = With(test::kIndicator, "/created_by_ref",
                       R"("tool--bbd6aa74-a810-4ed1-a420-4c8ee8901df0")");
  EXPECT_EQ(report.problems[0].message,
            "`created_by_ref` must refer to an identity, not to \"tool\"");
}

TEST(Properties, Hashes) {
  ExpectCases({
      {kFile,
       "/hashes",
       R"({"MD5": "695e8ac9ec11d25239acea8ec4ac903c",
                             "SHA-1": "5ba3de2a7c7ce3ad8aa3a8bfd2b4e1bb0a5d43e4",
                             "SSDEEP": "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
                             "x_acme": "whatever"})",
       {}},
      {kFile, "/hashes", R"({"sha256": "x"})", {{"/hashes/sha256", "hashes"}}},
      {kFile, "/hashes", R"({"SHA256": "x"})", {{"/hashes/SHA256", "hashes"}}},
      {kFile, "/hashes", R"({"MD5": "695e8ac9"})", {{"/hashes/MD5", "hashes"}}},
      {kFile,
       "/hashes",
       R"({"SHA-256": "zz"})",
       {{"/hashes/SHA-256", "hashes"}}},
      {kFile, "/hashes", R"({"MD5": 7})", {{"/hashes/MD5", "value-type"}}},
      {kFile, "/hashes", "{}", {{"/hashes", "hashes"}}},
  });
  Report report = With(kFile, "/hashes", R"({"sha-256": "x"})");
  EXPECT_THAT(report.problems[0].message, HasSubstr("did you mean SHA-256?"));
  // TLSH: 70 hex digits, or 72 with the T1 prefix.
  const std::string tlsh(70, 'A');
  EXPECT_TRUE(
      With(kFile, "/hashes", ("{\"TLSH\": \"" + tlsh + "\"}").c_str()).ok());
  EXPECT_TRUE(
      With(kFile, "/hashes", ("{\"TLSH\": \"T1" + tlsh + "\"}").c_str()).ok());
}

TEST(Properties, Dictionaries) {
  ExpectCases({
      {kNetworkTraffic,
       "/ipfix",
       R"({"minimumIpTotalLength": 32, "ip-ttl": 64})",
       {}},
      {kNetworkTraffic,
       "/ipfix",
       R"({"bad key": 1})",
       {{"/ipfix/bad key", "dictionary-key"}}},
      {kNetworkTraffic,
       "/ipfix",
       R"({"": 1})",
       {{"/ipfix/", "dictionary-key"}}},
      {kNetworkTraffic, "/ipfix", R"([1])", {{"/ipfix", "value-type"}}},
      {test::kLanguageContent,
       "/contents",
       R"({"de": {"name": "x"}, "pt-BR": {"name": "y"}})",
       {}},
      {test::kLanguageContent,
       "/contents",
       R"({"german": {"name": "x"}, "d_e": {"name": "y"}})",
       {{"/contents/d_e", "dictionary-key"}}},
      {test::kLanguageContent,
       "/contents",
       R"({"de": "Laaduri"})",
       {{"/contents/de", "value-type"}}},
  });
}

TEST(Properties, Dependencies) {
  constexpr char kArtifact[] = R"({"type": "artifact", "spec_version": "2.1",
    "id": "artifact--2d3e4f5a-6b7c-5d89-9e0f-1a2b3c4d5e6f",
    "payload_bin": "aGVsbG8=", "created": "2026-03-03T12:00:00.000Z"})";
  constexpr char kEmail[] = R"({"type": "email-message", "spec_version": "2.1",
    "id": "email-message--3e4f5a6b-7c8d-5e90-8f1a-2b3c4d5e6f7a",
    "is_multipart": false, "body": "hello", "created": "2026-03-03T12:00:00.000Z"})";
  constexpr char kMalware[] = R"({"type": "malware", "spec_version": "2.1",
    "id": "malware--4f5a6b7c-8d9e-4f01-9a2b-3c4d5e6f7a8b",
    "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
    "is_family": false})";
  ExpectCases({
      {kArtifact,
       "/url",
       R"("https://a.example/x")",
       {{"", "property-dependency"}, {"/url", "property-dependency"}}},
      {kArtifact, "/payload_bin", nullptr, {{"", "property-dependency"}}},
      {kArtifact,
       "/decryption_key",
       R"("secret")",
       {{"/decryption_key", "property-dependency"}}},
      {kEmail, "/is_multipart", "true", {{"", "property-dependency"}}},
      {kMalware, "/is_family", "true", {{"", "property-dependency"}}},
      {kMalware, "/is_family", nullptr, {{"/is_family", "required"}}},
      {kLocation, "/country", nullptr, {{"", "property-dependency"}}},
      {kLocation, "/precision", "10", {{"/precision", "property-dependency"}}},
      {kFile, "/name", nullptr, {}},
      {kNetworkTraffic, "/src_ref", nullptr, {{"", "property-dependency"}}},
  });
  Report report = With(kEmail, "/is_multipart", "true");
  EXPECT_EQ(report.problems[0].message,
            "`body` must not be present when `is_multipart` is true");
  auto file = MustParse(kFile);
  Set(file, "/name", nullptr);
  Set(file, "/hashes", nullptr);
  report = Check(test::MustParse(
      test::Bundle(std::string(test::kIndicator) + "," + json::Write(file))));
  ASSERT_THAT(KeysOf(report),
              ElementsAre(Pair("/objects/1", "property-dependency")));
  EXPECT_EQ(report.problems[0].message,
            "at least one of `hashes`, `name` is required on \"file\" objects");
}

TEST(Properties, TimeOrder) {
  ExpectCases({
      {test::kSighting, "/last_seen", R"("2026-03-03T08:00:00Z")", {}},
      {test::kSighting,
       "/last_seen",
       R"("2026-03-03T07:59:59.999Z")",
       {{"/last_seen", "time-order"}}},
      {test::kIndicator,
       "/valid_until",
       R"("2026-03-02T00:00:00.000Z")",
       {{"/valid_until", "time-order"}}},
      {test::kIndicator, "/valid_until", R"("2026-03-02T00:00:00.001Z")", {}},
      {test::kRelationship, "/start_time", R"("2026-03-01T00:00:00Z")", {}},
  });
  auto rel = MustParse(test::kRelationship);
  Set(rel, "/start_time", "2026-03-01T00:00:00Z");
  Set(rel, "/stop_time", "2026-03-01T00:00:00Z");
  EXPECT_THAT(KeysOf(Check(rel)),
              ElementsAre(Pair("/stop_time", "time-order")));
  // A malformed timestamp is a "timestamp" problem, not an order one.
  EXPECT_THAT(KeysOf(With(test::kSighting, "/last_seen", R"("yesterday")")),
              ElementsAre(Pair("/last_seen", "timestamp")));
}

TEST(Properties, ExternalReferences) {
  ExpectCases({
      {test::kIndicator,
       "/external_references",
       R"([{"source_name": "cve", "external_id": "CVE-2021-44228"},
           {"source_name": "capec", "external_id": "CAPEC-98"},
           {"source_name": "CERT-EE", "url": "https://cert.example/a"}])",
       {}},
      {test::kIndicator,
       "/external_references",
       R"([{"source_name": "cve", "external_id": "CVE-21-44228"}])",
       {{"/external_references/0/external_id", "external-reference"}}},
      {test::kIndicator,
       "/external_references",
       R"([{"source_name": "cve", "url": "https://nvd.example"}])",
       {{"/external_references/0/external_id", "external-reference"}}},
      {test::kIndicator,
       "/external_references",
       R"([{"source_name": "capec", "external_id": "CAPEC-x"}])",
       {{"/external_references/0/external_id", "external-reference"}}},
      {test::kIndicator,
       "/external_references",
       R"([{"source_name": "CERT-EE"}])",
       {{"/external_references/0", "property-dependency"}}},
      {test::kIndicator,
       "/external_references",
       R"([{"url": "https://cert.example/a"}])",
       {{"/external_references/0/source_name", "required"}}},
      {test::kIndicator,
       "/external_references",
       R"([{"source_name": "x", "url": "not a url"}])",
       {{"/external_references/0/url", "format"}}},
  });
}

TEST(Properties, CustomObjects) {
  // An unknown type with `created` is a custom domain object: it needs
  // spec_version and modified, and its properties follow the generic rules.
  ExpectCases({
      {test::kCustomObject,
       "/spec_version",
       nullptr,
       {{"/spec_version", "spec-version"}}},
      {test::kCustomObject,
       "/x_acme_colour",
       "null",
       {{"/x_acme_colour", "null-value"}}},
      {test::kCustomObject,
       "/created_by_ref",
       R"("tool--bbd6aa74-a810-4ed1-a420-4c8ee8901df0")",
       {{"/created_by_ref", "ref-type"}}},
  });
  // Without `created` it is a custom observable, which needs neither.
  auto sco = MustParse(test::kCustomObject);
  Set(sco, "/created", nullptr);
  Set(sco, "/modified", nullptr);
  Set(sco, "/spec_version", nullptr);
  Report report = Check(MustParse(
      test::Bundle(std::string(test::kIndicator) + "," + json::Write(sco))));
  EXPECT_TRUE(report.ok()) << Dump(report);
  // A new-sco extension makes it an observable even with `created`.
  auto declared = MustParse(test::kCustomObject);
  SetJson(declared, "/extensions",
          R"({"extension-definition--8d5a7d2f-0e31-4a82-9c6f-5d4e3f2a1b02":
              {"extension_type": "new-sco"}})");
  Set(declared, "/modified", nullptr);
  EXPECT_TRUE(Check(declared).ok()) << Dump(Check(declared));
}

}  // namespace
}  // namespace certshare::schemas
