// certshare::schemas — what certshare accepts as a STIX 2.1 record.
//
// Check accepts a STIX 2.1 object or bundle when every object in it meets
// STIX 2.1: every SDO, SRO and SCO type of the OASIS schemas, marking
// definitions (statement, TLP 1.0, TLP 2.0), extension definitions, language
// content, custom objects and properties, the predefined SCO extensions and
// the Incident Core extension (with its event, impact and task objects).
// The property rules are data (stix21_catalog.json, compiled in); the rules
// JSON Schema cannot express are code. docs/records.md lists every rule id.
// Every problem is reported, not just the first (up to kMaxProblems), each
// with a JSON Pointer, a stable rule id and a message for an analyst.
//
// Cost: linear in the document; a 2 KB incident takes about 7 µs on one
// core, parse included (schemas/validate_bench.cc, docs/records.md). JSON
// Pointers and messages are built only for problems.
//
// Thread-safe: the rule catalog is built once, on first use, and never
// changes; nothing else is shared.
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
  std::string type;  // "bundle" for a bundle
  std::string id;
  // The object's `modified`; for a bundle the latest `modified` (or
  // `created`) among its objects.
  std::string modified;
  // The most restrictive TLP 2.0 marking in `object_marking_refs` or a
  // granular marking's `marking_ref` (of the object, or of any object in the
  // bundle); nullopt when none is marked. TLP 1.0 markings do not count.
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
// "<type>--<uuid>" where <uuid> is RFC 4122 text in lower-case hex with
// version 1-5 and the RFC 4122 variant (8, 9, a or b).
bool IsStixId(std::string_view id, std::string_view type);

// How two versions of STIX content relate (STIX 2.1 §3.6): the same `id`
// with a later `modified` is a newer version of the object; the same `id`
// and the same `modified` is the same object (a duplicate, whatever its
// bytes); an earlier `modified` is an older version, which a store keeps as
// history but never lets replace the newest. Different ids are unrelated.
// `modified` compares as time, not text ("…:05Z" == "…:05.000Z"). For a
// marking definition, which has no `modified`, the Summary's `modified` is
// its `created`; for a bundle, the latest among its objects.
enum class VersionOrder {
  kUnrelated,  // different ids
  kOlder,      // `a` is an earlier version than `b`
  kSame,       // the same object
  kNewer,      // `a` is a later version than `b`
};
// A `modified` that is not a valid STIX timestamp orders before every valid
// one; two invalid ones compare by their bytes (Summaries from Check always
// carry valid ones).
VersionOrder CompareVersions(std::string_view id_a, std::string_view modified_a,
                             std::string_view id_b,
                             std::string_view modified_b);
VersionOrder CompareVersions(const Summary& a, const Summary& b);
// "unrelated", "older", "same", "newer".
std::string_view VersionOrderName(VersionOrder order);

// The object types this catalog knows (STIX 2.1's own, "bundle" included,
// and those of the extensions it knows), e.g. for "did you mean" about a
// type name. Any other valid type name is a custom type.
const std::vector<std::string>& KnownTypes();

}  // namespace certshare::schemas
