#include "common/base/date_time_reader.h"

namespace certshare {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool DateTimeReader::Take(char c) {
  if (Done() || text_[pos_] != c) return false;
  ++pos_;
  return true;
}

bool DateTimeReader::Digits(std::size_t count, unsigned* value) {
  if (text_.size() - pos_ < count) return false;
  unsigned v = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text_[pos_ + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  pos_ += count;
  *value = v;
  return true;
}

bool DateTimeReader::DateAndTime(CivilTime* fields) {
  unsigned year;
  CivilTime t;
  if (!Digits(4, &year) || !Take('-') || !Digits(2, &t.date.month) || !Take('-') ||
      !Digits(2, &t.date.day) || !Take('T') || !Digits(2, &t.hour) || !Take(':') ||
      !Digits(2, &t.minute) || !Take(':') || !Digits(2, &t.second)) {
    return false;
  }
  t.date.year = year;
  *fields = t;
  return true;
}

std::string_view DateTimeReader::DigitRun() {
  const std::size_t start = pos_;
  while (!Done() && IsDigit(text_[pos_])) ++pos_;
  return text_.substr(start, pos_ - start);
}

std::optional<int> DateTimeReader::Offset() {
  if (Take('Z')) return 0;
  const char sign = Peek();
  if (sign != '+' && sign != '-') return std::nullopt;
  ++pos_;
  unsigned hours, minutes;
  if (!Digits(2, &hours)) return std::nullopt;
  Take(':');  // "+01:00" and "+0100" both occur
  if (!Digits(2, &minutes) || hours > 23 || minutes > 59) return std::nullopt;
  const int offset = static_cast<int>(hours * 60 + minutes);
  return sign == '-' ? -offset : offset;
}

unsigned FractionMillis(std::string_view digits) {
  unsigned millis = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    millis = millis * 10 + (i < digits.size() ? static_cast<unsigned>(digits[i] - '0') : 0);
  }
  return millis;
}

}  // namespace certshare
