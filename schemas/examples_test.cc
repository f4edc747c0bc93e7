// Check against real STIX: every OASIS example under
// ${CERTSHARE_SHARED_DIR}/stix/examples, and the demo records in
// scripts/samples. Each file has an explicit expectation; none is skipped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "common/base/file_util.h"
#include "common/base/testing.h"
#include "schemas/stix_check.h"
#include "schemas/test_util.h"

namespace certshare::schemas {
namespace {

namespace fs = std::filesystem;
using test::Dump;
using test::Keys;
using test::KeysOf;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

const fs::path kExamples = fs::path(CERTSHARE_SHARED_DIR) / "stix" / "examples";
const fs::path kSamples = CERTSHARE_SAMPLES_DIR;

// Files that do not pass, with exactly the problems expected of them. Every
// other example must pass.
const std::map<std::string, Keys>& ExpectedFailures() {
  static const auto* failures = new std::map<std::string, Keys>{
      // A bare JSON array of 82 observables, not a bundle (SOURCES.md).
      {"cti-python-stix2/sco-examples-bundle.json", {{"", "not-object"}}},
      // A lone cyber observable: valid STIX, but it has no date to be
      // versioned by, so certshare does not publish it on its own.
      {"cti-python-stix2/stix2_data_v21/directory/"
       "directory--572827aa-e0cd-44fd-afd5-a717a7585f39.json",
       {{"", "no-timestamp"}}},
      // Upstream wraps the object in {"id": "bundle--…", "objects": […]}
      // without "type": "bundle" (SOURCES.md).
      {"cti-stix-common-objects/tlp-2.0/"
       "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.json",
       {{"/type", "type"}}},
      // Upstream defect NOT listed in SOURCES.md: the relationship's id
      // "relationship--81f12913-1372-4c96-85ec-E9034ac98aba" has an
      // upper-case hex digit (the OASIS identifier pattern allows it).
      {"cti-stix2-json-schemas/infrastructure.json",
       {{"/objects/8/id", "id-format"}}},
  };
  return *failures;
}

std::string Read(const fs::path& path) {
  Result<std::string> text = files::Read(path.string());
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : "";
}

std::vector<fs::path> JsonFilesUnder(const fs::path& root) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(OasisExamples, EachMeetsItsExpectation) {
  ASSERT_TRUE(fs::is_directory(kExamples)) << kExamples;
  const std::vector<fs::path> paths = JsonFilesUnder(kExamples);
  // 40 files: SOURCES.md counts 34 plus the six tlp-2.0 files.
  EXPECT_EQ(paths.size(), 40u);
  std::set<std::string> seen;
  for (const fs::path& path : paths) {
    const std::string name = fs::relative(path, kExamples).generic_string();
    seen.insert(name);
    SCOPED_TRACE(name);
    Report report = CheckText(Read(path));
    auto expected = ExpectedFailures().find(name);
    if (expected == ExpectedFailures().end()) {
      EXPECT_THAT(KeysOf(report), IsEmpty()) << Dump(report);
      EXPECT_TRUE(IsStixTimestamp(report.summary.modified));
      // The examples use TLP 1.0 and statement markings only.
      EXPECT_EQ(report.summary.tlp, std::nullopt);
    } else {
      EXPECT_EQ(KeysOf(report), expected->second) << Dump(report);
    }
  }
  for (const auto& [name, keys] : ExpectedFailures()) {
    EXPECT_TRUE(seen.count(name)) << "expected file is gone: " << name;
  }
}

TEST(OasisExamples, Summaries) {
  Report report = CheckText(
      Read(kExamples / "cti-stix2-json-schemas/threat-reports/apt1.json"));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.type, "bundle");
  EXPECT_EQ(report.summary.object_count, 76u);

  report = CheckText(
      Read(kExamples / "cti-stix-common-objects/tlp-2.0/tlp-amber.json"));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.id, "bundle--63ab8e67-acac-4817-845a-d09f0e86954c");
  EXPECT_EQ(report.summary.modified, "2022-10-01T00:00:00.000Z");
  EXPECT_EQ(report.summary.object_count, 1u);
  EXPECT_EQ(report.summary.tlp, std::nullopt);  // a definition marks nothing

  // A single object, four versions of which are kept upstream.
  report = CheckText(
      Read(kExamples / "cti-python-stix2/stix2_data_v21/malware/"
                       "malware--6b616fc1-1505-48e3-8b2c-0d19337bff38/"
                       "20181101232448457000.json"));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.type, "malware");
  EXPECT_EQ(report.summary.id, "malware--6b616fc1-1505-48e3-8b2c-0d19337bff38");
  EXPECT_EQ(report.summary.object_count, 1u);
}

TEST(OasisExamples, ScoArrayPassesTheObjectRulesOnceInABundle) {
  rapidjson::Document array = test::MustParse(
      Read(kExamples / "cti-python-stix2/sco-examples-bundle.json"));
  ASSERT_TRUE(array.IsArray());
  rapidjson::Document bundle(rapidjson::kObjectType);
  auto& alloc = bundle.GetAllocator();
  bundle.AddMember("type", "bundle", alloc);
  bundle.AddMember("id", "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", alloc);
  bundle.AddMember("objects", rapidjson::Value(array, alloc), alloc);
  Report report = Check(bundle);
  // Every object passes; only observables, so nothing dates the bundle.
  EXPECT_THAT(KeysOf(report), ElementsAre(Pair("", "bundle-no-timestamp")))
      << Dump(report);
  EXPECT_EQ(report.summary.object_count, 82u);
}

TEST(Samples, IncidentAmber) {
  Report report = CheckText(Read(kSamples / "incident-amber.json"));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.type, "bundle");
  EXPECT_EQ(report.summary.tlp, Tlp::kAmber);
  EXPECT_EQ(report.summary.object_count, 5u);
  EXPECT_EQ(report.summary.modified, "2026-03-04T16:40:05.000Z");
}

TEST(Samples, NoticeClear) {
  Report report = CheckText(Read(kSamples / "notice-clear.json"));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.type, "bundle");
  EXPECT_EQ(report.summary.tlp, Tlp::kClear);
  EXPECT_EQ(report.summary.object_count, 2u);
}

TEST(Samples, EverySampleIsChecked) {
  std::set<std::string> names;
  for (const fs::path& path : JsonFilesUnder(kSamples)) {
    names.insert(path.filename().string());
    EXPECT_TRUE(CheckText(Read(path)).ok()) << path;
  }
  EXPECT_EQ(names, (std::set<std::string>{"incident-amber.json",
                                          "notice-clear.json"}));
}

}  // namespace
}  // namespace certshare::schemas
