// certshare::agent — STIX timestamps for the builders.
//
// STIX 2.1 (§3.2) wants RFC 3339 UTC timestamps with a literal "Z", and
// `created` / `modified` precise to the millisecond. The builders write
// exactly "YYYY-MM-DDTHH:MM:SS.mmmZ". What analysts type is read more
// generously (see ParseTimestamp) and converted to UTC.
//
// Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::agent {

// Milliseconds since 1970-01-01T00:00:00Z (negative before).
using StixMillis = std::int64_t;

// The system clock, truncated to the millisecond.
StixMillis NowMillis();

// "YYYY-MM-DDTHH:MM:SS.mmmZ". REQUIRES: a year from 0000 to 9999.
std::string FormatTimestamp(StixMillis ms);

// Reads an RFC 3339 date-time and returns it in UTC, truncated to the
// millisecond. Accepted: "2026-03-02T06:00:00Z", with a fraction of any
// length (".5", ".123456"), with a numeric offset ("+02:00", "-0500")
// instead of "Z", "t"/"z" or a space for "T", seconds omitted ("06:00Z"),
// and a bare date ("2026-03-02", midnight UTC). Anything else, or an
// impossible date (2026-02-30), is kInvalidArgument naming the form.
Result<StixMillis> ParseTimestamp(std::string_view text);

// The `modified` of a new version of an object whose current `modified`
// (or `created`) is `previous`: `now`, or, if the clock has not moved past
// `previous` (same millisecond, or a clock behind the author's), one
// millisecond after `previous` truncated to the millisecond. Always strictly
// later than `previous`. kInvalidArgument if `previous` is not a timestamp.
Result<std::string> NextModified(std::string_view previous, StixMillis now);

}  // namespace certshare::agent
