// IsStixTimestamp, IsStixId and the private format helpers.
#include "schemas/formats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "schemas/describe.h"
#include "schemas/stix_check.h"

namespace certshare::schemas {
namespace {

TEST(IsStixTimestamp, AcceptsRfc3339Utc) {
  for (const char* ts : {
           "2026-03-04T16:40:05Z",
           "2026-03-04T16:40:05.0Z",
           "2026-03-04T16:40:05.000Z",
           "2026-03-04T16:40:05.123456789012Z",
           "2024-02-29T00:00:00Z",  // leap year
           "2000-02-29T00:00:00Z",  // divisible by 400
           "2016-12-31T23:59:60Z",  // leap second
           "0001-01-01T00:00:00Z",
           "9999-12-31T23:59:59.999Z",
       }) {
    EXPECT_TRUE(IsStixTimestamp(ts)) << ts;
  }
}

TEST(IsStixTimestamp, RejectsEverythingElse) {
  for (const char* ts : {
           "",
           "2026-03-04",
           "2026-03-04T16:40:05",        // no zone
           "2026-03-04T16:40:05+00:00",  // offset instead of Z
           "2026-03-04T16:40:05.000+00:00",
           "2026-03-04T16:40:05z",   // lower-case z
           "2026-03-04t16:40:05Z",   // lower-case t
           "2026-03-04 16:40:05Z",   // space separator
           "2026-03-04T16:40:05.Z",  // empty fraction
           "2026-03-04T16:40:05.12aZ",
           "2026-03-04T16:40Z",  // no seconds
           "2026-3-04T16:40:05Z",
           "26-03-04T16:40:05Z",
           "2023-02-29T00:00:00Z",  // not a leap year
           "1900-02-29T00:00:00Z",  // divisible by 100, not 400
           "2026-02-30T00:00:00Z",
           "2026-04-31T00:00:00Z",
           "2026-13-01T00:00:00Z",
           "2026-00-01T00:00:00Z",
           "2026-01-00T00:00:00Z",
           "2026-01-32T00:00:00Z",
           "2026-01-01T24:00:00Z",
           "2026-01-01T23:60:00Z",
           "2026-01-01T23:59:61Z",
           "2026-01-01T23:59:59ZZ",
           " 2026-01-01T23:59:59Z",
           "2026-01-01T23:59:59Z ",
           "+2026-01-01T23:59:5Z",
       }) {
    EXPECT_FALSE(IsStixTimestamp(ts)) << ts;
  }
}

TEST(WhyNotStixTimestamp, SaysWhy) {
  EXPECT_EQ(WhyNotStixTimestamp("2026-03-04T16:40:05.000Z"), "");
  EXPECT_THAT(std::string(WhyNotStixTimestamp("2026-03-04T16:40:05+00:00")),
              ::testing::HasSubstr("offset"));
  EXPECT_THAT(std::string(WhyNotStixTimestamp("2026-03-04T16:40:05")),
              ::testing::HasSubstr("offset"));
  EXPECT_THAT(std::string(WhyNotStixTimestamp("2025-02-29T00:00:00Z")),
              ::testing::HasSubstr("date"));
  EXPECT_THAT(std::string(WhyNotStixTimestamp("2025-02-28T24:00:00Z")),
              ::testing::HasSubstr("time"));
  EXPECT_THAT(std::string(WhyNotStixTimestamp("yesterday")),
              ::testing::HasSubstr("form"));
}

TEST(CompareStixTimestamps, OrdersByTimeNotByText) {
  EXPECT_LT(
      CompareStixTimestamps("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.001Z"),
      0);
  // Lexically "…00Z" > "…00.5Z"; in time it is earlier.
  EXPECT_LT(
      CompareStixTimestamps("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z"),
      0);
  EXPECT_EQ(CompareStixTimestamps("2026-01-01T00:00:00.5Z",
                                  "2026-01-01T00:00:00.500Z"),
            0);
  EXPECT_EQ(
      CompareStixTimestamps("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000Z"),
      0);
  EXPECT_GT(CompareStixTimestamps("2026-01-01T00:00:00.9Z",
                                  "2026-01-01T00:00:00.10Z"),
            0);
  EXPECT_GT(
      CompareStixTimestamps("2026-01-02T00:00:00Z", "2026-01-01T23:59:59.999Z"),
      0);
  EXPECT_LT(
      CompareStixTimestamps("2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"), 0);
  EXPECT_GT(
      CompareStixTimestamps("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999Z"),
      0);
}

TEST(IsStixId, ExactForm) {
  EXPECT_TRUE(
      IsStixId("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator"));
  // Any version nibble for now (v1, v5, nil).
  EXPECT_TRUE(IsStixId("file--8e2e2d2b-17d4-1cbf-938f-98ee46b3cd3f", "file"));
  EXPECT_TRUE(IsStixId("file--8e2e2d2b-17d4-5cbf-938f-98ee46b3cd3f", "file"));
  EXPECT_TRUE(IsStixId("file--00000000-0000-0000-0000-000000000000", "file"));
  EXPECT_TRUE(
      IsStixId("x-my-type--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "x-my-type"));
}

TEST(IsStixId, Rejects) {
  const char* type = "indicator";
  for (const char* id : {
           "",
           "indicator--",
           "indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",    // one dash
           "indicator---8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",  // three
           "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",     // wrong type
           "Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
           "indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F",  // upper case
           "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cD3f",
           "indicator--8e2e2d2b17d44cbf938f98ee46b3cd3f",  // no dashes
           "indicator--{8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f}",
           "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3",    // short
           "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f0",  // long
           "indicator--8e2e2d2b-17d4-4cbf-938f_98ee46b3cd3f",
           "indicator--8e2e2d2g-17d4-4cbf-938f-98ee46b3cd3f",  // not hex
           " indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
       }) {
    EXPECT_FALSE(IsStixId(id, type)) << id;
  }
  // An invalid type never makes a valid id.
  EXPECT_FALSE(IsStixId("--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", ""));
  EXPECT_FALSE(IsStixId("a--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "a"));
}

TEST(IsStixType, Grammar) {
  for (const char* t :
       {"abc", "indicator", "x-acme-widget", "x509-certificate", "3ab"}) {
    EXPECT_TRUE(IsStixType(t)) << t;
  }
  for (const char* t : {"", "ab", "-abc", "abc-", "Indicator", "in dicator",
                        "x_acme", "ipv4.addr"}) {
    EXPECT_FALSE(IsStixType(t)) << t;
  }
  EXPECT_TRUE(IsStixType(std::string(250, 'a')));
  EXPECT_FALSE(IsStixType(std::string(251, 'a')));
}

TEST(IsStixIdOfAnyType, SplitsAtTheUuid) {
  EXPECT_TRUE(IsStixIdOfAnyType(
      "x-a--b--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));  // type "x-a--b"
  EXPECT_EQ(IdTypePrefix("bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
            "bundle");
  EXPECT_FALSE(IsStixIdOfAnyType("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_EQ(IdTypePrefix("short"), "");
}

TEST(Quote, EscapesAndShortens) {
  EXPECT_EQ(Quote("abc"), "\"abc\"");
  EXPECT_EQ(Quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\u000ad\"");
  const std::string long_text(500, 'x');
  const std::string quoted = Quote(long_text);
  EXPECT_LT(quoted.size(), 100u);
  EXPECT_EQ(quoted.substr(quoted.size() - 4), "\"…");
  // Never splits a multi-byte character: 79 ASCII bytes then "é" (2 bytes).
  const std::string accented = std::string(79, 'a') + "é" + "tail";
  EXPECT_EQ(Quote(accented), "\"" + std::string(79, 'a') + "\"…");
}

}  // namespace
}  // namespace certshare::schemas
