#include "agent/sensor/eve_time.h"

#include <cstdint>
#include <cstdio>

namespace certshare::agent::sensor {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil), and back.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at text[*pos].
bool Digits(std::string_view text, std::size_t* pos, std::size_t n, unsigned* out) {
  if (*pos + n > text.size()) return false;
  unsigned v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view text, std::size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

// An offset at text[*pos]: "Z", or a sign, two digits of hours, an
// optional ':' and two digits of minutes. Minutes east of UTC; *pos moves
// past it. nullopt when there is none or it is malformed.
std::optional<int> ReadOffset(std::string_view text, std::size_t* pos) {
  if (*pos < text.size() && text[*pos] == 'Z') {
    ++*pos;
    return 0;
  }
  if (*pos >= text.size() || (text[*pos] != '+' && text[*pos] != '-')) return std::nullopt;
  const int sign = text[*pos] == '-' ? -1 : 1;
  ++*pos;
  unsigned oh, om;
  if (!Digits(text, pos, 2, &oh)) return std::nullopt;
  Expect(text, pos, ':');  // "+01:00" and "+0100" both occur
  if (!Digits(text, pos, 2, &om) || oh > 23 || om > 59) return std::nullopt;
  return sign * static_cast<int>(oh * 60 + om);
}

Status Bad(std::string_view text, std::string_view why) {
  std::string shown(text.substr(0, 64));
  return Status(ErrorCode::kInvalidArgument,
                "timestamp \"" + shown + "\" " + std::string(why) +
                    " (expected e.g. 2026-11-27T10:00:00.123456+0100)");
}

}  // namespace

std::optional<int> ParseUtcOffset(std::string_view text) {
  std::size_t pos = 0;
  std::optional<int> minutes = ReadOffset(text, &pos);
  if (!minutes || pos != text.size()) return std::nullopt;
  return minutes;
}

Result<EveTime> ParseEveTime(std::string_view text, std::optional<int> assume_offset_minutes) {
  std::size_t pos = 0;
  unsigned year, month, day, hour, minute, second;
  if (!Digits(text, &pos, 4, &year) || !Expect(text, &pos, '-') ||
      !Digits(text, &pos, 2, &month) || !Expect(text, &pos, '-') ||
      !Digits(text, &pos, 2, &day) || !Expect(text, &pos, 'T') ||
      !Digits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &second)) {
    return Bad(text, "is not YYYY-MM-DDTHH:MM:SS");
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return Bad(text, "is not a valid date and time");
  }
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    fraction = text.substr(start, pos - start);
    if (fraction.empty() || fraction.size() > 9) return Bad(text, "has a bad fraction");
  }
  int offset_minutes = 0;
  if (pos == text.size()) {
    if (!assume_offset_minutes) {
      return Bad(text, "has no UTC offset, so its time zone is unknown; if the sensor "
                       "writes local time without one, say which offset to assume with "
                       "--assume-offset (or sensor.assume_offset)");
    }
    offset_minutes = *assume_offset_minutes;
  } else {
    // What follows the time, read before ReadOffset moves past it.
    const char c = text[pos];
    std::optional<int> offset = ReadOffset(text, &pos);
    if (!offset) {
      return Bad(text, c == 'Z' || c == '+' || c == '-' ? "has a bad UTC offset"
                                                         : "has trailing characters");
    }
    offset_minutes = *offset;
  }
  if (pos != text.size()) return Bad(text, "has trailing characters");

  const std::int64_t local = DaysFromCivil(year, month, day) * 86400 + hour * 3600 +
                             minute * 60 + second;
  const std::int64_t utc = local - static_cast<std::int64_t>(offset_minutes) * 60;
  std::int64_t days = utc / 86400;
  std::int64_t secs = utc % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 1 || y > 9999) return Bad(text, "is outside the years 0001-9999");

  char head[32];
  std::snprintf(head, sizeof head, "%04d-%02u-%02uT%02u:%02u:%02u", static_cast<int>(y), m, d,
                static_cast<unsigned>(secs / 3600), static_cast<unsigned>(secs / 60 % 60),
                static_cast<unsigned>(secs % 60));
  EveTime out;
  out.utc = head;
  if (!fraction.empty()) {
    out.utc += '.';
    out.utc += fraction;
  }
  out.utc += 'Z';
  unsigned millis = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    millis = millis * 10 + (i < fraction.size() ? static_cast<unsigned>(fraction[i] - '0') : 0);
  }
  out.millis = utc * 1000 + millis;
  return out;
}

}  // namespace certshare::agent::sensor
