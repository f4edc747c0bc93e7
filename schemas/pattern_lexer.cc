// The lexer of the STIX Patterning Language (STIX 2.1 §9; the lexer rules
// of the OASIS grammar STIXPattern.g4), written by hand.
#include "schemas/pattern_lexer.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "schemas/formats.h"

namespace certshare::schemas {

namespace {

// How much of a token or literal a message quotes.
constexpr std::size_t kMaxDescribedBytes = 40;

constexpr std::array<std::string_view, 19> kKeywords = {
    "AND",     "OR",       "NOT",        "FOLLOWEDBY", "LIKE",
    "MATCHES", "ISSUBSET", "ISSUPERSET", "EXISTS",     "LAST",
    "IN",      "START",    "STOP",       "SECONDS",    "WITHIN",
    "REPEATS", "TIMES",    "true",       "false"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsWordStart(char c) { return IsLetter(c) || c == '_'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c) || c == '-'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsBase64Char(char c) {
  return IsLetter(c) || IsDigit(c) || c == '+' || c == '/';
}
// Characters a t'…' literal may hold before it is checked as a whole, so
// that "+01:00" gets the timestamp check's message, not "bad character".
bool IsTimestampChar(char c) {
  return IsLetter(c) || IsDigit(c) || c == '-' || c == ':' || c == '.' ||
         c == '+';
}

char ToUpper(char c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

std::string At(std::size_t offset) {
  return " at offset " + std::to_string(offset);
}

bool Fail(PatternError* error, std::size_t offset, std::string message) {
  error->offset = offset;
  error->message = std::move(message);
  return false;
}

// The length (1 to 4) of the UTF-8 sequence at text[pos], with its code
// point in *cp; 0 when the bytes there are not valid UTF-8 (truncated,
// overlong, a surrogate, above U+10FFFF).
std::size_t DecodeUtf8(std::string_view text, std::size_t pos, char32_t* cp) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    *cp = lead;
    return 1;
  }
  std::size_t length;
  char32_t value;
  char32_t min;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() - pos < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    if ((byte & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return 0;
  }
  *cp = value;
  return length;
}

// The non-ASCII whitespace of the grammar's WS rule.
bool IsUnicodeSpace(char32_t cp) {
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

std::string Hex2(unsigned char byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "0x%02X", byte);
  return buffer;
}

// The character at text[pos] for a message: 'x', "U+00E9", "NUL byte",
// "control character 0x01" or "invalid UTF-8 byte 0xFF".
std::string DescribeCharAt(std::string_view text, std::size_t pos) {
  const auto byte = static_cast<unsigned char>(text[pos]);
  if (byte == 0) return "NUL byte";
  if (byte < 0x20 || byte == 0x7F) return "control character " + Hex2(byte);
  if (byte < 0x80) return std::string("'") + text[pos] + "'";
  char32_t cp;
  if (DecodeUtf8(text, pos, &cp) == 0)
    return "invalid UTF-8 byte " + Hex2(byte);
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "U+%04X", static_cast<unsigned>(cp));
  return buffer;
}

// `text` escaped onto one line and cut to kMaxDescribedBytes.
std::string Escape(std::string_view text) {
  bool cut = false;
  if (text.size() > kMaxDescribedBytes) {
    std::size_t end = kMaxDescribedBytes;
    // Never split a UTF-8 character.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    text = text.substr(0, end);
    cut = true;
  }
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\x%02X", byte);
      out += buffer;
    } else {
      out += c;
    }
  }
  if (cut) out += "…";
  return out;
}

const char* PrefixedName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kTimestamp:
      return "timestamp";
    case TokenKind::kBinary:
      return "binary";
    default:
      return "hex";
  }
}

}  // namespace

bool IsPatternKeyword(std::string_view word) {
  for (std::string_view keyword : kKeywords) {
    if (word == keyword) return true;
  }
  return false;
}

std::string_view KeywordIgnoringCase(std::string_view word) {
  for (std::string_view keyword : kKeywords) {
    if (keyword.size() != word.size() || keyword == word) continue;
    bool same = true;
    for (std::size_t i = 0; i < word.size() && same; ++i) {
      same = ToUpper(word[i]) == ToUpper(keyword[i]);
    }
    if (same) return keyword;
  }
  return {};
}

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of pattern";
    case TokenKind::kString:
    case TokenKind::kTimestamp:
    case TokenKind::kBinary:
    case TokenKind::kHex:
    case TokenKind::kInt:
    case TokenKind::kFloat:
      return Escape(token.text);
    default:
      return "'" + Escape(token.text) + "'";
  }
}

bool PatternLexer::Next(Token* token, PatternError* error) {
  if (!SkipSpaceAndComments(error)) return false;
  if (pos_ == text_.size()) return Emit(TokenKind::kEnd, 0, token);
  const char c = text_[pos_];
  const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
  switch (c) {
    case '[':
      return Emit(TokenKind::kLBracket, 1, token);
    case ']':
      return Emit(TokenKind::kRBracket, 1, token);
    case '(':
      return Emit(TokenKind::kLParen, 1, token);
    case ')':
      return Emit(TokenKind::kRParen, 1, token);
    case ':':
      return Emit(TokenKind::kColon, 1, token);
    case ',':
      return Emit(TokenKind::kComma, 1, token);
    case '*':
      return Emit(TokenKind::kStar, 1, token);
    case '=':
      return Emit(TokenKind::kEq, next == '=' ? 2 : 1, token);
    case '!':
      if (next == '=') return Emit(TokenKind::kNe, 2, token);
      return Fail(error, pos_,
                  "unexpected '!'" + At(pos_) + " (did you mean '!='?)");
    case '<':
      if (next == '=') return Emit(TokenKind::kLe, 2, token);
      if (next == '>') return Emit(TokenKind::kNe, 2, token);
      return Emit(TokenKind::kLt, 1, token);
    case '>':
      if (next == '=') return Emit(TokenKind::kGe, 2, token);
      return Emit(TokenKind::kGt, 1, token);
    case '\'':
      return ScanString(token, error);
    case '.':
      if (IsDigit(next)) return ScanNumber(token, error);
      return Emit(TokenKind::kDot, 1, token);
    case '+':
    case '-': {
      const bool fraction =
          next == '.' && pos_ + 2 < text_.size() && IsDigit(text_[pos_ + 2]);
      if (IsDigit(next) || fraction) return ScanNumber(token, error);
      break;
    }
    default:
      if (IsDigit(c)) return ScanNumber(token, error);
      if (IsWordStart(c)) return ScanWordOrPrefixed(token, error);
      break;
  }
  return Fail(error, pos_,
              "unexpected " + DescribeCharAt(text_, pos_) + At(pos_));
}

bool PatternLexer::Emit(TokenKind kind, std::size_t length, Token* token) {
  token->kind = kind;
  token->offset = pos_;
  token->text = text_.substr(pos_, length);
  pos_ += length;
  return true;
}

std::size_t PatternLexer::TextCharAt(std::size_t pos,
                                     PatternError* error) const {
  char32_t cp;
  const std::size_t length = DecodeUtf8(text_, pos, &cp);
  if (length == 0 || cp == 0) {
    Fail(error, pos, DescribeCharAt(text_, pos) + At(pos));
    return 0;
  }
  return length;
}

bool PatternLexer::SkipSpaceAndComments(PatternError* error) {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (IsAsciiSpace(c)) {
      ++pos_;
      continue;
    }
    char32_t cp;
    if (static_cast<unsigned char>(c) >= 0x80) {
      const std::size_t length = DecodeUtf8(text_, pos_, &cp);
      if (length == 0 || !IsUnicodeSpace(cp)) return true;  // Next() reports
      pos_ += length;
      continue;
    }
    const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    if (c == '/' && next == '/') {
      // A line comment runs to the end of the line.
      std::size_t pos = pos_ + 2;
      while (pos < text_.size() && text_[pos] != '\n' && text_[pos] != '\r') {
        const std::size_t length = TextCharAt(pos, error);
        if (length == 0) return false;
        pos += length;
      }
      pos_ = pos;
    } else if (c == '/' && next == '*') {
      const std::size_t start = pos_;
      std::size_t pos = pos_ + 2;
      for (;;) {
        if (pos + 1 >= text_.size()) {
          return Fail(error, start,
                      "unterminated comment starting" + At(start));
        }
        if (text_[pos] == '*' && text_[pos + 1] == '/') break;
        const std::size_t length = TextCharAt(pos, error);
        if (length == 0) return false;
        pos += length;
      }
      pos_ = pos + 2;
    } else {
      return true;
    }
  }
  return true;
}

bool PatternLexer::ScanString(Token* token, PatternError* error) {
  const std::size_t start = pos_;
  std::size_t pos = start + 1;
  for (;;) {
    if (pos >= text_.size()) {
      return Fail(error, start, "unterminated string starting" + At(start));
    }
    const char c = text_[pos];
    if (c == '\'') break;
    if (c == '\\') {
      if (pos + 1 >= text_.size()) {
        return Fail(error, start, "unterminated string starting" + At(start));
      }
      const char escaped = text_[pos + 1];
      if (escaped != '\'' && escaped != '\\') {
        return Fail(error, pos,
                    "invalid escape '\\' followed by " +
                        DescribeCharAt(text_, pos + 1) + At(pos) +
                        " in the string starting" + At(start) +
                        " (only \\' and \\\\ are allowed)");
      }
      pos += 2;
      continue;
    }
    const std::size_t length = TextCharAt(pos, error);
    if (length == 0) {
      error->message += " in the string starting" + At(start);
      return false;
    }
    pos += length;
  }
  return Emit(TokenKind::kString, pos + 1 - start, token);
}

bool PatternLexer::ScanNumber(Token* token, PatternError* error) {
  const std::size_t start = pos_;
  std::size_t pos = start;
  if (text_[pos] == '+' || text_[pos] == '-') ++pos;
  const std::size_t digits = pos;
  while (pos < text_.size() && IsDigit(text_[pos])) ++pos;
  const std::size_t int_digits = pos - digits;
  if (pos < text_.size() && text_[pos] == '.') {
    if (pos + 1 >= text_.size() || !IsDigit(text_[pos + 1])) {
      return Fail(error, pos + 1,
                  "expected a digit after the decimal point" + At(pos + 1));
    }
    ++pos;
    while (pos < text_.size() && IsDigit(text_[pos])) ++pos;
    return Emit(TokenKind::kFloat, pos - start, token);
  }
  if (int_digits > 1 && text_[digits] == '0') {
    return Fail(error, start,
                "integer " + Escape(text_.substr(start, pos - start)) +
                    At(start) + " has a leading zero");
  }
  return Emit(TokenKind::kInt, pos - start, token);
}

bool PatternLexer::ScanWordOrPrefixed(Token* token, PatternError* error) {
  std::size_t pos = pos_;
  while (pos < text_.size() && IsWordChar(text_[pos])) ++pos;
  const std::string_view word = text_.substr(pos_, pos - pos_);
  if (word.size() == 1 && pos < text_.size() && text_[pos] == '\'') {
    // t'…', b'…' and h'…' are single tokens.
    if (word == "t") return ScanPrefixed(TokenKind::kTimestamp, token, error);
    if (word == "b") return ScanPrefixed(TokenKind::kBinary, token, error);
    if (word == "h") return ScanPrefixed(TokenKind::kHex, token, error);
  }
  return Emit(TokenKind::kWord, word.size(), token);
}

bool PatternLexer::ScanPrefixed(TokenKind kind, Token* token,
                                PatternError* error) {
  const std::size_t start = pos_;
  const std::size_t body_start = start + 2;
  const std::string name = PrefixedName(kind);
  auto allowed = [kind](char c) {
    switch (kind) {
      case TokenKind::kTimestamp:
        return IsTimestampChar(c);
      case TokenKind::kBinary:
        return IsBase64Char(c) || c == '=';
      default:
        return IsHexDigit(c);
    }
  };
  std::size_t pos = body_start;
  while (pos < text_.size() && allowed(text_[pos])) ++pos;
  if (pos >= text_.size()) {
    return Fail(error, start,
                "unterminated " + name + " literal starting" + At(start));
  }
  if (text_[pos] != '\'') {
    return Fail(error, pos,
                "unexpected " + DescribeCharAt(text_, pos) + At(pos) +
                    " in the " + name + " literal starting" + At(start));
  }
  const std::string_view body = text_.substr(body_start, pos - body_start);
  const std::string shown = Escape(text_.substr(start, pos + 1 - start));
  switch (kind) {
    case TokenKind::kTimestamp:
      if (std::string_view why = WhyNotStixTimestamp(body); !why.empty()) {
        return Fail(error, start,
                    "timestamp " + shown + At(start) + " " + std::string(why));
      }
      break;
    case TokenKind::kBinary: {
      // Groups of four base64 characters; '=' only as the last one or two.
      const std::size_t padding =
          body.size() - std::min(body.find('='), body.size());
      const bool padding_ok =
          padding <= 2 && body.find_first_not_of('=', body.size() - padding) ==
                              std::string_view::npos;
      if (body.empty() || body.size() % 4 != 0 || !padding_ok) {
        return Fail(error, start,
                    "binary literal " + shown + At(start) +
                        " is not base64 (non-empty, groups of 4 characters, "
                        "'=' only as padding at the end)");
      }
      break;
    }
    default:
      if (body.size() % 2 != 0) {
        return Fail(error, start,
                    "hex literal " + shown + At(start) +
                        " has an odd number of digits");
      }
      break;
  }
  return Emit(kind, pos + 1 - start, token);
}

}  // namespace certshare::schemas
