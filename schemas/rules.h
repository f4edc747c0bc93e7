// Private to schemas/: the stable ids of every rule, and the table that
// describes them (docs/records.md lists the same table). A rule id names one
// check in every Problem and never changes meaning; new checks get new ids.
#pragma once

#include <span>
#include <string_view>

namespace certshare::schemas {

namespace rule {
// The document as a whole.
inline constexpr std::string_view kJson = "json";
inline constexpr std::string_view kNotObject = "not-object";
inline constexpr std::string_view kDepth = "depth";
// What every object carries.
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kReserved = "reserved";
inline constexpr std::string_view kIdFormat = "id-format";
inline constexpr std::string_view kSpecVersion = "spec-version";
inline constexpr std::string_view kTimestamp = "timestamp";
inline constexpr std::string_view kModifiedBeforeCreated =
    "modified-before-created";
// Properties, from the catalog (stix21_catalog.json).
inline constexpr std::string_view kRequired = "required";
inline constexpr std::string_view kValueType = "value-type";
inline constexpr std::string_view kNullValue = "null-value";
inline constexpr std::string_view kEmptyList = "empty-list";
inline constexpr std::string_view kEmptyDictionary = "empty-dictionary";
inline constexpr std::string_view kPropertyName = "property-name";
inline constexpr std::string_view kDictionaryKey = "dictionary-key";
inline constexpr std::string_view kEnum = "enum";
inline constexpr std::string_view kRange = "range";
inline constexpr std::string_view kNumberPrecision = "number-precision";
inline constexpr std::string_view kFormat = "format";
inline constexpr std::string_view kRefFormat = "ref-format";
inline constexpr std::string_view kRefType = "ref-type";
inline constexpr std::string_view kHashes = "hashes";
inline constexpr std::string_view kPropertyDependency = "property-dependency";
inline constexpr std::string_view kTimeOrder = "time-order";
inline constexpr std::string_view kExternalReference = "external-reference";
// Markings.
inline constexpr std::string_view kMarkingRefs = "marking-refs";
inline constexpr std::string_view kTlpConflict = "tlp-conflict";
inline constexpr std::string_view kGranularMarking = "granular-marking";
inline constexpr std::string_view kSelector = "selector";
inline constexpr std::string_view kMarkingDefinition = "marking-definition";
inline constexpr std::string_view kTlpDefinition = "tlp-definition";
// Extensions.
inline constexpr std::string_view kExtensionKey = "extension-key";
inline constexpr std::string_view kExtension = "extension";
// Indicators.
inline constexpr std::string_view kPattern = "pattern";
// Bundles and publishing.
inline constexpr std::string_view kBundleObjects = "bundle-objects";
inline constexpr std::string_view kBundleNoTimestamp = "bundle-no-timestamp";
inline constexpr std::string_view kNoTimestamp = "no-timestamp";
inline constexpr std::string_view kTooManyProblems = "too-many-problems";
// Warnings: what STIX 2.1 says SHOULD (not) be; never make a document
// invalid (Report::warnings).
inline constexpr std::string_view kCustomPrefix = "custom-prefix";
inline constexpr std::string_view kDeprecated = "deprecated";
}  // namespace rule

struct RuleInfo {
  std::string_view id;
  std::string_view description;  // one sentence, for docs and tooling
  bool warning = false;  // reported in Report::warnings, not problems
};

// Every rule, in the order they are documented.
std::span<const RuleInfo> AllRules();

}  // namespace certshare::schemas
