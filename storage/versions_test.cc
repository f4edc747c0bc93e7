// The newest-version index (Entry::object_id / version_key, Log::Latest):
// a later version replaces the latest, an earlier one is history.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "common/base/testing.h"
#include "storage/log.h"
#include "storage/log_test_util.h"

namespace certshare::storage {
namespace {

using certshare::testing::TempDir;
using namespace certshare::storage::testing;  // NOLINT: test helpers

constexpr const char* kId = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";

// An entry for version `modified` of object `id`, keyed as the broker does.
Entry Version(const std::string& id, const std::string& modified,
              std::string_view body = "body") {
  return Entry{id + "|" + modified, AsBytes(body), 0, id, modified};
}

Result<AppendResult> AppendOne(Log& log, const Entry& e) {
  auto r = log.AppendBatch(std::span<const Entry>(&e, 1));
  if (!r.ok()) return r.status();
  return (*r)[0];
}

TEST(VersionsTest, NewerReplacesOlderIsHistory) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_CODE(StatusOf(log->Latest(kId)), ErrorCode::kNotFound);

  ASSERT_OK(
      StatusOf(AppendOne(*log, Version(kId, "2024-01-01T00:00:00.000Z"))));
  EXPECT_EQ(*log->Latest(kId), 1u);

  ASSERT_OK(
      StatusOf(AppendOne(*log, Version(kId, "2024-06-01T00:00:00.000Z"))));
  EXPECT_EQ(*log->Latest(kId), 2u);

  // An earlier `modified`: stored (a new record, readable) but not latest.
  auto older = AppendOne(*log, Version(kId, "2023-12-31T23:59:59.999Z", "old"));
  ASSERT_OK(older.status());
  EXPECT_EQ(older->sequence, 3u);
  EXPECT_FALSE(older->duplicate);
  EXPECT_EQ(Str(*log->Read(3)), "old");
  EXPECT_EQ(*log->Latest(kId), 2u);
}

TEST(VersionsTest, SameModifiedIsADuplicateAndChangesNothing) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_OK(
      StatusOf(AppendOne(*log, Version(kId, "2024-06-01T00:00:00.000Z"))));
  ASSERT_OK(
      StatusOf(AppendOne(*log, Version(kId, "2024-01-01T00:00:00.000Z"))));
  const std::uint64_t bytes = log->StoredBytes();

  auto again = AppendOne(*log, Version(kId, "2024-01-01T00:00:00.000Z"));
  ASSERT_OK(again.status());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, 2u);
  EXPECT_EQ(*log->Latest(kId), 1u);
  EXPECT_EQ(log->LastSequence(), 2u);
  EXPECT_EQ(log->StoredBytes(), bytes);

  // An equal version key under another dedupe key is stored, but a tie
  // does not replace: the first stored stays latest.
  Entry tie{"other-key", AsBytes("tie"), 0, kId, "2024-06-01T00:00:00.000Z"};
  auto r = AppendOne(*log, tie);
  ASSERT_OK(r.status());
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(*log->Latest(kId), 1u);
}

TEST(VersionsTest, AnyOrderInOneBatchNewestWins) {
  const std::array<std::string, 3> versions = {"2024-01-01", "2024-02-01",
                                               "2024-03-01"};
  std::array<int, 3> order = {0, 1, 2};
  do {
    TempDir dir;
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    std::vector<Entry> batch;
    for (int v : order) batch.push_back(Version(kId, versions[v]));
    batch.push_back(Version(kId, versions[order[0]]));  // in-batch duplicate
    batch.push_back(Version("other--1", "2020-01-01"));
    auto rs = log->AppendBatch(batch);
    ASSERT_OK(rs.status());
    const std::size_t newest =
        std::find(order.begin(), order.end(), 2) - order.begin();
    EXPECT_EQ(*log->Latest(kId), newest + 1)
        << "order " << order[0] << order[1] << order[2];
    EXPECT_TRUE((*rs)[3]->duplicate);
    EXPECT_EQ(*log->Latest("other--1"), 4u);  // the duplicate took none
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(VersionsTest, BatchOlderThanStoredLatestLeavesIt) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_OK(StatusOf(AppendOne(*log, Version(kId, "2024-09-01"))));
  std::vector<Entry> batch = {Version(kId, "2024-03-01"),
                              Version(kId, "2024-08-31")};
  ASSERT_OK(StatusOf(log->AppendBatch(batch)));
  EXPECT_EQ(*log->Latest(kId), 1u);
  std::vector<Entry> newer = {Version(kId, "2024-01-01"),
                              Version(kId, "2024-09-02"),
                              Version(kId, "2024-05-01")};
  ASSERT_OK(StatusOf(log->AppendBatch(newer)));
  EXPECT_EQ(*log->Latest(kId), 5u);
}

TEST(VersionsTest, SurvivesReopen) {
  TempDir dir;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    ASSERT_OK(StatusOf(AppendOne(*log, Version(kId, "2024-06-01"))));
    ASSERT_OK(StatusOf(AppendOne(*log, Version(kId, "2024-01-01"))));
  }
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(*log->Latest(kId), 1u);
  ASSERT_OK(StatusOf(AppendOne(*log, Version(kId, "2024-05-01"))));
  EXPECT_EQ(*log->Latest(kId), 1u);
  ASSERT_OK(StatusOf(AppendOne(*log, Version(kId, "2024-07-01"))));
  EXPECT_EQ(*log->Latest(kId), 4u);
}

TEST(VersionsTest, NoObjectIdMeansNoLatestEntry) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_OK(StatusOf(log->Append("plain", AsBytes("x"))));
  EXPECT_CODE(StatusOf(log->Latest("plain")), ErrorCode::kNotFound);
  EXPECT_CODE(StatusOf(log->Latest("")), ErrorCode::kInvalidArgument);
  // Bytewise order: an empty version key is the oldest possible.
  ASSERT_OK(StatusOf(AppendOne(*log, Entry{"a", AsBytes("a"), 0, "obj", ""})));
  EXPECT_EQ(*log->Latest("obj"), 2u);
  ASSERT_OK(
      StatusOf(AppendOne(*log, Entry{"b", AsBytes("b"), 0, "obj", "\x01"})));
  EXPECT_EQ(*log->Latest("obj"), 3u);
  // Bytes above 0x7f sort after ASCII (unsigned comparison, like RocksDB).
  ASSERT_OK(
      StatusOf(AppendOne(*log, Entry{"c", AsBytes("c"), 0, "obj", "\xff"})));
  ASSERT_OK(StatusOf(AppendOne(*log, Entry{"d", AsBytes("d"), 0, "obj", "z"})));
  EXPECT_EQ(*log->Latest("obj"), 4u);
}

TEST(VersionsTest, TrimRemovesOnlyTheLatestEntryThatPointsAtTrimmed) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_OK(StatusOf(AppendOne(*log, Version("a", "2024-01-01"))));  // 1
  ASSERT_OK(StatusOf(AppendOne(*log, Version("b", "2024-02-01"))));  // 2
  ASSERT_OK(StatusOf(AppendOne(*log, Version("a", "2024-03-01"))));  // 3
  ASSERT_OK(
      StatusOf(AppendOne(*log, Version("b", "2024-01-01"))));  // 4: history
  ASSERT_EQ(*log->Latest("a"), 3u);
  ASSERT_EQ(*log->Latest("b"), 2u);

  ASSERT_EQ(*log->Trim(3), 2u);
  EXPECT_EQ(*log->Latest("a"), 3u);  // points above the trim: kept
  // b's newest version is gone; its older version (4) is history and does
  // not become latest.
  EXPECT_CODE(StatusOf(log->Latest("b")), ErrorCode::kNotFound);
  EXPECT_EQ(Str(*log->Read(4)), "body");

  // The index knows only what is still stored (docs/storage.md, "Versions
  // and retention"): with no latest entry left, the next version of b
  // becomes latest, even one older than the history record 4.
  ASSERT_OK(StatusOf(AppendOne(*log, Version("b", "2023-01-01"))));  // 5
  EXPECT_EQ(*log->Latest("b"), 5u);
  ASSERT_OK(StatusOf(AppendOne(*log, Version("b", "2024-04-01"))));  // 6
  EXPECT_EQ(*log->Latest("b"), 6u);
}

}  // namespace
}  // namespace certshare::storage
