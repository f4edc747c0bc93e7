#include "agent/stix/vocab.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace certshare::agent {
namespace {

TEST(VocabTest, IncidentCoreVocabularies) {
  for (std::string_view v : {"blocked", "confirmed", "failed-attempt", "false-positive", "suspected"}) {
    EXPECT_TRUE(kIncidentDeterminations.Contains(v)) << v;
  }
  EXPECT_FALSE(kIncidentDeterminations.Contains("Confirmed"));
  EXPECT_FALSE(kIncidentDeterminations.Contains("low-value"));
  EXPECT_TRUE(kInvestigationStatuses.Contains("closed"));
  EXPECT_FALSE(kInvestigationStatuses.Contains("resolved"));
  EXPECT_EQ(kInvestigationStatuses.Join(), "new, open, closed");
}

TEST(VocabTest, SectorsAreTheOasisSchemaList) {
  EXPECT_EQ(kIndustrySectors.values.size(), 35u);
  EXPECT_TRUE(kIndustrySectors.Contains("government-national"));
  EXPECT_TRUE(kIndustrySectors.Contains("emergency-services"));
  EXPECT_FALSE(kIndustrySectors.Contains("banking"));
}

TEST(VocabTest, CountryCodesAreIso3166Alpha2) {
  EXPECT_EQ(kCountryCodes.values.size(), 249u);
  std::set<std::string_view> unique(kCountryCodes.values.begin(), kCountryCodes.values.end());
  EXPECT_EQ(unique.size(), 249u);
  EXPECT_TRUE(std::is_sorted(kCountryCodes.values.begin(), kCountryCodes.values.end()));
  for (std::string_view c : {"EE", "UA", "DE", "FR", "GB", "US", "BQ", "SS"}) {
    EXPECT_TRUE(kCountryCodes.Contains(c)) << c;
  }
  for (std::string_view c : {"ee", "EU", "UK", "XK", "ZZ", "EST"}) {
    EXPECT_FALSE(kCountryCodes.Contains(c)) << c;
  }
}

// Debian's tzdata ships the ISO 3166 table; when it is there, the lists agree.
TEST(VocabTest, CountryCodesMatchTzdataWhenInstalled) {
  std::ifstream in("/usr/share/zoneinfo/iso3166.tab");
  if (!in) GTEST_SKIP() << "no /usr/share/zoneinfo/iso3166.tab";
  std::set<std::string> tz;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    tz.insert(line.substr(0, 2));
  }
  std::set<std::string> ours(kCountryCodes.values.begin(), kCountryCodes.values.end());
  EXPECT_EQ(ours, tz);
}

TEST(VocabTest, HashAlgorithms) {
  EXPECT_EQ(FindHashAlgorithm("sha256")->name, "SHA-256");
  EXPECT_EQ(FindHashAlgorithm("SHA_1")->name, "SHA-1");
  EXPECT_EQ(FindHashAlgorithm("Sha3-512")->hex_digits, 128u);
  EXPECT_EQ(FindHashAlgorithm("md5")->hex_digits, 32u);
  EXPECT_EQ(FindHashAlgorithm("ssdeep")->hex_digits, 0u);
  EXPECT_FALSE(FindHashAlgorithm("CRC32"));
  EXPECT_FALSE(FindHashAlgorithm(""));
}

}  // namespace
}  // namespace certshare::agent
