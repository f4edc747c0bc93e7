// Private to schemas/: the lexical formats STIX 2.1 defines (type names,
// identifiers, timestamps) beyond the two predicates in stix_check.h.
#pragma once

#include <string_view>

namespace certshare::schemas {

// A STIX type name: 3 to 250 characters of [a-z0-9-], starting and ending
// with a letter or digit (^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$).
bool IsStixType(std::string_view type);

// RFC 4122 text form, lower-case: 8-4-4-4-12 hex digits. Any version and
// variant nibble is accepted for now.
bool IsLowerCaseUuid(std::string_view text);

// "<type>--<uuid>" for any valid type name.
bool IsStixIdOfAnyType(std::string_view id);

// The type part of "<type>--<uuid>" (everything before the UUID's "--"), or
// an empty view when `id` is too short to hold one.
std::string_view IdTypePrefix(std::string_view id);

// Why `text` is not a STIX timestamp, for messages ("ends in an offset, not
// Z", "has no such date", ...); empty when IsStixTimestamp(text).
std::string_view WhyNotStixTimestamp(std::string_view text);

// Orders two timestamps in time: negative, zero or positive as `a` is
// before, equal to or after `b`. Fractions compare as decimals, so
// "…:00.5Z" == "…:00.500Z" and "…:00Z" < "…:00.001Z".
// REQUIRES: IsStixTimestamp(a) && IsStixTimestamp(b).
int CompareStixTimestamps(std::string_view a, std::string_view b);

}  // namespace certshare::schemas
