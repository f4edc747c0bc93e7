// Durable subscription cursors: PutCursor / GetCursor / DeleteCursor /
// ListCursors.
#include <atomic>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/base/testing.h"
#include "storage/fault_injection_env.h"
#include "storage/log.h"
#include "storage/log_test_util.h"

namespace certshare::storage {
namespace {

using certshare::testing::TempDir;
using namespace certshare::storage::testing;  // NOLINT: test helpers

TEST(CursorTest, PutGetOverwriteDelete) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_CODE(StatusOf(log->GetCursor("org-a/feed")), ErrorCode::kNotFound);
  ASSERT_OK(log->PutCursor("org-a/feed", 7));
  EXPECT_EQ(*log->GetCursor("org-a/feed"), 7u);
  ASSERT_OK(log->PutCursor("org-a/feed", 9));
  EXPECT_EQ(*log->GetCursor("org-a/feed"), 9u);
  ASSERT_OK(log->PutCursor("org-b/feed", 0));
  EXPECT_EQ(*log->GetCursor("org-b/feed"), 0u);
  ASSERT_OK(log->DeleteCursor("org-a/feed"));
  EXPECT_CODE(StatusOf(log->GetCursor("org-a/feed")), ErrorCode::kNotFound);
  EXPECT_EQ(*log->GetCursor("org-b/feed"), 0u);
  ASSERT_OK(log->DeleteCursor("never-existed"));  // idempotent
}

TEST(CursorTest, NamesAreOpaqueBytesAndEmptyIsRefused) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  const std::string binary("a\0b\xff", 4);
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  ASSERT_OK(log->PutCursor(binary, max));
  EXPECT_EQ(*log->GetCursor(binary), max);
  EXPECT_CODE(StatusOf(log->GetCursor(std::string("a\0b", 3))),
              ErrorCode::kNotFound);
  EXPECT_CODE(log->PutCursor("", 1), ErrorCode::kInvalidArgument);
  EXPECT_CODE(StatusOf(log->GetCursor("")), ErrorCode::kInvalidArgument);
  EXPECT_CODE(log->DeleteCursor(""), ErrorCode::kInvalidArgument);
}

TEST(CursorTest, ListCursorsByPrefixInNameOrderAndBounded) {
  using List = std::vector<std::pair<std::string, std::uint64_t>>;
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(*log->ListCursors("CERT-UA/", 100), List{});
  ASSERT_OK(log->PutCursor("CERT-UA/nightly", 3));
  ASSERT_OK(log->PutCursor("CERT-UA/eu-feed", 120));
  ASSERT_OK(log->PutCursor("CERT-UA.x/feed", 1));  // shares "CERT-UA", not "CERT-UA/"
  ASSERT_OK(log->PutCursor("CERT-U/feed", 2));      // sorts before the prefix
  ASSERT_OK(log->PutCursor("CERT-EE/eu-feed", 7));
  ASSERT_OK(log->PutCursor("CERT-UA/zero", 0));
  EXPECT_EQ(*log->ListCursors("CERT-UA/", 100),
            (List{{"CERT-UA/eu-feed", 120}, {"CERT-UA/nightly", 3}, {"CERT-UA/zero", 0}}));
  EXPECT_EQ(*log->ListCursors("CERT-EE/", 100), (List{{"CERT-EE/eu-feed", 7}}));
  EXPECT_EQ(*log->ListCursors("CERT-XX/", 100), List{});
  // Bounded: the first ones by name.
  EXPECT_EQ(*log->ListCursors("CERT-UA/", 2),
            (List{{"CERT-UA/eu-feed", 120}, {"CERT-UA/nightly", 3}}));
  EXPECT_EQ(*log->ListCursors("CERT-UA/", 0), List{});
  // An empty prefix lists every cursor; a caller reads its own writes.
  EXPECT_EQ(log->ListCursors("", 100)->size(), 6u);
  ASSERT_OK(log->DeleteCursor("CERT-UA/nightly"));
  ASSERT_OK(log->PutCursor("CERT-UA/eu-feed", 121));
  EXPECT_EQ(*log->ListCursors("CERT-UA/", 100),
            (List{{"CERT-UA/eu-feed", 121}, {"CERT-UA/zero", 0}}));
}

TEST(CursorTest, ListCursorsRefusesAMalformedValue) {
  TempDir dir;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    ASSERT_OK(log->PutCursor("CERT-UA/feed", 1));
  }
  {
    RawDb raw(dir.path());
    ASSERT_TRUE(raw.db->Put({}, raw.handles[RawDb::kCursors], "CERT-UA/bad", "short").ok());
  }
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_CODE(StatusOf(log->ListCursors("CERT-UA/", 100)), ErrorCode::kCorruption);
  EXPECT_EQ(log->ListCursors("CERT-EE/", 100)->size(), 0u);
}

TEST(CursorTest, SurviveReopenAndAreNotTouchedByTrim) {
  TempDir dir;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    ASSERT_OK(StatusOf(log->Append("k1", AsBytes("r1"))));
    ASSERT_OK(StatusOf(log->Append("k2", AsBytes("r2"))));
    ASSERT_OK(log->PutCursor("sub", 1));
    ASSERT_OK(log->PutCursor("gone", 2));
    ASSERT_OK(log->DeleteCursor("gone"));
    ASSERT_EQ(*log->Trim(3), 2u);
    EXPECT_EQ(*log->GetCursor("sub"), 1u);  // below FirstSequence(): kept
  }
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(*log->GetCursor("sub"), 1u);
  EXPECT_CODE(StatusOf(log->GetCursor("gone")), ErrorCode::kNotFound);
}

TEST(CursorTest, WritesAreNotSyncedAndDoNotChangeRecords) {
  TempDir dir;
  FaultInjectionEnv env;
  auto log = MustOpen(dir.path(), WritingThrough(&env));
  ASSERT_NE(log, nullptr);
  env.ResetCounts();  // the creation
  ASSERT_OK(log->PutCursor("c", 1));
  ASSERT_OK(log->DeleteCursor("c"));
  EXPECT_EQ(env.writes(), 2);         // through the Env, as every write
  EXPECT_EQ(env.synced_writes(), 0);  // but without an fsync
  EXPECT_EQ(log->LastSequence(), 0u);
  EXPECT_EQ(log->StoredBytes(), 0u);
}

TEST(CursorTest, FailedAppendBlocksCursorWrites) {
  TempDir dir;
  FaultInjectionEnv env;
  auto log = MustOpen(dir.path(), WritingThrough(&env));
  ASSERT_NE(log, nullptr);
  ASSERT_OK(log->PutCursor("c", 1));
  env.FailWrites();
  EXPECT_CODE(StatusOf(log->Append("k", AsBytes("r"))), ErrorCode::kIoError);
  env.HealWrites();
  EXPECT_CODE(log->PutCursor("c", 2), ErrorCode::kUnavailable);
  EXPECT_CODE(log->DeleteCursor("c"), ErrorCode::kUnavailable);
  EXPECT_EQ(*log->GetCursor("c"), 1u);
}

// A failed cursor write means what a failed append means (a WAL write
// error): appends and trims stop too (docs/storage.md, "Failed state").
TEST(CursorTest, FailedCursorWriteEntersTheFailedState) {
  TempDir dir;
  FaultInjectionEnv env;
  auto log = MustOpen(dir.path(), WritingThrough(&env));
  ASSERT_NE(log, nullptr);
  ASSERT_OK(StatusOf(log->Append("k1", AsBytes("r1"))));
  env.FailWrites();
  EXPECT_CODE(log->PutCursor("c", 1), ErrorCode::kIoError);
  env.HealWrites();
  auto append = log->Append("k2", AsBytes("r2"));
  EXPECT_CODE(append.status(), ErrorCode::kUnavailable);
  EXPECT_NE(append.status().message().find("injected"), std::string::npos)
      << append.status().ToString();
  EXPECT_CODE(StatusOf(log->Trim(2)), ErrorCode::kUnavailable);
  EXPECT_CODE(log->DeleteCursor("c"), ErrorCode::kUnavailable);
  EXPECT_EQ(Str(*log->Read(1)), "r1");
  EXPECT_CODE(StatusOf(log->GetCursor("c")), ErrorCode::kNotFound);
}

TEST(CursorTest, ConcurrentWritersOnDistinctNames) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string name = "sub" + std::to_string(t);
      for (std::uint64_t i = 1; i <= 500; ++i) {
        EXPECT_OK(log->PutCursor(name, i));
      }
    });
  }
  // Appends with fsync run meanwhile; cursor writes do not wait for them.
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(StatusOf(log->Append("k" + std::to_string(i), AsBytes("r"))));
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(*log->GetCursor("sub" + std::to_string(t)), 500u);
  }
}

}  // namespace
}  // namespace certshare::storage
