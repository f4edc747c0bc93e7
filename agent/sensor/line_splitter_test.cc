#include "agent/sensor/line_splitter.h"

#include <gtest/gtest.h>

namespace certshare::agent::sensor {
namespace {

std::vector<std::string> Texts(const std::vector<Line>& lines) {
  std::vector<std::string> out;
  for (const Line& l : lines) out.push_back(l.too_long ? "<too long>" : l.text);
  return out;
}

TEST(LineSplitterTest, PartialLinesWaitForTheirNewline) {
  LineSplitter s(100, 3);
  std::vector<Line> out;
  s.Feed("{\"a\":", &out);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(s.has_partial());
  s.Feed("1}\r\nsecond\nthi", &out);
  ASSERT_EQ(Texts(out), (std::vector<std::string>{"{\"a\":1}", "second"}));
  EXPECT_EQ(out[1].number, 2u);
  EXPECT_EQ(out[1].stream, 3u);
  s.Feed("rd\n", &out);
  EXPECT_EQ(out.back().text, "third");
  EXPECT_FALSE(s.has_partial());
}

TEST(LineSplitterTest, HugeLinesAreReportedNotKept) {
  LineSplitter s(10, 0);
  std::vector<Line> out;
  s.Feed("short\n", &out);
  s.Feed(std::string(7, 'x'), &out);
  s.Feed(std::string(1000, 'y'), &out);  // passes the limit mid-line
  s.Feed(std::string(1000, 'z') + "\nok\n", &out);
  ASSERT_EQ(Texts(out), (std::vector<std::string>{"short", "<too long>", "ok"}));
  EXPECT_EQ(out[2].number, 3u);
  EXPECT_TRUE(out[1].text.empty());
  s.Feed("0123456789\n", &out);  // exactly the limit is fine
  EXPECT_EQ(out.back().text, "0123456789");
}

TEST(LineSplitterTest, FinishDeliversTheUnterminatedLastLine) {
  LineSplitter s(100);
  std::vector<Line> out;
  s.Feed("a\nb", &out);
  s.Finish(&out);
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"a", "b"}));
  s.Finish(&out);
  EXPECT_EQ(out.size(), 2u);
}

TEST(LineSplitterTest, SkipAndDrop) {
  LineSplitter s(100);
  std::vector<Line> out;
  s.SkipToNextLine();
  s.Feed("tail of an old line\nfresh\nhalf", &out);
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"fresh"}));
  EXPECT_TRUE(s.DropPartial());
  EXPECT_FALSE(s.DropPartial());
  s.Feed("new\n", &out);
  EXPECT_EQ(out.back().text, "new");
}

}  // namespace
}  // namespace certshare::agent::sensor
