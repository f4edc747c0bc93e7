// Instants: the times the agent writes (FormatTimestamp, FormatUtc), reads
// (ParseTimestamp, ParseUtcOffset) and moves forward (NextModified).
#include <gtest/gtest.h>

#include "common/base/testing.h"
#include "common/base/timestamp.h"

namespace certshare {
namespace {

StixMillis Parse(std::string_view text) {
  auto r = ParseTimestamp(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : -1;
}

TEST(StixTimeTest, FormatsWithMilliseconds) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(1772431200123), "2026-03-02T06:00:00.123Z");
  EXPECT_EQ(FormatTimestamp(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_TRUE(IsStixTimestamp(FormatTimestamp(NowMillis())));
}

TEST(StixTimeTest, ParsesWhatAnalystsType) {
  const StixMillis t = 1772431200000;  // 2026-03-02T06:00:00Z
  EXPECT_EQ(Parse("2026-03-02T06:00:00Z"), t);
  EXPECT_EQ(Parse("2026-03-02T06:00:00.000Z"), t);
  EXPECT_EQ(Parse("2026-03-02t06:00:00z"), t);
  EXPECT_EQ(Parse("2026-03-02 06:00:00Z"), t);
  EXPECT_EQ(Parse("2026-03-02T06:00Z"), t);
  EXPECT_EQ(Parse("2026-03-02T08:00:00+02:00"), t);
  EXPECT_EQ(Parse("2026-03-02T01:00:00-0500"), t);
  EXPECT_EQ(Parse("2026-03-02T06:00:00.5Z"), t + 500);
  EXPECT_EQ(Parse("2026-03-02T06:00:00.123999Z"), t + 123);  // truncated
  EXPECT_EQ(Parse("2026-03-02"), t - 6 * 3600 * 1000);
  EXPECT_EQ(Parse("2024-02-29T00:00:00Z"), 1709164800000);
}

TEST(StixTimeTest, RefusesWhatIsNotADateTime) {
  for (std::string_view bad :
       {"", "yesterday", "2026-3-2", "2026-02-30", "2025-02-29", "2026-13-01", "2026-03-02T24:00:00Z",
        "2026-03-02T06:00:60Z", "2026-03-02T06:00:00", "2026-03-02T06:00:00+2", "2026-03-02T06:00:00Zx",
        "2026-03-02T06:00:00.Z", "2026-03-02T06", "2026-03-02T06:00:00+24:00", "1772431200"}) {
    EXPECT_EQ(ParseTimestamp(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(StixTimeTest, RoundTrips) {
  for (StixMillis ms : {StixMillis{0}, StixMillis{1772431200123}, StixMillis{-86400001},
                        StixMillis{4102444799999}}) {
    EXPECT_EQ(Parse(FormatTimestamp(ms)), ms);
  }
}

TEST(StixTimeTest, FormatUtcWritesWholeSecondsOrTheFractionGiven) {
  EXPECT_EQ(FormatUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatUtc(1772431200, "123456"), "2026-03-02T06:00:00.123456Z");
  EXPECT_EQ(FormatUtc(951782400), "2000-02-29T00:00:00Z");
  // Past 9999 the year grows, as strftime's %Y did where FormatUtc replaced it.
  EXPECT_EQ(FormatUtc(253402300800), "10000-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(-62135596800), "0001-01-01T00:00:00Z");
}

TEST(UtcOffsetTest, ParsesUtcOffsets) {
  EXPECT_EQ(ParseUtcOffset("Z"), 0);
  EXPECT_EQ(ParseUtcOffset("+00:00"), 0);
  EXPECT_EQ(ParseUtcOffset("+02:00"), 120);
  EXPECT_EQ(ParseUtcOffset("+0200"), 120);
  EXPECT_EQ(ParseUtcOffset("-05:30"), -330);
  EXPECT_EQ(ParseUtcOffset("+23:59"), 23 * 60 + 59);
  for (const char* bad : {"", "z", "UTC", "+2", "+02", "+2:00", "+24:00", "+02:60", "02:00",
                          "+02:00 ", "Z+01:00", "+02:00:00"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(ParseUtcOffset(bad), std::nullopt);
  }
}

TEST(NextModifiedTest, UsesTheClockWhenItHasMoved) {
  auto next = NextModified("2026-03-02T06:00:00.000Z", Parse("2026-03-04T10:00:00.250Z"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, "2026-03-04T10:00:00.250Z");
}

TEST(NextModifiedTest, MovesForwardWhenTheClockHasNot) {
  const StixMillis t = Parse("2026-03-02T06:00:00.000Z");
  EXPECT_EQ(*NextModified("2026-03-02T06:00:00.000Z", t), "2026-03-02T06:00:00.001Z");
  // A clock behind the author's.
  EXPECT_EQ(*NextModified("2026-03-02T06:00:00.000Z", t - 5000), "2026-03-02T06:00:00.001Z");
  // Sub-millisecond precision in the old value: still strictly later.
  EXPECT_EQ(*NextModified("2026-03-02T06:00:00.000999Z", t), "2026-03-02T06:00:00.001Z");
  EXPECT_EQ(*NextModified("2026-03-02T06:00:00.999Z", t + 999), "2026-03-02T06:00:01.000Z");
  EXPECT_EQ(*NextModified("2026-12-31T23:59:59.999Z", 0), "2027-01-01T00:00:00.000Z");
}

TEST(NextModifiedTest, RefusesANonTimestamp) {
  EXPECT_CODE(NextModified("soon", 0).status(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace certshare
