// DateTimeReader: the pieces of a date-time, each read exactly or refused.
#include "common/base/date_time_reader.h"

#include <gtest/gtest.h>

#include <utility>

namespace certshare {
namespace {

TEST(DateTimeReaderTest, ReadsDateAndTimeFieldsWithoutJudgingThem) {
  DateTimeReader in("2026-13-45T25:61:62.5Z");
  CivilTime t;
  ASSERT_TRUE(in.DateAndTime(&t));
  EXPECT_EQ(t, (CivilTime{{2026, 13, 45}, 25, 61, 62}));
  EXPECT_EQ(in.Rest(), ".5Z");
  EXPECT_TRUE(in.Take('.'));
  EXPECT_EQ(in.DigitRun(), "5");
  EXPECT_EQ(in.Peek(), 'Z');
}

TEST(DateTimeReaderTest, RefusesAnythingButTheFixedShape) {
  for (const char* bad : {"", "2026-03-02", "2026-3-02T06:00:00", "2026-03-02t06:00:00",
                          "2026-03-02 06:00:00", "2026-03-02T06:00", "2026-03-02T06:00:0",
                          "+026-03-02T06:00:00", "2026-03-02T06:0a:00"}) {
    DateTimeReader in(bad);
    CivilTime t;
    EXPECT_FALSE(in.DateAndTime(&t)) << bad;
  }
}

TEST(DateTimeReaderTest, DigitsAreExactlyAsMany) {
  unsigned v = 7;
  DateTimeReader short_text("12");
  EXPECT_FALSE(short_text.Digits(3, &v));
  EXPECT_EQ(v, 7u);
  DateTimeReader in("0123x");
  EXPECT_TRUE(in.Digits(4, &v));
  EXPECT_EQ(v, 123u);
  EXPECT_EQ(in.DigitRun(), "");
  EXPECT_FALSE(in.Done());
  EXPECT_TRUE(in.Take('x'));
  EXPECT_TRUE(in.Done());
  EXPECT_EQ(in.Peek(), '\0');
}

TEST(DateTimeReaderTest, Offsets) {
  const std::pair<const char*, std::optional<int>> kCases[] = {
      {"Z", 0},           {"+0100", 60},           {"+01:00", 60},
      {"-05:30", -330},   {"+23:59", 23 * 60 + 59}, {"z", std::nullopt},
      {"x", std::nullopt}, {"", std::nullopt},      {"+24:00", std::nullopt},
      {"+01:60", std::nullopt}, {"+01", std::nullopt}, {"+1:00", std::nullopt}};
  for (const auto& [text, minutes] : kCases) {
    DateTimeReader in(text);
    EXPECT_EQ(in.Offset(), minutes) << text;
    if (minutes) {
      EXPECT_TRUE(in.Done()) << text;
    }
  }
  DateTimeReader after("-0530x");
  ASSERT_EQ(after.Offset(), -330);
  EXPECT_EQ(after.Rest(), "x");
  DateTimeReader none("x");
  EXPECT_EQ(none.Offset(), std::nullopt);
  EXPECT_EQ(none.Rest(), "x");  // nothing read
}

TEST(DateTimeReaderTest, FractionMillis) {
  EXPECT_EQ(FractionMillis(""), 0u);
  EXPECT_EQ(FractionMillis("5"), 500u);
  EXPECT_EQ(FractionMillis("05"), 50u);
  EXPECT_EQ(FractionMillis("123"), 123u);
  EXPECT_EQ(FractionMillis("123999"), 123u);
}

}  // namespace
}  // namespace certshare
