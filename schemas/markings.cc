// Data markings: object_marking_refs, granular markings and their
// selectors, the TLP level an object carries, and the content of marking
// definitions (statement, TLP 1.0, TLP 2.0).
#include <algorithm>
#include <cctype>

#include "common/base/json.h"
#include "schemas/describe.h"
#include "schemas/formats.h"
#include "schemas/object_checker.h"
#include "schemas/rules.h"
#include "schemas/stix_check.h"

namespace certshare::schemas {

namespace {

constexpr std::string_view kTlp2Extension =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
// The date of the four TLP 1.0 marking definitions of STIX 2.1 §7.2.1.4.
constexpr std::string_view kTlp1Created = "2017-01-20T00:00:00.000Z";

std::string_view StringOf(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsSelectorName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// "[12]" -> 12; false unless the whole text is "[digits]".
bool ParseIndex(std::string_view s, std::size_t* index) {
  if (s.size() < 3 || s.front() != '[' || s.back() != ']' || s.size() > 12) {
    return false;
  }
  std::size_t value = 0;
  for (char c : s.substr(1, s.size() - 2)) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  *index = value;
  return true;
}

// Specs for values the catalog does not describe (granular marking `lang`,
// a marking `definition` of a type other than statement or tlp).
const PropSpec& LangSpec() {
  static const PropSpec spec = [] {
    PropSpec s;
    s.kind = Kind::kFormat;
    s.format = Format::kLang;
    return s;
  }();
  return spec;
}
const PropSpec& ObjectSpec() {
  static const PropSpec spec = [] {
    PropSpec s;
    s.kind = Kind::kObject;
    return s;
  }();
  return spec;
}

const RefTargets& MarkingTargets() {
  static const RefTargets* targets = [] {
    auto* t = new RefTargets();
    t->types.push_back("marking-definition");
    return t;
  }();
  return *targets;
}

}  // namespace

std::optional<Tlp> TlpOfMarking(std::string_view marking_id) {
  if (std::optional<Tlp> tlp2 = TlpFromMarkingId(marking_id)) return tlp2;
  const std::string_view tlp1 = Catalog::Get().Tlp1LevelOf(marking_id);
  if (tlp1.empty()) return std::nullopt;
  return tlp1 == "white" ? Tlp::kClear : ParseTlp(tlp1);
}

bool IsTlp1Marking(std::string_view marking_id) {
  return !Catalog::Get().Tlp1LevelOf(marking_id).empty();
}

std::string DescribeTlpMarking(const Summary& summary) {
  if (!summary.tlp) return "";
  const std::string level = "TLP:" + Upper(TlpName(*summary.tlp));
  const std::string_view tlp1 = Catalog::Get().Tlp1LevelOf(summary.tlp_marking);
  const std::string which =
      tlp1.empty() ? "TLP 2.0 " + Upper(TlpName(*summary.tlp))
                   : "TLP 1.0 " + Upper(tlp1);
  if (summary.tlp_object == summary.tlp_marking) {
    return "the document contains the " + level + " marking definition " +
           summary.tlp_marking + " (" + which + ")";
  }
  return summary.tlp_object + " is marked " + level + " by " +
         summary.tlp_marking + " (" + which + ")";
}

void ObjectChecker::NoteTlp(std::string_view marking_id, bool object_level) {
  const std::optional<Tlp> tlp = TlpOfMarking(marking_id);
  if (!tlp) return;
  if (!tlp_ || *tlp > *tlp_) {
    tlp_ = tlp;
    tlp_marking_ = marking_id;
  }
  if (object_level && std::find(object_tlps_.begin(), object_tlps_.end(),
                                *tlp) == object_tlps_.end()) {
    object_tlps_.push_back(*tlp);
  }
}

// --- rule "marking-refs" -----------------------------------------------------
void ObjectChecker::CheckMarkingRefs(const rapidjson::Value& refs,
                                     const PathNode* at) {
  if (!refs.IsArray() || refs.Empty()) {
    Report(
        at, rule::kMarkingRefs,
        "`object_marking_refs` must be a non-empty array of "
        "marking-definition ids, not " +
            (refs.IsArray() ? std::string("an empty array") : Describe(refs)));
    return;
  }
  for (rapidjson::SizeType i = 0; i < refs.Size(); ++i) {
    const rapidjson::Value& ref = refs[i];
    if (ref.IsString() && IsStixId(StringOf(ref), "marking-definition")) {
      NoteTlp(StringOf(ref), true);
      continue;
    }
    const PathNode node = PathNode::Index(at, i);
    Report(&node, rule::kMarkingRefs,
           "`object_marking_refs` entries must be "
           "\"marking-definition--<uuid>\" ids, not " +
               Describe(ref));
  }
}

// --- rule "tlp-conflict" -----------------------------------------------------
void ObjectChecker::CheckTlpConflict() {
  if (object_tlps_.size() < 2) return;
  std::string names;
  for (Tlp tlp : object_tlps_) {
    if (!names.empty()) names += " and ";
    names += "TLP:" + Upper(TlpName(tlp));
  }
  const PathNode node = PathNode::Member(nullptr, "object_marking_refs");
  Report(&node, rule::kTlpConflict,
         "the object is marked " + names +
             " at once; keep exactly one TLP level (TLP 1.0 WHITE and TLP 2.0 "
             "CLEAR are the same level, so are the other names)");
}

// --- rules "granular-marking" and "selector" ---------------------------------
void ObjectChecker::CheckGranularMarkings(const rapidjson::Value& value,
                                          const PathNode* at, int depth) {
  if (!value.IsArray()) {
    WrongType(at, "granular_markings", "a list of granular markings", value);
    return;
  }
  if (value.Empty()) {
    Report(at, rule::kEmptyList,
           "`granular_markings` is an empty list; leave it out instead");
    return;
  }
  if (!DepthOk(at, depth + 2)) return;
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    const rapidjson::Value& marking = value[i];
    const PathNode entry = PathNode::Index(at, i);
    if (!marking.IsObject()) {
      WrongType(&entry, "granular_markings", "a granular marking (object)",
                marking);
      continue;
    }
    const rapidjson::Value* ref = json::Member(marking, "marking_ref");
    const rapidjson::Value* lang = json::Member(marking, "lang");
    if (ref != nullptr && lang != nullptr) {
      Report(&entry, rule::kGranularMarking,
             "a granular marking has exactly one of `marking_ref` and `lang`, "
             "not both");
    } else if (ref == nullptr && lang == nullptr) {
      Report(&entry, rule::kGranularMarking,
             "a granular marking needs `marking_ref` (a marking-definition id) "
             "or `lang` (the language of the selected text)");
    }
    if (json::Member(marking, "selectors") == nullptr) {
      const PathNode node = PathNode::Member(&entry, "selectors");
      Report(&node, rule::kRequired,
             "`selectors` is required in a granular marking");
    }
    for (const auto& m : marking.GetObject()) {
      const std::string_view name = StringOf(m.name);
      const PathNode node = PathNode::Member(&entry, name);
      if (name == "marking_ref") {
        if (m.value.IsNull()) {
          Report(&node, rule::kNullValue, "`marking_ref` is null");
        } else if (CheckReference(m.value, MarkingTargets(), name, &node)) {
          NoteTlp(StringOf(m.value), false);
        }
      } else if (name == "lang") {
        CheckValue(m.value, LangSpec(), name, &node, depth + 2);
      } else if (name == "selectors") {
        if (!m.value.IsArray() || m.value.Empty()) {
          Report(&node, rule::kGranularMarking,
                 "`selectors` must be a non-empty list of selectors such as "
                 "\"description\" or \"external_references.[0].url\", not " +
                     (m.value.IsArray() ? std::string("an empty list")
                                        : Describe(m.value)));
          continue;
        }
        for (rapidjson::SizeType j = 0; j < m.value.Size(); ++j) {
          const PathNode s = PathNode::Index(&node, j);
          CheckSelector(m.value[j], &s);
        }
      } else {
        CheckCustomProperty(name, m.value, &node, depth + 2, Scope::kStruct);
      }
    }
  }
}

// A selector is a path from the object's root: property names and [n] list
// indexes joined by '.', such as "external_references.[0].url". It must
// select something that is there.
void ObjectChecker::CheckSelector(const rapidjson::Value& selector,
                                  const PathNode* at) {
  if (!selector.IsString()) {
    WrongType(at, "selectors", "a selector string", selector);
    return;
  }
  std::string_view rest = StringOf(selector);
  const rapidjson::Value* current = &object_;
  bool first = true;
  while (true) {
    const std::size_t dot = rest.find('.');
    const std::string_view step = rest.substr(0, dot);
    std::size_t index = 0;
    const bool is_index = !first && ParseIndex(step, &index);
    if (!is_index && !IsSelectorName(step)) {
      Report(at, rule::kSelector,
             "selector " + Describe(selector) +
                 " is not property names and [n] list indexes joined by '.' "
                 "(such as \"external_references.[0].url\")");
      return;
    }
    const rapidjson::Value* next = nullptr;
    if (is_index) {
      if (current->IsArray() && index < current->Size()) {
        next = &(*current)[static_cast<rapidjson::SizeType>(index)];
      }
    } else if (current->IsObject()) {
      auto it = current->FindMember(rapidjson::Value(rapidjson::StringRef(
          step.data(), static_cast<rapidjson::SizeType>(step.size()))));
      if (it != current->MemberEnd()) next = &it->value;
    }
    if (next == nullptr) {
      Report(at, rule::kSelector,
             "selector " + Describe(selector) +
                 " selects nothing in this object (no " + Quote(step) +
                 " there)");
      return;
    }
    current = next;
    first = false;
    if (dot == std::string_view::npos) return;
    rest.remove_prefix(dot + 1);
  }
}

// --- rule "marking-definition" -----------------------------------------------
void ObjectChecker::CheckMarkingDefinition() {
  const rapidjson::Value* type = json::Member(object_, "definition_type");
  const rapidjson::Value* definition = json::Member(object_, "definition");
  const bool extended = json::Member(object_, "extensions") != nullptr;
  const PathNode type_node = PathNode::Member(nullptr, "definition_type");
  const PathNode def_node = PathNode::Member(nullptr, "definition");
  if (!extended && (type == nullptr || definition == nullptr)) {
    Report(type == nullptr ? &type_node : &def_node, rule::kMarkingDefinition,
           "a marking definition without `extensions` needs both "
           "`definition_type` (such as \"statement\") and `definition`");
  } else if (definition != nullptr && type == nullptr) {
    Report(&type_node, rule::kMarkingDefinition,
           "`definition` needs `definition_type` to say what kind of marking "
           "it is");
  }
  std::string id;
  json::GetString(object_, "id", &id);
  const std::string_view tlp1_level = catalog_.Tlp1LevelOf(id);
  const std::string_view kind =
      type != nullptr && type->IsString() ? StringOf(*type) : "";

  if (definition != nullptr) {
    if (kind == "statement" || kind == "tlp") {
      CheckStruct(*definition,
                  *catalog_.FindStruct(kind == "tlp" ? "tlp-1-marking"
                                                     : "statement-marking"),
                  "definition", &def_node, depth_ + 1);
    } else {
      CheckValue(*definition, ObjectSpec(), "definition", &def_node,
                 depth_ + 1);
    }
  }
  if (kind != "tlp") {
    if (!tlp1_level.empty()) {
      Report(&type_node, rule::kMarkingDefinition,
             "this is the id of the TLP 1.0 TLP:" + Upper(tlp1_level) +
                 " marking definition, whose `definition_type` is \"tlp\"");
    }
    return;
  }
  // TLP 1.0: only the four canonical objects of STIX 2.1 §7.2.1.4.
  std::string level, name, created;
  if (definition != nullptr) json::GetString(*definition, "tlp", &level);
  json::GetString(object_, "name", &name);
  json::GetString(object_, "created", &created);
  const std::string_view canonical = catalog_.Tlp1MarkingId(level);
  if (canonical.empty()) return;  // the struct check named the bad level
  if (id != canonical || name != "TLP:" + Upper(level) ||
      created != kTlp1Created) {
    Report(&def_node, rule::kMarkingDefinition,
           "a TLP 1.0 marking definition must be the canonical TLP:" +
               Upper(level) + " object (id " + std::string(canonical) +
               ", name \"TLP:" + Upper(level) + "\", created " +
               std::string(kTlp1Created) + "); refer to that id instead");
  }
}

// --- rule "tlp-definition" ---------------------------------------------------
void ObjectChecker::CheckTlpDefinition() {
  std::string id, name, claimed;
  json::GetString(object_, "id", &id);
  json::GetString(object_, "name", &name);
  const rapidjson::Value* extensions = json::Member(object_, "extensions");
  const rapidjson::Value* ext =
      extensions != nullptr
          ? json::Member(*extensions, std::string(kTlp2Extension).c_str())
          : nullptr;
  if (ext != nullptr) json::GetString(*ext, "tlp_2_0", &claimed);

  const std::optional<Tlp> level = TlpFromMarkingId(id);
  const PathNode node = PathNode::Member(nullptr, "extensions");
  if (level) {
    const std::string expected(TlpName(*level));
    const std::string label = "TLP:" + Upper(expected);
    if (claimed != expected ||
        (json::Member(object_, "name") && name != label)) {
      Report(&node, rule::kTlpDefinition,
             "this is the id of the TLP 2.0 " + label +
                 " marking definition: it must be named \"" + label +
                 "\" and carry extensions[\"" + std::string(kTlp2Extension) +
                 "\"] with \"tlp_2_0\": \"" + expected + "\"");
    }
    return;
  }
  if (const std::optional<Tlp> claim = ParseTlp(claimed);
      claim && claimed == TlpName(*claim)) {
    Report(&node, rule::kTlpDefinition,
           "only the official TLP:" + Upper(claimed) + " marking definition (" +
               std::string(TlpMarkingId(*claim)) +
               ") may declare \"tlp_2_0\": \"" + claimed +
               "\"; mark objects with that id instead");
  }
}

}  // namespace certshare::schemas
