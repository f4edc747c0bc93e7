// A subscriber's Feed from where its records go (open_feed.h): the default
// state directory, options that do not go together, and the state
// directory one subscriber holds.
#include "agent/receive/open_feed.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/base/testing.h"
#include "common/identity/identity.h"

namespace certshare::agent {
namespace {

class OpenFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto files = identity::Generate("CERT-UA", "", dir_.File("keys"));
    ASSERT_OK(files.status());
    auto me = identity::LoadIdentity(files->secret_path);
    ASSERT_OK(me.status());
    me_ = std::make_unique<identity::Identity>(std::move(*me));
    ASSERT_OK(registry_.Put(me_->card));
  }

  testing::TempDir dir_;
  std::unique_ptr<identity::Identity> me_;
  identity::Registry registry_;
};

TEST_F(OpenFeedTest, TheDefaultStateDirectoryIsBesideTheOutputDirectory) {
  FeedOptions options;
  EXPECT_EQ(DefaultStateDir(options), "");
  options.output_dir = "/srv/certshare/feed/";
  EXPECT_EQ(DefaultStateDir(options), "/srv/certshare/feed.state");
  options.output_dir = "/";
  EXPECT_EQ(DefaultStateDir(options), "");
  FeedOptions exec;
  exec.exec = "cat";
  EXPECT_EQ(DefaultStateDir(exec), "");
}

TEST_F(OpenFeedTest, OptionsThatDoNotGoTogetherAreRefused) {
  FeedOptions exec;
  exec.exec = "cat";
  EXPECT_EQ(OpenFeed(exec, *me_, registry_).status().code(), ErrorCode::kInvalidArgument);

  FeedOptions same;
  same.output_dir = dir_.File("feed");
  same.state_dir = dir_.File("feed/");
  EXPECT_EQ(OpenFeed(same, *me_, registry_).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(OpenFeedTest, ADirectoryFeedHasItsStateAndQuarantineAndOneSubscriber) {
  FeedOptions options;
  options.output_dir = dir_.File("feed");
  auto opened = OpenFeed(options, *me_, registry_);
  ASSERT_OK(opened.status());
  EXPECT_EQ(opened->state_dir, dir_.File("feed.state"));
  EXPECT_EQ(opened->quarantine, dir_.File("feed.state/quarantine"));
  EXPECT_TRUE(std::filesystem::is_directory(opened->quarantine));
  struct stat st {};
  ASSERT_EQ(::stat(opened->state_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  auto second = OpenFeed(options, *me_, registry_);
  EXPECT_EQ(second.status().code(), ErrorCode::kInUse);
  EXPECT_NE(second.status().message().find(opened->state_dir), std::string::npos)
      << second.status().ToString();
}

}  // namespace
}  // namespace certshare::agent
