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
    {rule::kType,
     "`type` is present and is 3-250 characters of a-z, 0-9 and '-', "
     "starting and ending with a letter or digit."},
    {rule::kIdFormat,
     "`id` is \"<type>--<uuid>\" with the object's own type and a lower-case "
     "RFC 4122 UUID."},
    {rule::kSpecVersion,
     "`spec_version` is \"2.1\"; required on every object but bundles and "
     "cyber observables (where it is optional)."},
    {rule::kTimestamp,
     "`created` and `modified` are RFC 3339 UTC timestamps with a literal Z; "
     "`created` is required on all but cyber observables, `modified` also "
     "except on marking definitions."},
    {rule::kModifiedBeforeCreated, "`modified` is not earlier than `created`."},
    {rule::kMarkingRefs,
     "`object_marking_refs`, when present, is a non-empty array of "
     "marking-definition ids."},
    {rule::kTlpConflict,
     "An object carries at most one TLP 2.0 marking level."},
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
     "Only the first kMaxProblems problems are listed; this one counts the "
     "rest."},
};

}  // namespace

std::span<const RuleInfo> AllRules() { return kRules; }

}  // namespace certshare::schemas
