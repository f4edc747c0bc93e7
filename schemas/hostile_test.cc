// Hostile and degenerate input: never a crash, always a bounded report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "common/base/testing.h"
#include "schemas/stix_check.h"
#include "schemas/test_util.h"

namespace certshare::schemas {
namespace {

using test::KeysOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(Hostile, DeepNesting) {
  for (const std::string& text :
       {std::string(100000, '[') + std::string(100000, ']'),
        std::string(100000, '['),
        R"({"type": "indicator", "x": )" + std::string(5000, '[') +
            std::string(5000, ']') + "}"}) {
    Report report = CheckText(text);
    ASSERT_THAT(KeysOf(report), ElementsAre(Pair("", "json")));
    EXPECT_THAT(report.problems[0].message, HasSubstr("nesting"));
  }
}

TEST(Hostile, InvalidUtf8) {
  for (const std::string& bad :
       {std::string("\xC3\x28"), std::string("\xFF"),
        std::string("\xED\xA0\x80"), std::string("\xC0\xAF"),
        std::string("\xE2\x82")}) {
    std::string text = test::kIndicator;
    text.replace(text.find("Loader"), 6, bad);
    EXPECT_THAT(KeysOf(CheckText(text)), ElementsAre(Pair("", "json")));
  }
}

TEST(Hostile, DuplicateKeys) {
  std::string text = test::kIndicator;
  text.insert(1, R"("type": "malware", )");
  Report report = CheckText(text);
  ASSERT_THAT(KeysOf(report), ElementsAre(Pair("", "json")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("duplicate key"));
}

TEST(Hostile, NotJsonAtAll) {
  for (const std::string& text :
       {std::string(), std::string("   "), std::string("{"),
        std::string("\0\0\0", 3), std::string(test::kIndicator) + "{}",
        std::string("{\"type\": \"indicator\"") + '\0' + "}",
        std::string("NaN")}) {
    EXPECT_THAT(KeysOf(CheckText(text)), ElementsAre(Pair("", "json")));
  }
}

TEST(Hostile, ValuesCannotForgeLinesOrInflateMessages) {
  auto doc = test::MustParse(test::kIndicator);
  const std::string id =
      "indicator--x\n/created: fine [none]\n" + std::string(100000, 'a');
  test::Set(doc, "/id", id.c_str());
  Result<Summary> summary = Summarise(json::Write(doc));
  EXPECT_CODE(summary.status(), ErrorCode::kInvalidStix);
  const std::string& message = summary.status().message();
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 0);
  EXPECT_LT(message.size(), 400u);
}

TEST(Hostile, ProblemsAreCapped) {
  std::string objects;
  for (int i = 0; i < 5000; ++i) objects += i ? ",{}" : "{}";
  Report report = CheckText(
      R"({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [)" +
      objects + "]}");
  ASSERT_EQ(report.problems.size(), kMaxProblems + 1);
  EXPECT_EQ(report.problems.back().rule, "too-many-problems");
  // 5000 objects with "type" and "id" missing, plus bundle-no-timestamp.
  EXPECT_THAT(report.problems.back().message,
              HasSubstr(std::to_string(2 * 5000 + 1 - kMaxProblems)));
  EXPECT_EQ(report.summary.object_count, 5000u);
}

TEST(Hostile, OddButValidShapes) {
  // Keys that need JSON Pointer escaping, empty keys, huge numbers.
  auto doc = test::MustParse(test::kIndicator);
  test::SetJson(doc, "/x~1a", R"({"": 1e300, "a/b": -0})");
  EXPECT_TRUE(Check(doc).ok());
  // A bundle holding itself many times over is just many objects.
  std::string objects;
  for (int i = 0; i < 2000; ++i) {
    objects += (i ? "," : "") + std::string(test::kIndicator);
  }
  Report report = CheckText(
      R"({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [)" +
      objects + "]}");
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.summary.object_count, 2000u);
}

}  // namespace
}  // namespace certshare::schemas
