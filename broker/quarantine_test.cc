// broker::Quarantine: the holds, their file, and what a damaged file does.
#include "broker/quarantine.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "common/base/file_util.h"
#include "common/base/testing.h"

namespace certshare::broker {
namespace {

Hold Open(std::uint64_t first) {
  Hold h;
  h.since_ms = 1000;
  h.first = first;
  h.made_ms = 5000;
  return h;
}

Hold Closed(std::uint64_t first, std::uint64_t last) {
  Hold h = Open(first);
  h.until_ms = 2000;
  h.last = last;
  return h;
}

TEST(QuarantineTest, AHoldCoversItsOriginsSequencesOnly) {
  Quarantine q;
  ASSERT_OK(q.Set("CERT-XX", Open(10)));
  ASSERT_OK(q.Set("CERT-YY", Closed(5, 7)));
  EXPECT_FALSE(q.Withholds("CERT-XX", 9));
  EXPECT_TRUE(q.Withholds("CERT-XX", 10));
  EXPECT_TRUE(q.Withholds("CERT-XX", 1'000'000));  // open: what comes next too
  EXPECT_FALSE(q.Withholds("CERT-YY", 4));
  EXPECT_TRUE(q.Withholds("CERT-YY", 7));
  EXPECT_FALSE(q.Withholds("CERT-YY", 8));
  EXPECT_FALSE(q.Withholds("CERT-EE", 10));
  // A closed hold over no record (first - 1), even at sequence 1.
  ASSERT_OK(q.Set("CERT-YY", Closed(1, 0)));
  EXPECT_FALSE(q.Withholds("CERT-YY", 1));
  EXPECT_FALSE(q.Withholds("CERT-YY", 2));
  // Released: delivered again; a second release says there is none.
  ASSERT_OK(q.Release("CERT-XX"));
  EXPECT_FALSE(q.Withholds("CERT-XX", 10));
  EXPECT_CODE(q.Release("CERT-XX"), ErrorCode::kNotFound);
}

TEST(QuarantineTest, HoldsSurviveReopeningTheFile) {
  const std::string dir = ::testing::TempDir() + "/quarantine_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + std::string(kQuarantineFile);
  {
    auto q = Quarantine::Open(path);  // none yet
    ASSERT_OK(q.status());
    EXPECT_TRUE(q->holds().empty());
    ASSERT_OK(q->Set("CERT-XX", Open(10)));
    ASSERT_OK(q->Set("CERT-YY", Closed(5, 7)));
  }
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto again = Quarantine::Open(path);
  ASSERT_OK(again.status());
  EXPECT_TRUE(again->Withholds("CERT-XX", 11));
  EXPECT_TRUE(again->Withholds("CERT-YY", 6));
  EXPECT_FALSE(again->Withholds("CERT-YY", 8));
  EXPECT_EQ(again->Serialize(), "certshare-quarantine-v1\n"
                                "CERT-XX 1000 0 10 0 5000\n"
                                "CERT-YY 1000 2000 5 7 5000\n");
  ASSERT_OK(again->Release("CERT-XX"));
  EXPECT_FALSE(Quarantine::Open(path)->Withholds("CERT-XX", 11));
}

TEST(QuarantineTest, ADamagedFileIsRefusedNamingTheLine) {
  const char* bad[] = {
      "",                                              // empty
      "certshare-quarantine-v2\n",                     // another format
      "certshare-quarantine-v1\nCERT-XX 1 0 1 0 1",    // last line incomplete
      "certshare-quarantine-v1\nCERT-XX 1 0 1 0\n",    // a field missing
      "certshare-quarantine-v1\nCERT-XX 1 0 0 0 1\n",  // first sequence 0
      "certshare-quarantine-v1\nCERT-XX 1 0 1 5 1\n",  // open, with a last sequence
      "certshare-quarantine-v1\nCERT-XX 5 4 1 1 1\n",  // until before since
      "certshare-quarantine-v1\nCERT-XX 1 2 5 3 1\n",  // last before first - 1
      "certshare-quarantine-v1\nbad id! 1 0 1 0 1\n",  // not an organisation id
      "certshare-quarantine-v1\nCERT-XX 1 0 1 0 1 \n", // trailing space
      "certshare-quarantine-v1\nCERT-XX 1 0 1 0 1\nCERT-XX 2 0 1 0 1\n",  // twice
  };
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_CODE(Quarantine::Parse(text).status(), ErrorCode::kCorruption);
  }
  EXPECT_OK(Quarantine::Parse("certshare-quarantine-v1\n").status());
}

}  // namespace
}  // namespace certshare::broker
