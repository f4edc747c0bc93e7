#include "schemas/object_types.h"

namespace certshare::schemas {

namespace {

constexpr TypeTraits kSdoTraits{ObjectKind::kSdo, true, true, true};
constexpr TypeTraits kSroTraits{ObjectKind::kSro, true, true, true};
constexpr TypeTraits kScoTraits{ObjectKind::kSco, false, false, false};
constexpr TypeTraits kMarkingTraits{ObjectKind::kMarkingDefinition, true, true,
                                    false};
constexpr TypeTraits kLanguageContentTraits{ObjectKind::kLanguageContent, true,
                                            true, true};
constexpr TypeTraits kExtensionDefinitionTraits{
    ObjectKind::kExtensionDefinition, true, true, true};
constexpr TypeTraits kBundleTraits{ObjectKind::kBundle, false, false, false};
constexpr TypeTraits kCustomTraits{ObjectKind::kCustom, true, true, true};

struct TypeEntry {
  std::string_view type;
  const TypeTraits* traits;
};

// Every type STIX 2.1 defines: SDOs, SROs, SCOs, meta objects and bundle.
constexpr TypeEntry kTypes[] = {
    {"attack-pattern", &kSdoTraits},
    {"campaign", &kSdoTraits},
    {"course-of-action", &kSdoTraits},
    {"grouping", &kSdoTraits},
    {"identity", &kSdoTraits},
    {"incident", &kSdoTraits},
    {"indicator", &kSdoTraits},
    {"infrastructure", &kSdoTraits},
    {"intrusion-set", &kSdoTraits},
    {"location", &kSdoTraits},
    {"malware", &kSdoTraits},
    {"malware-analysis", &kSdoTraits},
    {"note", &kSdoTraits},
    {"observed-data", &kSdoTraits},
    {"opinion", &kSdoTraits},
    {"report", &kSdoTraits},
    {"threat-actor", &kSdoTraits},
    {"tool", &kSdoTraits},
    {"vulnerability", &kSdoTraits},

    {"relationship", &kSroTraits},
    {"sighting", &kSroTraits},

    {"artifact", &kScoTraits},
    {"autonomous-system", &kScoTraits},
    {"directory", &kScoTraits},
    {"domain-name", &kScoTraits},
    {"email-addr", &kScoTraits},
    {"email-message", &kScoTraits},
    {"file", &kScoTraits},
    {"ipv4-addr", &kScoTraits},
    {"ipv6-addr", &kScoTraits},
    {"mac-addr", &kScoTraits},
    {"mutex", &kScoTraits},
    {"network-traffic", &kScoTraits},
    {"process", &kScoTraits},
    {"software", &kScoTraits},
    {"url", &kScoTraits},
    {"user-account", &kScoTraits},
    {"windows-registry-key", &kScoTraits},
    {"x509-certificate", &kScoTraits},

    {"marking-definition", &kMarkingTraits},
    {"language-content", &kLanguageContentTraits},
    {"extension-definition", &kExtensionDefinitionTraits},
    {"bundle", &kBundleTraits},
};

}  // namespace

const TypeTraits& TraitsOf(std::string_view type) {
  for (const TypeEntry& entry : kTypes) {
    if (entry.type == type) return *entry.traits;
  }
  return kCustomTraits;
}

std::string_view KindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kSdo:
      return "domain object";
    case ObjectKind::kSro:
      return "relationship object";
    case ObjectKind::kSco:
      return "cyber observable";
    case ObjectKind::kMarkingDefinition:
      return "marking definition";
    case ObjectKind::kLanguageContent:
      return "language content";
    case ObjectKind::kExtensionDefinition:
      return "extension definition";
    case ObjectKind::kBundle:
      return "bundle";
    case ObjectKind::kCustom:
      return "custom object";
  }
  return "object";
}

}  // namespace certshare::schemas
