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
  EXPECT_NE(s.message().find("duplicate key \"id\""), std::string::npos) << s.ToString();
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
  EXPECT_CODE(json::Parse("{\"a\":\"\xC3\x28\"}", &doc), ErrorCode::kMalformedJson);
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
