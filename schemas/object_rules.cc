// The per-object rules. Each rule is one function and one row of
// kObjectRules, which binds it to its stable id; a rule reports every
// problem it finds and never stops the others.
#include "schemas/object_rules.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "common/base/json.h"
#include "schemas/describe.h"
#include "schemas/formats.h"
#include "schemas/rules.h"
#include "schemas/stix_check.h"

namespace certshare::schemas {

namespace {

constexpr std::string_view kSpecVersion = "2.1";

struct ObjectContext {
  const rapidjson::Value& object;
  // nullptr when `type` is missing or malformed.
  const TypeTraits* traits;
  std::string_view type;  // meaningful when traits != nullptr
};

std::string_view StringOf(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// `object_marking_refs` entries that are valid marking-definition ids.
bool IsMarkingId(const rapidjson::Value& v) {
  return v.IsString() && IsStixId(StringOf(v), "marking-definition");
}

// The distinct TLP 2.0 levels among an object's marking refs, in order of
// first appearance. Other markings (TLP 1.0, statements, ...) are ignored.
std::vector<Tlp> TlpLevels(const rapidjson::Value& object) {
  std::vector<Tlp> levels;
  const rapidjson::Value* refs = json::Member(object, "object_marking_refs");
  if (refs == nullptr || !refs->IsArray()) return levels;
  for (const rapidjson::Value& ref : refs->GetArray()) {
    if (!ref.IsString()) continue;
    std::optional<Tlp> tlp = TlpFromMarkingId(StringOf(ref));
    if (tlp && std::find(levels.begin(), levels.end(), *tlp) == levels.end()) {
      levels.push_back(*tlp);
    }
  }
  return levels;
}

// --- rule "type" ---------------------------------------------------------
void CheckType(const ObjectContext& ctx, RuleReporter& report) {
  const rapidjson::Value* type = json::Member(ctx.object, "type");
  if (type == nullptr) {
    const rapidjson::Value* objects = json::Member(ctx.object, "objects");
    report.Add("/type", objects != nullptr && objects->IsArray()
                            ? "`type` is required (this looks like a bundle: "
                              "add \"type\": \"bundle\")"
                            : "`type` is required");
  } else if (!type->IsString()) {
    report.Add("/type", "`type` must be a string, not " + Describe(*type));
  } else if (ctx.traits == nullptr) {
    report.Add("/type", "`type` " + Describe(*type) +
                            " is not a STIX type name: 3-250 characters of "
                            "a-z, 0-9 and '-', starting and ending with a "
                            "letter or digit");
  }
}

// --- rule "id-format" ----------------------------------------------------
void CheckId(const ObjectContext& ctx, RuleReporter& report) {
  const rapidjson::Value* id = json::Member(ctx.object, "id");
  if (id == nullptr) {
    report.Add("/id", "`id` is required");
    return;
  }
  if (!id->IsString()) {
    report.Add("/id", "`id` must be a string, not " + Describe(*id));
    return;
  }
  const std::string_view text = StringOf(*id);
  if (ctx.traits == nullptr) {  // no usable type: check the form only
    if (!IsStixIdOfAnyType(text)) {
      report.Add("/id", "`id` " + Quote(text) +
                            " is not \"<type>--<uuid>\" with a lower-case "
                            "RFC 4122 UUID");
    }
    return;
  }
  if (IsStixId(text, ctx.type)) return;
  const std::string expected = std::string(ctx.type) + "--";
  const std::string_view prefix = IdTypePrefix(text);
  if (IsStixIdOfAnyType(text) && prefix != ctx.type) {
    report.Add("/id", "`id` " + Quote(text) + " names type " + Quote(prefix) +
                          " but the object's type is " + Quote(ctx.type));
  } else if (std::any_of(text.begin(), text.end(),
                         [](char c) { return c >= 'A' && c <= 'F'; }) &&
             text.substr(0, expected.size()) == expected) {
    report.Add("/id", "`id` " + Quote(text) +
                          " has upper-case hex digits; STIX ids use "
                          "lower-case UUIDs");
  } else {
    report.Add("/id", "`id` must be \"" + expected +
                          "\" followed by a lower-case RFC 4122 UUID "
                          "(8-4-4-4-12 hex digits), not " +
                          Quote(text));
  }
}

// --- rule "spec-version" -------------------------------------------------
void CheckSpecVersion(const ObjectContext& ctx, RuleReporter& report) {
  const rapidjson::Value* version = json::Member(ctx.object, "spec_version");
  if (version == nullptr) {
    if (ctx.traits != nullptr && ctx.traits->requires_spec_version) {
      report.Add("/spec_version",
                 "`spec_version` is required and must be \"2.1\"");
    }
  } else if (!version->IsString() || StringOf(*version) != kSpecVersion) {
    report.Add("/spec_version", "`spec_version` must be \"2.1\", not " +
                                    Describe(*version) +
                                    " (only STIX 2.1 is accepted)");
  }
}

// --- rule "timestamp" ----------------------------------------------------
void CheckOneTimestamp(const ObjectContext& ctx, RuleReporter& report,
                       const char* name, bool required) {
  const rapidjson::Value* value = json::Member(ctx.object, name);
  const std::string pointer = std::string("/") + name;
  if (value == nullptr) {
    if (required) {
      report.Add(pointer, "`" + std::string(name) + "` is required on " +
                              Quote(ctx.type) + " objects");
    }
  } else if (!value->IsString()) {
    report.Add(pointer, "`" + std::string(name) +
                            "` must be a timestamp string such as "
                            "2026-03-04T16:40:05.000Z, not " +
                            Describe(*value));
  } else if (std::string_view why = WhyNotStixTimestamp(StringOf(*value));
             !why.empty()) {
    report.Add(pointer, "`" + std::string(name) + "` " + Describe(*value) +
                            " " + std::string(why) +
                            "; STIX wants RFC 3339 in UTC such as "
                            "2026-03-04T16:40:05.000Z");
  }
}

void CheckTimestamps(const ObjectContext& ctx, RuleReporter& report) {
  const bool known = ctx.traits != nullptr;
  CheckOneTimestamp(ctx, report, "created",
                    known && ctx.traits->requires_created);
  CheckOneTimestamp(ctx, report, "modified",
                    known && ctx.traits->requires_modified);
}

// --- rule "modified-before-created" --------------------------------------
void CheckModifiedAfterCreated(const ObjectContext& ctx, RuleReporter& report) {
  std::string created, modified;
  if (!json::GetString(ctx.object, "created", &created) ||
      !json::GetString(ctx.object, "modified", &modified) ||
      !IsStixTimestamp(created) || !IsStixTimestamp(modified)) {
    return;  // absent or malformed: rule "timestamp" says so
  }
  if (CompareStixTimestamps(modified, created) < 0) {
    report.Add("/modified", "`modified` " + modified +
                                " is earlier than `created` " + created);
  }
}

// --- rule "marking-refs" -------------------------------------------------
void CheckMarkingRefs(const ObjectContext& ctx, RuleReporter& report) {
  const rapidjson::Value* refs =
      json::Member(ctx.object, "object_marking_refs");
  if (refs == nullptr) return;
  if (!refs->IsArray() || refs->Empty()) {
    report.Add("/object_marking_refs",
               "`object_marking_refs` must be a non-empty array of "
               "marking-definition ids, not " +
                   (refs->IsArray() ? std::string("an empty array")
                                    : Describe(*refs)));
    return;
  }
  for (rapidjson::SizeType i = 0; i < refs->Size(); ++i) {
    const rapidjson::Value& ref = (*refs)[i];
    if (!IsMarkingId(ref)) {
      report.Add("/object_marking_refs/" + std::to_string(i),
                 "`object_marking_refs` entries must be "
                 "\"marking-definition--<uuid>\" ids, not " +
                     Describe(ref));
    }
  }
}

// --- rule "tlp-conflict" -------------------------------------------------
void CheckTlpConflict(const ObjectContext& ctx, RuleReporter& report) {
  const std::vector<Tlp> levels = TlpLevels(ctx.object);
  if (levels.size() < 2) return;
  std::string names;
  for (Tlp tlp : levels) {
    if (!names.empty()) names += " and ";
    names += "TLP:";
    for (char c : TlpName(tlp))
      names += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  report.Add("/object_marking_refs",
             "the object is marked " + names +
                 " at once; keep exactly one TLP 2.0 marking");
}

using RuleCheck = void (*)(const ObjectContext&, RuleReporter&);

struct ObjectRule {
  std::string_view id;
  bool applies_to_bundle;  // also run on a bundle's own properties
  RuleCheck check;
};

constexpr ObjectRule kObjectRules[] = {
    {rule::kType, true, CheckType},
    {rule::kIdFormat, true, CheckId},
    {rule::kSpecVersion, false, CheckSpecVersion},
    {rule::kTimestamp, false, CheckTimestamps},
    {rule::kModifiedBeforeCreated, false, CheckModifiedAfterCreated},
    {rule::kMarkingRefs, false, CheckMarkingRefs},
    {rule::kTlpConflict, false, CheckTlpConflict},
};

// `modified` if it is a valid timestamp, else `created` if valid, else "".
std::string VersionOf(const rapidjson::Value& object) {
  std::string value;
  for (const char* name : {"modified", "created"}) {
    if (json::GetString(object, name, &value) && IsStixTimestamp(value)) {
      return value;
    }
  }
  return "";
}

}  // namespace

ObjectFacts CheckObject(const rapidjson::Value& object,
                        std::string_view pointer, ProblemSink& sink) {
  ObjectFacts facts;
  json::GetString(object, "type", &facts.type);
  json::GetString(object, "id", &facts.id);
  if (IsStixType(facts.type)) facts.traits = &TraitsOf(facts.type);

  const ObjectContext ctx{object, facts.traits, facts.type};
  const bool is_bundle =
      facts.traits != nullptr && facts.traits->kind == ObjectKind::kBundle;
  for (const ObjectRule& r : kObjectRules) {
    if (is_bundle && !r.applies_to_bundle) continue;
    RuleReporter report(sink, pointer, r.id);
    r.check(ctx, report);
  }

  facts.version = VersionOf(object);
  facts.has_timestamp_property = json::Member(object, "modified") != nullptr ||
                                 json::Member(object, "created") != nullptr;
  const std::vector<Tlp> levels = TlpLevels(object);
  if (!levels.empty())
    facts.tlp = *std::max_element(levels.begin(), levels.end());
  return facts;
}

}  // namespace certshare::schemas
