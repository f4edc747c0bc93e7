#include "agent/stix/stix_time.h"

#include <chrono>
#include <cstdio>

namespace certshare::agent {

namespace {

constexpr StixMillis kMillisPerDay = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

bool IsLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// A cursor over the text being parsed.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool Done() const { return pos_ == text_.size(); }
  char Peek() const { return Done() ? '\0' : text_[pos_]; }
  bool Take(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Exactly `n` decimal digits.
  bool Digits(int n, int* out) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      const char c = Peek();
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
      ++pos_;
    }
    *out = v;
    return true;
  }
  // One or more digits as a fraction of a second, in milliseconds (truncated).
  bool FractionMillis(int* out) {
    int ms = 0, n = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      if (n < 3) ms = ms * 10 + (Peek() - '0');
      ++n;
      ++pos_;
    }
    if (n == 0) return false;
    for (int i = n; i < 3; ++i) ms *= 10;
    *out = ms;
    return true;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

Status Bad(std::string_view text, std::string_view why) {
  return Status(ErrorCode::kInvalidArgument,
                "\"" + std::string(text) + "\" is not a date-time (" + std::string(why) +
                    "); use RFC 3339 in UTC, e.g. 2026-03-02T06:00:00Z, or with an "
                    "offset, e.g. 2026-03-02T08:00:00+02:00");
}

}  // namespace

StixMillis NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatTimestamp(StixMillis ms) {
  std::int64_t days = ms / kMillisPerDay;
  std::int64_t rest = ms % kMillisPerDay;
  if (rest < 0) {
    rest += kMillisPerDay;
    --days;
  }
  const Civil c = CivilFromDays(days);
  const int h = static_cast<int>(rest / 3'600'000);
  const int min = static_cast<int>(rest / 60'000 % 60);
  const int s = static_cast<int>(rest / 1000 % 60);
  const int milli = static_cast<int>(rest % 1000);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<long long>(c.year), c.month, c.day, h, min, s, milli);
  return buf;
}

Result<StixMillis> ParseTimestamp(std::string_view text) {
  Scanner in(text);
  int year, month, day;
  if (!in.Digits(4, &year) || !in.Take('-') || !in.Digits(2, &month) || !in.Take('-') ||
      !in.Digits(2, &day)) {
    return Bad(text, "expected YYYY-MM-DD");
  }
  if (month < 1 || month > 12) return Bad(text, "no such month");
  if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, month)) {
    return Bad(text, "no such day");
  }
  StixMillis ms = DaysFromCivil(year, month, day) * kMillisPerDay;
  if (in.Done()) return ms;

  if (!in.Take('T') && !in.Take('t') && !in.Take(' ')) return Bad(text, "expected T after the date");
  int hour, minute, second = 0, millis = 0;
  if (!in.Digits(2, &hour) || !in.Take(':') || !in.Digits(2, &minute)) {
    return Bad(text, "expected HH:MM");
  }
  if (in.Take(':')) {
    if (!in.Digits(2, &second)) return Bad(text, "expected seconds as SS");
    if (in.Take('.') && !in.FractionMillis(&millis)) return Bad(text, "expected digits after '.'");
  }
  // 60 is a leap second, which STIX cannot represent in Unix time: refused.
  if (hour > 23 || minute > 59 || second > 59) return Bad(text, "time out of range");
  ms += ((hour * 60 + minute) * 60 + second) * 1000LL + millis;

  if (in.Take('Z') || in.Take('z')) {
    if (!in.Done()) return Bad(text, "text after Z");
    return ms;
  }
  const char sign = in.Peek();
  if (sign != '+' && sign != '-') return Bad(text, "expected Z or an offset such as +02:00");
  in.Take(sign);
  int off_h, off_m;
  if (!in.Digits(2, &off_h)) return Bad(text, "expected an offset such as +02:00");
  in.Take(':');
  if (!in.Digits(2, &off_m) || !in.Done() || off_h > 23 || off_m > 59) {
    return Bad(text, "expected an offset such as +02:00");
  }
  const StixMillis offset = (off_h * 60 + off_m) * 60'000LL;
  return sign == '+' ? ms - offset : ms + offset;
}

Result<std::string> NextModified(std::string_view previous, StixMillis now) {
  CERTSHARE_ASSIGN_OR_RETURN(StixMillis before, ParseTimestamp(previous));
  return FormatTimestamp(now > before ? now : before + 1);
}

}  // namespace certshare::agent
