// certshare::schemas — what certshare accepts as a STIX 2.1 record.
//
// This first version checks what routing needs and what the spec makes
// unmistakable: JSON object or bundle, `type`, an `id` of the form
// `<type>--<uuid>`, `spec_version` "2.1", RFC 3339 UTC timestamps for
// `created` / `modified`, `modified` not before `created`, and TLP 2.0
// markings recognised by id. Every problem is reported, not just the first
// (up to kMaxProblems).
//
// Thread-safe: no shared state.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/base/tlp.h"

namespace certshare::schemas {

struct Problem {
  std::string pointer;  // JSON Pointer (RFC 6901) to the offending value
  std::string rule;     // stable rule id, e.g. "id-format"
  std::string message;  // for an analyst
};

// What routing needs to know about a checked object or bundle.
struct Summary {
  std::string type;      // "bundle" for a bundle
  std::string id;
  // The object's `modified`; for a bundle the latest `modified` (or
  // `created`) among its objects.
  std::string modified;
  // The most restrictive TLP 2.0 marking in `object_marking_refs` (of the
  // object, or of any object in the bundle); nullopt when none is marked.
  std::optional<Tlp> tlp;
  std::size_t object_count = 1;
};

// A report lists at most this many problems; when a document has more, one
// further problem with rule "too-many-problems" says how many were left out.
// This bounds what a hostile document can cost (16 MiB of "{}," would
// otherwise yield tens of millions of problems).
inline constexpr std::size_t kMaxProblems = 1000;

struct Report {
  std::vector<Problem> problems;
  Summary summary;  // meaningful only when problems is empty
  bool ok() const { return problems.empty(); }
};

// Checks a parsed document.
Report Check(const rapidjson::Value& doc);

// Parses (strictly, see json::Parse) and checks. A JSON error yields one
// problem with rule "json".
Report CheckText(std::string_view text);

// As CheckText, folded into a Status: kMalformedJson or kInvalidStix with
// every problem in the message, one per line ("/pointer: message [rule]").
Result<Summary> Summarise(std::string_view text);

// RFC 3339 timestamp in UTC with a literal "Z", as STIX requires:
// YYYY-MM-DDTHH:MM:SS[.fraction]Z with a valid calendar date.
bool IsStixTimestamp(std::string_view text);
// "<type>--<uuid>" where <uuid> is RFC 4122 text (lower-case hex).
bool IsStixId(std::string_view id, std::string_view type);

}  // namespace certshare::schemas
