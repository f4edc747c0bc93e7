// Private to schemas/: the recursive-descent parser behind CheckPattern.
//
// The grammar (STIX 2.1 §9, STIXPattern.g4), loosest binding first:
//
//   pattern      := followed-by END
//   followed-by  := obs-or ( FOLLOWEDBY obs-or )*
//   obs-or       := obs-and ( OR obs-and )*
//   obs-and      := qualified ( AND qualified )*
//   qualified    := ( '[' cmp-or ']' | '(' followed-by ')' ) qualifier*
//   qualifier    := WITHIN number SECONDS | REPEATS int TIMES
//                 | START timestamp STOP timestamp
//   cmp-or       := cmp-and ( OR cmp-and )*
//   cmp-and      := cmp ( AND cmp )*
//   cmp          := '(' cmp-or ')' | EXISTS path | path NOT? operator value
//   path         := type ':' name ( '.' name | '[' ( int | '*' ) ']' )*
//   name         := identifier | string
//
// Binary operators are parsed with loops; only '(' and '[' recurse, each
// level counted against kMaxPatternNesting.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schemas/pattern.h"

namespace certshare::schemas {

// Parses `pattern`; returns true, or false with *error filled (first error).
// When `postfix` is not null it receives the parse in postfix order, for
// tests of precedence: each comparison as "<path> [NOT ]<op>", then "[]"
// after an observation's comparisons, operators ("AND", "OR",
// "FOLLOWEDBY") after their operands, and "WITHIN", "REPEATS", "STARTSTOP"
// after what they qualify.
bool ParsePattern(std::string_view pattern, PatternError* error,
                  std::vector<std::string>* postfix = nullptr);

}  // namespace certshare::schemas
