#include "common/base/file_util.h"

#include <sys/stat.h>

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
  EXPECT_OK(files::CheckSecretMode(path));
}

TEST(FileUtilTest, CheckSecretModeRefusesReadableByOthers) {
  testing::TempDir dir;
  std::string path = dir.File("secret");
  ASSERT_OK(files::WriteNew(path, "x", 0644));
  EXPECT_CODE(files::CheckSecretMode(path), ErrorCode::kInsecurePermissions);
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
