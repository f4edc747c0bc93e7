// The demo's records (scripts/samples): every one passes, and the two the
// demo publishes summarise as routing expects.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "common/base/file_util.h"
#include "common/base/testing.h"
#include "schemas/stix_check.h"
#include "schemas/test_util.h"

namespace certshare::schemas {
namespace {

namespace fs = std::filesystem;
using test::Dump;

const fs::path kSamples = CERTSHARE_SAMPLES_DIR;

std::string Read(const fs::path& path) {
  Result<std::string> text = files::Read(path.string());
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : "";
}

TEST(Samples, EverySamplePasses) {
  std::size_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kSamples)) {
    if (entry.path().extension() != ".json") continue;
    ++count;
    Report report = CheckText(Read(entry.path()));
    EXPECT_TRUE(report.ok()) << entry.path() << "\n" << Dump(report);
  }
  EXPECT_GE(count, 1u);
}

TEST(Samples, IncidentAmber) {
  const fs::path path = kSamples / "incident-amber.json";
  if (!fs::exists(path)) GTEST_SKIP() << "no " << path;
  Report report = CheckText(Read(path));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.type, "bundle");
  EXPECT_EQ(report.summary.tlp, Tlp::kAmber);
  EXPECT_TRUE(IsStixTimestamp(report.summary.modified));
}

TEST(Samples, NoticeClear) {
  const fs::path path = kSamples / "notice-clear.json";
  if (!fs::exists(path)) GTEST_SKIP() << "no " << path;
  Report report = CheckText(Read(path));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.type, "bundle");
  EXPECT_EQ(report.summary.tlp, Tlp::kClear);
}

}  // namespace
}  // namespace certshare::schemas
