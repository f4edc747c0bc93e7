// Private to schemas/: what each STIX 2.1 object type requires of the
// common properties, as a table keyed by `type`.
#pragma once

#include <string_view>

namespace certshare::schemas {

enum class ObjectKind {
  kSdo,  // STIX Domain Object (indicator, incident, ...)
  kSro,  // relationship, sighting
  kSco,  // cyber observable (file, ipv4-addr, ...)
  kMarkingDefinition,
  kLanguageContent,
  kExtensionDefinition,
  kBundle,
  kCustom,  // any other type: checked like an SDO
};

struct TypeTraits {
  ObjectKind kind;
  // Whether `spec_version` is required. SCOs may omit it: STIX 2.1 §3.1 makes
  // it optional for them, with "2.1" implied. When present it must be "2.1".
  bool requires_spec_version;
  bool requires_created;
  // marking-definition has no `modified` (definitions are immutable); SCOs
  // have neither `created` nor `modified`.
  bool requires_modified;
};

// The traits of `type`; unknown (custom) types get the SDO requirements.
// REQUIRES: IsStixType(type).
const TypeTraits& TraitsOf(std::string_view type);

// A readable name for a kind, for messages: "cyber observable", ...
std::string_view KindName(ObjectKind kind);

}  // namespace certshare::schemas
