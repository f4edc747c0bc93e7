// Private to schemas/: the rules that apply to one STIX object (or to a
// bundle's own `type` and `id`), run from a table in object_rules.cc.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/base/tlp.h"
#include "schemas/object_types.h"
#include "schemas/problem_sink.h"

namespace certshare::schemas {

// What the checks learnt about an object, for the Summary.
struct ObjectFacts {
  // nullptr when `type` is missing or malformed: the type-dependent rules
  // were then skipped.
  const TypeTraits* traits = nullptr;
  std::string type;
  std::string id;
  // A valid `modified`, else a valid `created`, else empty.
  std::string version;
  // Whether `modified` or `created` is present at all (valid or not).
  bool has_timestamp_property = false;
  // The most restrictive TLP 2.0 level in `object_marking_refs`.
  std::optional<Tlp> tlp;
};

// Runs every object rule on `object`, reporting problems under `pointer`
// ("" for the document, "/objects/3" in a bundle). For a bundle only the
// rules about `type` and `id` run; its `objects` are the caller's business.
// REQUIRES: object.IsObject()
ObjectFacts CheckObject(const rapidjson::Value& object,
                        std::string_view pointer, ProblemSink& sink);

}  // namespace certshare::schemas
