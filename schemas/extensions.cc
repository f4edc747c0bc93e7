// The `extensions` dictionary (STIX 2.1 §7.3 and §6 predefined extensions):
// keys, `extension_type`, which types an extension may extend, and the
// properties of the extensions the catalog knows (the predefined SCO
// extensions, TLP 2.0, Incident Core and its new object types). Also the
// deprecated observed-data `objects` container.
#include "common/base/json.h"
#include "schemas/describe.h"
#include "schemas/formats.h"
#include "schemas/object_checker.h"
#include "schemas/rules.h"
#include "schemas/stix_check.h"

namespace certshare::schemas {

namespace {

constexpr std::string_view kDefinitionPrefix = "extension-definition--";

std::string_view StringOf(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// "<name>-ext" as the OASIS schema allows: lower-case letters and digits in
// '-'-separated words, starting with a letter
// (^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\-ext$).
bool IsPredefinedStyleKey(std::string_view key) {
  if (!key.ends_with("-ext")) return false;
  const std::string_view words = key.substr(0, key.size() - 4);
  if (words.empty() || words.front() < 'a' || words.front() > 'z' ||
      words.back() == '-') {
    return false;
  }
  char previous = 0;
  for (char c : words) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    (c == '-' && previous != '-');
    if (!ok) return false;
    previous = c;
  }
  return true;
}

const StructDef& NoProperties() {
  static const StructDef def;
  return def;
}

}  // namespace

void ObjectChecker::CheckExtensions(const rapidjson::Value& value,
                                    const PathNode* at, int depth) {
  if (!value.IsObject()) {
    WrongType(at, "extensions", "a dictionary of extensions", value);
    return;
  }
  if (value.ObjectEmpty()) {
    Report(at, rule::kExtension, "`extensions` is empty; leave it out instead");
    return;
  }
  if (!DepthOk(at, depth + 1)) return;
  for (const auto& m : value.GetObject()) {
    const std::string_view key = StringOf(m.name);
    const PathNode node = PathNode::Member(at, key);
    CheckExtension(key, m.value, &node, depth + 1);
  }
}

void ObjectChecker::CheckExtension(std::string_view key,
                                   const rapidjson::Value& value,
                                   const PathNode* at, int depth) {
  const bool by_definition = key.starts_with(kDefinitionPrefix);
  if (by_definition ? !IsStixId(key, "extension-definition")
                    : !IsPredefinedStyleKey(key)) {
    Report(at, rule::kExtensionKey,
           "extension key " + Quote(key) +
               (by_definition
                    ? " is not an extension-definition id with a lower-case "
                      "RFC 4122 UUID"
                    : " is neither an extension-definition id "
                      "(\"extension-definition--<uuid>\") nor a predefined "
                      "extension name ending in -ext"));
    CheckGeneric(value, key, at, depth);
    return;
  }
  if (!value.IsObject()) {
    WrongType(at, key, "an object", value);
    return;
  }
  if (value.ObjectEmpty()) {
    Report(at, rule::kExtension,
           "extension " + Quote(key) + " is empty; leave it out instead");
    return;
  }
  const ExtensionDef* ext = catalog_.FindExtension(key);
  if (ext != nullptr && type_ != nullptr) {
    bool applies = false;
    for (const std::string& t : ext->on) applies = applies || t == type_name_;
    if (!applies) {
      std::string on;
      for (const std::string& t : ext->on) on += (on.empty() ? "" : ", ") + t;
      Report(at, rule::kExtension,
             "the " + ext->name + " extension (" + Quote(key) + ") extends " +
                 on + " objects, not " + Quote(type_name_));
    }
  }
  if (by_definition) {
    const rapidjson::Value* type = json::Member(value, "extension_type");
    const PathNode node = PathNode::Member(at, "extension_type");
    if (type == nullptr) {
      Report(&node, rule::kRequired,
             "`extension_type` is required in an extension keyed by its "
             "extension-definition id");
    } else if (!type->IsString() ||
               !catalog_.extension_types().Contains(StringOf(*type))) {
      Report(&node, rule::kExtension,
             "`extension_type` " + Describe(*type) +
                 " is not one of new-sdo, new-sco, new-sro, "
                 "property-extension, toplevel-property-extension");
    } else if (ext != nullptr && StringOf(*type) != ext->extension_type) {
      Report(&node, rule::kExtension,
             "the " + ext->name + " extension is a " + ext->extension_type +
                 ", not a " + std::string(StringOf(*type)));
    } else if (StringOf(*type).starts_with("new-") && type_ != nullptr &&
               !type_->custom && type_->extension_id != key) {
      Report(&node, rule::kExtension,
             "a " + std::string(StringOf(*type)) +
                 " extension defines a new object type; " + Quote(type_name_) +
                 " is defined by STIX 2.1 itself");
    }
  }
  const StructDef& def = ext != nullptr ? *ext->def : NoProperties();
  const std::uint64_t present =
      CheckMembers(value, def, at, depth, Scope::kExtension);
  if (ext != nullptr) {
    CheckPresence(value, def, present, at,
                  {"in the ", ext->name, " extension"});
  }
}

void ObjectChecker::CheckObservableObjects(const rapidjson::Value& value,
                                           const PathNode* at, int depth) {
  // Deprecated in STIX 2.1 (object_refs replaces it): a dictionary of
  // observables that refer to each other by key, not by id. Only its shape
  // is checked.
  Warn(at, rule::kDeprecated,
       "`objects` of observed-data is deprecated in STIX 2.1: put the "
       "observables in the bundle and name them in `object_refs`");
  if (!value.IsObject()) {
    WrongType(at, "objects", "a dictionary of cyber observables", value);
    return;
  }
  if (value.ObjectEmpty()) {
    Report(at, rule::kEmptyDictionary,
           "`objects` is an empty dictionary; leave it out instead");
    return;
  }
  if (!DepthOk(at, depth + 1)) return;
  for (const auto& m : value.GetObject()) {
    const PathNode node = PathNode::Member(at, StringOf(m.name));
    const rapidjson::Value* type = json::Member(m.value, "type");
    if (!m.value.IsObject()) {
      WrongType(&node, "objects", "a cyber observable (object)", m.value);
      continue;
    }
    if (type == nullptr || !type->IsString() || !IsStixType(StringOf(*type))) {
      const PathNode type_node = PathNode::Member(&node, "type");
      Report(&type_node, rule::kRequired,
             "each entry of `objects` needs the observable's `type`");
    }
    CheckGeneric(m.value, "objects", &node, depth + 1);
  }
}

}  // namespace certshare::schemas
