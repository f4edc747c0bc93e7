#include "agent/sensor/eve_time.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"
#include "schemas/stix_check.h"

namespace certshare::agent::sensor {
namespace {

TEST(EveTimeTest, ConvertsSuricataOffsetsToUtc) {
  auto t = ParseEveTime("2026-11-27T10:00:00.123456+0100");
  ASSERT_OK(t.status());
  EXPECT_EQ(t->utc, "2026-11-27T09:00:00.123456Z");
  EXPECT_EQ(FormatTimestamp(t->millis), "2026-11-27T09:00:00.123Z");
  EXPECT_TRUE(schemas::IsStixTimestamp(t->utc));

  EXPECT_EQ(ParseEveTime("2026-11-27T10:00:00.123456+0000")->utc, "2026-11-27T10:00:00.123456Z");
  EXPECT_EQ(ParseEveTime("2017-04-07T22:24:37.251547-0800")->utc, "2017-04-08T06:24:37.251547Z");
  EXPECT_EQ(ParseEveTime("2026-03-01T00:30:00+01:00")->utc, "2026-02-28T23:30:00Z");
  EXPECT_EQ(ParseEveTime("2028-03-01T00:30:00+0100")->utc, "2028-02-29T23:30:00Z");  // leap
  EXPECT_EQ(ParseEveTime("2026-12-31T23:59:59.9Z")->utc, "2026-12-31T23:59:59.9Z");
  EXPECT_EQ(ParseEveTime("2026-12-31T23:59:59.9Z")->millis % 1000, 900);
  EXPECT_EQ(ParseEveTime("2026-12-31T20:00:00-0530")->utc, "2027-01-01T01:30:00Z");
}

TEST(EveTimeTest, RefusesWhatItCannotPlace) {
  for (const char* bad : {"", "2026-11-27", "2026-11-27T10:00:00.123456",  // no offset
                          "2026-02-30T10:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T10:00:60Z",
                          "2026-11-27T10:00:00.Z", "2026-11-27T10:00:00.1234567890Z",
                          "2026-11-27T10:00:00+2400", "2026-11-27T10:00:00+01", "2026-11-27 10:00:00Z",
                          "0000-01-01T00:30:00+0100", "2026-11-27T10:00:00Zjunk"}) {
    SCOPED_TRACE(bad);
    EXPECT_CODE(ParseEveTime(bad).status(), ErrorCode::kInvalidArgument);
  }
}

TEST(EveTimeTest, TimeWithoutOffsetNamesTheOptionThatPlacesIt) {
  auto t = ParseEveTime("2026-11-20T10:11:12.123456");
  EXPECT_CODE(t.status(), ErrorCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("--assume-offset"), std::string::npos)
      << t.status().ToString();
}

TEST(EveTimeTest, AssumedOffsetPlacesTimesWithoutOne) {
  EXPECT_EQ(ParseEveTime("2026-11-20T10:11:12.123456", 0)->utc, "2026-11-20T10:11:12.123456Z");
  EXPECT_EQ(ParseEveTime("2026-11-20T10:11:12.123456", 120)->utc,
            "2026-11-20T08:11:12.123456Z");
  EXPECT_EQ(ParseEveTime("2026-01-01T01:00:00", 5 * 60 + 30)->utc, "2025-12-31T19:30:00Z");
  EXPECT_EQ(ParseEveTime("2026-11-20T23:30:00", -300)->utc, "2026-11-21T04:30:00Z");
  // A time that carries its own offset keeps it: the assumption is only
  // for times without one.
  EXPECT_EQ(ParseEveTime("2026-11-27T10:00:00+0100", 120)->utc, "2026-11-27T09:00:00Z");
  EXPECT_EQ(ParseEveTime("2026-11-27T10:00:00Z", 120)->utc, "2026-11-27T10:00:00Z");
  // Still refused: what is wrong besides the missing offset.
  EXPECT_CODE(ParseEveTime("2026-02-30T10:00:00", 0).status(), ErrorCode::kInvalidArgument);
  EXPECT_CODE(ParseEveTime("2026-11-27T10:00:00+01", 0).status(), ErrorCode::kInvalidArgument);
  EXPECT_CODE(ParseEveTime("2026-11-27T10:00:00 ", 0).status(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace certshare::agent::sensor
