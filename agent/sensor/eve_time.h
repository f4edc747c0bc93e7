// certshare::agent::sensor — Suricata's EVE timestamps as STIX timestamps.
//
// Suricata writes local time with a numeric offset and microseconds:
// "2026-11-27T10:00:00.123456+0100". STIX wants UTC with a literal "Z".
// ParseEveTime converts, keeping every fraction digit given (first_seen
// and first_observed may be more precise than a millisecond), and also
// gives the time truncated to the millisecond for `created` / `modified`,
// which STIX wants at millisecond precision.
//
// Accepted: YYYY-MM-DDTHH:MM:SS, an optional fraction of 1-9 digits, then
// "Z", "+HHMM", "-HHMM", "+HH:MM" or "-HH:MM". A time without an offset
// is refused (kInvalidArgument): its zone is unknown and certshare does
// not guess it, unless the operator said which offset to assume
// (`assume_offset_minutes`: --assume-offset, sensor.assume_offset). An
// impossible date or time, and a result outside the years 0001-9999, are
// refused too.
//
// Thread-safe: no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/base/status.h"
#include "common/base/timestamp.h"

namespace certshare::agent::sensor {

struct EveTime {
  std::string utc;     // "2026-11-27T09:00:00.123456Z"
  StixMillis millis;   // the same instant, truncated to the millisecond
};

// `assume_offset_minutes` is read from text by ParseUtcOffset
// (common/base/timestamp.h).
Result<EveTime> ParseEveTime(std::string_view text,
                             std::optional<int> assume_offset_minutes = std::nullopt);

}  // namespace certshare::agent::sensor
