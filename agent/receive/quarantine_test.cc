// The quarantine: the record's bytes and the reason, written once.
#include "agent/receive/quarantine.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/base/testing.h"
#include "common/crypto/keys.h"

namespace certshare::agent {
namespace {

using certshare::testing::TempDir;

TEST(QuarantineTest, KeepsTheBytesAndTheReason) {
  ASSERT_OK(crypto::Init());
  TempDir dir;
  auto q = Quarantine::Open(dir.File("q"));
  ASSERT_TRUE(q.ok());
  const std::string bytes = "not a record at all";
  Status why(ErrorCode::kBadSignature, "the origin's signature does not verify");
  auto path = (*q)->Put(42, AsBytes(bytes), why);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  auto text = files::Read(*path);
  ASSERT_TRUE(text.ok());
  rapidjson::Document doc;
  ASSERT_OK(json::Parse(*text, &doc));
  EXPECT_EQ(doc["sequence"].GetUint64(), 42u);
  EXPECT_EQ(std::string(doc["error"].GetString()), "BAD_SIGNATURE");
  EXPECT_EQ(doc["code"].GetUint(), 200u);
  EXPECT_EQ(std::string(doc["message"].GetString()), why.message());
  EXPECT_FALSE(doc.HasMember("claimed"));  // the bytes do not decode
  const std::string raw = dir.File("q/") + doc["record_file"].GetString();
  EXPECT_EQ(*files::Read(raw), bytes);
  EXPECT_EQ(std::filesystem::status(raw).permissions() & std::filesystem::perms::group_all,
            std::filesystem::perms::none);

  // The same record again (redelivered before its acknowledgement): the
  // same files, untouched.
  auto again = (*q)->Put(42, AsBytes(bytes), why);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *path);
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.File("q"))) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 2u);
}

}  // namespace
}  // namespace certshare::agent
