// STIX timestamps: what is one, how two compare, and the two spellings the
// broker keys records by (canonical: the dedupe key; order key: versions).
#include "common/base/timestamp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace certshare {
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

TEST(FractionDigits, CountsDigits) {
  EXPECT_EQ(FractionDigits("2026-03-04T16:40:05Z"), 0u);
  EXPECT_EQ(FractionDigits("2026-03-04T16:40:05.1Z"), 1u);
  EXPECT_EQ(FractionDigits("2026-03-04T16:40:05.000Z"), 3u);
  EXPECT_EQ(FractionDigits("2026-03-04T16:40:05.0002Z"), 4u);
}

TEST(CanonicalStixTimestamp, OneSpellingPerInstant) {
  struct Case {
    const char* in;
    const char* canonical;
  };
  for (const Case& c : {
           Case{"2026-03-04T16:40:05Z", "2026-03-04T16:40:05.000Z"},
           Case{"2026-03-04T16:40:05.0Z", "2026-03-04T16:40:05.000Z"},
           Case{"2026-03-04T16:40:05.000Z", "2026-03-04T16:40:05.000Z"},
           Case{"2026-03-04T16:40:05.000000Z", "2026-03-04T16:40:05.000Z"},
           Case{"2026-03-04T16:40:05.5Z", "2026-03-04T16:40:05.500Z"},
           Case{"2026-03-04T16:40:05.50Z", "2026-03-04T16:40:05.500Z"},
           Case{"2026-03-04T16:40:05.120Z", "2026-03-04T16:40:05.120Z"},
           Case{"2026-03-04T16:40:05.123000Z", "2026-03-04T16:40:05.123Z"},
           Case{"2026-03-04T16:40:05.1234Z", "2026-03-04T16:40:05.1234Z"},
           Case{"2026-03-04T16:40:05.12345600Z", "2026-03-04T16:40:05.123456Z"},
           Case{"2026-03-04T16:40:05.123456789012Z",
                "2026-03-04T16:40:05.123456789012Z"},
           Case{"2016-12-31T23:59:60Z", "2016-12-31T23:59:60.000Z"},
           // Not timestamps: unchanged.
           Case{"garbage", "garbage"},
           Case{"2026-13-45T99:99:99Z", "2026-13-45T99:99:99Z"},
           Case{"2026-03-04T16:40:05+00:00", "2026-03-04T16:40:05+00:00"},
           Case{"", ""},
       }) {
    EXPECT_EQ(CanonicalStixTimestamp(c.in), c.canonical) << c.in;
  }
}

TEST(CanonicalStixTimestamp, EqualExactlyWhenTheInstantsAre) {
  const char* spellings[] = {
      "2026-01-01T00:00:00Z",      "2026-01-01T00:00:00.000Z",
      "2026-01-01T00:00:00.0001Z", "2026-01-01T00:00:00.00010Z",
      "2026-01-01T00:00:00.1Z",    "2026-01-01T00:00:00.10Z",
      "2026-01-01T00:00:00.100Z",  "2026-01-01T00:00:00.1000001Z",
      "2026-01-01T00:00:01Z",      "2026-01-01T00:00:01.000000000000Z",
  };
  for (const char* a : spellings) {
    for (const char* b : spellings) {
      EXPECT_EQ(CanonicalStixTimestamp(a) == CanonicalStixTimestamp(b),
                CompareStixTimestamps(a, b) == 0)
          << a << " vs " << b;
    }
  }
}

TEST(StixTimestampOrderKey, FixedWidthAndSortsInTimeOrder) {
  EXPECT_EQ(StixTimestampOrderKey("2026-01-02T03:04:05Z"),
            "2026-01-02T03:04:05.000000000Z");
  EXPECT_EQ(StixTimestampOrderKey("2026-01-02T03:04:05.5Z"),
            "2026-01-02T03:04:05.500000000Z");
  EXPECT_EQ(StixTimestampOrderKey("2026-01-02T03:04:05.500Z"),
            StixTimestampOrderKey("2026-01-02T03:04:05.5Z"));
  // Cut after nine digits (below a nanosecond).
  EXPECT_EQ(StixTimestampOrderKey("2026-01-02T03:04:05.1234567891Z"),
            "2026-01-02T03:04:05.123456789Z");
  EXPECT_EQ(StixTimestampOrderKey("garbage"), "garbage");
  // Lexically "…00Z" > "…00.5Z"; the keys sort as the instants do.
  const char* in_order[] = {"2026-01-01T00:00:00Z", "2026-01-01T00:00:00.001Z",
                            "2026-01-01T00:00:00.5Z", "2026-01-01T00:00:00.9Z",
                            "2026-01-01T00:00:01Z"};
  for (std::size_t i = 1; i < std::size(in_order); ++i) {
    EXPECT_LT(StixTimestampOrderKey(in_order[i - 1]),
              StixTimestampOrderKey(in_order[i]))
        << in_order[i - 1] << " < " << in_order[i];
  }
}

}  // namespace
}  // namespace certshare
