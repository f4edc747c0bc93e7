// Private to schemas/: the stable ids of every rule, and the table that
// describes them. A rule id names one check in every Problem and never
// changes meaning; new checks get new ids. The later, complete STIX checker
// adds rows here (and, for per-object checks, in object_rules.cc).
#pragma once

#include <span>
#include <string_view>

namespace certshare::schemas {

namespace rule {
inline constexpr std::string_view kJson = "json";
inline constexpr std::string_view kNotObject = "not-object";
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kIdFormat = "id-format";
inline constexpr std::string_view kSpecVersion = "spec-version";
inline constexpr std::string_view kTimestamp = "timestamp";
inline constexpr std::string_view kModifiedBeforeCreated =
    "modified-before-created";
inline constexpr std::string_view kMarkingRefs = "marking-refs";
inline constexpr std::string_view kTlpConflict = "tlp-conflict";
inline constexpr std::string_view kBundleObjects = "bundle-objects";
inline constexpr std::string_view kBundleNoTimestamp = "bundle-no-timestamp";
inline constexpr std::string_view kNoTimestamp = "no-timestamp";
inline constexpr std::string_view kTooManyProblems = "too-many-problems";
}  // namespace rule

struct RuleInfo {
  std::string_view id;
  std::string_view description;  // one sentence, for docs and tooling
};

// Every rule, in the order they are documented.
std::span<const RuleInfo> AllRules();

}  // namespace certshare::schemas
