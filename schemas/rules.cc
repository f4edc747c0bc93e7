#include "schemas/rules.h"

namespace certshare::schemas {

namespace {

constexpr RuleInfo kRules[] = {
    {rule::kJson,
     "The text is strict JSON: valid UTF-8, no duplicate keys, bounded depth "
     "and size."},
    {rule::kNotObject,
     "The document, and every entry of a bundle's `objects`, is a JSON "
     "object."},
    {rule::kDepth,
     "Values nest no deeper than 64 levels (documents built in memory, which "
     "json::Parse has not bounded)."},
    {rule::kType,
     "`type` is present and is 3-250 characters of a-z, 0-9 and '-', "
     "starting and ending with a letter or digit."},
    {rule::kReserved,
     "Names STIX 2.1 reserves are not used: the object type `action` and the "
     "properties `severity`, `action`, `username` and `phone_numbers`."},
    {rule::kIdFormat,
     "`id` is \"<type>--<uuid>\" with the object's own type and a lower-case "
     "RFC 4122 UUID (version 1-5, variant 8, 9, a or b)."},
    {rule::kSpecVersion,
     "`spec_version` is \"2.1\"; required on every object but bundles and "
     "cyber observables (where it is optional)."},
    {rule::kTimestamp,
     "`created` and `modified` are RFC 3339 UTC timestamps with a literal Z "
     "and at least millisecond precision; `created` is required on all but "
     "cyber observables, `modified` also except on marking definitions. "
     "Other timestamp properties are RFC 3339 UTC with Z."},
    {rule::kModifiedBeforeCreated, "`modified` is not earlier than `created`."},
    {rule::kRequired,
     "Every property the type, sub-object or extension requires is present."},
    {rule::kValueType,
     "Each property has the JSON type its definition demands (string, "
     "integer, boolean, list, object)."},
    {rule::kNullValue, "No property or list entry is JSON null."},
    {rule::kEmptyList,
     "No list is empty: an optional list with nothing in it is left out."},
    {rule::kEmptyDictionary, "No dictionary is empty."},
    {rule::kPropertyName,
     "Property names are 3-250 ASCII characters of a-z, A-Z, 0-9 and '_', "
     "starting with a lower-case letter."},
    {rule::kDictionaryKey,
     "Dictionary keys are 1-250 ASCII characters of a-z, A-Z, 0-9, '-' and "
     "'_'."},
    {rule::kEnum,
     "A property whose values come from a closed vocabulary (an "
     "enumeration) holds one of them."},
    {rule::kRange,
     "Numbers lie in their property's range (e.g. `confidence` 0-100, ports "
     "0-65535, counts not negative)."},
    {rule::kNumberPrecision,
     "Numbers lie within ±(2^53−1), which every JSON implementation reads "
     "exactly."},
    {rule::kFormat,
     "Strings of a lexical type are well formed: URLs, IPv4/IPv6/MAC "
     "addresses, e-mail addresses, domain names, language tags, base64 "
     "(`*_bin`), hex (`*_hex`), MIME types, CPE 2.3, registry keys, "
     "relationship types."},
    {rule::kRefFormat,
     "Every `*_ref` / `*_refs` value is a well-formed identifier "
     "\"<type>--<uuid>\"."},
    {rule::kRefType,
     "Every reference names an object of a type its property allows (e.g. "
     "`created_by_ref` an identity)."},
    {rule::kHashes,
     "Hashes are keyed by names from hash-algorithm-ov (or custom names "
     "starting with x_) and each value has its algorithm's form."},
    {rule::kPropertyDependency,
     "Properties that depend on each other agree: at least one of a set, at "
     "most one of a set, one present only with another, or one forbidden by "
     "another's value."},
    {rule::kTimeOrder,
     "Time ranges are in order (e.g. `last_seen` not before `first_seen`, "
     "`valid_until` after `valid_from`, `stop_time` after `start_time`)."},
    {rule::kExternalReference,
     "External references with `source_name` \"cve\" or \"capec\" carry a "
     "CVE or CAPEC id in `external_id`."},
    {rule::kMarkingRefs,
     "`object_marking_refs`, when present, is a non-empty array of "
     "marking-definition ids."},
    {rule::kTlpConflict,
     "An object carries at most one TLP level in `object_marking_refs` (TLP "
     "1.0 WHITE and TLP 2.0 CLEAR are the same level, as are GREEN, AMBER and "
     "RED of either version)."},
    {rule::kGranularMarking,
     "Each granular marking has non-empty `selectors` and exactly one of "
     "`marking_ref` (a marking-definition id) and `lang`."},
    {rule::kSelector,
     "Each granular-marking selector is a path of property names and [n] "
     "list indexes that exists in the object."},
    {rule::kMarkingDefinition,
     "A marking definition has `definition_type` and `definition` unless it "
     "is defined by an extension; a statement has a `statement`; TLP 1.0 "
     "markings are the four canonical objects."},
    {rule::kTlpDefinition,
     "A marking definition with a TLP 2.0 id is that level's canonical "
     "object, and no other marking definition claims a TLP 2.0 level."},
    {rule::kExtensionKey,
     "`extensions` keys are an extension-definition id or a predefined "
     "\"<name>-ext\"."},
    {rule::kExtension,
     "Each extension is a non-empty object with a valid `extension_type` "
     "where one is needed, on a type it may extend; new-sdo types (event, "
     "impact, task) carry their defining extension."},
    {rule::kPattern,
     "A STIX pattern (`pattern_type` \"stix\") parses; the message gives the "
     "position of the error."},
    {rule::kBundleObjects,
     "A bundle's `objects` is a non-empty array of STIX objects, none of them "
     "a bundle."},
    {rule::kBundleNoTimestamp,
     "Some object in a bundle carries `modified` or `created`, which dates "
     "the bundle."},
    {rule::kNoTimestamp,
     "A single object carries `modified` or `created`; cyber observables "
     "travel in bundles."},
    {rule::kTooManyProblems,
     "Only the first kMaxProblems problems (or warnings) are listed; this one "
     "counts the rest."},
    {rule::kCustomPrefix,
     "Warning: a custom property of a STIX-defined type starts with \"x_\", "
     "and a custom object type without a defining extension with \"x-\", as "
     "STIX asks, so that no later STIX version gives the name another "
     "meaning.",
     true},
    {rule::kDeprecated,
     "Warning: nothing STIX 2.1 deprecates is used (observed-data's "
     "`objects`: use `object_refs`).",
     true},
};

}  // namespace

std::span<const RuleInfo> AllRules() { return kRules; }

}  // namespace certshare::schemas
