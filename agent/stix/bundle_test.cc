#include "agent/stix/bundle.h"

#include <gtest/gtest.h>

#include "agent/stix/builder_test_util.h"
#include "common/base/testing.h"
#include "schemas/stix_check.h"

namespace certshare::agent {
namespace {

using testing::ParseOrDie;
using testing::S;

constexpr char kIndicator[] = R"({"type":"indicator","spec_version":"2.1",
  "id":"indicator--4aed653b-bbdb-4319-9a83-c17179e134d0","created":"2026-03-03T11:02:10.000Z",
  "modified":"2026-03-03T11:02:10.000Z","pattern":"[ipv4-addr:value = '203.0.113.47']",
  "pattern_type":"stix","valid_from":"2026-03-02T06:00:00Z"})";
constexpr char kIndicatorV2[] = R"({"type":"indicator","spec_version":"2.1",
  "id":"indicator--4aed653b-bbdb-4319-9a83-c17179e134d0","created":"2026-03-03T11:02:10.000Z",
  "modified":"2026-03-04T09:00:00.000Z","pattern":"[ipv4-addr:value = '203.0.113.48']",
  "pattern_type":"stix","valid_from":"2026-03-02T06:00:00Z"})";
constexpr char kConflicting[] = R"({"type":"indicator","spec_version":"2.1",
  "id":"indicator--4aed653b-bbdb-4319-9a83-c17179e134d0","created":"2026-03-03T11:02:10.000Z",
  "modified":"2026-03-03T11:02:10.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']",
  "pattern_type":"stix","valid_from":"2026-03-02T06:00:00Z"})";
constexpr char kObservable[] = R"({"type":"ipv4-addr","spec_version":"2.1",
  "id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"203.0.113.47"})";

TEST(BundleTest, EmptyBundleHasAFreshId) {
  Bundle a, b;
  EXPECT_TRUE(schemas::IsStixId(a.id(), "bundle"));
  EXPECT_NE(a.id(), b.id());
  EXPECT_EQ(a.size(), 0u);
  rapidjson::Document doc = ParseOrDie(a.ToJson());
  EXPECT_EQ(S(doc, "id"), a.id());
}

TEST(BundleTest, SameVersionTwiceIsKeptOnce) {
  Bundle b;
  EXPECT_EQ(*b.AddDocument(kIndicator, "a.json"), 1u);
  // The same object in a bundle, and with members in another order.
  const std::string wrapped = std::string(R"({"type":"bundle","id":"bundle--95704c23-df61-4954-b2d6-48d6d4ae8be9","objects":[)") +
                              kIndicator + "," + kObservable + "]}";
  EXPECT_EQ(*b.AddDocument(wrapped, "b.json"), 1u);
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(*b.AddDocument(std::string("[") + kObservable + "]", "c.json"), 0u);
  testing::ExpectValidStix(b.ToJson());
}

TEST(BundleTest, VersionsOfOneObjectAreKeptApart) {
  Bundle b;
  ASSERT_TRUE(b.AddDocument(kIndicator, "v1").ok());
  EXPECT_EQ(*b.AddDocument(kIndicatorV2, "v2"), 1u);
  EXPECT_EQ(b.size(), 2u);
}

TEST(BundleTest, TwoDifferentObjectsCannotBeOneVersion) {
  Bundle b;
  ASSERT_TRUE(b.AddDocument(kIndicator, "a.json").ok());
  auto r = b.AddDocument(kConflicting, "b.json");
  EXPECT_CODE(r.status(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("b.json"), std::string::npos);
  EXPECT_NE(r.status().message().find("same version"), std::string::npos);
  EXPECT_EQ(b.size(), 1u);
}

TEST(BundleTest, RefusesWhatIsNotStix) {
  Bundle b;
  EXPECT_CODE(b.AddDocument("{\"type\":", "t").status(), ErrorCode::kMalformedJson);
  EXPECT_CODE(b.AddDocument("42", "n").status(), ErrorCode::kInvalidStix);
  EXPECT_CODE(b.AddDocument(R"({"type":"bundle","id":"bundle--95704c23-df61-4954-b2d6-48d6d4ae8be9","objects":{}})", "o").status(),
              ErrorCode::kInvalidStix);
  EXPECT_CODE(b.AddDocument(R"({"type":"indicator"})", "x").status(), ErrorCode::kInvalidStix);
  EXPECT_CODE(b.AddDocument("[1]", "y").status(), ErrorCode::kInvalidStix);
}

TEST(BundleTest, VersionOf) {
  EXPECT_EQ(VersionOf(ParseOrDie(kIndicator)), "2026-03-03T11:02:10.000Z");
  EXPECT_EQ(VersionOf(ParseOrDie(kObservable)), "");
  EXPECT_EQ(VersionOf(ParseOrDie(R"({"created":"2022-10-01T00:00:00.000Z"})")),
            "2022-10-01T00:00:00.000Z");
}

}  // namespace
}  // namespace certshare::agent
