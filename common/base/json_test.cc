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
  EXPECT_NE(s.message().find("line 1, column 13 (byte 12): invalid UTF-8"),
            std::string::npos)
      << s.ToString();
}

TEST(JsonTest, ErrorsNameLineAndColumnAsWellAsTheByte) {
  rapidjson::Document doc;
  // The missing comma after "b": 2 is found at the next key, line 4.
  // Columns count characters: "é" is two bytes but one column.
  Status s = json::Parse("{\n  \"a\": \"\xC3\xA9\",\n  \"b\": 2\n  \"c\": 3\n}", &doc);
  EXPECT_CODE(s, ErrorCode::kMalformedJson);
  EXPECT_NE(s.message().find("invalid JSON at line 4, column 3 (byte 26): "),
            std::string::npos)
      << s.ToString();
  s = json::Parse("{\"\xC3\xA9t\xC3\xA9\": \"\xFF\"}", &doc);
  EXPECT_NE(s.message().find("line 1, column 10 (byte 11): invalid UTF-8"),
            std::string::npos)
      << s.ToString();
  // CRLF line ends count one line each.
  s = json::Parse("{\r\n\"a\": 1,\r\n}", &doc);
  EXPECT_NE(s.message().find("at line 3, column 1 (byte 12)"), std::string::npos)
      << s.ToString();
}

TEST(JsonTest, AByteOrderMarkHasItsOwnMessage) {
  rapidjson::Document doc;
  Status s = json::Parse("\xEF\xBB\xBF{\"a\": 1}", &doc);
  EXPECT_CODE(s, ErrorCode::kMalformedJson);
  EXPECT_TRUE(doc.IsNull());
  EXPECT_NE(s.message().find("starts with a UTF-8 byte order mark (EF BB BF)"),
            std::string::npos)
      << s.ToString();
  EXPECT_NE(s.message().find("RFC 8259"), std::string::npos);
  s = json::Parse(std::string("\xFF\xFE{\0\"\0", 6), &doc);
  EXPECT_NE(s.message().find("UTF-16 byte order mark"), std::string::npos)
      << s.ToString();
  // Anywhere else U+FEFF is an ordinary character inside a string (and
  // outside one, not JSON).
  EXPECT_OK(json::Parse("{\"a\": \"\xEF\xBB\xBF\"}", &doc));
  EXPECT_CODE(json::Parse("{\"a\": 1}\xEF\xBB\xBF", &doc), ErrorCode::kMalformedJson);
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


// Escapes that decode to half a UTF-16 pair would make a string that is not
// UTF-8 (found by fuzzing): refused. A proper pair is one character.
TEST(JsonTest, LoneSurrogateEscapesAreRefused) {
  rapidjson::Document doc;
  for (const char* bad : {R"({"a":"\udc00"})", R"({"a":"x\ud800"})", R"({"a":"\ud800x"})",
                          R"({"\ude00":1})", R"(["\ud42d\ude00"])", R"(["\udbff\udbff"])"}) {
    Status s = json::Parse(bad, &doc);
    EXPECT_EQ(s.code(), ErrorCode::kMalformedJson) << bad;
    EXPECT_NE(s.message().find("surrogate"), std::string::npos) << s.ToString();
    EXPECT_TRUE(doc.IsNull());
  }
  ASSERT_OK(json::Parse(R"({"a":"\ud83d\ude00 \ud7ff \ue000"})", &doc));
  EXPECT_EQ(std::string(doc["a"].GetString()), "\xF0\x9F\x98\x80 \xED\x9F\xBF \xEE\x80\x80");
}

// Numbers are converted exactly (std::from_chars): integers to 2^64 - 1
// keep every digit, tiny ones are zero, ones too big for a double are
// refused.
TEST(JsonTest, NumbersAreExactOrRefused) {
  rapidjson::Document doc;
  ASSERT_OK(json::Parse("[9007199254740993, 18446744073709551615, -9223372036854775808, "
                        "0e-40, -0.0e-999, 1e-400, 2.5]",
                        &doc));
  EXPECT_EQ(doc[0].GetUint64(), 9007199254740993ull);
  EXPECT_EQ(doc[1].GetUint64(), 18446744073709551615ull);
  EXPECT_EQ(doc[2].GetInt64(), INT64_MIN);
  EXPECT_EQ(doc[3].GetDouble(), 0.0);
  EXPECT_EQ(doc[4].GetDouble(), 0.0);
  EXPECT_EQ(doc[5].GetDouble(), 0.0);
  EXPECT_EQ(doc[6].GetDouble(), 2.5);
  for (const char* big : {"[1e400]", "[-1.5e309]", "[100000000000000000000e300]", "[1e+99999999999]"}) {
    Status s = json::Parse(big, &doc);
    EXPECT_EQ(s.code(), ErrorCode::kMalformedJson) << big;
    EXPECT_NE(s.message().find("too big"), std::string::npos) << s.ToString();
  }
}

}  // namespace
}  // namespace certshare
