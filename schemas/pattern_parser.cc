// The recursive-descent parser of the STIX Patterning Language; the grammar
// is in pattern_parser.h. Every Parse* function starts at the current token
// (tok_) and leaves tok_ at the first token after what it parsed; each
// returns false with error_ filled at the first error.
#include "schemas/pattern_parser.h"

#include <array>

#include "schemas/formats.h"
#include "schemas/pattern_lexer.h"

namespace certshare::schemas {

namespace {

std::string At(std::size_t offset) {
  return " at offset " + std::to_string(offset);
}

// Whether an integer literal ([+-]?digits without leading zeros) fits in a
// signed 64-bit integer; longer ones would overflow whoever evaluates it.
bool FitsInt64(std::string_view text) {
  const bool negative = text.front() == '-';
  if (text.front() == '+' || text.front() == '-') text.remove_prefix(1);
  const std::string_view limit =
      negative ? "9223372036854775808" : "9223372036854775807";
  if (text.size() != limit.size()) return text.size() < limit.size();
  return text <= limit;
}

// Whether a number literal is above zero.
bool IsPositive(const Token& number) {
  return number.text.front() != '-' &&
         number.text.find_first_of("123456789") != std::string_view::npos;
}

// The timestamp inside t'…'.
std::string_view TimestampBody(const Token& token) {
  return token.text.substr(2, token.text.size() - 3);
}

enum Qualifier { kWithin, kRepeats, kStartStop, kQualifierCount };
constexpr std::array<std::string_view, kQualifierCount> kQualifierNames = {
    "WITHIN", "REPEATS", "STARTSTOP"};

class Parser {
 public:
  Parser(std::string_view pattern, PatternError* error,
         std::vector<std::string>* postfix)
      : pattern_(pattern), lexer_(pattern), error_(error), postfix_(postfix) {}

  bool Parse() {
    if (!Advance()) return false;
    if (tok_.kind == TokenKind::kEnd) {
      return FailExpected("'[' or '(' to begin an observation expression", "",
                          " (the pattern is empty)");
    }
    if (!ParseFollowedBy()) return false;
    if (tok_.kind != TokenKind::kEnd) {
      return FailExpected(
          "AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or the "
          "end of the pattern");
    }
    return true;
  }

 private:
  // Observation expressions.
  bool ParseFollowedBy() {
    if (!ParseObservationOr()) return false;
    while (IsWord("FOLLOWEDBY")) {
      if (!Advance() || !ParseObservationOr()) return false;
      Emit("FOLLOWEDBY");
    }
    return true;
  }

  bool ParseObservationOr() {
    if (!ParseObservationAnd()) return false;
    while (IsWord("OR")) {
      if (!Advance() || !ParseObservationAnd()) return false;
      Emit("OR");
    }
    return true;
  }

  bool ParseObservationAnd() {
    if (!ParseQualified()) return false;
    while (IsWord("AND")) {
      if (!Advance() || !ParseQualified()) return false;
      Emit("AND");
    }
    return true;
  }

  bool ParseQualified() {
    const Token opener = tok_;
    if (opener.kind == TokenKind::kLBracket) {
      if (!Enter(opener) || !Advance() || !ParseComparisonOr() ||
          !ExpectClose(opener)) {
        return false;
      }
      Emit("[]");
      return ParseQualifiers(/*simple=*/true);
    }
    if (opener.kind == TokenKind::kLParen) {
      if (!Enter(opener) || !Advance() || !ParseFollowedBy() ||
          !ExpectClose(opener)) {
        return false;
      }
      return ParseQualifiers(/*simple=*/false);
    }
    const bool looks_like_path =
        opener.kind == TokenKind::kWord && !IsPatternKeyword(opener.text);
    return FailExpected(
        "'[' or '(' to begin an observation expression", "",
        looks_like_path ? " (comparisons must be inside '[' and ']')" : "");
  }

  // Qualifiers after an observation expression. Like the OASIS validator,
  // a kind may appear once directly on a `[ ... ]` (`simple`), but again on
  // a parenthesised group.
  bool ParseQualifiers(bool simple) {
    std::array<bool, kQualifierCount> seen = {};
    for (;;) {
      const Token keyword = tok_;
      Qualifier kind;
      if (IsWord("WITHIN")) {
        kind = kWithin;
      } else if (IsWord("REPEATS")) {
        kind = kRepeats;
      } else if (IsWord("START")) {
        kind = kStartStop;
      } else {
        return true;
      }
      if (simple && seen[kind]) {
        return Fail(keyword.offset,
                    "second " + std::string(keyword.text) + " qualifier" +
                        At(keyword.offset) +
                        " on the same observation expression (put the "
                        "expression in '(' ')' to qualify it again)");
      }
      seen[kind] = true;
      if (!Advance()) return false;
      const bool ok = kind == kWithin    ? ParseWithin()
                      : kind == kRepeats ? ParseRepeats()
                                         : ParseStartStop();
      if (!ok) return false;
      Emit(kQualifierNames[kind]);
    }
  }

  bool ParseWithin() {
    if (tok_.kind != TokenKind::kInt && tok_.kind != TokenKind::kFloat) {
      return FailExpected("a number of seconds after WITHIN");
    }
    if (!CheckCount(tok_, "WITHIN") || !Advance()) return false;
    if (!IsWord("SECONDS")) return FailExpected("SECONDS");
    return Advance();
  }

  bool ParseRepeats() {
    if (tok_.kind != TokenKind::kInt) {
      return FailExpected("a whole number after REPEATS");
    }
    if (!CheckCount(tok_, "REPEATS") || !Advance()) return false;
    if (!IsWord("TIMES")) return FailExpected("TIMES");
    return Advance();
  }

  bool CheckCount(const Token& number, std::string_view keyword) {
    if (!IsPositive(number)) {
      return Fail(number.offset,
                  std::string(keyword) + " needs a number above zero" +
                      At(number.offset) + ", found " + DescribeToken(number));
    }
    if (number.kind == TokenKind::kInt && !FitsInt64(number.text)) {
      return Fail(number.offset, "the number " + DescribeToken(number) +
                                     " after " + std::string(keyword) +
                                     At(number.offset) + " is too large");
    }
    return true;
  }

  bool ParseStartStop() {
    constexpr std::string_view kTimestamp =
        "a timestamp t'YYYY-MM-DDTHH:MM:SSZ'";
    if (tok_.kind != TokenKind::kTimestamp) {
      return FailExpected(std::string(kTimestamp) + " after START");
    }
    const Token start = tok_;
    if (!Advance()) return false;
    if (!IsWord("STOP")) return FailExpected("STOP");
    if (!Advance()) return false;
    if (tok_.kind != TokenKind::kTimestamp) {
      return FailExpected(std::string(kTimestamp) + " after STOP");
    }
    if (CompareStixTimestamps(TimestampBody(start), TimestampBody(tok_)) >= 0) {
      return Fail(tok_.offset, "STOP " + DescribeToken(tok_) + At(tok_.offset) +
                                   " is not later than START " +
                                   DescribeToken(start));
    }
    return Advance();
  }

  // Comparison expressions.
  bool ParseComparisonOr() {
    if (!ParseComparisonAnd()) return false;
    while (IsWord("OR")) {
      if (!Advance() || !ParseComparisonAnd()) return false;
      Emit("OR");
    }
    return true;
  }

  bool ParseComparisonAnd() {
    if (!ParseComparison()) return false;
    while (IsWord("AND")) {
      if (!Advance() || !ParseComparison()) return false;
      Emit("AND");
    }
    return true;
  }

  bool ParseComparison() {
    if (tok_.kind == TokenKind::kLParen) {
      const Token opener = tok_;
      return Enter(opener) && Advance() && ParseComparisonOr() &&
             ExpectClose(opener);
    }
    if (IsWord("EXISTS")) {
      if (!Advance()) return false;
      const std::size_t path_start = tok_.offset;
      if (!ParseObjectPath()) return false;
      if (postfix_) {
        postfix_->push_back("EXISTS " + std::string(PathSince(path_start)));
      }
      return true;
    }
    const std::size_t path_start = tok_.offset;
    return ParseObjectPath() && ParseOperatorAndValue(path_start);
  }

  bool ParseOperatorAndValue(std::size_t path_start) {
    const std::string_view path = PathSince(path_start);
    const bool negated = IsWord("NOT");
    if (negated && !Advance()) return false;
    const Token op = tok_;
    const std::string after = "after '" + std::string(op.text) + "'";
    bool ok;
    switch (op.kind) {
      case TokenKind::kEq:
      case TokenKind::kNe:
        ok = Advance() && ParseConstant(/*allow_bool=*/true, after);
        break;
      case TokenKind::kLt:
      case TokenKind::kLe:
      case TokenKind::kGt:
      case TokenKind::kGe:
        ok = Advance() && ParseConstant(/*allow_bool=*/false, after);
        break;
      default:
        if (IsWord("IN")) {
          ok = Advance() && ParseSet();
        } else if (IsWord("LIKE") || IsWord("MATCHES") || IsWord("ISSUBSET") ||
                   IsWord("ISSUPERSET")) {
          ok = Advance() && ExpectString(after);
        } else {
          return FailExpected(
              negated ? "a comparison operator after NOT"
                      : "a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, "
                        "MATCHES, ISSUBSET, ISSUPERSET)");
        }
    }
    if (!ok) return false;
    if (postfix_) {
      postfix_->push_back(std::string(path) + (negated ? " NOT " : " ") +
                          std::string(op.text));
    }
    return true;
  }

  bool ParseConstant(bool allow_bool, std::string_view where) {
    switch (tok_.kind) {
      case TokenKind::kInt:
        if (!FitsInt64(tok_.text)) {
          return Fail(tok_.offset, "integer " + DescribeToken(tok_) +
                                       At(tok_.offset) +
                                       " does not fit in 64 bits");
        }
        return Advance();
      case TokenKind::kFloat:
      case TokenKind::kString:
      case TokenKind::kTimestamp:
      case TokenKind::kBinary:
      case TokenKind::kHex:
        return Advance();
      case TokenKind::kWord:
        if (tok_.text == "true" || tok_.text == "false") {
          if (!allow_bool) {
            return Fail(tok_.offset, "a boolean" + At(tok_.offset) +
                                         " cannot be ordered; use = or !=");
          }
          return Advance();
        }
        return FailExpected("a constant " + std::string(where), "",
                            " (strings are quoted: 'text')");
      default:
        return FailExpected("a constant " + std::string(where));
    }
  }

  bool ExpectString(std::string_view where) {
    if (tok_.kind != TokenKind::kString) {
      return FailExpected("a string " + std::string(where));
    }
    return Advance();
  }

  // ( a, b, ... ) after IN; the empty set is allowed by the grammar.
  bool ParseSet() {
    if (tok_.kind != TokenKind::kLParen) {
      return FailExpected("'(' to begin the set after IN");
    }
    const Token opener = tok_;
    if (!Advance()) return false;
    if (tok_.kind == TokenKind::kRParen) return Advance();
    for (;;) {
      if (!ParseConstant(/*allow_bool=*/true, "in the set")) return false;
      if (tok_.kind == TokenKind::kRParen) return Advance();
      if (tok_.kind != TokenKind::kComma) {
        return FailExpected("',' or ')'",
                            " in the set starting" + At(opener.offset));
      }
      if (!Advance()) return false;
    }
  }

  // Object paths.
  bool ParseObjectPath() {
    const Token type = tok_;
    if (type.kind != TokenKind::kWord || IsPatternKeyword(type.text)) {
      return FailExpected("an object path such as file:name", "",
                          IsWord("NOT")
                              ? " (NOT goes between the object path and the "
                                "operator: file:name NOT = 'x')"
                              : "");
    }
    if (!IsStixType(type.text)) {
      return Fail(type.offset,
                  "object type " + DescribeToken(type) + At(type.offset) +
                      " is not a STIX type name (3 to 250 characters of a-z, "
                      "0-9 and '-', beginning and ending with a letter or "
                      "digit)");
    }
    if (!Advance()) return false;
    if (tok_.kind != TokenKind::kColon) {
      return FailExpected("':' after the object type " + DescribeToken(type));
    }
    if (!Advance() || !ParsePropertyName("a property name after ':'")) {
      return false;
    }
    for (;;) {
      if (tok_.kind == TokenKind::kDot) {
        if (!Advance() || !ParsePropertyName("a property name after '.'")) {
          return false;
        }
      } else if (tok_.kind == TokenKind::kLBracket) {
        if (!ParseListIndex()) return false;
      } else if (tok_.kind == TokenKind::kFloat && tok_.text.front() == '.') {
        // ".5abc" scans as a number; name the real problem.
        return Fail(tok_.offset + 1, "property name" + At(tok_.offset + 1) +
                                         " begins with a digit, so it must "
                                         "be quoted");
      } else {
        return true;
      }
    }
  }

  bool ParsePropertyName(std::string_view what) {
    if (tok_.kind == TokenKind::kString) {
      if (tok_.text.size() == 2) {
        return Fail(tok_.offset, "empty property name" + At(tok_.offset));
      }
      return Advance();
    }
    if (tok_.kind != TokenKind::kWord) return FailExpected(what);
    if (IsPatternKeyword(tok_.text)) {
      return Fail(tok_.offset, "keyword " + DescribeToken(tok_) +
                                   At(tok_.offset) +
                                   " cannot be a property name unless it "
                                   "is quoted");
    }
    if (tok_.text.find('-') != std::string_view::npos) {
      return Fail(tok_.offset, "property name " + DescribeToken(tok_) +
                                   At(tok_.offset) +
                                   " contains '-', so it must be quoted");
    }
    return Advance();
  }

  // [n] or [*] after a property; n may be negative, as in the grammar.
  bool ParseListIndex() {
    const Token opener = tok_;
    if (!Advance()) return false;
    if (tok_.kind == TokenKind::kInt) {
      if (!FitsInt64(tok_.text)) {
        return Fail(tok_.offset, "list index " + DescribeToken(tok_) +
                                     At(tok_.offset) + " is too large");
      }
    } else if (tok_.kind != TokenKind::kStar) {
      return FailExpected("a list index (a whole number or '*')");
    }
    if (!Advance()) return false;
    if (tok_.kind != TokenKind::kRBracket) {
      return FailExpected("']'", " to close the list index at offset " +
                                     std::to_string(opener.offset));
    }
    return Advance();
  }

  // Tokens, nesting and errors.
  bool Advance() {
    prev_end_ = tok_.end();
    return lexer_.Next(&tok_, error_);
  }

  bool IsWord(std::string_view word) const {
    return tok_.kind == TokenKind::kWord && tok_.text == word;
  }

  // The source of the object path from `start` to the last token read.
  std::string_view PathSince(std::size_t start) const {
    return pattern_.substr(start, prev_end_ - start);
  }

  bool Enter(const Token& opener) {
    if (++depth_ > kMaxPatternNesting) {
      return Fail(opener.offset,
                  "nesting deeper than " + std::to_string(kMaxPatternNesting) +
                      " levels of '(' and '['" + At(opener.offset));
    }
    return true;
  }

  // The ']' or ')' matching `opener`; leaves the nesting level.
  bool ExpectClose(const Token& opener) {
    const bool bracket = opener.kind == TokenKind::kLBracket;
    if (tok_.kind != (bracket ? TokenKind::kRBracket : TokenKind::kRParen)) {
      return FailExpected(bracket ? "']'" : "')'",
                          " to close the '" + std::string(opener.text) + "'" +
                              At(opener.offset));
    }
    --depth_;
    return Advance();
  }

  bool Fail(std::size_t offset, std::string message) {
    error_->offset = offset;
    error_->message = std::move(message);
    return false;
  }

  // "expected <what> at offset N<context>, found <token><hint>". A word
  // that is a keyword in the wrong case gets that hint instead.
  bool FailExpected(std::string_view what, std::string_view context = {},
                    std::string_view hint = {}) {
    std::string message = "expected " + std::string(what) + At(tok_.offset) +
                          std::string(context) + ", found " +
                          DescribeToken(tok_);
    const std::string_view keyword =
        tok_.kind == TokenKind::kWord ? KeywordIgnoringCase(tok_.text) : "";
    if (!keyword.empty()) {
      message += " (keywords are case-sensitive: " + std::string(keyword) + ")";
    } else {
      message += hint;
    }
    return Fail(tok_.offset, std::move(message));
  }

  void Emit(std::string_view item) {
    if (postfix_) postfix_->emplace_back(item);
  }

  std::string_view pattern_;
  PatternLexer lexer_;
  PatternError* error_;
  std::vector<std::string>* postfix_;
  Token tok_;
  std::size_t prev_end_ = 0;  // end of the token before tok_
  std::size_t depth_ = 0;     // '(' and '[' open around tok_
};

}  // namespace

bool ParsePattern(std::string_view pattern, PatternError* error,
                  std::vector<std::string>* postfix) {
  return Parser(pattern, error, postfix).Parse();
}

}  // namespace certshare::schemas
