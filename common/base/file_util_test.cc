#include "common/base/file_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/base/testing.h"

namespace certshare {
namespace {

TEST(FileUtilTest, WriteNewNeverOverwritesAndSetsMode) {
  testing::TempDir dir;
  std::string path = dir.File("secret");
  ASSERT_OK(files::WriteNew(path, "first", 0600));
  EXPECT_CODE(files::WriteNew(path, "second", 0600), ErrorCode::kAlreadyExists);
  auto data = files::Read(path);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(*data, "first");
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*files::ReadProtected(path, files::Protection::kSecret, "the secret", 100), "first");
}

using files::Protection;

TEST(FileUtilTest, ReadProtectedChecksTheModeForItsProtection) {
  testing::TempDir dir;
  std::string path = dir.File("f");
  ASSERT_OK(files::WriteNew(path, "text", 0600));
  struct Case {
    mode_t mode;
    bool trusted_ok;
    bool secret_ok;
  };
  for (Case c : {Case{0600, true, true}, Case{0400, true, true}, Case{0644, true, false},
                 Case{0640, true, false}, Case{0604, true, false}, Case{0664, false, false},
                 Case{0646, false, false}, Case{0620, false, false}}) {
    ASSERT_EQ(::chmod(path.c_str(), c.mode), 0);
    SCOPED_TRACE(c.mode);
    auto trusted = files::ReadProtected(path, Protection::kTrusted, "the registry", 100);
    auto secret = files::ReadProtected(path, Protection::kSecret, "the secret key file", 100);
    if (c.trusted_ok) {
      EXPECT_EQ(*trusted, "text");
    } else {
      EXPECT_CODE(trusted.status(), ErrorCode::kInsecurePermissions);
      EXPECT_NE(trusted.status().message().find("the registry " + path), std::string::npos);
      EXPECT_NE(trusted.status().message().find("chmod go-w " + path), std::string::npos);
    }
    if (c.secret_ok) {
      EXPECT_EQ(*secret, "text");
    } else {
      EXPECT_CODE(secret.status(), ErrorCode::kInsecurePermissions);
      EXPECT_NE(secret.status().message().find("chmod 600 " + path), std::string::npos);
    }
  }
}

TEST(FileUtilTest, ReadProtectedDoesNotFollowASymbolicLink) {
  testing::TempDir dir;
  ASSERT_OK(files::WriteNew(dir.File("real"), "text", 0600));
  ASSERT_EQ(::symlink(dir.File("real").c_str(), dir.File("link").c_str()), 0);
  for (Protection p : {Protection::kTrusted, Protection::kSecret}) {
    auto read = files::ReadProtected(dir.File("link"), p, "the file", 100);
    EXPECT_CODE(read.status(), ErrorCode::kInsecurePermissions);
    EXPECT_NE(read.status().message().find("symbolic link"), std::string::npos)
        << read.status().ToString();
  }
  // A link in a folder of the path is the operator's choice (e.g. /etc/alternatives).
  ASSERT_OK(files::MakeDirs(dir.File("folder")));
  ASSERT_OK(files::WriteNew(dir.File("folder/real"), "text", 0600));
  ASSERT_EQ(::symlink(dir.File("folder").c_str(), dir.File("linked-folder").c_str()), 0);
  EXPECT_EQ(*files::ReadProtected(dir.File("linked-folder/real"), Protection::kSecret, "f", 100),
            "text");
}

TEST(FileUtilTest, ReadProtectedRefusesAFileOfAnotherUser) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "skip: making a file owned by another user needs root";
  }
  testing::TempDir dir;
  ASSERT_OK(files::WriteNew(dir.File("f"), "text", 0600));
  ASSERT_EQ(::chown(dir.File("f").c_str(), 4242, 4242), 0);
  auto read = files::ReadProtected(dir.File("f"), Protection::kTrusted, "the registry", 100);
  EXPECT_CODE(read.status(), ErrorCode::kInsecurePermissions);
  EXPECT_NE(read.status().message().find("user id 4242"), std::string::npos)
      << read.status().ToString();
}

TEST(FileUtilTest, ReadProtectedRefusesWhatIsNotARegularFileOrTooLarge) {
  testing::TempDir dir;
  // A FIFO must not hang the open.
  ASSERT_EQ(::mkfifo(dir.File("fifo").c_str(), 0600), 0);
  EXPECT_CODE(files::ReadProtected(dir.File("fifo"), Protection::kSecret, "f", 100).status(),
              ErrorCode::kIoError);
  ASSERT_OK(files::MakeDirs(dir.File("folder")));
  ::chmod(dir.File("folder").c_str(), 0700);
  EXPECT_CODE(files::ReadProtected(dir.File("folder"), Protection::kSecret, "f", 100).status(),
              ErrorCode::kIoError);
  EXPECT_CODE(files::ReadProtected(dir.File("missing"), Protection::kSecret, "f", 100).status(),
              ErrorCode::kIoError);
  ASSERT_OK(files::WriteNew(dir.File("big"), std::string(101, 'x'), 0600));
  EXPECT_CODE(files::ReadProtected(dir.File("big"), Protection::kSecret, "f", 100).status(),
              ErrorCode::kIoError);
  EXPECT_EQ(files::ReadProtected(dir.File("big"), Protection::kSecret, "f", 101)->size(), 101u);
}

TEST(FileUtilTest, WriteAtomicReplaces) {
  testing::TempDir dir;
  std::string path = dir.File("f");
  ASSERT_OK(files::WriteAtomic(path, "one"));
  ASSERT_OK(files::WriteAtomic(path, "two"));
  EXPECT_EQ(*files::Read(path), "two");
}

TEST(FileUtilTest, ReadMissingFileIsIoError) {
  EXPECT_EQ(files::Read("/nonexistent/certshare").status().code(), ErrorCode::kIoError);
}

}  // namespace
}  // namespace certshare
