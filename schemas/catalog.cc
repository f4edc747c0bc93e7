// Loads stix21_catalog.json into a Catalog: vocabularies, structs, types
// (common properties merged in), extensions, and the constraints between
// properties. Every name the file uses is resolved here, so a typo in the
// data fails the load (and catalog_test), never a check at run time.
#include "schemas/catalog.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "common/base/json.h"
#include "schemas/catalog_spec.h"

namespace certshare::schemas {

namespace {

constexpr std::size_t kMaxProperties = 64;  // presence masks are 64 bits

std::string_view StringOf(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

Status Bad(std::string message) {
  return Status(ErrorCode::kInternal, "stix21_catalog.json: " + message);
}

}  // namespace

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
  }
  return "object";
}

bool Vocabulary::Contains(std::string_view value) const {
  return std::find(values.begin(), values.end(), value) != values.end();
}

const PropertyEntry* StructDef::Find(std::string_view name) const {
  if (name.size() + 1 >= bucket_.size()) return nullptr;
  for (std::uint8_t i = bucket_[name.size()]; i < bucket_[name.size() + 1];
       ++i) {
    const PropertyEntry& e = properties[by_length_[i]];
    if (e.name[0] == name[0] &&
        std::memcmp(e.name.data(), name.data(), name.size()) == 0) {
      return &e;
    }
  }
  return nullptr;
}

void StructDef::Index() {
  std::size_t longest = 0;
  for (const PropertyEntry& p : properties) {
    longest = std::max(longest, p.name.size());
  }
  by_length_.clear();
  bucket_.assign(longest + 2, 0);
  for (std::size_t length = 0; length <= longest; ++length) {
    bucket_[length] = static_cast<std::uint8_t>(by_length_.size());
    for (const PropertyEntry& p : properties) {
      if (p.name.size() == length) {
        by_length_.push_back(static_cast<std::uint8_t>(p.index));
      }
    }
  }
  bucket_[longest + 1] = static_cast<std::uint8_t>(by_length_.size());
}

const PropertyEntry& StructDef::At(int index) const {
  return properties[static_cast<std::size_t>(index)];
}

// Builds a Catalog from the parsed file. One instance per load.
class CatalogLoader {
 public:
  explicit CatalogLoader(Catalog* catalog) : c_(*catalog), specs_(catalog) {}

  Status Load(const rapidjson::Value& root) {
    if (!root.IsObject()) return Bad("the root must be an object");
    CERTSHARE_RETURN_IF_ERROR(LoadVocabularies(Section(root, "vocabularies")));
    CERTSHARE_RETURN_IF_ERROR(LoadNames(root));
    CERTSHARE_RETURN_IF_ERROR(DeclareStructs(Section(root, "structs")));
    common_ = &Section(root, "common");
    CERTSHARE_RETURN_IF_ERROR(LoadStructs(Section(root, "structs")));
    CERTSHARE_RETURN_IF_ERROR(LoadTypes(Section(root, "types")));
    CERTSHARE_RETURN_IF_ERROR(LoadCustomTypes());
    CERTSHARE_RETURN_IF_ERROR(LoadExtensions(Section(root, "extensions")));
    c_.hash_algorithms_ = c_.FindVocabulary("hash-algorithm-ov");
    c_.extension_types_ = c_.FindVocabulary("extension-type-enum");
    if (c_.hash_algorithms_ == nullptr || c_.extension_types_ == nullptr) {
      return Bad("hash-algorithm-ov and extension-type-enum are needed");
    }
    return error_;
  }

 private:
  const rapidjson::Value& Section(const rapidjson::Value& root,
                                  const char* name) {
    static const rapidjson::Value kEmpty(rapidjson::kObjectType);
    const rapidjson::Value* v = json::Member(root, name);
    if (v == nullptr || !v->IsObject()) {
      if (error_.ok())
        error_ = Bad(std::string("missing object \"") + name + "\"");
      return kEmpty;
    }
    return *v;
  }

  Status StringList(const rapidjson::Value& v, const std::string& where,
                    std::vector<std::string>* out) {
    if (!v.IsArray()) return Bad(where + " must be an array of strings");
    for (const rapidjson::Value& s : v.GetArray()) {
      if (!s.IsString()) return Bad(where + " must be an array of strings");
      out->emplace_back(StringOf(s));
    }
    return Status::Ok();
  }

  Status LoadVocabularies(const rapidjson::Value& section) {
    for (const auto& m : section.GetObject()) {
      Vocabulary& v = c_.vocabularies_.emplace_back();
      v.name = StringOf(m.name);
      CERTSHARE_RETURN_IF_ERROR(
          StringList(m.value, "vocabulary " + v.name, &v.values));
      if (v.values.empty()) return Bad("vocabulary " + v.name + " is empty");
    }
    return Status::Ok();
  }

  Status LoadNames(const rapidjson::Value& root) {
    const rapidjson::Value* reserved =
        json::Member(root, "reserved_properties");
    const rapidjson::Value* types = json::Member(root, "reserved_types");
    if (reserved == nullptr || types == nullptr) {
      return Bad("reserved_properties and reserved_types are needed");
    }
    CERTSHARE_RETURN_IF_ERROR(
        StringList(*reserved, "reserved_properties", &c_.reserved_properties_));
    CERTSHARE_RETURN_IF_ERROR(
        StringList(*types, "reserved_types", &c_.reserved_types_));
    for (const auto& m : Section(root, "tlp_1_markings").GetObject()) {
      if (!m.value.IsString()) return Bad("tlp_1_markings values are ids");
      c_.tlp1_.emplace_back(StringOf(m.name), StringOf(m.value));
    }
    return Status::Ok();
  }

  Status DeclareStructs(const rapidjson::Value& section) {
    for (const auto& m : section.GetObject()) {
      StructDef& def = c_.structs_.emplace_back();
      def.name = StringOf(m.name);
      if (def.name == "external-reference") {
        def.hook = StructHook::kExternalReference;
      }
    }
    return Status::Ok();
  }

  Status LoadStructs(const rapidjson::Value& section) {
    std::size_t i = 0;
    for (const auto& m : section.GetObject()) {
      StructDef& def = c_.structs_[i++];
      CERTSHARE_RETURN_IF_ERROR(Fill(m.value, nullptr, &def));
    }
    return Status::Ok();
  }

  // Fills `def` from {"required": [...], "properties": {...},
  // "constraints": [...]}, first adding the common properties in `common`.
  Status Fill(const rapidjson::Value& v, const rapidjson::Value* common,
              StructDef* def) {
    const std::string where = "\"" + def->name + "\"";
    if (!v.IsObject()) return Bad(where + " must be an object");
    std::map<std::string, std::pair<const PropSpec*, bool>> props;  // own?
    if (common != nullptr) {
      for (const auto& m : common->GetObject()) {
        CERTSHARE_RETURN_IF_ERROR(AddProperty(m, where, false, &props));
      }
    }
    if (const rapidjson::Value* own = json::Member(v, "properties")) {
      if (!own->IsObject()) return Bad(where + " properties must be an object");
      for (const auto& m : own->GetObject()) {
        CERTSHARE_RETURN_IF_ERROR(AddProperty(m, where, true, &props));
      }
    }
    if (props.size() > kMaxProperties) {
      return Bad(where + " has more than 64 properties");
    }
    for (auto& [name, entry] : props) {
      PropertyEntry& p = def->properties.emplace_back();
      p.name = name;
      p.spec = entry.first;
      p.own = entry.second;
      p.index = static_cast<int>(def->properties.size() - 1);
      if (p.own) def->own_mask |= Bit(p.index);
    }
    def->Index();
    if (const rapidjson::Value* required = json::Member(v, "required")) {
      std::vector<std::string> names;
      CERTSHARE_RETURN_IF_ERROR(
          StringList(*required, where + " required", &names));
      for (const std::string& n : names) {
        int index;
        CERTSHARE_RETURN_IF_ERROR(IndexOf(*def, n, where, &index));
        def->properties[static_cast<std::size_t>(index)].required = true;
        def->required_mask |= Bit(index);
      }
    }
    if (const rapidjson::Value* constraints = json::Member(v, "constraints")) {
      if (!constraints->IsArray()) return Bad(where + " constraints: array");
      for (const rapidjson::Value& cv : constraints->GetArray()) {
        CERTSHARE_RETURN_IF_ERROR(AddConstraint(cv, where, def));
      }
    }
    return Status::Ok();
  }

  Status AddProperty(
      const rapidjson::Value::Member& m, const std::string& where, bool own,
      std::map<std::string, std::pair<const PropSpec*, bool>>* props) {
    if (!m.value.IsString()) {
      return Bad(where + " property " + std::string(StringOf(m.name)) +
                 ": the kind must be a string");
    }
    Result<const PropSpec*> spec = specs_.Parse(StringOf(m.value));
    if (!spec.ok()) {
      return Bad(where + " property " + std::string(StringOf(m.name)) + ": " +
                 spec.status().message());
    }
    (*props)[std::string(StringOf(m.name))] = {*spec, own};
    return Status::Ok();
  }

  static std::uint64_t Bit(int index) { return std::uint64_t{1} << index; }

  Status IndexOf(const StructDef& def, std::string_view name,
                 const std::string& where, int* index) {
    const PropertyEntry* p = def.Find(name);
    if (p == nullptr) {
      return Bad(where + " names an unknown property \"" + std::string(name) +
                 "\"");
    }
    *index = p->index;
    return Status::Ok();
  }

  Status MaskOf(const StructDef& def, const rapidjson::Value* names,
                const std::string& where, std::uint64_t* mask) {
    *mask = 0;
    if (names == nullptr) return Status::Ok();
    std::vector<std::string> list;
    CERTSHARE_RETURN_IF_ERROR(StringList(*names, where, &list));
    for (const std::string& n : list) {
      if (n == "*") {
        *mask |= def.own_mask;
        continue;
      }
      int index;
      CERTSHARE_RETURN_IF_ERROR(IndexOf(def, n, where, &index));
      *mask |= Bit(index);
    }
    return Status::Ok();
  }

  Status AddConstraint(const rapidjson::Value& v, const std::string& where,
                       StructDef* def) {
    if (!v.IsObject()) return Bad(where + " constraints hold objects");
    Constraint c;
    std::string subject;
    if (const rapidjson::Value* names = json::Member(v, "at_least_one")) {
      c.op = Constraint::Op::kAtLeastOne;
      CERTSHARE_RETURN_IF_ERROR(MaskOf(*def, names, where, &c.mask));
    } else if (const rapidjson::Value* names = json::Member(v, "exclusive")) {
      c.op = Constraint::Op::kExclusive;
      CERTSHARE_RETURN_IF_ERROR(MaskOf(*def, names, where, &c.mask));
    } else if (json::GetString(v, "if_present", &subject)) {
      c.op = Constraint::Op::kRequires;
      CERTSHARE_RETURN_IF_ERROR(IndexOf(*def, subject, where, &c.subject));
      CERTSHARE_RETURN_IF_ERROR(
          MaskOf(*def, json::Member(v, "require"), where, &c.mask));
    } else if (const rapidjson::Value* cond = json::Member(v, "if")) {
      c.op = Constraint::Op::kIfBoolean;
      if (!cond->IsObject() || cond->MemberCount() != 1 ||
          !cond->MemberBegin()->value.IsBool()) {
        return Bad(where + " \"if\" takes one {property: true|false}");
      }
      CERTSHARE_RETURN_IF_ERROR(IndexOf(
          *def, StringOf(cond->MemberBegin()->name), where, &c.subject));
      c.when = cond->MemberBegin()->value.GetBool();
      CERTSHARE_RETURN_IF_ERROR(
          MaskOf(*def, json::Member(v, "require"), where, &c.mask));
      CERTSHARE_RETURN_IF_ERROR(
          MaskOf(*def, json::Member(v, "forbid"), where, &c.forbid));
    } else if (json::GetString(v, "later", &subject)) {
      c.op = Constraint::Op::kLater;
      std::string other;
      if (!json::GetString(v, "than", &other)) {
        return Bad(where + " \"later\" needs \"than\"");
      }
      CERTSHARE_RETURN_IF_ERROR(IndexOf(*def, subject, where, &c.subject));
      CERTSHARE_RETURN_IF_ERROR(IndexOf(*def, other, where, &c.other));
      const rapidjson::Value* eq = json::Member(v, "or_equal");
      c.or_equal = eq != nullptr && eq->IsBool() && eq->GetBool();
    } else {
      return Bad(where + " has a constraint of unknown form");
    }
    def->constraints.push_back(c);
    return Status::Ok();
  }

  Status KindOf(std::string_view text, ObjectKind* kind) {
    static constexpr std::pair<std::string_view, ObjectKind> kKinds[] = {
        {"sdo", ObjectKind::kSdo},
        {"sro", ObjectKind::kSro},
        {"sco", ObjectKind::kSco},
        {"marking-definition", ObjectKind::kMarkingDefinition},
        {"language-content", ObjectKind::kLanguageContent},
        {"extension-definition", ObjectKind::kExtensionDefinition},
    };
    for (const auto& [name, k] : kKinds) {
      if (name == text) {
        *kind = k;
        return Status::Ok();
      }
    }
    return Bad("unknown object kind \"" + std::string(text) + "\"");
  }

  const rapidjson::Value* CommonFor(ObjectKind kind) {
    const char* group = kind == ObjectKind::kSco ? "sco"
                        : kind == ObjectKind::kMarkingDefinition
                            ? "marking-definition"
                            : "core";
    const rapidjson::Value* v = json::Member(*common_, group);
    return v != nullptr && v->IsObject() ? v : nullptr;
  }

  static void SetRequirements(TypeDef* t) {
    t->requires_spec_version = t->kind != ObjectKind::kSco;
    t->requires_created = t->kind != ObjectKind::kSco;
    t->requires_modified = t->kind != ObjectKind::kSco &&
                           t->kind != ObjectKind::kMarkingDefinition;
  }

  Status LoadTypes(const rapidjson::Value& section) {
    for (const auto& m : section.GetObject()) {
      TypeDef& t = c_.types_.emplace_back();
      t.name = StringOf(m.name);
      std::string kind;
      if (!json::GetString(m.value, "kind", &kind)) {
        return Bad("type " + t.name + " needs a \"kind\"");
      }
      CERTSHARE_RETURN_IF_ERROR(KindOf(kind, &t.kind));
      json::GetString(m.value, "extension", &t.extension_id);
      SetRequirements(&t);
      const rapidjson::Value* common = CommonFor(t.kind);
      if (common == nullptr) return Bad("common properties missing");
      CERTSHARE_RETURN_IF_ERROR(Fill(m.value, common, &t));
    }
    for (const TypeDef& t : c_.types_) c_.type_index_[t.name] = &t;
    return Status::Ok();
  }

  Status LoadCustomTypes() {
    for (ObjectKind kind :
         {ObjectKind::kSdo, ObjectKind::kSro, ObjectKind::kSco}) {
      TypeDef& t = c_.custom_types_.emplace_back();
      t.name = "custom " + std::string(KindName(kind));
      t.kind = kind;
      t.custom = true;
      SetRequirements(&t);
      rapidjson::Value empty(rapidjson::kObjectType);
      CERTSHARE_RETURN_IF_ERROR(Fill(empty, CommonFor(kind), &t));
    }
    return Status::Ok();
  }

  Status LoadExtensions(const rapidjson::Value& section) {
    for (const auto& m : section.GetObject()) {
      ExtensionDef& e = c_.extensions_.emplace_back();
      e.key = StringOf(m.name);
      const std::string where = "extension " + e.key;
      if (!json::GetString(m.value, "name", &e.name)) e.name = e.key;
      json::GetString(m.value, "extension_type", &e.extension_type);
      if (!e.extension_type.empty() && !c_.FindVocabulary("extension-type-enum")
                                            ->Contains(e.extension_type)) {
        return Bad(where + ": unknown extension_type");
      }
      const rapidjson::Value* on = json::Member(m.value, "on");
      if (on == nullptr) return Bad(where + " needs \"on\"");
      CERTSHARE_RETURN_IF_ERROR(StringList(*on, where + " on", &e.on));
      for (const std::string& type : e.on) {
        if (c_.FindType(type) == nullptr) {
          return Bad(where + " extends unknown type " + type);
        }
      }
      std::string def;
      if (!json::GetString(m.value, "struct", &def) ||
          (e.def = c_.FindStruct(def)) == nullptr) {
        return Bad(where + " needs a known \"struct\"");
      }
    }
    for (const ExtensionDef& e : c_.extensions_) {
      c_.extension_index_[e.key] = &e;
    }
    for (const TypeDef& t : c_.types_) {
      if (!t.extension_id.empty() &&
          c_.FindExtension(t.extension_id) == nullptr) {
        return Bad("type " + t.name + " names an unknown extension");
      }
    }
    for (const RefTargets& t : c_.targets_) {
      for (const std::string& type : t.types) {
        if (c_.FindType(type) == nullptr) {
          return Bad("a reference names unknown type " + type);
        }
      }
    }
    return Status::Ok();
  }

  Catalog& c_;
  SpecParser specs_;
  const rapidjson::Value* common_ = nullptr;
  Status error_;
};

Result<std::unique_ptr<Catalog>> Catalog::Load(std::string_view json_text) {
  rapidjson::Document doc;
  json::ParseLimits limits;
  limits.max_bytes = 1u << 20;
  Status parsed = json::Parse(json_text, &doc, limits);
  if (!parsed.ok()) return Bad(parsed.message());
  std::unique_ptr<Catalog> catalog(new Catalog());
  CatalogLoader loader(catalog.get());
  CERTSHARE_RETURN_IF_ERROR(loader.Load(doc));
  return catalog;
}

const Catalog& Catalog::Get() {
  static const Catalog* catalog = [] {
    Result<std::unique_ptr<Catalog>> loaded = Load(EmbeddedCatalogText());
    if (!loaded.ok()) {
      // A defect of the build, not of any input: catalog_test fails first.
      std::fprintf(stderr, "certshare: %s\n",
                   loaded.status().message().c_str());
      std::abort();
    }
    return loaded->release();
  }();
  return *catalog;
}

const TypeDef* Catalog::FindType(std::string_view type) const {
  auto it = type_index_.find(type);
  return it == type_index_.end() ? nullptr : it->second;
}

const TypeDef& Catalog::CustomType(ObjectKind kind) const {
  switch (kind) {
    case ObjectKind::kSro:
      return custom_types_[1];
    case ObjectKind::kSco:
      return custom_types_[2];
    default:
      return custom_types_[0];
  }
}

const ExtensionDef* Catalog::FindExtension(std::string_view key) const {
  auto it = extension_index_.find(key);
  return it == extension_index_.end() ? nullptr : it->second;
}

const Vocabulary* Catalog::FindVocabulary(std::string_view name) const {
  for (const Vocabulary& v : vocabularies_) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

const StructDef* Catalog::FindStruct(std::string_view name) const {
  for (const StructDef& s : structs_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool Catalog::IsReservedProperty(std::string_view name) const {
  return std::find(reserved_properties_.begin(), reserved_properties_.end(),
                   name) != reserved_properties_.end();
}

bool Catalog::IsReservedType(std::string_view type) const {
  return std::find(reserved_types_.begin(), reserved_types_.end(), type) !=
         reserved_types_.end();
}

std::string_view Catalog::Tlp1LevelOf(std::string_view marking_id) const {
  for (const auto& [level, id] : tlp1_) {
    if (id == marking_id) return level;
  }
  return {};
}

std::string_view Catalog::Tlp1MarkingId(std::string_view level) const {
  for (const auto& [l, id] : tlp1_) {
    if (l == level) return id;
  }
  return {};
}

}  // namespace certshare::schemas
