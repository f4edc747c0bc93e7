// Private to schemas/: the tokens of the STIX Patterning Language (STIX 2.1
// §9, the lexer rules of STIXPattern.g4) and a lexer that yields them one at
// a time, so that the first error in the text is the first one reported.
//
// Literals are checked as they are scanned: strings for their escapes and
// UTF-8, h'…' for pairs of hex digits, b'…' for base64 with correct padding,
// t'…' for a real STIX timestamp, integers for leading zeros. The parser
// checks what depends on context (keywords, ranges, property names).
//
// A PatternLexer refers to the pattern text it was given, which must outlive
// it and the tokens it returns. Not thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "schemas/pattern.h"

namespace certshare::schemas {

enum class TokenKind {
  kEnd,        // the end of the pattern; text is empty
  kWord,       // [A-Za-z_][A-Za-z0-9_-]*: a keyword, type or property name
  kString,     // 'text', quotes included
  kInt,        // [+-]?(0|[1-9][0-9]*)
  kFloat,      // [+-]?[0-9]*\.[0-9]+
  kTimestamp,  // t'…'
  kBinary,     // b'…'
  kHex,        // h'…'
  kLBracket,   // [
  kRBracket,   // ]
  kLParen,     // (
  kRParen,     // )
  kColon,      // :
  kDot,        // .
  kComma,      // ,
  kStar,       // *
  kEq,         // = or ==
  kNe,         // != or <>
  kLt,         // <
  kLe,         // <=
  kGt,         // >
  kGe,         // >=
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::size_t offset = 0;  // of the token's first byte
  std::string_view text;   // the token as written (quotes, prefix included)

  std::size_t end() const { return offset + text.size(); }
};

class PatternLexer {
 public:
  explicit PatternLexer(std::string_view pattern) : text_(pattern) {}

  // Skips whitespace and comments and scans the next token into *token; at
  // the end, a kEnd token at offset pattern.size(). Returns false with *error
  // filled on a lexical error; the lexer must not be used after that.
  bool Next(Token* token, PatternError* error);

 private:
  bool SkipSpaceAndComments(PatternError* error);
  bool ScanString(Token* token, PatternError* error);
  bool ScanNumber(Token* token, PatternError* error);
  bool ScanWordOrPrefixed(Token* token, PatternError* error);
  bool ScanPrefixed(TokenKind kind, Token* token, PatternError* error);
  // Length of the character at pos_ when it may appear inside a string or
  // comment (valid UTF-8, not NUL); otherwise 0 with *error filled.
  std::size_t TextCharAt(std::size_t pos, PatternError* error) const;
  bool Emit(TokenKind kind, std::size_t length, Token* token);

  std::string_view text_;
  std::size_t pos_ = 0;
};

// The token for a message: as written, escaped and cut to a few dozen
// bytes, in quotes unless it is a literal that carries its own; "end of
// pattern" for kEnd.
std::string DescribeToken(const Token& token);

// Keywords of the language (case-sensitive): AND, OR, NOT, FOLLOWEDBY, LIKE,
// MATCHES, ISSUBSET, ISSUPERSET, EXISTS, LAST, IN, START, STOP, SECONDS,
// WITHIN, REPEATS, TIMES, true, false. None can be an unquoted name.
bool IsPatternKeyword(std::string_view word);

// The keyword `word` differs from only in letter case ("AND" for "and"), or
// empty when there is none. For hints in messages.
std::string_view KeywordIgnoringCase(std::string_view word);

}  // namespace certshare::schemas
