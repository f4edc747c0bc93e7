// A value against its property kind from the catalog, custom properties,
// required properties and the constraints between properties.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "common/base/json.h"
#include "schemas/describe.h"
#include "schemas/formats.h"
#include "schemas/object_checker.h"
#include "schemas/rules.h"

namespace certshare::schemas {

namespace {

// ±(2^53 − 1): the integers every JSON implementation holds exactly
// (I-JSON, RFC 7493 §2.2).
constexpr std::int64_t kMaxExact = (std::int64_t{1} << 53) - 1;

std::string_view StringOf(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

std::string Tick(std::string_view name) { return NameOf(name); }

bool IsExactNumber(const rapidjson::Value& v) {
  if (v.IsInt64()) {
    const std::int64_t i = v.GetInt64();
    return i >= -kMaxExact && i <= kMaxExact;
  }
  if (v.IsUint64())
    return v.GetUint64() <= static_cast<std::uint64_t>(kMaxExact);
  return std::fabs(v.GetDouble()) <= static_cast<double>(kMaxExact);
}

bool IsInteger(const rapidjson::Value& v) {
  if (v.IsInt64() || v.IsUint64()) return true;
  const double d = v.GetDouble();
  return std::isfinite(d) && std::trunc(d) == d;
}

std::string NumberText(double d) {
  std::string text = json::Write(rapidjson::Value(d));
  if (text.size() > 2 && text.substr(text.size() - 2) == ".0") {
    text.resize(text.size() - 2);
  }
  return text;
}

// "an identity", "a file or directory", "a domain object or cyber observable".
std::string DescribeTargets(const RefTargets& t) {
  std::vector<std::string> names;
  if (t.any) names.push_back("any STIX object but a bundle");
  if (t.any_sdo) names.push_back("domain object");
  if (t.any_sco) names.push_back("cyber observable");
  if (t.any_sro) names.push_back("relationship object");
  for (const std::string& type : t.types) names.push_back(type);
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  if (t.any) return out;
  const char first = out.empty() ? 'x' : out[0];
  const bool vowel = first == 'a' || first == 'e' || first == 'i' ||
                     first == 'o' || first == 'u';
  return (vowel ? "an " : "a ") + out;
}

bool TargetAllows(const Catalog& catalog, const RefTargets& t,
                  std::string_view type) {
  if (type == "bundle") return false;
  if (t.any) return true;
  for (const std::string& allowed : t.types) {
    if (allowed == type) return true;
  }
  if (!t.any_sdo && !t.any_sco && !t.any_sro) return false;
  const TypeDef* def = catalog.FindType(type);
  if (def == nullptr) return true;  // a custom type: its kind is unknown here
  return (t.any_sdo && def->kind == ObjectKind::kSdo) ||
         (t.any_sco && def->kind == ObjectKind::kSco) ||
         (t.any_sro && def->kind == ObjectKind::kSro);
}

// Up to six property names of `mask`, for messages.
std::string NamesOf(const StructDef& def, std::uint64_t mask) {
  std::string out;
  int listed = 0;
  for (const PropertyEntry& p : def.properties) {
    if ((mask >> p.index & 1) == 0) continue;
    if (listed == 6) return out + ", …";
    if (listed++ > 0) out += ", ";
    out += Tick(p.name);
  }
  return out;
}

int PopCount(std::uint64_t mask) {
  int n = 0;
  for (; mask != 0; mask &= mask - 1) ++n;
  return n;
}

}  // namespace

void ObjectChecker::Report(const PathNode* at, std::string_view rule,
                           std::string message) {
  sink_.Add(PointerTo(base_, at), rule, std::move(message));
}

void ObjectChecker::Warn(const PathNode* at, std::string_view rule,
                         std::string message) {
  sink_.Warn(PointerTo(base_, at), rule, std::move(message));
}

void ObjectChecker::WrongType(const PathNode* at, std::string_view name,
                              std::string_view expected,
                              const rapidjson::Value& value) {
  Report(at, rule::kValueType,
         Tick(name) + " must be " + std::string(expected) + ", not " +
             Describe(value));
}

bool ObjectChecker::DepthOk(const PathNode* at, int depth) {
  if (depth <= kMaxDepth) return true;
  if (!depth_reported_) {
    depth_reported_ = true;
    Report(at, rule::kDepth,
           "values nest deeper than " + std::to_string(kMaxDepth) +
               " levels; nothing deeper is checked");
  }
  return false;
}

void ObjectChecker::CheckValue(const rapidjson::Value& value,
                               const PropSpec& spec, std::string_view name,
                               const PathNode* at, int depth) {
  if (spec.kind == Kind::kSelf) return;
  if (value.IsNull()) {
    Report(at, rule::kNullValue,
           Tick(name) + " is null; leave an optional property out instead");
    return;
  }
  switch (spec.kind) {
    case Kind::kString:
      if (!value.IsString()) WrongType(at, name, "a string", value);
      return;
    case Kind::kBoolean:
      if (!value.IsBool()) WrongType(at, name, "true or false", value);
      return;
    case Kind::kAny:
      CheckGeneric(value, name, at, depth);
      return;
    case Kind::kObject:
      if (!value.IsObject()) {
        WrongType(at, name, "an object", value);
      } else {
        CheckGeneric(value, name, at, depth);
      }
      return;
    case Kind::kDictionary:
      CheckDictionary(value, spec, name, at, depth);
      return;
    case Kind::kHashes:
      CheckHashes(value, name, at);
      return;
    case Kind::kTimestamp:
    case Kind::kTimestampSeconds:
      CheckTimestampValue(value, spec, name, at);
      return;
    case Kind::kInteger:
    case Kind::kNumber:
      CheckNumber(value, spec, name, at);
      return;
    case Kind::kRef:
      CheckReference(value, *spec.targets, name, at);
      return;
    case Kind::kEnum:
      if (!value.IsString()) {
        WrongType(at, name, "a string", value);
      } else if (!spec.vocabulary->Contains(StringOf(value))) {
        std::string allowed;
        for (const std::string& v : spec.vocabulary->values) {
          allowed += (allowed.empty() ? "" : ", ") + v;
        }
        Report(at, rule::kEnum,
               Tick(name) + " " + Describe(value) + " is not one of " +
                   spec.vocabulary->name + ": " + allowed);
      }
      return;
    case Kind::kFormat:
      if (!value.IsString()) {
        WrongType(at, name, "a string", value);
      } else if (std::string_view why;
                 !HasFormat(spec.format, StringOf(value), &why)) {
        Report(at, rule::kFormat,
               Tick(name) + " " + Describe(value) + " " + std::string(why));
      }
      return;
    case Kind::kStruct:
      CheckStruct(value, *spec.def, name, at, depth);
      return;
    case Kind::kList:
      if (!value.IsArray()) {
        WrongType(at, name, "a list (JSON array)", value);
        return;
      }
      if (value.Empty()) {
        Report(at, rule::kEmptyList,
               Tick(name) + " is an empty list; leave it out instead");
        return;
      }
      if (!DepthOk(at, depth + 1)) return;
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        const PathNode node = PathNode::Index(at, i);
        CheckValue(value[i], *spec.item, name, &node, depth + 1);
      }
      return;
    case Kind::kMarkingRefs:
      CheckMarkingRefs(value, at);
      return;
    case Kind::kGranularMarkings:
      CheckGranularMarkings(value, at, depth);
      return;
    case Kind::kExtensions:
      CheckExtensions(value, at, depth);
      return;
    case Kind::kObservableObjects:
      CheckObservableObjects(value, at, depth);
      return;
    case Kind::kSelf:
      return;
  }
}

std::uint64_t ObjectChecker::CheckMembers(const rapidjson::Value& object,
                                          const StructDef& def,
                                          const PathNode* at, int depth,
                                          Scope scope) {
  std::uint64_t present = 0;
  if (!DepthOk(at, depth + 1)) return ~std::uint64_t{0};
  for (const auto& m : object.GetObject()) {
    const std::string_view name = StringOf(m.name);
    const PathNode node = PathNode::Member(at, name);
    if (const PropertyEntry* p = def.Find(name)) {
      present |= std::uint64_t{1} << p->index;
      CheckValue(m.value, *p->spec, name, &node, depth + 1);
    } else if (scope == Scope::kExtension && name == "extension_type") {
      continue;  // the caller checks it
    } else {
      CheckCustomProperty(name, m.value, &node, depth + 1, scope);
    }
  }
  return present;
}

void ObjectChecker::CheckStruct(const rapidjson::Value& value,
                                const StructDef& def, std::string_view name,
                                const PathNode* at, int depth) {
  if (!value.IsObject()) {
    WrongType(at, name, "an object (" + def.name + ")", value);
    return;
  }
  const std::uint64_t present =
      CheckMembers(value, def, at, depth, Scope::kStruct);
  CheckPresence(value, def, present, at, {"in a ", def.name, ""});
  if (def.hook == StructHook::kExternalReference) {
    CheckExternalReference(value, at);
  }
}

void ObjectChecker::CheckCustomProperty(std::string_view name,
                                        const rapidjson::Value& value,
                                        const PathNode* at, int depth,
                                        Scope scope) {
  if (!IsPropertyName(name)) {
    Report(at, rule::kPropertyName,
           "property name " + Quote(name) +
               " is not 3-250 ASCII letters, digits and '_' starting with a "
               "lower-case letter (custom properties are usually x_...)");
  } else if (scope == Scope::kObject && catalog_.IsReservedProperty(name)) {
    Report(at, rule::kReserved,
           Tick(name) + " is reserved by STIX 2.1 and must not be used");
    return;
  } else if (scope == Scope::kObject && !custom_type_ &&
             !name.starts_with("x_") && !HasToplevelExtension()) {
    Warn(at, rule::kCustomPrefix,
         Tick(name) + " is not a property of " + Quote(type_name_) +
             " objects; a custom property's name should start with \"x_\" "
             "(STIX asks it, so that no later STIX version gives the name "
             "another meaning)");
  }
  const bool binary = name.ends_with("_bin");
  const bool hex = name.ends_with("_hex");
  if ((binary || hex) && !value.IsNull()) {
    if (!value.IsString()) {
      WrongType(at, name, binary ? "a base64 string" : "a hex string", value);
    } else if (std::string_view why;
               !HasFormat(binary ? Format::kBase64 : Format::kHex,
                          StringOf(value), &why)) {
      Report(at, rule::kFormat,
             Tick(name) + " " + Describe(value) + " " + std::string(why) +
                 " (properties named *_" + (binary ? "bin" : "hex") + " hold " +
                 (binary ? "base64" : "hex") + ")");
    }
    return;
  }
  CheckGeneric(value, name, at, depth);
}

bool ObjectChecker::HasToplevelExtension() {
  if (!toplevel_extension_) {
    toplevel_extension_ = false;
    if (const rapidjson::Value* ext = json::Member(object_, "extensions");
        ext != nullptr && ext->IsObject()) {
      for (const auto& m : ext->GetObject()) {
        const rapidjson::Value* type = json::Member(m.value, "extension_type");
        if (type != nullptr && type->IsString() &&
            StringOf(*type) == "toplevel-property-extension") {
          toplevel_extension_ = true;
        }
      }
    }
  }
  return *toplevel_extension_;
}

void ObjectChecker::CheckGeneric(const rapidjson::Value& value,
                                 std::string_view name, const PathNode* at,
                                 int depth) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      Report(at, rule::kNullValue,
             Tick(name) + " holds null; leave the value out instead");
      return;
    case rapidjson::kNumberType:
      CheckExactNumber(value, name, at);
      return;
    case rapidjson::kArrayType:
      // No "empty-list" here: that rule belongs to the lists STIX defines
      // (Kind::kList); what reaches here (custom properties, content of
      // extensions STIX does not define) may hold empty lists.
      if (!DepthOk(at, depth + 1)) return;
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        const PathNode node = PathNode::Index(at, i);
        CheckGeneric(value[i], name, &node, depth + 1);
      }
      return;
    case rapidjson::kObjectType:
      if (!DepthOk(at, depth + 1)) return;
      for (const auto& m : value.GetObject()) {
        const PathNode node = PathNode::Member(at, StringOf(m.name));
        CheckGeneric(m.value, name, &node, depth + 1);
      }
      return;
    default:
      return;
  }
}

bool ObjectChecker::CheckExactNumber(const rapidjson::Value& value,
                                     std::string_view name,
                                     const PathNode* at) {
  if (IsExactNumber(value)) return true;
  Report(at, rule::kNumberPrecision,
         Tick(name) + " " + json::Write(value) +
             " is beyond ±(2^53−1) = ±9007199254740991, which not every JSON "
             "implementation reads exactly; send large values as strings");
  return false;
}

void ObjectChecker::CheckNumber(const rapidjson::Value& value,
                                const PropSpec& spec, std::string_view name,
                                const PathNode* at) {
  const bool integer = spec.kind == Kind::kInteger;
  if (!value.IsNumber()) {
    WrongType(at, name, integer ? "an integer" : "a number", value);
    return;
  }
  if (!CheckExactNumber(value, name, at)) return;
  if (integer && !IsInteger(value)) {
    Report(at, rule::kValueType,
           Tick(name) + " must be an integer, not " + json::Write(value));
    return;
  }
  const double d = value.GetDouble();
  if ((spec.has_min && d < spec.min) || (spec.has_max && d > spec.max)) {
    const std::string range =
        spec.has_min && spec.has_max
            ? NumberText(spec.min) + " to " + NumberText(spec.max)
        : spec.has_min ? "at least " + NumberText(spec.min)
                       : "at most " + NumberText(spec.max);
    Report(
        at, rule::kRange,
        Tick(name) + " " + json::Write(value) + " is out of range: " + range);
  }
}

void ObjectChecker::CheckTimestampValue(const rapidjson::Value& value,
                                        const PropSpec& spec,
                                        std::string_view name,
                                        const PathNode* at) {
  if (!value.IsString()) {
    WrongType(at, name, "a timestamp string such as 2026-03-04T16:40:05Z",
              value);
    return;
  }
  const std::string_view text = StringOf(value);
  if (std::string_view why = WhyNotStixTimestamp(text); !why.empty()) {
    Report(at, rule::kTimestamp,
           Tick(name) + " " + Describe(value) + " " + std::string(why) +
               "; STIX wants RFC 3339 in UTC such as 2026-03-04T16:40:05Z");
  } else if (spec.kind == Kind::kTimestampSeconds && FractionDigits(text) > 0) {
    Report(at, rule::kTimestamp,
           Tick(name) + " " + Describe(value) +
               " must be in whole seconds, without a fraction");
  }
}

bool ObjectChecker::CheckReference(const rapidjson::Value& value,
                                   const RefTargets& targets,
                                   std::string_view name, const PathNode* at) {
  if (!value.IsString()) {
    WrongType(at, name, "an identifier string \"<type>--<uuid>\"", value);
    return false;
  }
  const std::string_view text = StringOf(value);
  if (!IsStixIdOfAnyType(text)) {
    const std::string_view why = WhyNotStixUuid(
        text.size() >= 36 ? text.substr(text.size() - 36) : text);
    Report(at, rule::kRefFormat,
           Tick(name) + " " + Describe(value) + " " +
               (why.empty() ? std::string("is not an identifier "
                                          "\"<type>--<uuid>\" (lower-case "
                                          "RFC 4122 UUID)")
                            : std::string(why)));
    return false;
  }
  const std::string_view type = IdTypePrefix(text);
  if (!TargetAllows(catalog_, targets, type)) {
    Report(at, rule::kRefType,
           Tick(name) + " must refer to " + DescribeTargets(targets) +
               ", not to " + Quote(type));
    return false;
  }
  return true;
}

void ObjectChecker::CheckDictionary(const rapidjson::Value& value,
                                    const PropSpec& spec, std::string_view name,
                                    const PathNode* at, int depth) {
  const PropSpec* item = spec.item;
  if (!value.IsObject()) {
    WrongType(at, name, "a dictionary (JSON object)", value);
    return;
  }
  if (value.ObjectEmpty()) {
    Report(at, rule::kEmptyDictionary,
           Tick(name) + " is an empty dictionary; leave it out instead");
    return;
  }
  if (!DepthOk(at, depth + 1)) return;
  for (const auto& m : value.GetObject()) {
    const std::string_view key = StringOf(m.name);
    const PathNode node = PathNode::Member(at, key);
    if (!IsDictionaryKey(key)) {
      Report(&node, rule::kDictionaryKey,
             "key " + Quote(key) + " of " + Tick(name) +
                 " is not 1-250 ASCII letters, digits, '-' and '_'");
    } else if (spec.language_keys && !HasFormat(Format::kLang, key)) {
      Report(&node, rule::kDictionaryKey,
             "key " + Quote(key) + " of " + Tick(name) +
                 " is not an RFC 5646 language tag such as de or pt-BR");
    }
    if (item != nullptr) {
      CheckValue(m.value, *item, name, &node, depth + 1);
    } else {
      CheckGeneric(m.value, name, &node, depth + 1);
    }
  }
}

void ObjectChecker::CheckHashes(const rapidjson::Value& value,
                                std::string_view name, const PathNode* at) {
  if (!value.IsObject()) {
    WrongType(at, name, "a dictionary of hashes", value);
    return;
  }
  if (value.ObjectEmpty()) {
    Report(at, rule::kHashes,
           Tick(name) + " holds no hash; leave it out instead");
    return;
  }
  const Vocabulary& algorithms = catalog_.hash_algorithms();
  for (const auto& m : value.GetObject()) {
    const std::string_view key = StringOf(m.name);
    const PathNode node = PathNode::Member(at, key);
    if (!m.value.IsString()) {
      WrongType(&node, key, "a string", m.value);
      continue;
    }
    if (algorithms.Contains(key)) {
      if (!IsHashValue(key, StringOf(m.value))) {
        Report(&node, rule::kHashes,
               "the " + std::string(key) + " hash " + Describe(m.value) +
                   " is not a well-formed " + std::string(key) + " value");
      }
      continue;
    }
    if (key.starts_with("x_") && IsDictionaryKey(key)) continue;  // custom
    std::string suggestion;
    for (const std::string& a : algorithms.values) {
      std::string folded_a, folded_k;
      for (char c : a)
        if (c != '-') folded_a += static_cast<char>(c | 0x20);
      for (char c : key)
        if (c != '-' && c != '_') folded_k += static_cast<char>(c | 0x20);
      if (folded_a == folded_k) suggestion = " (did you mean " + a + "?)";
    }
    std::string names;
    for (const std::string& a : algorithms.values) {
      names += (names.empty() ? "" : ", ") + a;
    }
    Report(&node, rule::kHashes,
           "hash algorithm " + Quote(key) + " is not from hash-algorithm-ov (" +
               names + ")" + suggestion +
               "; custom algorithms are named x_...");
  }
}

void ObjectChecker::CheckExternalReference(const rapidjson::Value& value,
                                           const PathNode* at) {
  const rapidjson::Value* source = json::Member(value, "source_name");
  if (source == nullptr || !source->IsString()) return;
  const std::string_view s = StringOf(*source);
  if (s != "cve" && s != "capec") return;
  const rapidjson::Value* id = json::Member(value, "external_id");
  const PathNode node = PathNode::Member(at, "external_id");
  bool ok = id != nullptr && id->IsString();
  if (ok) {
    std::string_view text = StringOf(*id);
    auto digits = [](std::string_view t) {
      return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
        return c >= '0' && c <= '9';
      });
    };
    if (s == "cve") {
      // CVE-YYYY-NNNN..., four digits or more, no leading zero beyond four.
      ok = text.size() >= 13 && text.substr(0, 4) == "CVE-" &&
           digits(text.substr(4, 4)) && text[8] == '-' &&
           digits(text.substr(9)) && (text.size() == 13 || text[9] != '0');
    } else {
      ok = text.substr(0, 6) == "CAPEC-" && digits(text.substr(6));
    }
  }
  if (!ok) {
    Report(&node, rule::kExternalReference,
           "an external reference with source_name \"" + std::string(s) +
               "\" needs `external_id` " +
               (s == "cve" ? "CVE-YYYY-NNNN (such as CVE-2021-44228)"
                           : "CAPEC-N (such as CAPEC-98)"));
  }
}

std::string ObjectChecker::Where::Text() const {
  return std::string(prefix) + (quote ? Quote(name) : std::string(name)) +
         std::string(suffix);
}

void ObjectChecker::CheckPresence(const rapidjson::Value& object,
                                  const StructDef& def, std::uint64_t present,
                                  const PathNode* at, const Where& where) {
  if (present == ~std::uint64_t{0}) return;  // not walked (too deep)
  auto what = [&where] { return where.Text(); };
  if (const std::uint64_t missing = def.required_mask & ~present; missing) {
    for (const PropertyEntry& p : def.properties) {
      if ((missing >> p.index & 1) == 0) continue;
      const PathNode node = PathNode::Member(at, p.name);
      Report(&node, rule::kRequired, Tick(p.name) + " is required " + what());
    }
  }
  auto value_of = [&](int index) -> const rapidjson::Value* {
    return json::Member(object, def.At(index).name.c_str());
  };
  for (const Constraint& c : def.constraints) {
    const bool has_subject = c.subject >= 0 && (present >> c.subject & 1);
    switch (c.op) {
      case Constraint::Op::kAtLeastOne:
        if ((present & c.mask) == 0) {
          Report(at, rule::kPropertyDependency,
                 "at least one of " + NamesOf(def, c.mask) + " is required " +
                     what());
        }
        break;
      case Constraint::Op::kExclusive:
        if (PopCount(present & c.mask) > 1) {
          Report(at, rule::kPropertyDependency,
                 "only one of " + NamesOf(def, present & c.mask) +
                     " may be present " + what());
        }
        break;
      case Constraint::Op::kRequires:
        if (has_subject && (present & c.mask) != c.mask) {
          const PathNode node = PathNode::Member(at, def.At(c.subject).name);
          Report(&node, rule::kPropertyDependency,
                 Tick(def.At(c.subject).name) + " needs " +
                     NamesOf(def, c.mask & ~present) + " as well");
        }
        break;
      case Constraint::Op::kIfBoolean: {
        const rapidjson::Value* v = has_subject ? value_of(c.subject) : nullptr;
        if (v == nullptr || !v->IsBool() || v->GetBool() != c.when) break;
        const std::string condition =
            Tick(def.At(c.subject).name) + " is " + (c.when ? "true" : "false");
        if ((present & c.mask) != c.mask) {
          Report(at, rule::kPropertyDependency,
                 NamesOf(def, c.mask & ~present) + " is required when " +
                     condition);
        }
        if (const std::uint64_t bad = present & c.forbid; bad) {
          Report(at, rule::kPropertyDependency,
                 NamesOf(def, bad) + " must not be present when " + condition);
        }
        break;
      }
      case Constraint::Op::kLater: {
        if (!has_subject || (present >> c.other & 1) == 0) break;
        const rapidjson::Value* later = value_of(c.subject);
        const rapidjson::Value* earlier = value_of(c.other);
        if (!later->IsString() || !earlier->IsString() ||
            !IsStixTimestamp(StringOf(*later)) ||
            !IsStixTimestamp(StringOf(*earlier))) {
          break;  // the value checks said so
        }
        const int order =
            CompareStixTimestamps(StringOf(*later), StringOf(*earlier));
        if (order < 0 || (order == 0 && !c.or_equal)) {
          const PathNode node = PathNode::Member(at, def.At(c.subject).name);
          Report(
              &node, rule::kTimeOrder,
              Tick(def.At(c.subject).name) + " " + Describe(*later) +
                  (c.or_equal ? " is earlier than " : " is not later than ") +
                  Tick(def.At(c.other).name) + " " + Describe(*earlier));
        }
        break;
      }
    }
  }
}

}  // namespace certshare::schemas
