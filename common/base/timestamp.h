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
// Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

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

}  // namespace certshare
