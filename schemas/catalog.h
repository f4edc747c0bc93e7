// Private to schemas/: the STIX 2.1 rules that are data — object types,
// their properties and property kinds, sub-object (struct) types, known
// extensions, closed vocabularies — loaded once from stix21_catalog.json,
// which the build compiles into the binary (no file is read at run time).
//
// Thread-safe: Catalog::Get() builds the catalog on first use (a function
// local static) and it is immutable afterwards. Pointers into a catalog stay
// valid for its lifetime; Get()'s lives until exit.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/base/status.h"
#include "schemas/formats.h"

namespace certshare::schemas {

enum class ObjectKind : std::uint8_t {
  kSdo,  // STIX Domain Object (indicator, incident, ...), also custom ones
  kSro,  // relationship, sighting, custom relationship objects
  kSco,  // cyber observable (file, ipv4-addr, ...), also custom ones
  kMarkingDefinition,
  kLanguageContent,
  kExtensionDefinition,
  kBundle,
};

// A readable name for a kind, for messages: "cyber observable", ...
std::string_view KindName(ObjectKind kind);

// How a property's value is checked. The catalog's shorthand for each kind
// is given; see the "about" text in stix21_catalog.json.
enum class Kind : std::uint8_t {
  kString,            // "string"
  kBoolean,           // "boolean"
  kAny,               // "any": any non-null value (checked generically)
  kObject,            // "object": a JSON object, contents checked generically
  kDictionary,        // "dictionary" / "dict:<kind>" (item = value kind);
                      // "dict-lang:<kind>" keys are RFC 5646 language tags
  kHashes,            // "hashes": keys from hash-algorithm-ov, values checked
  kTimestamp,         // "timestamp"
  kTimestampSeconds,  // "timestamp-s": whole seconds, no fraction
  kInteger,           // "integer[:min..max]"
  kNumber,            // "number[:min..max]"
  kRef,               // "ref:<targets>": an identifier of an allowed type
  kEnum,              // "enum:<vocabulary>": closed vocabulary
  kFormat,            // "format:<format>": a string of a lexical format
  kStruct,            // "struct:<name>"
  kList,              // "list:<kind>" (item = entry kind), never empty
  // Checked by code, not by the generic walk:
  kSelf,               // type, id, spec_version, created, modified
  kMarkingRefs,        // object_marking_refs
  kGranularMarkings,   // granular_markings
  kExtensions,         // extensions
  kObservableObjects,  // observed-data `objects` (deprecated in 2.1)
};

struct Vocabulary {
  std::string name;
  std::vector<std::string> values;
  bool Contains(std::string_view value) const;
};

// Which object types an identifier may name.
struct RefTargets {
  bool any_sdo = false;
  bool any_sco = false;
  bool any_sro = false;
  bool any = false;  // any STIX object but a bundle
  std::vector<std::string> types;
};

struct StructDef;

struct PropSpec {
  Kind kind = Kind::kAny;
  Format format = Format::kUrl;            // kFormat
  bool has_min = false, has_max = false;   // kInteger, kNumber
  double min = 0, max = 0;                 // (integers are exact below 2^53)
  const Vocabulary* vocabulary = nullptr;  // kEnum
  const RefTargets* targets = nullptr;     // kRef
  const StructDef* def = nullptr;          // kStruct
  const PropSpec* item = nullptr;          // kList, kDictionary (may be null)
  bool language_keys = false;              // kDictionary: "dict-lang:"
  std::string text;                        // the shorthand, for messages
};

// A property of a type or struct. `index` is its bit in presence masks.
struct PropertyEntry {
  std::string name;
  const PropSpec* spec = nullptr;
  bool required = false;
  bool own = false;  // specific to the type (not a common property)
  int index = 0;
};

struct Constraint {
  enum class Op : std::uint8_t {
    kAtLeastOne,  // at least one of `mask`
    kExclusive,   // at most one of `mask`
    kRequires,    // if `subject` present, all of `mask` too
    kIfBoolean,   // if `subject` == `when`: `mask` required, `forbid` absent
    kLater,       // `subject` later than (or_equal: not before) `other`
  };
  Op op = Op::kAtLeastOne;
  std::uint64_t mask = 0;
  std::uint64_t forbid = 0;
  int subject = -1;
  int other = -1;
  bool when = false;
  bool or_equal = false;
};

// Code-checked extras of particular structs.
enum class StructHook : std::uint8_t { kNone, kExternalReference };

// The properties of an object type or of a sub-object type. At most 64
// properties (presence is a bit mask); the loader refuses more.
struct StructDef {
  std::string name;
  std::vector<PropertyEntry> properties;  // sorted by name
  std::uint64_t required_mask = 0;
  std::uint64_t own_mask = 0;
  std::vector<Constraint> constraints;
  StructHook hook = StructHook::kNone;

  // The entry named `name`, or nullptr. On the hot path (every member of
  // every object): entries are bucketed by name length, so a lookup
  // compares the few names of one length, not log2(n) names of any.
  const PropertyEntry* Find(std::string_view name) const;
  const PropertyEntry& At(int index) const;  // by PropertyEntry::index
  // Builds the length buckets. REQUIRES: `properties` complete and sorted.
  void Index();

 private:
  std::vector<std::uint8_t> by_length_;  // indexes, ordered by name length
  std::vector<std::uint8_t> bucket_;     // bucket_[n]: first of length n
};

struct TypeDef : StructDef {
  ObjectKind kind = ObjectKind::kSdo;
  bool custom = false;  // not defined by STIX 2.1 or a known extension
  // The extension-definition a new-sdo type needs in `extensions` ("" none).
  std::string extension_id;
  bool requires_spec_version = true;
  bool requires_created = true;
  bool requires_modified = true;  // false for marking definitions and SCOs
};

struct ExtensionDef {
  std::string key;   // "archive-ext" or "extension-definition--<uuid>"
  std::string name;  // for messages
  std::vector<std::string> on;     // the object types it may extend
  std::string extension_type;      // required value ("" for predefined)
  const StructDef* def = nullptr;  // its properties (never null)
};

class Catalog {
 public:
  // The catalog compiled into the binary. Aborts with a message if it does
  // not load: that is a build defect, which catalog_test catches.
  static const Catalog& Get();
  // Builds a catalog from catalog text (tests).
  static Result<std::unique_ptr<Catalog>> Load(std::string_view json_text);

  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // A STIX 2.1 (or known extension) type; nullptr for others.
  const TypeDef* FindType(std::string_view type) const;
  // The common-property-only definition used for custom objects of a kind
  // (kSdo, kSro or kSco).
  const TypeDef& CustomType(ObjectKind kind) const;
  const ExtensionDef* FindExtension(std::string_view key) const;
  const Vocabulary* FindVocabulary(std::string_view name) const;
  const StructDef* FindStruct(std::string_view name) const;

  bool IsReservedProperty(std::string_view name) const;
  bool IsReservedType(std::string_view type) const;
  // TLP 1.0 level ("white", ...) of a canonical TLP 1.0 marking id, or "".
  std::string_view Tlp1LevelOf(std::string_view marking_id) const;
  std::string_view Tlp1MarkingId(std::string_view level) const;

  const Vocabulary& hash_algorithms() const { return *hash_algorithms_; }
  const Vocabulary& extension_types() const { return *extension_types_; }
  // Every type, in catalog order (for tests and docs).
  const std::deque<TypeDef>& types() const { return types_; }
  const std::deque<ExtensionDef>& extensions() const { return extensions_; }

 private:
  Catalog() = default;
  friend class CatalogLoader;
  friend class SpecParser;

  std::deque<Vocabulary> vocabularies_;
  std::deque<RefTargets> targets_;
  std::deque<PropSpec> specs_;
  std::deque<StructDef> structs_;
  std::deque<TypeDef> types_;
  std::deque<TypeDef> custom_types_;  // kSdo, kSro, kSco
  std::deque<ExtensionDef> extensions_;
  std::unordered_map<std::string_view, const TypeDef*> type_index_;
  std::unordered_map<std::string_view, const ExtensionDef*> extension_index_;
  std::vector<std::string> reserved_properties_;
  std::vector<std::string> reserved_types_;
  std::vector<std::pair<std::string, std::string>> tlp1_;  // level, id
  const Vocabulary* hash_algorithms_ = nullptr;
  const Vocabulary* extension_types_ = nullptr;
};

// The text of stix21_catalog.json (catalog_data.cc, generated at build time).
std::string_view EmbeddedCatalogText();

}  // namespace certshare::schemas
