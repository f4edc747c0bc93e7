#include "common/base/suggest.h"

#include <gtest/gtest.h>

namespace certshare {
namespace {

TEST(SuggestTest, EditDistanceCountsEditsIgnoringCase) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("publish", "publish"), 0u);
  EXPECT_EQ(EditDistance("cert-ua", "CERT-UA"), 0u);
  EXPECT_EQ(EditDistance("publsh", "publish"), 1u);   // an insertion
  EXPECT_EQ(EditDistance("publissh", "publish"), 1u); // a deletion
  EXPECT_EQ(EditDistance("pablish", "publish"), 1u);  // a substitution
  EXPECT_EQ(EditDistance("tlp", "tpl"), 2u);          // a transposition is two
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(SuggestTest, ClosestPicksTheNearestWithinTheLimit) {
  const std::vector<std::string> commands = {"publish", "subscribe", "status", "sensor", "get"};
  EXPECT_EQ(Closest("publsh", commands), "publish");
  EXPECT_EQ(Closest("stauts", commands), "status");
  EXPECT_EQ(Closest("SENSOR", commands), "sensor");
  EXPECT_EQ(Closest("frobnicate", commands), std::nullopt);  // nothing close
  EXPECT_EQ(Closest("x", commands), std::nullopt);  // "get" is 3 edits, and x is short
  EXPECT_EQ(Closest("ge", commands), "get");
  EXPECT_EQ(Closest("publish", commands), std::nullopt);  // known: nothing to suggest
  EXPECT_EQ(Closest("anything", {}), std::nullopt);
}

TEST(SuggestTest, ClosestPrefersTheFirstOnATie) {
  EXPECT_EQ(Closest("CERT-U", {"CERT-UA", "CERT-UK"}), "CERT-UA");
  EXPECT_EQ(Closest("CERT-U", {"CERT-UK", "CERT-UA"}), "CERT-UK");
}

TEST(SuggestTest, DidYouMeanFormatsTheSuggestion) {
  EXPECT_EQ(DidYouMean("cert-ua", {"CERT-EE", "CERT-UA"}), " (did you mean CERT-UA?)");
  EXPECT_EQ(DidYouMean("CERT-ES", {"CERT-EE", "CERT-UA"}), " (did you mean CERT-EE?)");
  EXPECT_EQ(DidYouMean("NCSC-XYZ", {"CERT-EE", "CERT-UA"}), "");
}

}  // namespace
}  // namespace certshare
