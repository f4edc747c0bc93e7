// Strict JSON parsing for everything certshare reads from outside: STIX
// objects, identity cards, registries, configuration.
//
// Stricter than RapidJSON's defaults: invalid UTF-8, duplicate object keys,
// nesting deeper than a limit and documents larger than a limit are refused
// with kMalformedJson and a message naming the line, column and byte
// offset; a byte order mark at the start is refused with a message of its
// own (RFC 8259 section 8.1: JSON text carries none). Parsing never
// recurses, so a hostile document cannot exhaust the stack.
//
// Thread-safe: no shared state.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::json {

struct ParseLimits {
  // Deepest allowed nesting of arrays and objects. STIX objects seldom pass
  // 10; the default leaves ample room and keeps hostile input cheap.
  std::size_t max_depth = 64;
  // Largest accepted document, in bytes. 16 MiB by default.
  std::size_t max_bytes = 16u << 20;
};

// Parses `text` into `doc`. On error `doc` is left null.
Status Parse(std::string_view text, rapidjson::Document* doc,
             const ParseLimits& limits = {});

// Serialises a value compactly (no whitespace).
std::string Write(const rapidjson::Value& value);

// Accessors that return nullptr / false when the member is absent or of
// another type.
const rapidjson::Value* Member(const rapidjson::Value& obj, const char* name);
bool GetString(const rapidjson::Value& obj, const char* name, std::string* out);

}  // namespace certshare::json
