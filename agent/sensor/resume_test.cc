// Resuming a followed file where the last run left it: line offsets
// (Line::end), FollowFile with InputOptions::resume, and the position file
// (follow.h, "Resuming"; position_file.h).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "agent/sensor/follow.h"
#include "agent/sensor/line_splitter.h"
#include "agent/sensor/position_file.h"
#include "common/base/file_util.h"
#include "common/base/testing.h"

namespace certshare::agent::sensor {
namespace {

using namespace std::chrono_literals;
using certshare::testing::TempDir;
using certshare::testing::WaitFor;

void Append(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::app | std::ios::binary);
  f << text;
}

InputOptions Resuming(std::optional<FilePosition> at) {
  InputOptions o;
  o.poll = 5ms;
  o.resume = at;
  return o;
}

// Reads until `want` lines have come (bounded wait).
std::vector<Line> ReadLines(LineSource& source, std::size_t want) {
  std::vector<Line> all;
  WaitFor([&] {
    std::vector<Line> lines;
    EXPECT_OK(source.Read(20ms, 1000, &lines));
    for (Line& l : lines) all.push_back(std::move(l));
    return all.size() >= want;
  });
  return all;
}

std::vector<std::string> Texts(const std::vector<Line>& lines) {
  std::vector<std::string> out;
  for (const Line& l : lines) out.push_back(l.text);
  return out;
}

FilePosition After(const Line& line) { return {line.file_dev, line.file_ino, line.end}; }

TEST(LineOffsetsTest, EachLineEndsAfterItsNewline) {
  LineSplitter splitter(100, 1, 1000);  // resumed at byte 1000
  std::vector<Line> lines;
  splitter.Feed("ab\r\ncd", &lines);
  splitter.Feed("e\n\nxyz", &lines);
  splitter.Finish(&lines);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text, "ab");
  EXPECT_EQ(lines[0].end, 1004u);
  EXPECT_EQ(lines[1].text, "cde");
  EXPECT_EQ(lines[1].end, 1008u);
  EXPECT_EQ(lines[2].end, 1009u);  // the empty line
  EXPECT_EQ(lines[3].text, "xyz");
  EXPECT_EQ(lines[3].end, 1012u);  // no newline: the end of the stream
  splitter.Rebase(0);
  lines.clear();
  splitter.Feed("q\n", &lines);
  EXPECT_EQ(lines[0].end, 2u);
}

TEST(ResumeTest, TheSameFileFromTheSavedOffset) {
  TempDir dir;
  const std::string path = dir.File("eve.json");
  Append(path, "one\ntwo\n");
  FilePosition saved;
  {
    auto first = FollowFile(path, Resuming(std::nullopt));  // starts at the end
    Append(path, "three\nfour\n");
    std::vector<Line> lines = ReadLines(*first, 2);
    ASSERT_EQ(Texts(lines), (std::vector<std::string>{"three", "four"}));
    saved = After(lines[0]);  // "three" was spooled, "four" was not
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(saved.ino, static_cast<std::uint64_t>(st.st_ino));
    EXPECT_EQ(saved.offset, 14u);
  }
  Append(path, "five\n");  // written while the sensor was stopped
  auto again = FollowFile(path, Resuming(saved));
  EXPECT_EQ(Texts(ReadLines(*again, 2)), (std::vector<std::string>{"four", "five"}));
  EXPECT_NE(again->TakeNotices().at(0).find("resuming"), std::string::npos);
}

TEST(ResumeTest, ARotationWhileStoppedReadsTheRestOfTheOldFileFirst) {
  TempDir dir;
  const std::string path = dir.File("eve.json");
  Append(path, "one\ntwo\n");
  FilePosition saved;
  {
    auto first = FollowFile(path, Resuming(std::nullopt));
    Append(path, "three\n");
    saved = After(ReadLines(*first, 1).at(0));
  }
  Append(path, "four\n");
  ASSERT_EQ(std::rename(path.c_str(), dir.File("eve.json.1").c_str()), 0);
  Append(path, "five\n");
  auto again = FollowFile(path, Resuming(saved));
  EXPECT_EQ(Texts(ReadLines(*again, 2)), (std::vector<std::string>{"four", "five"}));
  const std::vector<std::string> notices = again->TakeNotices();
  ASSERT_FALSE(notices.empty());
  EXPECT_NE(notices[0].find("rotated while the sensor was stopped"), std::string::npos)
      << notices[0];
}

TEST(ResumeTest, TruncatedOrGoneStartsAtTheBeginningWithANotice) {
  TempDir dir;
  const std::string path = dir.File("eve.json");
  Append(path, "a fairly long first line\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  const FilePosition saved{static_cast<std::uint64_t>(st.st_dev),
                           static_cast<std::uint64_t>(st.st_ino), 25};
  ASSERT_OK(files::WriteAtomic(path + ".tmp", "x\n"));  // another inode...
  ASSERT_EQ(std::rename((path + ".tmp").c_str(), path.c_str()), 0);  // ...the old one gone
  auto gone = FollowFile(path, Resuming(saved));
  EXPECT_EQ(Texts(ReadLines(*gone, 1)), (std::vector<std::string>{"x"}));
  EXPECT_NE(gone->TakeNotices().at(0).find("no longer in the folder"), std::string::npos);

  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  const FilePosition beyond{static_cast<std::uint64_t>(st.st_dev),
                            static_cast<std::uint64_t>(st.st_ino), 1000};
  auto truncated = FollowFile(path, Resuming(beyond));
  EXPECT_EQ(Texts(ReadLines(*truncated, 1)), (std::vector<std::string>{"x"}));
  EXPECT_NE(truncated->TakeNotices().at(0).find("truncated"), std::string::npos);
}

TEST(ResumeTest, FromBeginningIgnoresTheSavedPosition) {
  TempDir dir;
  const std::string path = dir.File("eve.json");
  Append(path, "one\ntwo\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  InputOptions o = Resuming(FilePosition{static_cast<std::uint64_t>(st.st_dev),
                                         static_cast<std::uint64_t>(st.st_ino), 4});
  o.from_beginning = true;
  auto source = FollowFile(path, o);
  EXPECT_EQ(Texts(ReadLines(*source, 2)), (std::vector<std::string>{"one", "two"}));
}

TEST(PositionFileTest, RoundTripAndRefusals) {
  TempDir dir;
  const std::string input = dir.File("eve.json");
  const std::string file = PositionFilePath(dir.File("spool"), input);
  EXPECT_EQ(file.rfind(dir.File("spool") + "/sensor-positions/", 0), 0u) << file;
  EXPECT_NE(file, PositionFilePath(dir.File("spool"), dir.File("other.json")));
  auto none = LoadPosition(file, input);
  ASSERT_OK(none.status());
  EXPECT_FALSE(none->has_value());

  ASSERT_OK(SavePosition(file, input, {7, 42, 1234}));
  auto loaded = LoadPosition(file, input);
  ASSERT_OK(loaded.status());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->dev, 7u);
  EXPECT_EQ((*loaded)->ino, 42u);
  EXPECT_EQ((*loaded)->offset, 1234u);
  EXPECT_EQ(LoadPosition(file, dir.File("other.json")).status().code(), ErrorCode::kCorruption);

  ASSERT_OK(files::WriteAtomic(file, "{\"format\":"));
  EXPECT_EQ(LoadPosition(file, input).status().code(), ErrorCode::kCorruption);
}

}  // namespace
}  // namespace certshare::agent::sensor
