#include "agent/sensor/follow.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "common/base/testing.h"

namespace certshare::agent::sensor {
namespace {

using namespace std::chrono_literals;
using certshare::testing::TempDir;
using certshare::testing::WaitFor;

InputOptions Fast() {
  InputOptions o;
  o.poll = 5ms;
  return o;
}

void Append(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::app | std::ios::binary);
  f << text;
}

// Reads from `source` until `want` lines have come (bounded wait).
std::vector<std::string> ReadLines(LineSource& source, std::size_t want) {
  std::vector<std::string> texts;
  std::vector<Line> lines;
  WaitFor([&] {
    lines.clear();
    EXPECT_OK(source.Read(20ms, 1000, &lines));
    for (const Line& l : lines) texts.push_back(l.too_long ? "<too long>" : l.text);
    return texts.size() >= want;
  });
  return texts;
}

// Reads for a short while and expects nothing.
void ExpectNothing(LineSource& source) {
  std::vector<Line> lines;
  for (int i = 0; i < 5; ++i) ASSERT_OK(source.Read(10ms, 1000, &lines));
  EXPECT_TRUE(lines.empty()) << lines.front().text;
}

TEST(FollowFileTest, StartsAtTheEndAndWaitsForCompleteLines) {
  TempDir dir;
  const std::string path = dir.File("eve.json");
  Append(path, "old 1\nold 2\nhalf of an old");
  auto source = FollowFile(path, Fast());
  ExpectNothing(*source);
  Append(path, " line\nnew 1\nnew ");
  EXPECT_EQ(ReadLines(*source, 1), (std::vector<std::string>{"new 1"}));
  ExpectNothing(*source);  // "new " waits for its newline
  Append(path, "2\n");
  EXPECT_EQ(ReadLines(*source, 1), (std::vector<std::string>{"new 2"}));
}

TEST(FollowFileTest, SaysWhereReadingStarts) {
  TempDir dir;
  const std::string path = dir.File("eve.json");
  Append(path, "old 1\nold 2\n");
  EXPECT_EQ(FollowFile(path, Fast())->start(),
            "at its end: the 12 bytes it holds are skipped (--from-beginning reads them)");
  InputOptions from_beginning = Fast();
  from_beginning.from_beginning = true;
  EXPECT_EQ(FollowFile(path, from_beginning)->start(), "from its beginning");
  EXPECT_EQ(FollowFile(dir.File("not-yet.json"), Fast())->start(),
            "from its beginning once it exists");
  const std::string empty = dir.File("empty.json");
  Append(empty, "");
  EXPECT_EQ(FollowFile(empty, Fast())->start(), "from its beginning");
}

TEST(FollowFileTest, FromTheBeginningAndAFileThatAppearsLater) {
  TempDir dir;
  const std::string path = dir.File("eve.json");
  Append(path, "a\nb\n");
  InputOptions o = Fast();
  o.from_beginning = true;
  EXPECT_EQ(ReadLines(*FollowFile(path, o), 2), (std::vector<std::string>{"a", "b"}));

  const std::string later = dir.File("later.json");
  auto source = FollowFile(later, Fast());
  ExpectNothing(*source);
  Append(later, "first\n");  // a file that did not exist is read from its start
  EXPECT_EQ(ReadLines(*source, 1), (std::vector<std::string>{"first"}));
}

TEST(FollowFileTest, SurvivesRenameAndRecreate) {
  TempDir dir;
  const std::string path = dir.File("eve.json");
  Append(path, "");
  auto source = FollowFile(path, Fast());
  Append(path, "one\n");
  EXPECT_EQ(ReadLines(*source, 1), (std::vector<std::string>{"one"}));
  // The writer adds a line, logrotate renames the file, the writer still
  // writes to the old one before it reopens: nothing of it is lost.
  Append(path, "two\n");
  ASSERT_EQ(std::rename(path.c_str(), dir.File("eve.json.1").c_str()), 0);
  Append(dir.File("eve.json.1"), "three\nunfinished");
  EXPECT_EQ(ReadLines(*source, 2), (std::vector<std::string>{"two", "three"}));
  // The new file: the old one's last partial line is delivered as it is,
  // then the new file from its beginning.
  Append(path, "four\nfive\n");
  std::vector<Line> lines;
  ASSERT_TRUE(WaitFor([&] {
    EXPECT_OK(source->Read(20ms, 1000, &lines));
    return lines.size() >= 3;
  }));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "unfinished");
  EXPECT_EQ(lines[1].text, "four");
  EXPECT_EQ(lines[2].text, "five");
  EXPECT_EQ(lines[2].number, 2u);
  EXPECT_EQ(lines[2].stream, 2u);
  EXPECT_EQ(source->Describe(lines[2]), path + " (file 2 since start) line 2");
  auto notices = source->TakeNotices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("rotated"), std::string::npos);
  // And again: a second rotation.
  ASSERT_EQ(std::rename(path.c_str(), dir.File("eve.json.2").c_str()), 0);
  Append(path, "six\n");
  EXPECT_EQ(ReadLines(*source, 1), (std::vector<std::string>{"six"}));
}

TEST(FollowFileTest, SurvivesCopyTruncate) {
  TempDir dir;
  const std::string path = dir.File("eve.json");
  Append(path, "");
  auto source = FollowFile(path, Fast());
  Append(path, "one\ntwo\nhalf");
  EXPECT_EQ(ReadLines(*source, 2), (std::vector<std::string>{"one", "two"}));
  // logrotate copytruncate: copy, then truncate in place; the writer goes
  // on at the start of the (same) file.
  ASSERT_EQ(::truncate(path.c_str(), 0), 0);
  ExpectNothing(*source);
  Append(path, "three\n");
  EXPECT_EQ(ReadLines(*source, 1), (std::vector<std::string>{"three"}));
  auto notices = source->TakeNotices();
  ASSERT_FALSE(notices.empty());
  EXPECT_NE(notices[0].find("truncated"), std::string::npos);
  EXPECT_NE(notices[0].find("unfinished line was dropped"), std::string::npos);
}

TEST(FollowFileTest, HugeLinesAreSkippedWithoutLosingTheNext) {
  TempDir dir;
  const std::string path = dir.File("eve.json");
  Append(path, "");
  InputOptions o = Fast();
  o.max_line_bytes = 1024;
  auto source = FollowFile(path, o);
  Append(path, std::string(300 * 1024, 'x') + "\nafter\n");
  EXPECT_EQ(ReadLines(*source, 2), (std::vector<std::string>{"<too long>", "after"}));
}

TEST(StreamInputTest, ReadsAPipeToItsEnd) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto source = ReadStream(fds[0], "test pipe", Fast());
  ASSERT_EQ(::write(fds[1], "a\nb", 3), 3);
  EXPECT_EQ(ReadLines(*source, 1), (std::vector<std::string>{"a"}));
  EXPECT_FALSE(source->ended());
  ::close(fds[1]);
  EXPECT_EQ(ReadLines(*source, 1), (std::vector<std::string>{"b"}));  // the last, unterminated
  EXPECT_TRUE(source->ended());
  ::close(fds[0]);
}

int Connect(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void Send(int fd, const std::string& text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

TEST(UnixSocketInputTest, ReadsLinesFromSeveralWriters) {
  TempDir dir;
  const std::string path = dir.File("eve.sock");
  auto source = OpenInput("unix:" + path, Fast());
  ASSERT_OK(source.status());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const int a = Connect(path);
  const int b = Connect(path);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  std::vector<Line> lines;
  // Each connection keeps its own partial line.
  Send(a, "from a 1\nfrom a ");
  Send(b, "from b 1\n");
  Send(a, "2\n");
  ASSERT_TRUE(WaitFor([&] {
    EXPECT_OK((*source)->Read(20ms, 1000, &lines));
    return lines.size() >= 3;
  }));
  std::vector<std::string> texts;
  for (const Line& l : lines) texts.push_back(l.text);
  std::sort(texts.begin(), texts.end());
  EXPECT_EQ(texts, (std::vector<std::string>{"from a 1", "from a 2", "from b 1"}));
  // A writer that closes with an unfinished line: it is delivered.
  Send(b, "last words");
  ::close(b);
  lines.clear();
  ASSERT_TRUE(WaitFor([&] {
    EXPECT_OK((*source)->Read(20ms, 1000, &lines));
    return !lines.empty();
  }));
  EXPECT_EQ(lines[0].text, "last words");
  EXPECT_EQ((*source)->Describe(lines[0]), "unix:" + path + " connection 2 line 2");
  ::close(a);
  // Another sensor cannot take the path while this one listens; the file
  // is removed when the source closes.
  EXPECT_CODE(OpenInput("unix:" + path, Fast()).status(), ErrorCode::kAlreadyExists);
  source->reset();
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
}

TEST(UnixSocketInputTest, StaleSocketIsReplacedOtherFilesAreNot) {
  TempDir dir;
  const std::string path = dir.File("eve.sock");
  {
    // A socket file whose listener is gone (a crashed sensor).
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::close(fd);
  }
  EXPECT_OK(OpenInput("unix:" + path, Fast()).status());
  const std::string plain = dir.File("not-a-socket");
  Append(plain, "keep me\n");
  EXPECT_CODE(OpenInput("unix:" + plain, Fast()).status(), ErrorCode::kAlreadyExists);
  EXPECT_CODE(OpenInput("unix:" + std::string(200, 'x'), Fast()).status(),
              ErrorCode::kInvalidArgument);
  EXPECT_CODE(OpenInput("", Fast()).status(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace certshare::agent::sensor
