#include "common/base/timestamp.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/base/civil_time.h"
#include "common/base/date_time_reader.h"

namespace certshare {

namespace {

// "YYYY-MM-DDTHH:MM:SS": the fixed-width part, which orders lexically.
constexpr std::size_t kSecondsLength = 19;
// Fraction digits of the canonical spelling at least, of the order key
// exactly.
constexpr std::size_t kCanonicalDigits = 3;
constexpr std::size_t kOrderKeyDigits = 9;

constexpr StixMillis kMillisPerDay = kSecondsPerDay * 1000;

// The fraction digits of a valid timestamp ("" when it has none).
std::string_view Fraction(std::string_view ts) {
  if (ts.size() <= kSecondsLength + 1) return {};
  return ts.substr(kSecondsLength + 1, ts.size() - kSecondsLength - 2);
}

// "YYYY-MM-DDTHH:MM:SS." + `digits` + "Z".
std::string WithFraction(std::string_view ts, std::string_view digits,
                         std::size_t width) {
  std::string out(ts.substr(0, kSecondsLength));
  out += '.';
  out += digits;
  if (digits.size() < width) out.append(width - digits.size(), '0');
  out += 'Z';
  return out;
}

// ParseTimestamp's refusal: what was wrong, and the forms it reads.
Status NotADateTime(std::string_view text, std::string_view why) {
  return Status(ErrorCode::kInvalidArgument,
                "\"" + std::string(text) + "\" is not a date-time (" + std::string(why) +
                    "); use RFC 3339 in UTC, e.g. 2026-03-02T06:00:00Z, or with an "
                    "offset, e.g. 2026-03-02T08:00:00+02:00");
}

}  // namespace

std::string_view WhyNotStixTimestamp(std::string_view text) {
  constexpr std::string_view kShape =
      "is not of the form YYYY-MM-DDTHH:MM:SS[.fraction]Z";
  DateTimeReader in(text);
  CivilTime t;
  if (!in.DateAndTime(&t)) return kShape;
  // After the seconds: an optional fraction, then "Z".
  if (in.Take('.') && in.DigitRun().empty()) return kShape;
  const std::string_view zone = in.Rest();
  if (zone.empty() || zone.front() == '+' || zone.front() == '-') {
    return "must end in Z (UTC), not a local time or an offset";
  }
  if (zone != "Z") return kShape;
  if (!IsCivilDate(t.date.year, t.date.month, t.date.day)) {
    return "names a date that does not exist";
  }
  // Second 60 is a leap second.
  if (t.hour > 23 || t.minute > 59 || t.second > 60) {
    return "names a time that does not exist";
  }
  return {};
}

bool IsStixTimestamp(std::string_view text) {
  return WhyNotStixTimestamp(text).empty();
}

std::size_t FractionDigits(std::string_view ts) { return Fraction(ts).size(); }

int CompareStixTimestamps(std::string_view a, std::string_view b) {
  if (int c = a.substr(0, kSecondsLength).compare(b.substr(0, kSecondsLength));
      c != 0) {
    return c;
  }
  // Compare the fractions digit by digit, a missing digit counting as 0.
  const std::string_view fa = Fraction(a);
  const std::string_view fb = Fraction(b);
  for (std::size_t i = 0; i < std::max(fa.size(), fb.size()); ++i) {
    const char da = i < fa.size() ? fa[i] : '0';
    const char db = i < fb.size() ? fb[i] : '0';
    if (da != db) return da < db ? -1 : 1;
  }
  return 0;
}

std::string CanonicalStixTimestamp(std::string_view ts) {
  if (!IsStixTimestamp(ts)) return std::string(ts);
  std::string_view digits = Fraction(ts);
  while (digits.size() > kCanonicalDigits && digits.back() == '0') {
    digits.remove_suffix(1);
  }
  return WithFraction(ts, digits, kCanonicalDigits);
}

std::string StixTimestampOrderKey(std::string_view ts) {
  if (!IsStixTimestamp(ts)) return std::string(ts);
  return WithFraction(ts, Fraction(ts).substr(0, kOrderKeyDigits),
                      kOrderKeyDigits);
}

StixMillis NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatUtc(std::int64_t unix_seconds, std::string_view fraction) {
  const CivilTime t = CivilFromUnixSeconds(unix_seconds);
  char head[48];
  std::snprintf(head, sizeof head, "%04lld-%02u-%02uT%02u:%02u:%02u",
                static_cast<long long>(t.date.year), t.date.month, t.date.day, t.hour,
                t.minute, t.second);
  std::string out = head;
  if (!fraction.empty()) {
    out += '.';
    out += fraction;
  }
  out += 'Z';
  return out;
}

std::string FormatTimestamp(StixMillis ms) {
  StixMillis seconds = ms / 1000;
  StixMillis millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  char digits[8];
  std::snprintf(digits, sizeof digits, "%03d", static_cast<int>(millis));
  return FormatUtc(seconds, digits);
}

Result<StixMillis> ParseTimestamp(std::string_view text) {
  DateTimeReader in(text);
  unsigned year, month, day;
  if (!in.Digits(4, &year) || !in.Take('-') || !in.Digits(2, &month) || !in.Take('-') ||
      !in.Digits(2, &day)) {
    return NotADateTime(text, "expected YYYY-MM-DD");
  }
  if (month < 1 || month > 12) return NotADateTime(text, "no such month");
  if (!IsCivilDate(year, month, day)) return NotADateTime(text, "no such day");
  StixMillis ms = DaysFromCivil({year, month, day}) * kMillisPerDay;
  if (in.Done()) return ms;

  if (!in.Take('T') && !in.Take('t') && !in.Take(' ')) {
    return NotADateTime(text, "expected T after the date");
  }
  unsigned hour, minute, second = 0, millis = 0;
  if (!in.Digits(2, &hour) || !in.Take(':') || !in.Digits(2, &minute)) {
    return NotADateTime(text, "expected HH:MM");
  }
  if (in.Take(':')) {
    if (!in.Digits(2, &second)) return NotADateTime(text, "expected seconds as SS");
    if (in.Take('.')) {
      const std::string_view fraction = in.DigitRun();
      if (fraction.empty()) return NotADateTime(text, "expected digits after '.'");
      millis = FractionMillis(fraction);
    }
  }
  // 60 is a leap second, which STIX cannot represent in Unix time: refused.
  if (hour > 23 || minute > 59 || second > 59) return NotADateTime(text, "time out of range");
  ms += ((hour * 60 + minute) * 60 + second) * 1000LL + millis;

  if (in.Take('Z') || in.Take('z')) {
    if (!in.Done()) return NotADateTime(text, "text after Z");
    return ms;
  }
  if (in.Peek() != '+' && in.Peek() != '-') {
    return NotADateTime(text, "expected Z or an offset such as +02:00");
  }
  const std::optional<int> offset = in.Offset();
  if (!offset || !in.Done()) return NotADateTime(text, "expected an offset such as +02:00");
  return ms - *offset * 60'000LL;
}

Result<std::string> NextModified(std::string_view previous, StixMillis now) {
  CERTSHARE_ASSIGN_OR_RETURN(StixMillis before, ParseTimestamp(previous));
  return FormatTimestamp(now > before ? now : before + 1);
}

std::optional<int> ParseUtcOffset(std::string_view text) {
  DateTimeReader in(text);
  const std::optional<int> minutes = in.Offset();
  if (!minutes || !in.Done()) return std::nullopt;
  return minutes;
}

}  // namespace certshare
