// The pattern lexer on its own: token kinds and extents, and how tokens
// are shown in messages.
#include "schemas/pattern_lexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace certshare::schemas {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

using Kinds = std::vector<std::pair<TokenKind, std::string>>;

// Every token of `text` (up to the end or the first error).
Kinds Scan(std::string_view text, PatternError* error = nullptr) {
  PatternLexer lexer(text);
  PatternError local;
  Kinds kinds;
  Token token;
  while (lexer.Next(&token, error ? error : &local) &&
         token.kind != TokenKind::kEnd) {
    EXPECT_EQ(text.substr(token.offset, token.text.size()), token.text);
    kinds.emplace_back(token.kind, std::string(token.text));
  }
  return kinds;
}

TEST(PatternLexer, Punctuation) {
  EXPECT_THAT(
      Scan("[]():.,* = == != <> < <= > >="),
      ElementsAre(Pair(TokenKind::kLBracket, "["),
                  Pair(TokenKind::kRBracket, "]"),
                  Pair(TokenKind::kLParen, "("), Pair(TokenKind::kRParen, ")"),
                  Pair(TokenKind::kColon, ":"), Pair(TokenKind::kDot, "."),
                  Pair(TokenKind::kComma, ","), Pair(TokenKind::kStar, "*"),
                  Pair(TokenKind::kEq, "="), Pair(TokenKind::kEq, "=="),
                  Pair(TokenKind::kNe, "!="), Pair(TokenKind::kNe, "<>"),
                  Pair(TokenKind::kLt, "<"), Pair(TokenKind::kLe, "<="),
                  Pair(TokenKind::kGt, ">"), Pair(TokenKind::kGe, ">=")));
}

TEST(PatternLexer, WordsKeepHyphensAndUnderscores) {
  EXPECT_THAT(
      Scan("ipv4-addr:value _x9 AND"),
      ElementsAre(Pair(TokenKind::kWord, "ipv4-addr"),
                  Pair(TokenKind::kColon, ":"), Pair(TokenKind::kWord, "value"),
                  Pair(TokenKind::kWord, "_x9"),
                  Pair(TokenKind::kWord, "AND")));
}

TEST(PatternLexer, Numbers) {
  EXPECT_THAT(
      Scan("0 -0 +5 12 1.5 .5 -.5 +0.25 007.1"),
      ElementsAre(Pair(TokenKind::kInt, "0"), Pair(TokenKind::kInt, "-0"),
                  Pair(TokenKind::kInt, "+5"), Pair(TokenKind::kInt, "12"),
                  Pair(TokenKind::kFloat, "1.5"), Pair(TokenKind::kFloat, ".5"),
                  Pair(TokenKind::kFloat, "-.5"),
                  Pair(TokenKind::kFloat, "+0.25"),
                  Pair(TokenKind::kFloat, "007.1")));
  // "1e5" is an integer then a word, as in the OASIS grammar.
  EXPECT_THAT(Scan("1e5"), ElementsAre(Pair(TokenKind::kInt, "1"),
                                       Pair(TokenKind::kWord, "e5")));
}

TEST(PatternLexer, StringsAndPrefixedLiterals) {
  EXPECT_THAT(
      Scan("'a\\'b' '' t'2020-01-01T00:00:00Z' b'YQ==' h'00ff' t x"),
      ElementsAre(
          Pair(TokenKind::kString, "'a\\'b'"), Pair(TokenKind::kString, "''"),
          Pair(TokenKind::kTimestamp, "t'2020-01-01T00:00:00Z'"),
          Pair(TokenKind::kBinary, "b'YQ=='"), Pair(TokenKind::kHex, "h'00ff'"),
          Pair(TokenKind::kWord, "t"), Pair(TokenKind::kWord, "x")));
  // Only a lone t, b or h before a quote starts a literal.
  EXPECT_THAT(Scan("tt'a'"), ElementsAre(Pair(TokenKind::kWord, "tt"),
                                         Pair(TokenKind::kString, "'a'")));
}

TEST(PatternLexer, SpacesAndComments) {
  EXPECT_THAT(
      Scan(" /* a */ x // b\n y /**/z\xE2\x80\x83w"),
      ElementsAre(Pair(TokenKind::kWord, "x"), Pair(TokenKind::kWord, "y"),
                  Pair(TokenKind::kWord, "z"), Pair(TokenKind::kWord, "w")));
}

TEST(PatternLexer, EndTokenIsAtTheEnd) {
  PatternLexer lexer("  x  ");
  PatternError error;
  Token token;
  ASSERT_TRUE(lexer.Next(&token, &error));
  EXPECT_EQ(token.offset, 2u);
  ASSERT_TRUE(lexer.Next(&token, &error));
  EXPECT_EQ(token.kind, TokenKind::kEnd);
  EXPECT_EQ(token.offset, 5u);
}

TEST(PatternLexer, Errors) {
  PatternError error;
  Scan("x 'abc", &error);
  EXPECT_EQ(error.offset, 2u);
  EXPECT_EQ(error.message, "unterminated string starting at offset 2");
  Scan("x ~", &error);
  EXPECT_EQ(error.offset, 2u);
  EXPECT_EQ(error.message, "unexpected '~' at offset 2");
}

TEST(PatternLexer, DescribeToken) {
  EXPECT_EQ(DescribeToken(Token{TokenKind::kEnd, 3, ""}), "end of pattern");
  EXPECT_EQ(DescribeToken(Token{TokenKind::kWord, 0, "AND"}), "'AND'");
  EXPECT_EQ(DescribeToken(Token{TokenKind::kString, 0, "'a\nb'"}), "'a\\x0Ab'");
  EXPECT_EQ(DescribeToken(Token{TokenKind::kInt, 0, "12"}), "12");
  const std::string long_word(100, 'w');
  EXPECT_EQ(DescribeToken(Token{TokenKind::kWord, 0, long_word}),
            "'" + std::string(40, 'w') + "…'");
  // Cutting never splits a UTF-8 character.
  const std::string accents = "'" + std::string(39, 'a') + "\xC3\xA9\xC3\xA9'";
  EXPECT_EQ(DescribeToken(Token{TokenKind::kString, 0, accents}),
            "'" + std::string(39, 'a') + "…");
}

TEST(PatternLexer, Keywords) {
  EXPECT_TRUE(IsPatternKeyword("FOLLOWEDBY"));
  EXPECT_TRUE(IsPatternKeyword("true"));
  EXPECT_FALSE(IsPatternKeyword("TRUE"));
  EXPECT_FALSE(IsPatternKeyword("and"));
  EXPECT_EQ(KeywordIgnoringCase("and"), "AND");
  EXPECT_EQ(KeywordIgnoringCase("False"), "false");
  EXPECT_EQ(KeywordIgnoringCase("AND"), "");
  EXPECT_EQ(KeywordIgnoringCase("file"), "");
}

}  // namespace
}  // namespace certshare::schemas
