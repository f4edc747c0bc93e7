// Private to schemas/: checks one STIX object against the catalog and the
// rules the catalog cannot express. The work is split by concern:
//   object_rules.cc   the order of the rules; type, id, spec_version,
//                     created/modified; per-type code rules
//   value_checks.cc   a value against its property kind; custom properties;
//                     required properties and constraints
//   markings.cc       object_marking_refs, granular markings, TLP, marking
//                     definitions
//   extensions.cc     the extensions dictionary
//   indicator_pattern.cc  indicator patterns
//
// Recursion follows the document's nesting and stops at kMaxDepth, so a
// document built in memory (not bounded by json::Parse) cannot exhaust the
// stack either.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/tlp.h"
#include "schemas/catalog.h"
#include "schemas/problem_sink.h"

namespace certshare::schemas {

// Deepest nesting (from the document root) a check descends to; the same as
// json::ParseLimits' default, so parsed documents never reach it.
inline constexpr int kMaxDepth = 64;

// What the checks learnt about an object, for the Summary.
struct ObjectFacts {
  // The type's definition; nullptr when `type` is missing or malformed (the
  // type-dependent rules were then skipped) and for bundles.
  const TypeDef* def = nullptr;
  bool is_bundle = false;
  std::string type;
  std::string id;
  // A valid `modified`, else a valid `created`, else empty.
  std::string version;
  // Whether `modified` or `created` is present at all (valid or not).
  bool has_timestamp_property = false;
  // The most restrictive TLP level (TlpOfMarking) among the object's
  // marking refs and its granular markings' marking_ref — and, for a TLP
  // marking definition, its own level — with the marking id naming it.
  std::optional<Tlp> tlp;
  std::string tlp_marking;
};

class ObjectChecker {
 public:
  // `base` is the object's JSON Pointer ("" for the document, "/objects/3"
  // in a bundle) and `depth` its nesting depth (0 or 2).
  // REQUIRES: object.IsObject()
  ObjectChecker(const Catalog& catalog, ProblemSink& sink,
                std::string_view base, const rapidjson::Value& object,
                int depth);
  ObjectChecker(const ObjectChecker&) = delete;
  ObjectChecker& operator=(const ObjectChecker&) = delete;

  // Runs every rule; for a bundle only those on its own `type` and `id`.
  ObjectFacts Run();

 private:
  enum class Scope { kObject, kExtension, kStruct };

  // --- object_rules.cc ---------------------------------------------------
  void ResolveType();
  void CheckType();
  void CheckId();
  void CheckSpecVersion();
  void CheckCreatedModified();
  void CheckOneTimestamp(const char* name, bool required);
  void CheckNewObjectExtension();
  void CheckCustomTypeName();
  void CheckExtensionDefinition();

  // --- value_checks.cc ---------------------------------------------------
  void Report(const PathNode* at, std::string_view rule, std::string message);
  void Warn(const PathNode* at, std::string_view rule, std::string message);
  void WrongType(const PathNode* at, std::string_view name,
                 std::string_view expected, const rapidjson::Value& value);
  bool DepthOk(const PathNode* at, int depth);
  void CheckValue(const rapidjson::Value& value, const PropSpec& spec,
                  std::string_view name, const PathNode* at, int depth);
  // Checks every member against `def` (unknown ones as custom properties)
  // and returns the presence mask of `def`'s properties.
  std::uint64_t CheckMembers(const rapidjson::Value& object,
                             const StructDef& def, const PathNode* at,
                             int depth, Scope scope);
  // Where a property is missing, for messages: built only when one is.
  struct Where {
    std::string_view prefix;  // "on ", "in a ", "in the "
    std::string_view name;    // "incident", "kill-chain-phase", ...
    std::string_view suffix;  // " objects", " extension", ""
    bool quote = false;
    std::string Text() const;
  };
  void CheckPresence(const rapidjson::Value& object, const StructDef& def,
                     std::uint64_t present, const PathNode* at,
                     const Where& where);
  void CheckStruct(const rapidjson::Value& value, const StructDef& def,
                   std::string_view name, const PathNode* at, int depth);
  void CheckCustomProperty(std::string_view name, const rapidjson::Value& value,
                           const PathNode* at, int depth, Scope scope);
  bool HasToplevelExtension();
  void CheckGeneric(const rapidjson::Value& value, std::string_view name,
                    const PathNode* at, int depth);
  void CheckNumber(const rapidjson::Value& value, const PropSpec& spec,
                   std::string_view name, const PathNode* at);
  bool CheckExactNumber(const rapidjson::Value& value, std::string_view name,
                        const PathNode* at);
  void CheckTimestampValue(const rapidjson::Value& value, const PropSpec& spec,
                           std::string_view name, const PathNode* at);
  // Whether `value` is a well-formed identifier of an allowed type.
  bool CheckReference(const rapidjson::Value& value, const RefTargets& targets,
                      std::string_view name, const PathNode* at);
  void CheckDictionary(const rapidjson::Value& value, const PropSpec& spec,
                       std::string_view name, const PathNode* at, int depth);
  void CheckHashes(const rapidjson::Value& value, std::string_view name,
                   const PathNode* at);
  void CheckExternalReference(const rapidjson::Value& value,
                              const PathNode* at);

  // --- markings.cc -------------------------------------------------------
  void CheckMarkingRefs(const rapidjson::Value& value, const PathNode* at);
  void CheckGranularMarkings(const rapidjson::Value& value, const PathNode* at,
                             int depth);
  void CheckSelector(const rapidjson::Value& selector, const PathNode* at);
  void CheckTlpConflict();
  void CheckMarkingDefinition();
  void CheckTlpDefinition();
  // Notes a marking id the object carries (object_level: in
  // object_marking_refs, for rule "tlp-conflict") or that marks it otherwise.
  void NoteTlp(std::string_view marking_id, bool object_level);

  // --- extensions.cc -----------------------------------------------------
  void CheckExtensions(const rapidjson::Value& value, const PathNode* at,
                       int depth);
  void CheckExtension(std::string_view key, const rapidjson::Value& value,
                      const PathNode* at, int depth);
  void CheckObservableObjects(const rapidjson::Value& value, const PathNode* at,
                              int depth);

  // --- indicator_pattern.cc ----------------------------------------------
  void CheckIndicatorPattern();

  const Catalog& catalog_;
  ProblemSink& sink_;
  std::string_view base_;
  const rapidjson::Value& object_;
  const int depth_;
  std::string_view type_name_;
  const TypeDef* type_ = nullptr;  // nullptr: no usable type
  bool custom_type_ = false;       // type_ is Catalog::CustomType
  // Whether the object has a toplevel-property-extension, whose properties
  // need no x_ prefix; computed on the first unprefixed custom property.
  std::optional<bool> toplevel_extension_;
  bool is_bundle_ = false;
  bool depth_reported_ = false;
  std::vector<Tlp> object_tlps_;  // distinct, in order of appearance
  std::optional<Tlp> tlp_;        // the most restrictive noted
  std::string_view tlp_marking_;  // the first marking id noted at that level
};

// Runs every object rule on `object` (see ObjectChecker).
// REQUIRES: object.IsObject()
ObjectFacts CheckObject(const rapidjson::Value& object,
                        std::string_view pointer, ProblemSink& sink,
                        int depth = 0);

}  // namespace certshare::schemas
