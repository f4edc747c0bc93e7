#include "common/base/json.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"

namespace certshare {
namespace {

TEST(JsonTest, ParsesValidDocument) {
  rapidjson::Document doc;
  ASSERT_OK(json::Parse(R"({"type":"incident","n":[1,2,{"a":null}]})", &doc));
  std::string type;
  ASSERT_TRUE(json::GetString(doc, "type", &type));
  EXPECT_EQ(type, "incident");
}

TEST(JsonTest, RejectsDuplicateKeys) {
  rapidjson::Document doc;
  Status s = json::Parse(R"({"id":"a","id":"b"})", &doc);
  EXPECT_EQ(s.code(), ErrorCode::kMalformedJson);
  EXPECT_NE(s.message().find("duplicate key \"id\""), std::string::npos)
      << s.ToString();
  EXPECT_TRUE(doc.IsNull());
}

TEST(JsonTest, DuplicateKeysInSiblingObjectsAreFine) {
  rapidjson::Document doc;
  EXPECT_OK(json::Parse(R"([{"id":"a"},{"id":"b"}])", &doc));
}

TEST(JsonTest, RejectsDeepNestingWithoutCrashing) {
  std::string deep(200000, '[');
  rapidjson::Document doc;
  Status s = json::Parse(deep, &doc);
  EXPECT_EQ(s.code(), ErrorCode::kMalformedJson);
  EXPECT_NE(s.message().find("nesting deeper"), std::string::npos);
}

TEST(JsonTest, RejectsInvalidUtf8) {
  rapidjson::Document doc;
  EXPECT_CODE(json::Parse("{\"a\":\"\xC3\x28\"}", &doc),
              ErrorCode::kMalformedJson);
}

TEST(JsonTest, Utf8IsCheckedStrictlyEverywhere) {
  rapidjson::Document doc;
  // Well formed: 2-, 3- and 4-byte characters, the highest code point, in
  // values and keys.
  for (const std::string& ok :
       {std::string("{\"caf\xC3\xA9\":\"\xE2\x82\xAC \xF0\x9F\x98\x80\"}"),
        std::string(
            "[\"\xF4\x8F\xBF\xBF\", \"\xEF\xBF\xBD\", \"\xED\x9F\xBF\"]")}) {
    EXPECT_OK(json::Parse(ok, &doc));
  }
  for (const std::string& bad : {
           std::string("\xC3\x28"),          // bad continuation
           std::string("\xC0\xAF"),          // overlong '/'
           std::string("\xE0\x80\xAF"),      // overlong
           std::string("\xF0\x80\x80\xAF"),  // overlong
           std::string("\xED\xA0\x80"),      // surrogate U+D800
           std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
           std::string("\xF8\x88\x80\x80\x80"), std::string("\xFF"),
           std::string("\x80"),      // lone continuation
           std::string("\xE2\x82"),  // truncated
       }) {
    for (const std::string& text :
         {"{\"a\":\"" + bad + "\"}", "{\"" + bad + "\":1}",
          "[\"0123456789abcdef" + bad + "\"]", "[1]" + bad}) {
      Status s = json::Parse(text, &doc);
      EXPECT_EQ(s.code(), ErrorCode::kMalformedJson) << text;
      EXPECT_TRUE(doc.IsNull());
    }
  }
  // The offset names the first bad byte.
  Status s = json::Parse("[\"abcdefghij\xFF\"]", &doc);
  EXPECT_NE(s.message().find("byte 12: invalid UTF-8"), std::string::npos)
      << s.ToString();
}

TEST(JsonTest, DuplicateKeysInLargeObjects) {
  // Past a few dozen keys the check switches to a hash index: it must find
  // duplicates just the same, and in linear time.
  std::string text = "{";
  for (int i = 0; i < 100000; ++i) {
    text +=
        (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  }
  rapidjson::Document doc;
  EXPECT_OK(json::Parse(text + "}", &doc));
  EXPECT_EQ(doc.MemberCount(), 100000u);
  for (const char* dup : {"k0", "k31", "k32", "k99999"}) {
    Status s = json::Parse(text + ",\"" + dup + "\":0}", &doc);
    EXPECT_NE(s.message().find(std::string("duplicate key \"") + dup + "\""),
              std::string::npos)
        << s.ToString();
  }
  // Keys of nested objects do not collide with their parent's.
  EXPECT_OK(json::Parse(
      R"({"a":{"a":{"a":1},"b":2},"b":{"a":[{"a":1},{"a":2}]}})", &doc));
  EXPECT_EQ(json::Parse(R"({"a":{"b":1},"c":{"b":1,"b":2}})", &doc).code(),
            ErrorCode::kMalformedJson);
}

TEST(JsonTest, RejectsOversizedAndTruncatedAndEmpty) {
  rapidjson::Document doc;
  json::ParseLimits small;
  small.max_bytes = 4;
  EXPECT_CODE(json::Parse("[1,2,3]", &doc, small), ErrorCode::kMalformedJson);
  EXPECT_CODE(json::Parse("{\"a\":", &doc), ErrorCode::kMalformedJson);
  EXPECT_CODE(json::Parse("", &doc), ErrorCode::kMalformedJson);
  EXPECT_CODE(json::Parse("{} trailing", &doc), ErrorCode::kMalformedJson);
}

}  // namespace
}  // namespace certshare
