#include "agent/sensor/eve_time.h"

#include "common/base/civil_time.h"
#include "common/base/date_time_reader.h"

namespace certshare::agent::sensor {

namespace {

Status Bad(std::string_view text, std::string_view why) {
  std::string shown(text.substr(0, 64));
  return Status(ErrorCode::kInvalidArgument,
                "timestamp \"" + shown + "\" " + std::string(why) +
                    " (expected e.g. 2026-11-27T10:00:00.123456+0100)");
}

}  // namespace

Result<EveTime> ParseEveTime(std::string_view text, std::optional<int> assume_offset_minutes) {
  DateTimeReader in(text);
  CivilTime local;
  if (!in.DateAndTime(&local)) return Bad(text, "is not YYYY-MM-DDTHH:MM:SS");
  if (!IsCivilDate(local.date.year, local.date.month, local.date.day) || local.hour > 23 ||
      local.minute > 59 || local.second > 59) {
    return Bad(text, "is not a valid date and time");
  }
  std::string_view fraction;
  if (in.Take('.')) {
    fraction = in.DigitRun();
    if (fraction.empty() || fraction.size() > 9) return Bad(text, "has a bad fraction");
  }
  int offset_minutes = 0;
  if (in.Done()) {
    if (!assume_offset_minutes) {
      return Bad(text, "has no UTC offset, so its time zone is unknown; if the sensor "
                       "writes local time without one, say which offset to assume with "
                       "--assume-offset (or sensor.assume_offset)");
    }
    offset_minutes = *assume_offset_minutes;
  } else {
    // What follows the time, read before Offset moves past it.
    const char c = in.Peek();
    std::optional<int> offset = in.Offset();
    if (!offset) {
      return Bad(text, c == 'Z' || c == '+' || c == '-' ? "has a bad UTC offset"
                                                         : "has trailing characters");
    }
    offset_minutes = *offset;
  }
  if (!in.Done()) return Bad(text, "has trailing characters");

  const std::int64_t utc =
      UnixSecondsFromCivil(local) - static_cast<std::int64_t>(offset_minutes) * 60;
  const std::int64_t year = CivilFromUnixSeconds(utc).date.year;
  if (year < 1 || year > 9999) return Bad(text, "is outside the years 0001-9999");

  EveTime out;
  out.utc = FormatUtc(utc, fraction);
  out.millis = utc * 1000 + FractionMillis(fraction);
  return out;
}

}  // namespace certshare::agent::sensor
