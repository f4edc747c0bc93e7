// The rule catalog (stix21_catalog.json): it loads, it covers every type
// and property of the OASIS schemas with a compatible kind and at least
// their requirements, and a broken catalog is refused with a clear message.
#include "schemas/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/base/testing.h"

namespace certshare::schemas {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kSchemas = fs::path(CERTSHARE_SHARED_DIR) / "stix" / "schemas";

// The common properties every object type has; the catalog's "self" kind.
const std::set<std::string> kSelf = {"type", "id", "spec_version", "created",
                                     "modified"};

rapidjson::Document ReadSchema(const fs::path& path) {
  Result<std::string> text = files::Read(path.string());
  EXPECT_TRUE(text.ok()) << path;
  rapidjson::Document doc;
  EXPECT_OK(json::Parse(text.ok() ? *text : "{}", &doc));
  return doc;
}

// A schema's own properties and requirements: its "properties" and
// "required", and those of its "allOf" entries (not of oneOf / anyOf
// alternatives, which the catalog expresses as constraints).
struct SchemaShape {
  std::map<std::string, const rapidjson::Value*> properties;
  std::set<std::string> required;
};

void Collect(const rapidjson::Value& schema, SchemaShape* shape) {
  if (const rapidjson::Value* props = json::Member(schema, "properties")) {
    for (const auto& m : props->GetObject()) {
      shape->properties.emplace(m.name.GetString(), &m.value);
    }
  }
  if (const rapidjson::Value* required = json::Member(schema, "required")) {
    for (const auto& r : required->GetArray())
      shape->required.insert(r.GetString());
  }
  if (const rapidjson::Value* all = json::Member(schema, "allOf")) {
    for (const auto& part : all->GetArray()) Collect(part, shape);
  }
}

// Whether the catalog kind `spec` can describe values of the schema
// fragment `schema` (its "type" or "$ref").
bool Compatible(const PropSpec& spec, const rapidjson::Value& schema) {
  std::string type, ref;
  json::GetString(schema, "type", &type);
  json::GetString(schema, "$ref", &ref);
  if (const rapidjson::Value* all = json::Member(schema, "allOf")) {
    json::GetString((*all)[0], "$ref", &ref);
  }
  if (ref.ends_with("timestamp.json")) {
    return spec.kind == Kind::kTimestamp ||
           spec.kind == Kind::kTimestampSeconds;
  }
  if (ref.ends_with("identifier.json")) return spec.kind == Kind::kRef;
  if (ref.ends_with("hashes-type.json")) return spec.kind == Kind::kHashes;
  if (ref.ends_with("hex.json")) {
    return spec.kind == Kind::kFormat && spec.format == Format::kHex;
  }
  if (ref.ends_with("binary.json")) {
    return spec.kind == Kind::kFormat && spec.format == Format::kBase64;
  }
  if (ref.ends_with("url-regex.json")) {
    return spec.kind == Kind::kFormat && spec.format == Format::kUrl;
  }
  if (ref.ends_with("dictionary.json")) return spec.kind == Kind::kDictionary;
  if (!ref.empty() && ref[0] == '#') return true;  // a local definition
  if (type == "string") {
    return spec.kind == Kind::kString || spec.kind == Kind::kEnum ||
           spec.kind == Kind::kFormat || spec.kind == Kind::kRef;
  }
  if (type == "integer") return spec.kind == Kind::kInteger;
  if (type == "number") return spec.kind == Kind::kNumber;
  if (type == "boolean") return spec.kind == Kind::kBoolean;
  if (type == "array")
    return spec.kind == Kind::kList || spec.kind == Kind::kGranularMarkings ||
           spec.kind == Kind::kMarkingRefs;
  if (type == "object") {
    return spec.kind == Kind::kDictionary || spec.kind == Kind::kObject ||
           spec.kind == Kind::kObservableObjects ||
           spec.kind == Kind::kExtensions;
  }
  return true;  // no type given
}

TEST(Catalog, EmbeddedCatalogLoads) {
  Result<std::unique_ptr<Catalog>> loaded =
      Catalog::Load(EmbeddedCatalogText());
  ASSERT_OK(loaded.status());
  const Catalog& catalog = Catalog::Get();
  EXPECT_EQ(catalog.types().size(), (*loaded)->types().size());
  EXPECT_NE(catalog.FindType("incident"), nullptr);
  EXPECT_EQ(catalog.FindType("x-acme-widget"), nullptr);
  EXPECT_EQ(catalog.FindType("bundle"), nullptr);  // not an object type
  EXPECT_TRUE(catalog.CustomType(ObjectKind::kSco).custom);
  EXPECT_EQ(catalog.CustomType(ObjectKind::kSro).kind, ObjectKind::kSro);
  EXPECT_TRUE(catalog.hash_algorithms().Contains("SHA-256"));
  EXPECT_FALSE(catalog.hash_algorithms().Contains("sha256"));
  EXPECT_EQ(catalog.Tlp1LevelOf(
                "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"),
            "red");
  EXPECT_TRUE(catalog.IsReservedProperty("severity"));
  EXPECT_TRUE(catalog.IsReservedType("action"));
}

TEST(Catalog, PropertiesAreSortedWithDistinctIndexes) {
  for (const TypeDef& t : Catalog::Get().types()) {
    for (std::size_t i = 0; i < t.properties.size(); ++i) {
      EXPECT_EQ(t.properties[i].index, static_cast<int>(i)) << t.name;
      if (i > 0) {
        EXPECT_LT(t.properties[i - 1].name, t.properties[i].name);
      }
      EXPECT_EQ(t.Find(t.properties[i].name), &t.properties[i]);
    }
    EXPECT_EQ(t.Find("no_such_property"), nullptr);
  }
}

// Every type the OASIS schemas define is in the catalog with the right kind,
// knows every property the schema names with a compatible kind, and
// requires at least what the schema requires.
TEST(Catalog, CoversEveryOasisSchema) {
  SKIP_WITHOUT_OASIS_MATERIAL(CERTSHARE_SHARED_DIR, kSchemas);
  const Catalog& catalog = Catalog::Get();
  struct Dir {
    const char* name;
    ObjectKind kind;
  };
  std::set<std::string> covered;
  for (const Dir& dir :
       {Dir{"sdos", ObjectKind::kSdo}, Dir{"sros", ObjectKind::kSro},
        Dir{"observables", ObjectKind::kSco},
        Dir{"common", ObjectKind::kBundle}}) {
    for (const auto& entry : fs::directory_iterator(kSchemas / dir.name)) {
      const rapidjson::Document schema = ReadSchema(entry.path());
      std::string title;
      if (!json::GetString(schema, "title", &title)) {
        title = entry.path().stem().string();
      }
      if (dir.kind == ObjectKind::kBundle && title != "marking-definition" &&
          title != "language-content" && title != "extension-definition") {
        continue;  // building blocks (core, timestamp, ...) and bundle
      }
      SCOPED_TRACE(title);
      const TypeDef* type = catalog.FindType(title);
      ASSERT_NE(type, nullptr);
      covered.insert(title);
      if (dir.kind != ObjectKind::kBundle) {
        EXPECT_EQ(type->kind, dir.kind);
      }
      SchemaShape shape;
      Collect(schema, &shape);
      for (const auto& [name, fragment] : shape.properties) {
        const PropertyEntry* p = type->Find(name);
        ASSERT_NE(p, nullptr) << "the catalog does not know " << name;
        if (kSelf.count(name) == 0) {
          EXPECT_TRUE(Compatible(*p->spec, *fragment))
              << name << " is \"" << p->spec->text << "\" in the catalog";
        }
      }
      for (const std::string& name : shape.required) {
        if (kSelf.count(name)) continue;
        const PropertyEntry* p = type->Find(name);
        ASSERT_NE(p, nullptr) << name;
        EXPECT_TRUE(p->required) << name << " is required by the schema";
      }
    }
  }
  EXPECT_EQ(covered.size(), 19u + 2u + 18u + 3u);
}

TEST(Catalog, IncidentCoreTypesAndExtensions) {
  const Catalog& catalog = Catalog::Get();
  const ExtensionDef* core = catalog.FindExtension(
      "extension-definition--ef765651-680c-498d-9894-99799f2fa126");
  ASSERT_NE(core, nullptr);
  EXPECT_EQ(core->extension_type, "property-extension");
  EXPECT_THAT(core->on, ::testing::ElementsAre("incident"));
  EXPECT_TRUE(core->def->Find("determination")->required);
  EXPECT_TRUE(core->def->Find("investigation_status")->required);
  EXPECT_EQ(core->def->Find("criticality")->spec->text, "integer:0..100");
  for (const char* type : {"event", "impact", "task"}) {
    const TypeDef* t = catalog.FindType(type);
    ASSERT_NE(t, nullptr) << type;
    const ExtensionDef* ext = catalog.FindExtension(t->extension_id);
    ASSERT_NE(ext, nullptr) << type;
    EXPECT_EQ(ext->extension_type, "new-sdo");
  }
}

TEST(Catalog, EveryExtensionExtendsKnownTypes) {
  for (const ExtensionDef& e : Catalog::Get().extensions()) {
    EXPECT_FALSE(e.on.empty()) << e.key;
    EXPECT_NE(e.def, nullptr) << e.key;
    for (const std::string& t : e.on) {
      EXPECT_NE(Catalog::Get().FindType(t), nullptr) << e.key << " " << t;
    }
  }
}

// A catalog with one deliberate defect is refused, naming it.
std::string Minimal(const std::string& types, const std::string& structs = "",
                    const std::string& extra = "") {
  return R"({"vocabularies": {"hash-algorithm-ov": ["MD5"],
      "extension-type-enum": ["new-sdo", "property-extension"],
      "opinion-enum": ["agree"]},
    "reserved_properties": [], "reserved_types": [], "tlp_1_markings": {},
    "common": {"core": {"type": "self", "id": "self"},
               "sco": {"type": "self"}, "marking-definition": {"id": "self"}},
    "types": {)" +
         types + R"(}, "structs": {)" + structs + R"(}, "extensions": {)" +
         extra + "}}";
}

TEST(Catalog, RefusesDefects) {
  ASSERT_OK(Catalog::Load(Minimal(R"("thing": {"kind": "sdo"})")).status());
  struct Case {
    std::string text;
    const char* says;
  };
  const std::string many = [] {
    std::string props;
    for (int i = 0; i < 70; ++i) {
      props += (i ? "," : "") + std::string("\"p") + std::to_string(i) +
               "\": \"string\"";
    }
    return R"("thing": {"kind": "sdo", "properties": {)" + props + "}}";
  }();
  for (
      const Case& c : {
          Case{"not json", "invalid JSON"},
          Case{
              Minimal(
                  R"("thing": {"kind": "sdo", "properties": {"a": "strnig"}})"),
              "unknown kind"},
          Case{
              Minimal(
                  R"("thing": {"kind": "sdo", "properties": {"a": "enum:nope"}})"),
              "unknown vocabulary"},
          Case{
              Minimal(
                  R"("thing": {"kind": "sdo", "properties": {"a": "struct:nope"}})"),
              "unknown struct"},
          Case{
              Minimal(
                  R"("thing": {"kind": "sdo", "properties": {"a": "format:nope"}})"),
              "unknown format"},
          Case{
              Minimal(
                  R"("thing": {"kind": "sdo", "properties": {"a": "string:1..2"}})"),
              "only integer and number take a range"},
          Case{
              Minimal(
                  R"("thing": {"kind": "sdo", "properties": {"a": "integer:x..2"}})"),
              "bad minimum"},
          Case{
              Minimal(
                  R"("thing": {"kind": "sdo", "properties": {"a": "ref:nope"}})"),
              "unknown type nope"},
          Case{Minimal(R"("thing": {"kind": "sdo", "required": ["b"]})"),
               "unknown property \"b\""},
          Case{Minimal(
                   R"("thing": {"kind": "sdo", "constraints": [{"odd": 1}]})"),
               "unknown form"},
          Case{Minimal(R"("thing": {"kind": "nope"})"), "unknown object kind"},
          Case{Minimal(R"("thing": {"kind": "sdo", "extension": "x-ext"})"),
               "unknown extension"},
          Case{Minimal(R"("thing": {"kind": "sdo"})", "",
                       R"("a-ext": {"on": ["nope"], "struct": "s"})"),
               "unknown type nope"},
          Case{Minimal(many), "more than 64 properties"},
      }) {
    Result<std::unique_ptr<Catalog>> loaded = Catalog::Load(c.text);
    ASSERT_FALSE(loaded.ok()) << c.says;
    EXPECT_THAT(loaded.status().message(), HasSubstr(c.says));
  }
}

}  // namespace
}  // namespace certshare::schemas
