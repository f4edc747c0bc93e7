#include "broker/replay_guard.h"

#include <gtest/gtest.h>

#include "common/base/file_util.h"
#include "common/base/testing.h"

namespace certshare::broker {
namespace {

constexpr std::uint64_t kNow = 1764233247000;  // 2025-11-27T08:47:27Z
constexpr std::uint64_t kMinute = 60 * 1000;
const std::string kNonceA = "000102030405060708090a0b0c0d0e0f";
const std::string kNonceB = "f0e0d0c0b0a090807060504030201000";

TEST(ReplayGuardTest, InMemoryAdmitsEachFreshNonceOnce) {
  ReplayGuard guard;
  EXPECT_OK(guard.Admit(kNonceA, kNow, kNow));
  EXPECT_CODE(guard.Admit(kNonceA, kNow, kNow + kMinute), ErrorCode::kReplayed);
  EXPECT_OK(guard.Admit(kNonceB, kNow - 4 * kMinute, kNow));
  // Stale or from the future, beyond five minutes.
  EXPECT_CODE(guard.Admit("11111111111111111111111111111111", kNow - 6 * kMinute, kNow),
              ErrorCode::kReplayed);
  EXPECT_CODE(guard.Admit("22222222222222222222222222222222", kNow + 6 * kMinute, kNow),
              ErrorCode::kReplayed);
}

TEST(ReplayGuardTest, NoncesSurviveReopeningTheFile) {
  testing::TempDir dir;
  const std::string path = dir.File(std::string(kAdminNoncesFile));
  {
    auto guard = ReplayGuard::Open(path, kNow);  // no file yet: nothing remembered
    ASSERT_TRUE(guard.ok()) << guard.status().ToString();
    EXPECT_OK(guard->Admit(kNonceA, kNow, kNow));
    EXPECT_OK(guard->Admit(kNonceB, kNow - 3 * kMinute, kNow));
  }
  EXPECT_EQ(*files::Read(path), std::string(kAdminNoncesFormat) + "\n" + kNonceA + " " +
                                    std::to_string(kNow) + "\n" + kNonceB + " " +
                                    std::to_string(kNow - 3 * kMinute) + "\n");
  // "A restart" a minute later: both are still refused.
  auto reopened = ReplayGuard::Open(path, kNow + kMinute);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_CODE(reopened->Admit(kNonceA, kNow, kNow + kMinute), ErrorCode::kReplayed);
  EXPECT_CODE(reopened->Admit(kNonceB, kNow - 3 * kMinute, kNow + kMinute),
              ErrorCode::kReplayed);
  // Once a command can no longer be fresh its nonce is forgotten, and
  // dropped from the file at the next write.
  auto later = ReplayGuard::Open(path, kNow + 3 * kMinute);
  ASSERT_TRUE(later.ok());
  EXPECT_OK(later->Admit("33333333333333333333333333333333", kNow + 3 * kMinute,
                         kNow + 3 * kMinute));
  EXPECT_EQ(files::Read(path)->find(kNonceB), std::string::npos);
  EXPECT_NE(files::Read(path)->find(kNonceA), std::string::npos);
}

TEST(ReplayGuardTest, ADamagedFileIsRefusedNotIgnored) {
  testing::TempDir dir;
  const std::string format = std::string(kAdminNoncesFormat) + "\n";
  for (const std::string& text :
       {std::string(), std::string("certshare-admin-nonces-v0\n"), format + kNonceA + "\n",
        format + kNonceA + " 12x\n", format + "zz" + kNonceA.substr(2) + " 1\n",
        format + kNonceA + " 1", format + kNonceA + " 123456789012345678901\n"}) {
    SCOPED_TRACE(text);
    const std::string path = dir.File("nonces");
    ASSERT_OK(files::WriteAtomic(path, text, 0600));
    auto guard = ReplayGuard::Open(path, kNow);
    EXPECT_CODE(guard.status(), ErrorCode::kCorruption);
    EXPECT_NE(guard.status().message().find(path), std::string::npos);
  }
}

TEST(ReplayGuardTest, ANonceThatCannotBeWrittenIsNotAdmitted) {
  testing::TempDir dir;
  auto guard = ReplayGuard::Open(dir.File("no-such-dir/nonces"), kNow);
  ASSERT_TRUE(guard.ok());
  Status s = guard->Admit(kNonceA, kNow, kNow);
  EXPECT_CODE(s, ErrorCode::kIoError);
  EXPECT_NE(s.message().find("not applied"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace certshare::broker
