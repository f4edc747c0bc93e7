// Private to schemas/: the lexical formats STIX 2.1 defines (type names,
// identifiers, timestamps) beyond the two predicates in stix_check.h, and
// the string formats of particular properties. No std::regex: these run on
// the hot path and each is a single pass over the text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/base/timestamp.h"

namespace certshare::schemas {

// The string formats of particular properties ("format:<name>" in the
// catalog).
enum class Format : std::uint8_t {
  kUrl,
  kIpv4,
  kIpv6,
  kMac,
  kEmail,
  kDomainName,
  kLang,  // RFC 5646 language tag
  kBase64,
  kHex,
  kArtifactMimeType,
  kCharset,  // IANA character set name (path_enc, name_enc)
  kCpe,      // CPE 2.3 formatted string
  kRegistryKey,
  kRelationshipType,
};
std::string_view FormatName(Format format);

// A STIX type name: 3 to 250 characters of [a-z0-9-], starting and ending
// with a letter or digit (^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$).
bool IsStixType(std::string_view type);

// RFC 4122 text form, lower-case: 8-4-4-4-12 hex digits, version 1-5 and
// the RFC 4122 variant (8, 9, a or b), as the OASIS identifier schema.
bool IsStixUuid(std::string_view text);
// Why `text` (36 characters of 8-4-4-4-12 hex, any case) is not a STIX
// UUID, for messages; empty when it is one or is not of that shape at all.
std::string_view WhyNotStixUuid(std::string_view text);

// "<type>--<uuid>" for any valid type name.
bool IsStixIdOfAnyType(std::string_view id);

// The type part of "<type>--<uuid>" (everything before the UUID's "--"), or
// an empty view when `id` is too short to hold one.
std::string_view IdTypePrefix(std::string_view id);

// Timestamps: WhyNotStixTimestamp, FractionDigits, CompareStixTimestamps
// (common/base/timestamp.h, shared with the envelope and the broker).
using ::certshare::CompareStixTimestamps;
using ::certshare::FractionDigits;
using ::certshare::WhyNotStixTimestamp;

// Whether `text` has `format`; when not, `why` (if given) says what is
// wrong in a few words ("has no scheme", "is not 6 octets", ...).
bool HasFormat(Format format, std::string_view text,
               std::string_view* why = nullptr);

// Whether `text` is a value of the hashing algorithm `algorithm` (a name
// from hash-algorithm-ov: MD5 32 hex digits, SHA-1 40, ...). Custom
// algorithms accept any string.
bool IsHashValue(std::string_view algorithm, std::string_view text);

// A STIX property name: 3-250 of [a-zA-Z0-9_], starting with [a-z].
bool IsPropertyName(std::string_view name);
// A dictionary key: 1-250 of [a-zA-Z0-9_-].
bool IsDictionaryKey(std::string_view key);

}  // namespace certshare::schemas
