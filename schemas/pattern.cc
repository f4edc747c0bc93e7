// CheckPattern: the STIX Patterning Language parser (pattern_parser.cc)
// folded into a Status.
#include "schemas/pattern.h"

#include "schemas/pattern_parser.h"

namespace certshare::schemas {

Status CheckPattern(std::string_view pattern, PatternError* error) {
  PatternError local;
  PatternError* out = error != nullptr ? error : &local;
  *out = PatternError();
  if (ParsePattern(pattern, out)) return Status::Ok();
  return Status(ErrorCode::kInvalidStix, out->message);
}

}  // namespace certshare::schemas
