#include "common/base/timestamp.h"

#include <algorithm>

namespace certshare {

namespace {

// "YYYY-MM-DDTHH:MM:SS": the fixed-width part, which orders lexically.
constexpr std::size_t kSecondsLength = 19;
// Fraction digits of the canonical spelling at least, of the order key
// exactly.
constexpr std::size_t kCanonicalDigits = 3;
constexpr std::size_t kOrderKeyDigits = 9;

bool Digits(std::string_view text, std::size_t pos, std::size_t count,
            int* value) {
  int v = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + (text[i] - '0');
  }
  *value = v;
  return true;
}

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

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

}  // namespace

std::string_view WhyNotStixTimestamp(std::string_view text) {
  constexpr std::string_view kShape =
      "is not of the form YYYY-MM-DDTHH:MM:SS[.fraction]Z";
  if (text.size() < kSecondsLength || text[4] != '-' || text[7] != '-' ||
      text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return kShape;
  }
  int year, month, day, hour, minute, second;
  if (!Digits(text, 0, 4, &year) || !Digits(text, 5, 2, &month) ||
      !Digits(text, 8, 2, &day) || !Digits(text, 11, 2, &hour) ||
      !Digits(text, 14, 2, &minute) || !Digits(text, 17, 2, &second)) {
    return kShape;
  }
  // After the seconds: an optional fraction, then "Z".
  std::size_t end = kSecondsLength;
  if (end < text.size() && text[end] == '.') {
    const std::size_t digits_start = ++end;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == digits_start) return kShape;
  }
  const std::string_view zone = text.substr(end);
  if (zone.empty() || zone.front() == '+' || zone.front() == '-') {
    return "must end in Z (UTC), not a local time or an offset";
  }
  if (zone != "Z") return kShape;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return "names a date that does not exist";
  }
  // Second 60 is a leap second.
  if (hour > 23 || minute > 59 || second > 60) {
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

}  // namespace certshare
