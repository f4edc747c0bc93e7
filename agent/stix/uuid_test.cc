#include "agent/stix/uuid.h"

#include <gtest/gtest.h>

#include <set>

#include "schemas/stix_check.h"

namespace certshare::agent {
namespace {

// Expected values computed with Python's uuid.uuid5.
TEST(Uuid5Test, MatchesRfc4122AndPython) {
  EXPECT_EQ(Uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  EXPECT_EQ(Uuid5(kCertshareNamespace, "org:CERT-EE"), "3c83f7e6-6c4a-5676-93bb-5b930c49943f");
  EXPECT_EQ(Uuid5(kCertshareNamespace, "sector:healthcare"),
            "f6d9c674-ecf8-5a99-b820-dda3a1ca2fea");
  EXPECT_EQ(Uuid5(kCertshareNamespace, "country:EE"), "1d01db36-dc1e-59c2-93c6-313ac95cf408");
}

TEST(Uuid5Test, Sha1PaddingBoundaries) {
  // 16 namespace bytes + n name bytes straddle the 55/56/64-byte limits.
  EXPECT_EQ(Uuid5(kCertshareNamespace, ""), "9a29b8cf-259d-59f0-8753-6384c5ab8224");
  EXPECT_EQ(Uuid5(kCertshareNamespace, std::string(39, 'a')),
            "f9fa06ca-1528-5da8-88d5-c91da0119ce2");
  EXPECT_EQ(Uuid5(kCertshareNamespace, std::string(40, 'a')),
            "ffa899ed-8bf2-55e3-846e-b34c8af51aed");
  EXPECT_EQ(Uuid5(kCertshareNamespace, std::string(48, 'a')),
            "741ca1a0-d76c-5467-83fc-059c419506c5");
  EXPECT_EQ(Uuid5(kCertshareNamespace, std::string(55, 'a')),
            "ff87898d-66a6-5d90-a910-c473207cbfbb");
  EXPECT_EQ(Uuid5(kCertshareNamespace, std::string(56, 'a')),
            "1d8fe8d2-b0cc-525c-818e-090df2dfea7a");
  EXPECT_EQ(Uuid5(kCertshareNamespace, std::string(200, 'x')),
            "b2ba6922-4226-555a-a61c-3c885d6d818f");
}

TEST(Uuid5Test, BadNamespaceGivesEmpty) {
  EXPECT_EQ(Uuid5("not-a-uuid", "x"), "");
  EXPECT_EQ(Uuid5("b006fa24-9c77-4e53-be16-0c198082af0g", "x"), "");
}

TEST(Uuid4Test, VersionVariantAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = NewUuid4();
    ASSERT_EQ(u.size(), 36u);
    EXPECT_EQ(u[14], '4') << u;
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
    EXPECT_TRUE(seen.insert(u).second) << "repeated " << u;
  }
}

TEST(StixIdTest, FreshAndNamedIdsAreStixIds) {
  EXPECT_TRUE(schemas::IsStixId(NewStixId("incident"), "incident"));
  EXPECT_NE(NewStixId("incident"), NewStixId("incident"));
  EXPECT_EQ(NamedStixId("identity", "org:CERT-EE"),
            "identity--3c83f7e6-6c4a-5676-93bb-5b930c49943f");
  EXPECT_TRUE(schemas::IsStixId(NamedStixId("identity", "org:CERT-EE"), "identity"));
}

}  // namespace
}  // namespace certshare::agent
