// Hostile and degenerate patterns: never a crash, always a bounded report
// at the right offset, quickly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <string>

#include "common/base/testing.h"
#include "schemas/pattern.h"

namespace certshare::schemas {
namespace {

using ::testing::HasSubstr;

constexpr std::size_t kHuge = 100000;
constexpr std::size_t kMegabyte = 1 << 20;

PatternError ErrorOf(std::string_view pattern) {
  PatternError error;
  const Status status = CheckPattern(pattern, &error);
  EXPECT_EQ(status.code(), ErrorCode::kInvalidStix) << pattern.substr(0, 80);
  return error;
}

// A message stays on one line and short whatever the input.
void ExpectTidy(const PatternError& error, std::string_view pattern) {
  EXPECT_LE(error.offset, pattern.size());
  EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find('\r'), std::string::npos) << error.message;
  EXPECT_LT(error.message.size(), 400u) << error.message;
}

TEST(PatternHostile, EmptyAndAlmostEmpty) {
  for (const std::string& text :
       {std::string(), std::string(" "), std::string("["), std::string("("),
        std::string("]"), std::string("[["), std::string("'"),
        std::string("t'"), std::string("/*"), std::string("//")}) {
    PatternError error = ErrorOf(text);
    ExpectTidy(error, text);
  }
  EXPECT_EQ(ErrorOf("[").offset, 1u);
  EXPECT_THAT(ErrorOf("[").message, HasSubstr("expected an object path"));
}

TEST(PatternHostile, DeepParenthesesFailFastWithADepthError) {
  // '(' at offset i opens level i + 1, so the 65th, at offset 64, is refused.
  for (const std::string& text :
       {std::string(kHuge, '('), "[" + std::string(kHuge, '('),
        std::string(kHuge, '(') + std::string(kHuge, ')')}) {
    PatternError error = ErrorOf(text);
    EXPECT_EQ(error.offset, kMaxPatternNesting);
    EXPECT_THAT(error.message, HasSubstr("nesting deeper than 64"));
    ExpectTidy(error, text);
  }
}

TEST(PatternHostile, DeepBracketsFailAtTheSecond) {
  // '[' cannot hold '[' (only a list index follows a property), so 100,000
  // of them fail at the second, long before any depth limit.
  const std::string text(kHuge, '[');
  PatternError error = ErrorOf(text);
  EXPECT_EQ(error.offset, 1u);
  EXPECT_THAT(error.message, HasSubstr("expected an object path"));
  const std::string closed = text + std::string(kHuge, ']');
  EXPECT_EQ(ErrorOf(closed).offset, 1u);
}

TEST(PatternHostile, NestingUpToTheLimitIsAccepted) {
  const std::size_t groups = kMaxPatternNesting - 1;  // plus the '[' itself
  const std::string observation = "[file:name = 'a']";
  EXPECT_OK(CheckPattern(
      std::string(groups, '(') + observation + std::string(groups, ')'),
      nullptr));
  EXPECT_OK(CheckPattern("[" + std::string(groups, '(') + "file:name = 'a'" +
                             std::string(groups, ')') + "]",
                         nullptr));
  // One more level is refused, at the opener that exceeds the limit.
  const std::string deeper =
      std::string(groups + 1, '(') + observation + std::string(groups + 1, ')');
  EXPECT_EQ(ErrorOf(deeper).offset, kMaxPatternNesting);
}

TEST(PatternHostile, LongFlatPatternsAreFine) {
  // A megabyte of OR-ed observations and of OR-ed comparisons: loops, not
  // recursion, so length costs time, not stack.
  std::string observations = "[file:name = 'a']";
  while (observations.size() < kMegabyte) {
    observations += " OR [file:name = 'a'] AND [file:size > 1]";
  }
  EXPECT_OK(CheckPattern(observations, nullptr));
  std::string comparisons = "[file:name = 'a'";
  while (comparisons.size() < kMegabyte) comparisons += " OR file:size > 1";
  EXPECT_OK(CheckPattern(comparisons + "]", nullptr));
  // Qualifiers again and again on a group are allowed, and iterative.
  std::string qualified = "([file:name = 'a'])";
  while (qualified.size() < kMegabyte) qualified += " WITHIN 5 SECONDS";
  EXPECT_OK(CheckPattern(qualified, nullptr));
}

TEST(PatternHostile, MegabyteLiterals) {
  const std::string big(kMegabyte, 'a');
  EXPECT_OK(CheckPattern("[file:name = '" + big + "']", nullptr));
  EXPECT_OK(CheckPattern("[file:name = h'" + big + "']", nullptr));
  EXPECT_OK(CheckPattern("[file:name = b'" + big + "']", nullptr));
  EXPECT_OK(CheckPattern("[file:" + big + " = 1]", nullptr));
  // A megabyte-long word where a constant belongs: cut in the message.
  const std::string unquoted = "[file:name = " + big + "]";
  PatternError error = ErrorOf(unquoted);
  EXPECT_EQ(error.offset, 13u);
  ExpectTidy(error, unquoted);
  // A megabyte-long type name is not a STIX type (at most 250 characters).
  EXPECT_EQ(ErrorOf("[" + big + ":x = 1]").offset, 1u);
}

TEST(PatternHostile, UnterminatedStrings) {
  struct Case {
    std::string text;
    std::size_t offset;
  };
  for (const Case& c : {
           Case{"[file:name = '", 13},
           Case{"[file:name = 'abc", 13},
           Case{"[file:name = 'abc\\'", 13},  // the quote is escaped
           Case{"[file:name = 'abc\\", 13},   // a lone backslash at the end
           Case{"[file:name = 'abc\\']", 13},
           Case{"[file:name = '" + std::string(kMegabyte, 'x'), 13},
           Case{"[file:name = '" + std::string(kMegabyte, '\\'), 13},
       }) {
    PatternError error = ErrorOf(c.text);
    EXPECT_EQ(error.offset, c.offset) << error.message;
    EXPECT_THAT(error.message, HasSubstr("unterminated string starting"));
    ExpectTidy(error, c.text);
  }
}

TEST(PatternHostile, InvalidUtf8) {
  // Overlong, surrogate, truncated, lone continuation, beyond U+10FFFF.
  for (const std::string& bad :
       {std::string("\xC3\x28"), std::string("\xFF"), std::string("\x80"),
        std::string("\xED\xA0\x80"), std::string("\xC0\xAF"),
        std::string("\xE2\x82"), std::string("\xF4\x90\x80\x80"),
        std::string("\xF8\x88\x80\x80\x80")}) {
    // Inside a string.
    const std::string in_string = "[file:name = 'ab" + bad + "']";
    PatternError error = ErrorOf(in_string);
    EXPECT_EQ(error.offset, 16u) << error.message;
    EXPECT_THAT(error.message, HasSubstr("invalid UTF-8 byte"));
    ExpectTidy(error, in_string);
    // Between tokens, in a comment, in a hex literal.
    EXPECT_EQ(ErrorOf("[file:name = 'a'] " + bad).offset, 18u);
    EXPECT_EQ(ErrorOf("[file:name = 'a'] /* " + bad + " */").offset, 21u);
    EXPECT_EQ(ErrorOf("[file:name = h'" + bad + "']").offset, 15u);
  }
  // Valid UTF-8 that is not whitespace, between tokens.
  EXPECT_THAT(ErrorOf("[file:name = 'a'] \xC3\xA9").message,
              HasSubstr("unexpected U+00E9 at offset 18"));
}

TEST(PatternHostile, NulBytes) {
  using namespace std::string_literals;
  for (const std::string& text :
       {"\0"s, "[file:name = 'a\0b']"s, "[file:name = 'a']\0"s,
        "[file:name\0 = 'a']"s, "[file:name = 'a'] /* \0 */"s,
        "[file:name = 'a'] // \0"s}) {
    PatternError error = ErrorOf(text);
    EXPECT_EQ(error.offset, text.find('\0'));
    EXPECT_THAT(error.message, HasSubstr("NUL byte"));
    ExpectTidy(error, text);
  }
}

TEST(PatternHostile, ControlCharactersAreEscapedInMessages) {
  const std::string text = "[file:name = \x01]";
  PatternError error = ErrorOf(text);
  EXPECT_EQ(error.offset, 13u);
  EXPECT_THAT(error.message, HasSubstr("control character 0x01"));
  // A string holding a forged line is quoted escaped.
  const std::string forged = "[file:name LIKE 'a'] WITHIN 'x\ny: fine\n" +
                             std::string(1000, 'z') + "'";
  PatternError forged_error = ErrorOf(forged);
  EXPECT_THAT(forged_error.message, HasSubstr("\\x0A"));
  ExpectTidy(forged_error, forged);
}

TEST(PatternHostile, HugeNumbers) {
  const std::string digits(10000, '9');
  EXPECT_THAT(ErrorOf("[file:size = " + digits + "]").message,
              HasSubstr("does not fit in 64 bits"));
  EXPECT_THAT(ErrorOf("[file:size = -" + digits + "]").message,
              HasSubstr("does not fit in 64 bits"));
  EXPECT_THAT(
      ErrorOf("[file:name = 'a'] WITHIN " + digits + " SECONDS").message,
      HasSubstr("too large"));
  EXPECT_THAT(ErrorOf("[file:name = 'a'] REPEATS " + digits + " TIMES").message,
              HasSubstr("too large"));
  EXPECT_THAT(ErrorOf("[file:x[" + digits + "] = 1]").message,
              HasSubstr("too large"));
  // Floats are not converted; long ones are valid syntax.
  EXPECT_OK(
      CheckPattern("[file:size = " + digits + "." + digits + "]", nullptr));
  EXPECT_OK(CheckPattern("[file:name = 'a'] WITHIN 0." + digits + " SECONDS",
                         nullptr));
  const std::string zeros(10000, '0');
  EXPECT_THAT(
      ErrorOf("[file:name = 'a'] WITHIN 0." + zeros + " SECONDS").message,
      HasSubstr("above zero"));
}

TEST(PatternHostile, ManyShortInputsNeverCrash) {
  // A cheap deterministic fuzz: byte strings built from pattern fragments.
  constexpr std::string_view kPieces[] = {"[",
                                          "]",
                                          "(",
                                          ")",
                                          "'",
                                          "\\",
                                          ":",
                                          ".",
                                          ",",
                                          "*",
                                          "=",
                                          "!=",
                                          "<",
                                          ">=",
                                          " ",
                                          "AND",
                                          "OR",
                                          "NOT",
                                          "IN",
                                          "LIKE",
                                          "EXISTS",
                                          "FOLLOWEDBY",
                                          "WITHIN",
                                          "REPEATS",
                                          "START",
                                          "STOP",
                                          "SECONDS",
                                          "TIMES",
                                          "file",
                                          "name",
                                          "x-y",
                                          "1",
                                          "-2",
                                          ".5",
                                          "0",
                                          "t'",
                                          "b'",
                                          "h'",
                                          "2016-01-01T00:00:00Z",
                                          "YQ==",
                                          "ff",
                                          "true",
                                          "/*",
                                          "*/",
                                          "//",
                                          "\n",
                                          "\xC3",
                                          "\xA9",
                                          std::string_view("\0", 1)};
  constexpr std::size_t kPieceCount = std::size(kPieces);
  std::uint64_t state = 0x9E3779B97F4A7C15u;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  std::size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const std::size_t pieces = next() % 24;
    for (std::size_t p = 0; p < pieces; ++p)
      text += kPieces[next() % kPieceCount];
    PatternError error;
    if (CheckPattern(text, &error).ok()) {
      ++accepted;
    } else {
      ExpectTidy(error, text);
    }
  }
  EXPECT_LT(accepted, 20000u);
}

}  // namespace
}  // namespace certshare::schemas
