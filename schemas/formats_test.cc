// IsStixId and the private format helpers (STIX timestamps:
// common/base/timestamp_test.cc).
#include "schemas/formats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "schemas/describe.h"
#include "schemas/stix_check.h"

namespace certshare::schemas {
namespace {

TEST(IsStixId, ExactForm) {
  EXPECT_TRUE(
      IsStixId("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator"));
  // Any RFC 4122 version (1-5) and variant (8, 9, a, b): v4 is what STIX
  // recommends for domain objects, v5 for observables; the others are
  // allowed.
  EXPECT_TRUE(IsStixId("file--8e2e2d2b-17d4-1cbf-938f-98ee46b3cd3f", "file"));
  EXPECT_TRUE(IsStixId("file--8e2e2d2b-17d4-5cbf-a38f-98ee46b3cd3f", "file"));
  EXPECT_TRUE(IsStixId("file--8e2e2d2b-17d4-3cbf-b38f-98ee46b3cd3f", "file"));
  EXPECT_TRUE(IsStixId("file--8e2e2d2b-17d4-2cbf-838f-98ee46b3cd3f", "file"));
  EXPECT_TRUE(
      IsStixId("x-my-type--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "x-my-type"));
}

TEST(IsStixId, Rejects) {
  const char* type = "indicator";
  for (const char* id : {
           "",
           "indicator--",
           "indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",    // one dash
           "indicator---8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",  // three
           "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",     // wrong type
           "Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
           "indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F",  // upper case
           "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cD3f",
           "indicator--8e2e2d2b17d44cbf938f98ee46b3cd3f",  // no dashes
           "indicator--{8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f}",
           "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3",    // short
           "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f0",  // long
           "indicator--8e2e2d2b-17d4-4cbf-938f_98ee46b3cd3f",
           "indicator--8e2e2d2g-17d4-4cbf-938f-98ee46b3cd3f",  // not hex
           " indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
           "indicator--00000000-0000-0000-0000-000000000000",  // nil UUID
           "indicator--8e2e2d2b-17d4-6cbf-938f-98ee46b3cd3f",  // version 6
           "indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f",  // version 0
           "indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f",  // NCS variant
           "indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f",  // Microsoft
       }) {
    EXPECT_FALSE(IsStixId(id, type)) << id;
  }
  // An invalid type never makes a valid id.
  EXPECT_FALSE(IsStixId("--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", ""));
  EXPECT_FALSE(IsStixId("a--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "a"));
}

TEST(IsStixType, Grammar) {
  for (const char* t :
       {"abc", "indicator", "x-acme-widget", "x509-certificate", "3ab"}) {
    EXPECT_TRUE(IsStixType(t)) << t;
  }
  for (const char* t : {"", "ab", "-abc", "abc-", "Indicator", "in dicator",
                        "x_acme", "ipv4.addr"}) {
    EXPECT_FALSE(IsStixType(t)) << t;
  }
  EXPECT_TRUE(IsStixType(std::string(250, 'a')));
  EXPECT_FALSE(IsStixType(std::string(251, 'a')));
}

TEST(IsStixIdOfAnyType, SplitsAtTheUuid) {
  EXPECT_TRUE(IsStixIdOfAnyType(
      "x-a--b--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));  // type "x-a--b"
  EXPECT_EQ(IdTypePrefix("bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
            "bundle");
  EXPECT_FALSE(IsStixIdOfAnyType("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_EQ(IdTypePrefix("short"), "");
}

TEST(WhyNotStixUuid, SaysWhich) {
  EXPECT_EQ(WhyNotStixUuid("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"), "");
  EXPECT_EQ(WhyNotStixUuid("not a uuid"), "");  // not of the shape at all
  EXPECT_THAT(
      std::string(WhyNotStixUuid("8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F")),
      ::testing::HasSubstr("upper-case"));
  EXPECT_THAT(
      std::string(WhyNotStixUuid("8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f")),
      ::testing::HasSubstr("version"));
  EXPECT_THAT(
      std::string(WhyNotStixUuid("8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f")),
      ::testing::HasSubstr("variant"));
}

TEST(HasFormat, EdgesOfEachFormat) {
  struct Case {
    Format format;
    std::string text;
    bool ok;
  };
  for (const Case& c : std::vector<Case>{
           Case{Format::kIpv4, "0.0.0.0", true},
           Case{Format::kIpv4, "255.255.255.255/0", true},
           Case{Format::kIpv4, "1.2.3", false},
           Case{Format::kIpv4, "1.2.3.4.5", false},
           Case{Format::kIpv4, "1.2.3.4/", false},
           Case{Format::kIpv4, "1.2..4", false},
           Case{Format::kIpv4, "", false},
           Case{Format::kIpv6, "::", true},
           Case{Format::kIpv6, "::ffff:192.0.2.1", true},
           Case{Format::kIpv6, "2001:db8::/129", false},
           Case{Format::kIpv6, "", false},
           Case{Format::kMac, "0a:1b:2c:3d:4e:5f", true},
           Case{Format::kMac, "0a:1b:2c:3d:4e", false},
           Case{Format::kMac, "0a:1b:2c:3d:4e:5f:", false},
           Case{Format::kUrl, "https://example.com/a?b=c#d", true},
           Case{Format::kUrl, "mailto:a@b.example", true},
           Case{Format::kUrl, "1http://x", false},
           Case{Format::kUrl, "http:", false},
           Case{Format::kUrl, "http://x/\"y\"", false},
           Case{Format::kDomainName, "example", true},
           Case{Format::kDomainName, std::string(63, 'a') + ".example", true},
           Case{Format::kDomainName, std::string(64, 'a') + ".example", false},
           Case{Format::kDomainName, "-a.example", false},
           Case{Format::kDomainName, ".", false},
           Case{Format::kDomainName, "a b.example", false},
           Case{Format::kEmail, "a@b", true},
           Case{Format::kEmail, "@b", false},
           Case{Format::kEmail, "a@", false},
           Case{Format::kEmail, "a @b", false},
           Case{Format::kLang, "en", true},
           Case{Format::kLang, "sr-Latn-RS", true},
           Case{Format::kLang, "x-private", true},
           Case{Format::kLang, "en-", false},
           Case{Format::kLang, "e", false},
           Case{Format::kLang, "en-abcdefghi", false},
           Case{Format::kBase64, "aGk=", true},
           Case{Format::kBase64, "aA==", true},
           Case{Format::kBase64, "aGVsbG8gd29ybGQ+Lw==", true},
           Case{Format::kBase64, "", false},
           Case{Format::kBase64, "a===", false},
           Case{Format::kBase64, "a=Gk", false},
           Case{Format::kBase64, "aGk", false},
           Case{Format::kBase64, "aGk-", false},
           Case{Format::kHex, "00", true},
           Case{Format::kHex, "AbCd", true},
           Case{Format::kHex, "", false},
           Case{Format::kHex, "0", false},
           Case{Format::kArtifactMimeType, "application/zip", true},
           Case{Format::kArtifactMimeType, "text/plain; charset=utf-8", true},
           Case{Format::kArtifactMimeType, "application/", false},
           Case{Format::kArtifactMimeType, "zip", false},
           Case{Format::kArtifactMimeType, "chemical/x-pdb", false},
           Case{Format::kCharset, "utf-8", true},
           Case{Format::kCharset, "x", false},
           Case{Format::kCpe,
                "cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x64:*", true},
           Case{Format::kCpe, "cpe:2.3:a:acme:a\\:b:1:*:*:*:*:*:*:*", true},
           Case{Format::kCpe, "cpe:2.3:a:microsoft:word", false},
           Case{Format::kCpe, "cpe:2.3:z:microsoft:word:2000:*:*:*:*:*:*:*",
                false},
           Case{Format::kCpe, "cpe:2.3:a:microsoft::2000:*:*:*:*:*:*:*", false},
           Case{Format::kRegistryKey, "HKEY_LOCAL_MACHINE\\Software", true},
           Case{Format::kRegistryKey, "hkcu\\Software", false},
           Case{Format::kRegistryKey, "HKU", false},
           Case{Format::kRelationshipType, "indicates", true},
           Case{Format::kRelationshipType, "x-acme-reports-to", true},
           Case{Format::kRelationshipType, "", false},
           Case{Format::kRelationshipType, "Indicates", false},
       }) {
    std::string_view why;
    EXPECT_EQ(HasFormat(c.format, c.text, &why), c.ok)
        << FormatName(c.format) << " " << c.text;
    EXPECT_EQ(why.empty(), c.ok) << c.text;
  }
}

TEST(IsHashValue, ByAlgorithm) {
  EXPECT_TRUE(IsHashValue("MD5", std::string(32, 'a')));
  EXPECT_FALSE(IsHashValue("MD5", std::string(31, 'a')));
  EXPECT_FALSE(IsHashValue("MD5", std::string(32, 'g')));
  EXPECT_TRUE(IsHashValue("SHA-1", std::string(40, 'F')));
  EXPECT_TRUE(IsHashValue("SHA3-512", std::string(128, '0')));
  EXPECT_TRUE(IsHashValue("SSDEEP", "96:abc+/:def."));
  EXPECT_FALSE(IsHashValue("SSDEEP", "a b"));
  EXPECT_TRUE(IsHashValue("x_custom", "anything at all"));
}

TEST(Names, PropertyNamesAndDictionaryKeys) {
  EXPECT_TRUE(IsPropertyName("abc"));
  EXPECT_TRUE(IsPropertyName("x_acme_Score9"));
  EXPECT_FALSE(IsPropertyName("ab"));
  EXPECT_FALSE(IsPropertyName("_abc"));
  EXPECT_FALSE(IsPropertyName("Abc"));
  EXPECT_FALSE(IsPropertyName("a-bc"));
  EXPECT_TRUE(IsDictionaryKey("a"));
  EXPECT_TRUE(IsDictionaryKey("Content-Type_2"));
  EXPECT_FALSE(IsDictionaryKey(""));
  EXPECT_FALSE(IsDictionaryKey("a b"));
  EXPECT_FALSE(IsDictionaryKey(std::string(251, 'a')));
}

TEST(Quote, EscapesAndShortens) {
  EXPECT_EQ(Quote("abc"), "\"abc\"");
  EXPECT_EQ(Quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\u000ad\"");
  const std::string long_text(500, 'x');
  const std::string quoted = Quote(long_text);
  EXPECT_LT(quoted.size(), 100u);
  EXPECT_EQ(quoted.substr(quoted.size() - 4), "\"…");
  // Never splits a multi-byte character: 79 ASCII bytes then "é" (2 bytes).
  const std::string accented = std::string(79, 'a') + "é" + "tail";
  EXPECT_EQ(Quote(accented), "\"" + std::string(79, 'a') + "\"…");
}

}  // namespace
}  // namespace certshare::schemas
