// DateTimeReader: a cursor over text read as an RFC 3339 date-time, the
// pieces every reader of a date-time shares: fixed-width digit fields, a
// run of fraction digits, a UTC offset. The grammars themselves (which
// pieces, in which order, with which message on failure) stay with their
// readers: WhyNotStixTimestamp and ParseTimestamp (timestamp.h) and the
// sensor's EVE times (agent/sensor/eve_time.h).
//
// Nothing here allocates or throws; a read that fails says so and may
// have moved the cursor (readers give up at the first failure).
// Thread-compatible: one reader per text.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "common/base/civil_time.h"

namespace certshare {

class DateTimeReader {
 public:
  explicit DateTimeReader(std::string_view text) : text_(text) {}

  bool Done() const { return pos_ == text_.size(); }
  // The next character, '\0' at the end.
  char Peek() const { return Done() ? '\0' : text_[pos_]; }
  // What is left to read.
  std::string_view Rest() const { return text_.substr(pos_); }

  // Moves past `c` if it is next.
  bool Take(char c);

  // Exactly `count` decimal digits, as a number.
  bool Digits(std::size_t count, unsigned* value);

  // "YYYY-MM-DDTHH:MM:SS": digits and separators only; the values are not
  // checked (month 13 reads), which is the caller's to do and to word.
  bool DateAndTime(CivilTime* fields);

  // The decimal digits from here on, possibly none.
  std::string_view DigitRun();

  // A UTC offset in minutes east of UTC: "Z" (0), or '+' or '-', two
  // digits of hours (00-23), an optional ':' and two digits of minutes
  // (00-59). nullopt, without reading further, if neither 'Z' nor a sign
  // is next; nullopt if what follows the sign is not such an offset.
  std::optional<int> Offset();

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Milliseconds (0-999) of the fraction of a second whose digits are
// `digits`: the first three, padded with zeros ("5" -> 500, "123999" -> 123).
unsigned FractionMillis(std::string_view digits);

}  // namespace certshare
