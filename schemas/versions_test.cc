// CompareVersions: how two versions of STIX content relate.
#include <gtest/gtest.h>

#include "schemas/stix_check.h"

namespace certshare::schemas {
namespace {

constexpr char kId[] = "incident--a7e07e8d-4ffb-4141-bde3-bc9484ffff26";
constexpr char kOther[] = "incident--b7e07e8d-4ffb-4141-bde3-bc9484ffff26";

TEST(CompareVersions, SameIdOrdersByModifiedAsTime) {
  EXPECT_EQ(CompareVersions(kId, "2026-03-04T16:40:05.000Z", kId,
                            "2026-03-04T16:40:05.000Z"),
            VersionOrder::kSame);
  // The same instant written differently is the same version.
  EXPECT_EQ(CompareVersions(kId, "2026-03-04T16:40:05.5Z", kId,
                            "2026-03-04T16:40:05.500Z"),
            VersionOrder::kSame);
  EXPECT_EQ(CompareVersions(kId, "2026-03-04T16:40:05.001Z", kId,
                            "2026-03-04T16:40:05.000Z"),
            VersionOrder::kNewer);
  EXPECT_EQ(CompareVersions(kId, "2026-03-04T16:40:05.000Z", kId,
                            "2026-03-04T16:40:05.001Z"),
            VersionOrder::kOlder);
  // Lexically "…05Z" sorts after "…05.5Z"; in time it is earlier.
  EXPECT_EQ(CompareVersions(kId, "2026-03-04T16:40:05Z", kId,
                            "2026-03-04T16:40:05.5Z"),
            VersionOrder::kOlder);
}

TEST(CompareVersions, DifferentIdsAreUnrelated) {
  EXPECT_EQ(CompareVersions(kId, "2026-03-04T16:40:05.000Z", kOther,
                            "2026-03-04T16:40:05.000Z"),
            VersionOrder::kUnrelated);
  EXPECT_EQ(CompareVersions(kId, "2027-01-01T00:00:00.000Z", kOther,
                            "2026-03-04T16:40:05.000Z"),
            VersionOrder::kUnrelated);
}

TEST(CompareVersions, InvalidTimestampsOrderFirst) {
  EXPECT_EQ(CompareVersions(kId, "", kId, "2026-03-04T16:40:05.000Z"),
            VersionOrder::kOlder);
  EXPECT_EQ(CompareVersions(kId, "2026-03-04T16:40:05.000Z", kId, "soon"),
            VersionOrder::kNewer);
  EXPECT_EQ(CompareVersions(kId, "b", kId, "a"), VersionOrder::kNewer);
  EXPECT_EQ(CompareVersions(kId, "", kId, ""), VersionOrder::kSame);
}

TEST(CompareVersions, Summaries) {
  Summary a, b;
  a.id = b.id = kId;
  a.modified = "2026-03-04T16:40:05.000Z";
  b.modified = "2026-03-03T09:14:27.000Z";
  EXPECT_EQ(CompareVersions(a, b), VersionOrder::kNewer);
  EXPECT_EQ(CompareVersions(b, a), VersionOrder::kOlder);
  EXPECT_EQ(CompareVersions(a, a), VersionOrder::kSame);
  b.id = kOther;
  EXPECT_EQ(CompareVersions(a, b), VersionOrder::kUnrelated);
}

TEST(CompareVersions, FromCheckedDocuments) {
  const char* v1 = R"({"type": "incident", "spec_version": "2.1",
    "id": "incident--a7e07e8d-4ffb-4141-bde3-bc9484ffff26",
    "created": "2026-03-03T09:14:27.000Z", "modified": "2026-03-03T09:14:27.000Z",
    "name": "Phishing"})";
  const char* v2 = R"({"type": "incident", "spec_version": "2.1",
    "id": "incident--a7e07e8d-4ffb-4141-bde3-bc9484ffff26",
    "created": "2026-03-03T09:14:27.000Z", "modified": "2026-03-04T16:40:05.000Z",
    "name": "Phishing wave, two hosts infected"})";
  Result<Summary> s1 = Summarise(v1);
  Result<Summary> s2 = Summarise(v2);
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ(CompareVersions(*s2, *s1), VersionOrder::kNewer);
  // Re-sent bytes, whitespace changed: the same object.
  Result<Summary> again = Summarise(std::string(v1) + "\n");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(CompareVersions(*again, *s1), VersionOrder::kSame);
}

TEST(VersionOrderName, Names) {
  EXPECT_EQ(VersionOrderName(VersionOrder::kUnrelated), "unrelated");
  EXPECT_EQ(VersionOrderName(VersionOrder::kOlder), "older");
  EXPECT_EQ(VersionOrderName(VersionOrder::kSame), "same");
  EXPECT_EQ(VersionOrderName(VersionOrder::kNewer), "newer");
}

}  // namespace
}  // namespace certshare::schemas
