// STIX timestamps (STIX 2.1 §3.2): RFC 3339 in UTC with a literal "Z",
//   YYYY-MM-DDTHH:MM:SS[.fraction]Z
// with a date and a time that exist (second 60 is a leap second) and a
// fraction of any number of digits. One definition for everything that
// reads them: the STIX rules (schemas/), the routing header's `modified`
// (common/envelope), the broker's dedupe and version keys.
//
// Two spellings of one instant ("…:05Z", "…:05.000Z", "…:05.5Z" and
// "…:05.500Z") are the same time: CompareStixTimestamps says 0, and
// CanonicalStixTimestamp gives both the same text.
//
// Also the times the agent writes and reads as instants (StixMillis):
// FormatTimestamp for `created`, `modified` and the builders' times,
// ParseTimestamp for what analysts type, NextModified for a new version,
// and FormatUtc for every RFC 3339 time the programs print. The calendar
// under all of them is civil_time.h.
//
// Thread-safe: pure functions (NowMillis reads the system clock).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare {

// Why `text` is not a STIX timestamp, as a phrase for messages ("is not of
// the form ...", "must end in Z (UTC), ...", "names a date that does not
// exist", "names a time that does not exist"); empty when it is one.
std::string_view WhyNotStixTimestamp(std::string_view text);
bool IsStixTimestamp(std::string_view text);

// The number of fraction digits (0 without a fraction).
// REQUIRES: IsStixTimestamp(ts).
std::size_t FractionDigits(std::string_view ts);

// Orders two timestamps in time: negative, zero or positive as `a` is
// before, equal to or after `b`. Fractions compare as decimals, so
// "…:00.5Z" == "…:00.500Z" and "…:00Z" < "…:00.001Z".
// REQUIRES: IsStixTimestamp(a) && IsStixTimestamp(b).
int CompareStixTimestamps(std::string_view a, std::string_view b);

// The one spelling of the instant `ts` names: at least three fraction
// digits (milliseconds, the precision STIX requires of `created` and
// `modified`), and no trailing zero after the third:
//   "2026-01-02T03:04:05Z"        -> "2026-01-02T03:04:05.000Z"
//   "2026-01-02T03:04:05.5Z"      -> "2026-01-02T03:04:05.500Z"
//   "2026-01-02T03:04:05.123000Z" -> "2026-01-02T03:04:05.123Z"
//   "2026-01-02T03:04:05.1234Z"   -> unchanged
// so two timestamps are the same instant exactly when their canonical
// spellings are equal, and the usual millisecond spelling is its own
// canonical form. Text that is not a STIX timestamp is returned unchanged.
std::string CanonicalStixTimestamp(std::string_view ts);

// A fixed-width key that sorts bytewise in time order: the fraction padded
// (or cut) to nine digits, "2026-01-02T03:04:05.500000000Z". Instants that
// differ only after the ninth fraction digit (below a nanosecond) get the
// same key. Text that is not a STIX timestamp is returned unchanged.
std::string StixTimestampOrderKey(std::string_view ts);

// --- Instants ----------------------------------------------------------------

// Milliseconds since 1970-01-01T00:00:00Z (negative before).
using StixMillis = std::int64_t;

// The system clock, truncated to the millisecond.
StixMillis NowMillis();

// "YYYY-MM-DDTHH:MM:SS.mmmZ", the spelling certshare writes `created` and
// `modified` in (STIX wants them to the millisecond).
// REQUIRES: a year from 0000 to 9999.
std::string FormatTimestamp(StixMillis ms);

// "YYYY-MM-DDTHH:MM:SSZ" for `unix_seconds` (rounding towards the past),
// or "YYYY-MM-DDTHH:MM:SS.<fraction>Z" with the fraction digits given.
// The year has at least four digits ("0999", "10000"), and a '-' before
// the epoch's year 0.
std::string FormatUtc(std::int64_t unix_seconds, std::string_view fraction = {});

// Reads an RFC 3339 date-time and returns it in UTC, truncated to the
// millisecond. Accepted: "2026-03-02T06:00:00Z", with a fraction of any
// length (".5", ".123456"), with a numeric offset ("+02:00", "-0500")
// instead of "Z", "t"/"z" or a space for "T", seconds omitted ("06:00Z"),
// and a bare date ("2026-03-02", midnight UTC). Anything else, or an
// impossible date (2026-02-30), is kInvalidArgument naming the form.
// Second 60 (a leap second, which Unix time cannot hold) is refused.
Result<StixMillis> ParseTimestamp(std::string_view text);

// The `modified` of a new version of an object whose current `modified`
// (or `created`) is `previous`: `now`, or, if the clock has not moved past
// `previous` (same millisecond, or a clock behind the author's), one
// millisecond after `previous` truncated to the millisecond. Always strictly
// later than `previous`. kInvalidArgument if `previous` is not a timestamp
// ParseTimestamp reads.
Result<std::string> NextModified(std::string_view previous, StixMillis now);

// A UTC offset as minutes east of UTC: "Z" (0), "+HH:MM", "-HH:MM",
// "+HHMM", "-HHMM", hours 00-23, minutes 00-59. nullopt for anything else
// (also "z", "+02", surrounding spaces).
std::optional<int> ParseUtcOffset(std::string_view text);

}  // namespace certshare
