// Hostile and degenerate input: never a crash, always a bounded report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>

#include "common/base/testing.h"
#include "schemas/problem_sink.h"
#include "schemas/rules.h"
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
  // Nested custom values may use any keys, including ones that need JSON
  // Pointer escaping, and the empty key.
  auto doc = test::MustParse(test::kIndicator);
  test::SetJson(doc, "/x_odd", R"({"": 1e15, "a/b": -0, "t~": [{"": {}}]})");
  EXPECT_TRUE(Check(doc).ok()) << test::Dump(Check(doc));
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

// Every report is bounded and well formed: at most kMaxProblems + 1
// problems, each with a documented rule id and a message.
void ExpectWellFormed(const Report& report, const std::string& input) {
  static const std::set<std::string_view> known = [] {
    std::set<std::string_view> ids;
    for (const RuleInfo& r : AllRules()) ids.insert(r.id);
    return ids;
  }();
  ASSERT_LE(report.problems.size(), kMaxProblems + 1) << input;
  for (const Problem& p : report.problems) {
    ASSERT_TRUE(known.count(p.rule)) << p.rule << " for " << input;
    ASSERT_FALSE(p.message.empty());
    ASSERT_TRUE(p.pointer.empty() || p.pointer[0] == '/') << p.pointer;
  }
}

// Deterministic mutations of valid documents (bytes flipped, dropped,
// duplicated, truncated): never a crash, always a bounded report.
TEST(Hostile, MutatedDocuments) {
  const std::vector<std::string> seeds = {
      test::kIndicator,
      test::kCoreIncident,
      test::kAmberDefinition,
      test::kSighting,
      test::kLanguageContent,
      test::Bundle(std::string(test::kIndicator) + "," + test::kRelationship +
                   "," + test::kIpv4)};
  std::mt19937 random(20260304);
  constexpr std::string_view kInteresting = "{}[]\",:0-9e.\\tnul/~";
  int parsed = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[random() % seeds.size()];
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = random() % text.size();
      switch (random() % 5) {
        case 0:
          text[at] = kInteresting[random() % kInteresting.size()];
          break;
        case 1:
          text.erase(at, 1 + random() % 8);
          break;
        case 2:
          text.insert(at, text.substr(at, random() % 16));
          break;
        case 3:
          text.resize(at);
          break;
        default:
          text[at] = static_cast<char>(random() & 0xFF);
          break;
      }
    }
    Report report = CheckText(text);
    ExpectWellFormed(report, text);
    parsed += report.problems.empty() || report.problems[0].rule != "json";
  }
  EXPECT_GT(parsed, 1000);  // the mutations reach the STIX rules too
}

// A document built in memory is not bounded by json::Parse: the checks
// stop at their own depth limit instead of recursing without end.
TEST(Hostile, DeepDocumentBuiltInMemory) {
  rapidjson::Document doc = test::MustParse(test::kIndicator);
  auto& alloc = doc.GetAllocator();
  rapidjson::Value deep(rapidjson::kArrayType);
  for (int i = 0; i < 20000; ++i) {
    rapidjson::Value outer(rapidjson::kArrayType);
    outer.PushBack(deep, alloc);  // moves `deep` into `outer`
    deep = outer;
  }
  doc.AddMember("x_deep", deep, alloc);
  Report report = Check(doc);
  ASSERT_THAT(KeysOf(report),
              ElementsAre(Pair(::testing::StartsWith("/x_deep/0/0"), "depth")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("64"));
}

TEST(Hostile, ManyProblemsInOneObject) {
  auto doc = test::MustParse(test::kIndicator);
  std::string members;
  for (int i = 0; i < 3000; ++i) {
    test::SetJson(doc, ("/x_p" + std::to_string(i)).c_str(), "null");
  }
  Report report = Check(doc);
  ASSERT_EQ(report.problems.size(), kMaxProblems + 1);
  EXPECT_EQ(report.problems.back().rule, "too-many-problems");
  EXPECT_THAT(report.problems.back().message,
              HasSubstr(std::to_string(3000 - kMaxProblems)));
}

TEST(Hostile, PointersEscapeAndSummariesStayOneLinePerProblem) {
  auto doc = test::MustParse(test::kIndicator);
  test::SetJson(doc, "/x_nest", R"({"a/b~c": [null]})");
  Report report = Check(doc);
  ASSERT_THAT(KeysOf(report),
              ElementsAre(Pair("/x_nest/a~1b~0c/0", "null-value")));
  EXPECT_EQ(PointerTo("/objects/1", nullptr), "/objects/1");

  // A key with a newline cannot forge a line of Summarise's message.
  std::string text = test::kIndicator;
  text.insert(1, "\"x_a\\nforged: line [json]\": null, ");
  Result<Summary> summary = Summarise(text);
  ASSERT_FALSE(summary.ok());
  const std::string& message = summary.status().message();
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
  EXPECT_THAT(message, HasSubstr("\\u000a"));
}

TEST(Hostile, LargeValuesAreCheapAndBounded) {
  auto doc = test::MustParse(test::kIndicator);
  test::Set(doc, "/description", std::string(4 << 20, 'x').c_str());
  EXPECT_TRUE(Check(doc).ok());
  // A long selector path over a long list: linear, and a clear problem.
  std::string labels = "[";
  for (int i = 0; i < 100000; ++i) labels += i ? ",\"l\"" : "\"l\"";
  test::SetJson(doc, "/labels", labels + "]");
  std::string selector = "labels.[99999]";
  for (int i = 0; i < 10000; ++i) selector += ".x";
  test::SetJson(doc, "/granular_markings",
                R"([{"lang": "en", "selectors": [")" + selector + "\"]}]");
  Report report = Check(doc);
  ASSERT_THAT(
      KeysOf(report),
      ElementsAre(Pair("/granular_markings/0/selectors/0", "selector")));
  EXPECT_LT(report.problems[0].message.size(), 400u);
}

}  // namespace
}  // namespace certshare::schemas
