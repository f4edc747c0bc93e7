// certshare::schemas — the STIX Patterning Language (STIX 2.1 §9), the
// language of `indicator.pattern` when `pattern_type` is "stix".
//
// CheckPattern parses a pattern and returns the first error it meets, with
// the byte offset where the problem is. It builds no tree and evaluates
// nothing; it answers "would a STIX 2.1 consumer accept this pattern?".
//
// What is checked, following the OASIS grammar (STIXPattern.g4, 2.1):
//   * observation expressions `[ ... ]` and groups `( ... )`, joined by
//     AND, OR and FOLLOWEDBY (AND binds tightest, FOLLOWEDBY loosest);
//   * qualifiers WITHIN n SECONDS, REPEATS n TIMES, START t'…' STOP t'…',
//     at most one of each kind directly on one `[ ... ]` (as the OASIS
//     validator), n > 0, and STOP later than START;
//   * comparison expressions joined by AND / OR, grouped with `( ... )`;
//   * object paths `type:prop.sub[*].x`, `type:extensions.'name'.prop`,
//     list indexes [*] and [n]; the type must be a STIX type name
//     (3-250 of [a-z0-9-]); unquoted property names are [A-Za-z_][A-Za-z0-9_]*
//     and not keywords — anything else must be quoted;
//   * operators = == != <> < <= > >= IN LIKE MATCHES ISSUBSET ISSUPERSET,
//     each optionally preceded by NOT, and EXISTS <path>;
//   * constants: 'strings' (only \' and \\ escapes), integers (64-bit, no
//     leading zeros), floats, true / false, b'base64', h'hex',
//     t'YYYY-MM-DDTHH:MM:SS[.s]Z' (a real date and time), sets ( a, b ).
//   * keywords are case-sensitive; whitespace (including the Unicode spaces
//     the grammar lists) and /* */ or // comments may separate tokens;
//     the text must be valid UTF-8 without NUL bytes.
// Not checked: whether the object type or property exists, the syntax of
// MATCHES regular expressions, the format of hash values, set element types.
//
// Cost and limits: linear time in the pattern's length. The parser recurses
// only at '(' and '['; nesting deeper than kMaxPatternNesting is an error,
// so hostile input cannot exhaust the stack. Error messages quote at most a
// few dozen bytes of the input, escaped, on one line.
//
// Thread-safe: no shared state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::schemas {

// The deepest allowed nesting of '(' and '[' together. Real patterns rarely
// pass 5; the limit bounds stack use (a few hundred bytes per level).
inline constexpr std::size_t kMaxPatternNesting = 64;

struct PatternError {
  std::size_t offset = 0;  // byte offset in the pattern where the problem is
  std::string message;     // for an analyst: what was expected / found
};

// Returns OK, or kInvalidStix with *error filled (first syntax error). The
// status message is error->message, which names the offset ("expected ']'
// at offset 31, found 'AND'"). On OK *error is reset. `error` may be null.
Status CheckPattern(std::string_view pattern, PatternError* error);

}  // namespace certshare::schemas
