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
// Warnings (things STIX says SHOULD not be, such as a custom property
// without the x_ prefix) are reported the same way beside the problems and
// never make a document invalid; `certshare validate --strict` counts them
// as problems.
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
#include "common/base/timestamp.h"
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
  // The document's TLP: the most restrictive TLP marking on any object in
  // it — in `object_marking_refs` or a granular marking's `marking_ref` —
  // and any TLP marking definition the document itself contains. TLP 2.0
  // and TLP 1.0 markings both count (TlpOfMarking: TLP 1.0 WHITE is
  // CLEAR). nullopt when nothing is marked with a TLP.
  std::optional<Tlp> tlp;
  // Where `tlp` comes from, for messages (DescribeTlpMarking): the id of
  // the first object carrying that level and of the marking definition
  // naming it (for a contained definition, its own id twice). Empty when
  // `tlp` is nullopt.
  std::string tlp_object;
  std::string tlp_marking;
  std::size_t object_count = 1;
};

// A report lists at most this many problems; when a document has more, one
// further problem with rule "too-many-problems" says how many were left out.
// This bounds what a hostile document can cost (16 MiB of "{}," would
// otherwise yield tens of millions of problems).
inline constexpr std::size_t kMaxProblems = 1000;

struct Report {
  std::vector<Problem> problems;
  // Warnings: reported like problems (at most kMaxProblems, then one
  // "too-many-problems"), with a rule id of their own (docs/records.md,
  // "Warnings"); they do not make the document invalid.
  std::vector<Problem> warnings;
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
// The same for a document the caller parsed (with json::Parse, as
// CheckText parses): as Check, folded into kInvalidStix.
Result<Summary> Summarise(const rapidjson::Value& doc);

// The TLP level a marking-definition id stands for: the five TLP 2.0
// definitions (common/base/tlp.h) and the four canonical TLP 1.0 ones of
// STIX 2.1 §7.2.1.4 (WHITE is read as CLEAR, GREEN, AMBER and RED as
// themselves); nullopt for any other id.
std::optional<Tlp> TlpOfMarking(std::string_view marking_id);
// Whether `marking_id` is one of the four TLP 1.0 definitions.
bool IsTlp1Marking(std::string_view marking_id);
// Where a Summary's TLP comes from, for messages, e.g.
//   "indicator--8e2e… is marked TLP:AMBER by
//    marking-definition--f88d31f6-486f-44da-b317-01333bde0b82 (TLP 1.0 AMBER)"
// or "the document contains the TLP:RED marking definition
// marking-definition--e828… (TLP 2.0 RED)"; "" when summary.tlp is nullopt.
std::string DescribeTlpMarking(const Summary& summary);

// RFC 3339 timestamp in UTC with a literal "Z", as STIX requires:
// YYYY-MM-DDTHH:MM:SS[.fraction]Z with a valid calendar date
// (common/base/timestamp.h).
using ::certshare::IsStixTimestamp;
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
