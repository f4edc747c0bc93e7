// Private to schemas/: how problem messages show values from the document.
// Values are quoted, escaped and shortened, so that a hostile document can
// neither forge extra lines in Summarise's message nor inflate it.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace certshare::schemas {

// `text` as a JSON-style string literal: quotes, backslash and control
// characters escaped, cut to about 80 bytes (on a UTF-8 boundary) with "…".
std::string Quote(std::string_view text);

// A property name or key for a message: `name` in backticks when it is
// plain (1-250 ASCII letters, digits, '_', '-', '.', ':'), else quoted and
// escaped as by Quote.
std::string NameOf(std::string_view name);

// A value for a message: strings quoted as above, other values by kind
// ("a number", "an array", "null", ...).
std::string Describe(const rapidjson::Value& value);

}  // namespace certshare::schemas
