// Private to schemas/: parses the catalog's property-kind shorthand
// ("list:ref:identity", "integer:0..100", "enum:opinion-enum", ...) into
// PropSpecs owned by a Catalog. Identical texts share one PropSpec.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/base/status.h"
#include "schemas/catalog.h"

namespace certshare::schemas {

class SpecParser {
 public:
  // Specs, targets are stored in `catalog`; vocabularies and structs are
  // looked up there (structs must already be declared).
  explicit SpecParser(Catalog* catalog) : catalog_(*catalog) {}

  // REQUIRES: called only while the catalog is being loaded.
  Result<const PropSpec*> Parse(std::string_view text);

 private:
  Status ParseInto(std::string_view text, PropSpec* spec);
  Status ParseRange(std::string_view text, PropSpec* spec);
  Status ParseTargets(std::string_view text, PropSpec* spec);

  Catalog& catalog_;
  std::map<std::string, const PropSpec*, std::less<>> cache_;
};

}  // namespace certshare::schemas
