// The calendar: dates and times of day in the proleptic Gregorian calendar
// (the Gregorian rules extended before 1582, year 0 = 1 BC) and their
// distance from the Unix epoch, 1970-01-01T00:00:00 UTC. No time zones, no
// leap seconds (a day is 86,400 seconds, as in Unix time). The one copy of
// this arithmetic: the STIX timestamps (timestamp.h), the sensor's EVE
// times and every RFC 3339 time the programs print are built on it.
//
// Every function is total over the dates it is given: the days <-> date
// conversions are exact for any year an int64 count of days reaches
// (H. Hinnant's days_from_civil and civil_from_days), so callers check
// their own year range.
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>

namespace certshare {

struct CivilDate {
  std::int64_t year = 1970;
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31

  bool operator==(const CivilDate&) const = default;
};

// A date and a time of day, to the second (0-59: no leap second).
struct CivilTime {
  CivilDate date;
  unsigned hour = 0;    // 0-23
  unsigned minute = 0;  // 0-59
  unsigned second = 0;  // 0-59

  bool operator==(const CivilTime&) const = default;
};

inline constexpr std::int64_t kSecondsPerDay = 86'400;

// Divisible by 4, except centuries not divisible by 400 (2000 is leap, 1900
// is not). Also for year 0 (leap) and negative years.
bool IsLeapYear(std::int64_t year);

// 28-31. REQUIRES: 1 <= month <= 12.
unsigned DaysInMonth(std::int64_t year, unsigned month);

// Whether the date exists: month 1-12 and day 1 to DaysInMonth (so
// 2024-02-29 does, 2026-02-29 and 2026-04-31 do not).
bool IsCivilDate(std::int64_t year, unsigned month, unsigned day);

// Days since 1970-01-01 (negative before it). REQUIRES: IsCivilDate.
std::int64_t DaysFromCivil(const CivilDate& date);

// The date `days` after 1970-01-01 (before it when negative): the inverse
// of DaysFromCivil.
CivilDate CivilFromDays(std::int64_t days);

// Seconds since 1970-01-01T00:00:00 (Unix time, negative before it).
// REQUIRES: IsCivilDate(time.date), hour, minute and second in range.
std::int64_t UnixSecondsFromCivil(const CivilTime& time);

// The date and time of day `seconds` after the epoch (rounding towards the
// past: -1 is 1969-12-31T23:59:59): the inverse of UnixSecondsFromCivil.
CivilTime CivilFromUnixSeconds(std::int64_t seconds);

}  // namespace certshare
