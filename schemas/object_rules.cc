// The rules on one object, in the order their problems are listed: `type`,
// `id`, `spec_version`, `created` / `modified`, then every property in
// document order (value_checks.cc), required properties and constraints,
// then the rules particular to a type.
#include <algorithm>

#include "common/base/json.h"
#include "schemas/describe.h"
#include "schemas/formats.h"
#include "schemas/object_checker.h"
#include "schemas/rules.h"
#include "schemas/stix_check.h"

namespace certshare::schemas {

namespace {

constexpr std::string_view kSpecVersion = "2.1";

std::string_view StringOf(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// `modified` if it is a valid timestamp, else `created` if valid, else "".
std::string VersionOf(const rapidjson::Value& object) {
  for (const char* name : {"modified", "created"}) {
    const rapidjson::Value* v = json::Member(object, name);
    if (v != nullptr && v->IsString() && IsStixTimestamp(StringOf(*v))) {
      return std::string(StringOf(*v));
    }
  }
  return "";
}

// The kind a custom object's defining extension gives it (new-sdo,
// new-sco, new-sro); nullopt without one.
std::optional<ObjectKind> ExtensionKind(const rapidjson::Value& object) {
  if (const rapidjson::Value* ext = json::Member(object, "extensions");
      ext != nullptr && ext->IsObject()) {
    for (const auto& m : ext->GetObject()) {
      const rapidjson::Value* type = json::Member(m.value, "extension_type");
      if (type == nullptr || !type->IsString()) continue;
      const std::string_view t = StringOf(*type);
      if (t == "new-sdo") return ObjectKind::kSdo;
      if (t == "new-sco") return ObjectKind::kSco;
      if (t == "new-sro") return ObjectKind::kSro;
    }
  }
  return std::nullopt;
}

// A custom object's kind: what its defining extension says, else a domain
// object when it has `created` (STIX 2.0 style custom objects), else a
// cyber observable.
ObjectKind CustomKind(const rapidjson::Value& object) {
  if (std::optional<ObjectKind> kind = ExtensionKind(object)) return *kind;
  return json::Member(object, "created") != nullptr ? ObjectKind::kSdo
                                                    : ObjectKind::kSco;
}

}  // namespace

ObjectChecker::ObjectChecker(const Catalog& catalog, ProblemSink& sink,
                             std::string_view base,
                             const rapidjson::Value& object, int depth)
    : catalog_(catalog),
      sink_(sink),
      base_(base),
      object_(object),
      depth_(depth) {}

ObjectFacts ObjectChecker::Run() {
  ResolveType();
  CheckType();
  CheckId();
  ObjectFacts facts;
  facts.type = std::string(type_name_);
  json::GetString(object_, "id", &facts.id);
  facts.is_bundle = is_bundle_;
  if (is_bundle_) return facts;

  CheckSpecVersion();
  CheckCreatedModified();
  if (type_ != nullptr) {
    const std::uint64_t present =
        CheckMembers(object_, *type_, nullptr, depth_, Scope::kObject);
    CheckPresence(object_, *type_, present, nullptr,
                  {"on ", type_name_, " objects", true});
    CheckNewObjectExtension();
    CheckCustomTypeName();
    switch (type_->kind) {
      case ObjectKind::kMarkingDefinition:
        CheckMarkingDefinition();
        CheckTlpDefinition();
        break;
      case ObjectKind::kExtensionDefinition:
        CheckExtensionDefinition();
        break;
      default:
        if (type_name_ == "indicator") CheckIndicatorPattern();
        break;
    }
    CheckTlpConflict();
  }

  facts.def = type_;
  facts.version = VersionOf(object_);
  facts.has_timestamp_property = json::Member(object_, "modified") != nullptr ||
                                 json::Member(object_, "created") != nullptr;
  // A TLP marking definition the document contains marks the document too
  // (docs/records.md, "TLP"): fail closed.
  if (type_ != nullptr && type_->kind == ObjectKind::kMarkingDefinition) {
    NoteTlp(facts.id, /*object_level=*/false);
  }
  facts.tlp = tlp_;
  facts.tlp_marking = std::string(tlp_marking_);
  return facts;
}

void ObjectChecker::ResolveType() {
  const rapidjson::Value* type = json::Member(object_, "type");
  if (type == nullptr || !type->IsString()) return;
  type_name_ = StringOf(*type);
  if (!IsStixType(type_name_)) return;
  if (type_name_ == "bundle") {
    is_bundle_ = true;
    return;
  }
  type_ = catalog_.FindType(type_name_);
  if (type_ == nullptr) {
    custom_type_ = true;
    type_ = &catalog_.CustomType(CustomKind(object_));
  }
}

// --- rule "type" (and "reserved") ------------------------------------------
void ObjectChecker::CheckType() {
  const rapidjson::Value* type = json::Member(object_, "type");
  const PathNode node = PathNode::Member(nullptr, "type");
  if (type == nullptr) {
    const rapidjson::Value* objects = json::Member(object_, "objects");
    Report(&node, rule::kType,
           objects != nullptr && objects->IsArray()
               ? "`type` is required (this looks like a bundle: add "
                 "\"type\": \"bundle\")"
               : "`type` is required");
  } else if (!type->IsString()) {
    Report(&node, rule::kType,
           "`type` must be a string, not " + Describe(*type));
  } else if (!IsStixType(type_name_)) {
    Report(&node, rule::kType,
           "`type` " + Describe(*type) +
               " is not a STIX type name: 3-250 characters of a-z, 0-9 and "
               "'-', starting and ending with a letter or digit");
  } else if (catalog_.IsReservedType(type_name_)) {
    Report(&node, rule::kReserved,
           "`type` " + Describe(*type) +
               " is reserved by STIX 2.1 and must not be used");
  }
}

// --- rule "id-format" --------------------------------------------------------
void ObjectChecker::CheckId() {
  const rapidjson::Value* id = json::Member(object_, "id");
  const PathNode node = PathNode::Member(nullptr, "id");
  if (id == nullptr) {
    Report(&node, rule::kIdFormat, "`id` is required");
    return;
  }
  if (!id->IsString()) {
    Report(&node, rule::kIdFormat,
           "`id` must be a string, not " + Describe(*id));
    return;
  }
  const std::string_view text = StringOf(*id);
  if (type_ == nullptr && !is_bundle_) {  // no usable type: the form only
    if (!IsStixIdOfAnyType(text)) {
      Report(&node, rule::kIdFormat,
             "`id` " + Quote(text) +
                 " is not \"<type>--<uuid>\" with a lower-case RFC 4122 UUID");
    }
    return;
  }
  if (IsStixId(text, type_name_)) return;
  const std::string_view uuid_why =
      WhyNotStixUuid(text.size() >= 36 ? text.substr(text.size() - 36) : text);
  const std::string expected = std::string(type_name_) + "--";
  const std::string_view prefix = IdTypePrefix(text);
  if (IsStixIdOfAnyType(text) && prefix != type_name_) {
    Report(&node, rule::kIdFormat,
           "`id` " + Quote(text) + " names type " + Quote(prefix) +
               " but the object's type is " + Quote(type_name_));
  } else if (!uuid_why.empty() && text.substr(0, expected.size()) == expected) {
    Report(&node, rule::kIdFormat,
           "`id` " + Quote(text) + " " + std::string(uuid_why));
  } else {
    Report(&node, rule::kIdFormat,
           "`id` must be \"" + expected +
               "\" followed by a lower-case RFC 4122 UUID (8-4-4-4-12 hex "
               "digits), not " +
               Quote(text));
  }
}

// --- rule "spec-version" -----------------------------------------------------
void ObjectChecker::CheckSpecVersion() {
  const rapidjson::Value* version = json::Member(object_, "spec_version");
  const PathNode node = PathNode::Member(nullptr, "spec_version");
  if (version == nullptr) {
    if (type_ != nullptr && type_->requires_spec_version) {
      Report(&node, rule::kSpecVersion,
             "`spec_version` is required and must be \"2.1\"");
    }
  } else if (!version->IsString() || StringOf(*version) != kSpecVersion) {
    Report(&node, rule::kSpecVersion,
           "`spec_version` must be \"2.1\", not " + Describe(*version) +
               " (only STIX 2.1 is accepted)");
  }
}

// --- rules "timestamp" and "modified-before-created" -------------------------
void ObjectChecker::CheckOneTimestamp(const char* name, bool required) {
  const rapidjson::Value* value = json::Member(object_, name);
  const PathNode node = PathNode::Member(nullptr, name);
  const std::string tick = "`" + std::string(name) + "`";
  if (value == nullptr) {
    if (required) {
      Report(&node, rule::kTimestamp,
             tick + " is required on " + Quote(type_name_) + " objects");
    }
  } else if (!value->IsString()) {
    Report(&node, rule::kTimestamp,
           tick +
               " must be a timestamp string such as "
               "2026-03-04T16:40:05.000Z, not " +
               Describe(*value));
  } else if (std::string_view why = WhyNotStixTimestamp(StringOf(*value));
             !why.empty()) {
    Report(&node, rule::kTimestamp,
           tick + " " + Describe(*value) + " " + std::string(why) +
               "; STIX wants RFC 3339 in UTC such as "
               "2026-03-04T16:40:05.000Z");
  } else if (FractionDigits(StringOf(*value)) < 3 &&
             (type_ == nullptr ||
              type_->kind != ObjectKind::kMarkingDefinition)) {
    // STIX 2.1 §3.2 wants millisecond precision for `created` and
    // `modified`; the marking-definition schema (and MITRE's published
    // marking) do not, so marking definitions are exempt.
    Report(&node, rule::kTimestamp,
           tick + " " + Describe(*value) +
               " must be precise to at least the millisecond (three digits "
               "after the seconds, such as 2026-03-04T16:40:05.000Z)");
  }
}

void ObjectChecker::CheckCreatedModified() {
  const bool known = type_ != nullptr;
  CheckOneTimestamp("created", known && type_->requires_created);
  CheckOneTimestamp("modified", known && type_->requires_modified);

  std::string created, modified;
  if (!json::GetString(object_, "created", &created) ||
      !json::GetString(object_, "modified", &modified) ||
      !IsStixTimestamp(created) || !IsStixTimestamp(modified)) {
    return;  // absent or malformed: rule "timestamp" says so
  }
  if (CompareStixTimestamps(modified, created) < 0) {
    const PathNode node = PathNode::Member(nullptr, "modified");
    Report(&node, rule::kModifiedBeforeCreated,
           "`modified` " + modified + " is earlier than `created` " + created);
  }
}

// --- rule "extension": new object types carry their defining extension ------
void ObjectChecker::CheckNewObjectExtension() {
  if (type_->extension_id.empty()) return;
  const rapidjson::Value* extensions = json::Member(object_, "extensions");
  if (extensions != nullptr &&
      json::Member(*extensions, type_->extension_id.c_str()) != nullptr) {
    return;
  }
  const ExtensionDef* ext = catalog_.FindExtension(type_->extension_id);
  const PathNode node = PathNode::Member(nullptr, "extensions");
  Report(&node, rule::kExtension,
         Quote(type_name_) + " objects are defined by the " + ext->name +
             " extension and must carry extensions[\"" + ext->key +
             "\"] = {\"extension_type\": \"" + ext->extension_type + "\"}");
}

// --- warning "custom-prefix": custom object types -----------------------------
// STIX 2.1 custom objects are defined by an extension (new-sdo, new-sco,
// new-sro) and may be named freely; the older kind, without one, SHOULD be
// named x-<source>-<name>.
void ObjectChecker::CheckCustomTypeName() {
  if (!custom_type_ || type_name_.starts_with("x-") ||
      ExtensionKind(object_).has_value()) {
    return;
  }
  const PathNode node = PathNode::Member(nullptr, "type");
  Warn(&node, rule::kCustomPrefix,
       "custom object type " + Quote(type_name_) +
           " has no defining extension (an extension-definition with "
           "\"extension_type\": \"new-sdo\", \"new-sco\" or \"new-sro\") "
           "and does not start with \"x-\" as STIX asks of such types");
}

// --- rule "extension": extension_properties only for top-level properties ---
void ObjectChecker::CheckExtensionDefinition() {
  if (json::Member(object_, "extension_properties") == nullptr) return;
  const rapidjson::Value* types = json::Member(object_, "extension_types");
  if (types != nullptr && types->IsArray()) {
    for (const rapidjson::Value& t : types->GetArray()) {
      if (t.IsString() && StringOf(t) == "toplevel-property-extension") return;
    }
  }
  const PathNode node = PathNode::Member(nullptr, "extension_properties");
  Report(&node, rule::kExtension,
         "`extension_properties` is only for extension definitions whose "
         "`extension_types` include \"toplevel-property-extension\"");
}

ObjectFacts CheckObject(const rapidjson::Value& object,
                        std::string_view pointer, ProblemSink& sink,
                        int depth) {
  ObjectChecker checker(Catalog::Get(), sink, pointer, object, depth);
  return checker.Run();
}

}  // namespace certshare::schemas
