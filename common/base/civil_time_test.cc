// The calendar: leap years, which dates exist, and days <-> dates <-> Unix
// seconds, each conversion the inverse of the other.
#include "common/base/civil_time.h"

#include <gtest/gtest.h>

namespace certshare {
namespace {

TEST(CivilTimeTest, LeapYears) {
  for (std::int64_t leap : {2024, 2028, 2000, 1600, 2400, 0, -4, -400}) {
    EXPECT_TRUE(IsLeapYear(leap)) << leap;
  }
  for (std::int64_t common : {2026, 2027, 1900, 2100, 1800, 1, -1, -100}) {
    EXPECT_FALSE(IsLeapYear(common)) << common;
  }
}

TEST(CivilTimeTest, DaysInMonth) {
  const unsigned kCommon[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (unsigned m = 1; m <= 12; ++m) {
    EXPECT_EQ(DaysInMonth(2026, m), kCommon[m - 1]) << m;
    EXPECT_EQ(DaysInMonth(2024, m), m == 2 ? 29u : kCommon[m - 1]) << m;
  }
  EXPECT_EQ(DaysInMonth(1900, 2), 28u);
  EXPECT_EQ(DaysInMonth(2000, 2), 29u);
}

TEST(CivilTimeTest, RefusesDatesThatDoNotExist) {
  EXPECT_TRUE(IsCivilDate(2024, 2, 29));
  EXPECT_TRUE(IsCivilDate(2000, 2, 29));
  EXPECT_TRUE(IsCivilDate(2026, 12, 31));
  EXPECT_TRUE(IsCivilDate(0, 1, 1));
  EXPECT_TRUE(IsCivilDate(9999, 12, 31));
  EXPECT_FALSE(IsCivilDate(2026, 2, 29));
  EXPECT_FALSE(IsCivilDate(1900, 2, 29));
  EXPECT_FALSE(IsCivilDate(2026, 2, 30));
  EXPECT_FALSE(IsCivilDate(2026, 4, 31));
  EXPECT_FALSE(IsCivilDate(2026, 0, 1));
  EXPECT_FALSE(IsCivilDate(2026, 13, 1));
  EXPECT_FALSE(IsCivilDate(2026, 1, 0));
  EXPECT_FALSE(IsCivilDate(2026, 1, 32));
  EXPECT_FALSE(IsCivilDate(2026, 99, 99));
}

TEST(CivilTimeTest, KnownDays) {
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({1969, 12, 31}), -1);
  EXPECT_EQ(DaysFromCivil({2000, 3, 1}), 11017);
  EXPECT_EQ(DaysFromCivil({2026, 3, 2}), 20514);
  EXPECT_EQ(DaysFromCivil({1, 1, 1}), -719162);
  EXPECT_EQ(DaysFromCivil({0, 3, 1}), -719468);
  EXPECT_EQ(DaysFromCivil({9999, 12, 31}), 2932896);
  EXPECT_EQ(CivilFromDays(0), (CivilDate{1970, 1, 1}));
  EXPECT_EQ(CivilFromDays(-1), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(CivilFromDays(11016), (CivilDate{2000, 2, 29}));
  EXPECT_EQ(CivilFromDays(-719469), (CivilDate{0, 2, 29}));
}

// Every day from 4000 BC to AD 12000: the date after each date is the next
// day number, the date is one that exists, and the two conversions are
// inverses.
TEST(CivilTimeTest, RoundTripsEveryDayOverSixteenThousandYears) {
  const std::int64_t first = DaysFromCivil({-4000, 1, 1});
  const std::int64_t last = DaysFromCivil({12000, 12, 31});
  CivilDate previous = CivilFromDays(first - 1);
  for (std::int64_t days = first; days <= last; ++days) {
    const CivilDate date = CivilFromDays(days);
    ASSERT_TRUE(IsCivilDate(date.year, date.month, date.day)) << days;
    ASSERT_EQ(DaysFromCivil(date), days) << date.year << "-" << date.month << "-" << date.day;
    const bool next_in_month = date.year == previous.year && date.month == previous.month &&
                               date.day == previous.day + 1;
    const bool first_of_month = date.day == 1 && previous.day == DaysInMonth(previous.year,
                                                                             previous.month) &&
                                (date.month == previous.month + 1 ||
                                 (date.month == 1 && previous.month == 12 &&
                                  date.year == previous.year + 1));
    ASSERT_TRUE(next_in_month || first_of_month) << days;
    previous = date;
  }
}

TEST(CivilTimeTest, RoundTripsFarDays) {
  for (std::int64_t days : {std::int64_t{-1'000'000'000}, std::int64_t{-146097},
                            std::int64_t{146097}, std::int64_t{213'503'982'334},
                            std::int64_t{1'000'000'000'000}}) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(days)), days) << days;
  }
}

TEST(CivilTimeTest, UnixSecondsRoundTripAndRoundTowardsThePast) {
  EXPECT_EQ(CivilFromUnixSeconds(0), (CivilTime{{1970, 1, 1}, 0, 0, 0}));
  EXPECT_EQ(CivilFromUnixSeconds(-1), (CivilTime{{1969, 12, 31}, 23, 59, 59}));
  EXPECT_EQ(CivilFromUnixSeconds(-86400), (CivilTime{{1969, 12, 31}, 0, 0, 0}));
  EXPECT_EQ(CivilFromUnixSeconds(1772431200 + 3723), (CivilTime{{2026, 3, 2}, 7, 2, 3}));
  EXPECT_EQ(UnixSecondsFromCivil({{2026, 3, 2}, 7, 2, 3}), 1772431200 + 3723);
  for (std::int64_t s = -100'000'000'000; s <= 100'000'000'000; s += 99'999'989) {
    ASSERT_EQ(UnixSecondsFromCivil(CivilFromUnixSeconds(s)), s) << s;
  }
}

}  // namespace
}  // namespace certshare
