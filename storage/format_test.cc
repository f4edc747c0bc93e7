// The on-disk format of docs/storage.md, byte by byte, and how the log
// refuses what is not that format.
#include <rocksdb/db.h>

#include <deque>
#include <string>
#include <vector>

#include "common/base/testing.h"
#include "storage/log.h"
#include "storage/log_test_util.h"

namespace certshare::storage {
namespace {

using certshare::testing::TempDir;
using namespace certshare::storage::testing;  // NOLINT: test helpers

TEST(FormatTest, NewLogHasMarkerTotalsAndAllFamilies) {
  TempDir dir;
  { ASSERT_NE(MustOpen(dir.path()), nullptr); }
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir.path(), &families).ok());
  EXPECT_EQ(families, (std::vector<std::string>{"default", "records", "ids",
                                                "meta", "latest", "cursors"}));
  RawDb raw(dir.path());
  ASSERT_NE(raw.db, nullptr);
  EXPECT_EQ(raw.Get(RawDb::kMeta, "format"), "certshare-log-v2");
  EXPECT_EQ(raw.Get(RawDb::kMeta, "stored_bytes"), U64(0));
  EXPECT_EQ(raw.Get(RawDb::kMeta, "first_sequence"), U64(1));
  EXPECT_EQ(raw.Count(RawDb::kMeta), 3u);
}

TEST(FormatTest, RecordIdLatestAndMetaBytes) {
  TempDir dir;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    std::vector<Entry> batch = {
        {"k1", AsBytes("abc"), 1000, "indicator--x", "2024"},
        {"key-two", AsBytes(""), 999, "", ""}};  // clamped up to 1000
    ASSERT_OK(StatusOf(log->AppendBatch(batch)));
  }
  RawDb raw(dir.path());
  ASSERT_NE(raw.db, nullptr);
  const std::string v1 =
      U64(1000) + U16(2) + "k1" + U16(12) + "indicator--x" + "abc";
  const std::string v2 = U64(1000) + U16(7) + "key-two" + U16(0);
  EXPECT_EQ(raw.Get(RawDb::kRecords, U64(1)), v1);
  EXPECT_EQ(raw.Get(RawDb::kRecords, U64(2)), v2);
  EXPECT_EQ(raw.Get(RawDb::kIds, "k1"), U64(1));
  EXPECT_EQ(raw.Get(RawDb::kIds, "key-two"), U64(2));
  EXPECT_EQ(raw.Get(RawDb::kLatest, "indicator--x"), U16(4) + "2024" + U64(1));
  EXPECT_EQ(raw.Count(RawDb::kLatest), 1u);
  EXPECT_EQ(raw.Get(RawDb::kMeta, "stored_bytes"), U64(v1.size() + v2.size()));
  EXPECT_EQ(raw.Get(RawDb::kMeta, "first_sequence"), U64(1));
}

TEST(FormatTest, TrimWritesFirstSequenceAndTotal) {
  TempDir dir;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    std::vector<Entry> batch = {{"a", AsBytes("1"), 5, "", ""},
                                {"b", AsBytes("22"), 5, "", ""},
                                {"c", AsBytes("333"), 5, "", ""}};
    ASSERT_OK(StatusOf(log->AppendBatch(batch)));
    ASSERT_OK(StatusOf(log->Trim(3)));
  }
  RawDb raw(dir.path());
  ASSERT_NE(raw.db, nullptr);
  EXPECT_EQ(raw.Get(RawDb::kMeta, "first_sequence"), U64(3));
  const std::string c = U64(5) + U16(1) + "c" + U16(0) + "333";
  EXPECT_EQ(raw.Get(RawDb::kMeta, "stored_bytes"), U64(c.size()));
  EXPECT_EQ(raw.Count(RawDb::kRecords), 1u);
  EXPECT_EQ(raw.Count(RawDb::kIds), 1u);
  EXPECT_EQ(raw.Get(RawDb::kIds, "c"), U64(3));
}

TEST(FormatTest, CursorBytes) {
  TempDir dir;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    ASSERT_OK(log->PutCursor("org-a/feed", 258));
  }
  RawDb raw(dir.path());
  ASSERT_NE(raw.db, nullptr);
  EXPECT_EQ(raw.Get(RawDb::kCursors, "org-a/feed"), U64(258));
}

// A log of the first development format (4 column families, marker v1).
void MakeV1Log(const std::string& dir) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, {}},
      {"records", {}},
      {"ids", {}},
      {"meta", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir, cfs, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  ASSERT_TRUE(db->Put({}, handles[3], "format", "certshare-log-v1").ok());
  ASSERT_TRUE(db->Put({}, handles[1], U64(1), "a v1 record").ok());
  ASSERT_TRUE(db->Put({}, handles[2], "k", U64(1)).ok());
  for (auto* h : handles)
    db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
}

TEST(FormatTest, V1LogIsRefusedByNameAndUntouched) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(MakeV1Log(dir.path()));
  for (bool create : {true, false}) {
    Options options;
    options.create_if_missing = create;
    auto log = Log::Open(dir.path(), options);
    EXPECT_CODE(log.status(), ErrorCode::kCorruption);
    const std::string& msg = log.status().message();
    EXPECT_NE(msg.find("format 'certshare-log-v1'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("expected 'certshare-log-v2'"), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("no migration"), std::string::npos) << msg;
  }
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir.path(), &families).ok());
  EXPECT_EQ(families,
            (std::vector<std::string>{"default", "records", "ids", "meta"}));
}

TEST(FormatTest, MissingFamilyWithoutMarkerIsNotACertshareLog) {
  TempDir dir;
  {
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
        {rocksdb::kDefaultColumnFamilyName, {}}, {"meta", {}}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(options, dir.path(), cfs, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put({}, handles[1], "format", "something else").ok());
    for (auto* h : handles)
      db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  auto log = Log::Open(dir.path());
  EXPECT_CODE(log.status(), ErrorCode::kCorruption);
  EXPECT_NE(log.status().message().find("not a certshare log"),
            std::string::npos)
      << log.status().ToString();
}

// A broker killed during its very first start can leave a database with
// RocksDB's CURRENT but not yet the log's column families (RocksDB creates
// them after CURRENT): it holds nothing, and is finished on the next open
// that may create a log (docs/storage.md, "Opening"). Without
// create_if_missing it stays refused.
TEST(FormatTest, ALogWhoseCreationWasInterruptedIsFinished) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(MakeRawDb(dir.path(), {"default"}));
  Options no_create;
  no_create.create_if_missing = false;
  auto refused = Log::Open(dir.path(), no_create);
  EXPECT_CODE(refused.status(), ErrorCode::kCorruption);
  EXPECT_NE(refused.status().message().find("column family 'records' is missing"),
            std::string::npos)
      << refused.status().ToString();

  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    ASSERT_OK(StatusOf(log->Append(Key(1), AsBytes("r1"))));
  }
  RawDb raw(dir.path());
  ASSERT_NE(raw.db, nullptr);
  EXPECT_EQ(raw.Get(RawDb::kMeta, "format"), "certshare-log-v2");
  EXPECT_EQ(raw.Count(RawDb::kRecords), 1u);
}

TEST(FormatTest, MissingMetaTotalIsCorruption) {
  TempDir dir;
  { ASSERT_NE(MustOpen(dir.path()), nullptr); }
  {
    RawDb raw(dir.path());
    ASSERT_NE(raw.db, nullptr);
    ASSERT_TRUE(
        raw.db->Delete({}, raw.handles[RawDb::kMeta], "stored_bytes").ok());
  }
  auto log = Log::Open(dir.path());
  EXPECT_CODE(log.status(), ErrorCode::kCorruption);
  EXPECT_NE(log.status().message().find("stored_bytes"), std::string::npos);
}

TEST(FormatTest, MalformedRecordValueIsCorruptionNotACrash) {
  TempDir dir;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    ASSERT_OK(StatusOf(log->Append("k1", AsBytes("r1"))));
    ASSERT_OK(StatusOf(log->Append("k2", AsBytes("r2"))));
  }
  for (const std::string& bad :
       {std::string(""), std::string("short"), U64(1) + U16(0) + U16(0),
        U64(1) + U16(50) + "k1", U64(1) + U16(2) + "k1" + U16(9) + "abc"}) {
    {
      RawDb raw(dir.path());
      ASSERT_NE(raw.db, nullptr);
      ASSERT_TRUE(
          raw.db->Put({}, raw.handles[RawDb::kRecords], U64(1), bad).ok());
    }
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    EXPECT_CODE(StatusOf(log->Read(1)), ErrorCode::kCorruption);
    EXPECT_CODE(log->Scan(1, 10, [](std::uint64_t, ByteView) { return true; }),
                ErrorCode::kCorruption);
    EXPECT_EQ(Str(*log->Read(2)), "r2");
    EXPECT_CODE(StatusOf(log->Trim(2)), ErrorCode::kCorruption);
  }
}

TEST(FormatTest, FieldLengthLimits) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  const std::string max(kMaxKeyLength, 'k');
  const std::string over(kMaxKeyLength + 1, 'k');
  std::vector<Entry> ok = {{max, AsBytes("r"), 0, max, max}};
  ASSERT_OK(StatusOf(log->AppendBatch(ok)));
  EXPECT_EQ(*log->Find(max), 1u);
  EXPECT_EQ(*log->Latest(max), 1u);
  for (int field = 0; field < 3; ++field) {
    Entry e{"k" + std::to_string(field), AsBytes("r"), 0, "obj", "v"};
    (field == 0   ? e.dedupe_key
     : field == 1 ? e.object_id
                  : e.version_key) = over;
    auto rs = log->AppendBatch(std::vector<Entry>{e});
    ASSERT_OK(StatusOf(rs));
    ASSERT_EQ(rs->size(), 1u);
    EXPECT_CODE(StatusOf((*rs)[0]), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(log->LastSequence(), 1u);
}

// An entry the log cannot store is refused alone: the entries around it in
// the same group commit are written, with consecutive sequences, as if it
// were not there (issue 10: one organisation's record refused others').
TEST(FormatTest, AnEntryThatCannotBeStoredIsRefusedAloneNotItsBatch) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  const std::string over(kMaxKeyLength + 1, 'x');
  std::deque<std::string> bodies;  // what the entries' records point into
  std::vector<Entry> batch;
  std::vector<bool> valid;
  for (int i = 0; i < 40; ++i) {
    const std::string& key = bodies.emplace_back("good-" + std::to_string(i));
    batch.push_back({key, AsBytes(key), 0, "obj-" + std::to_string(i), "v"});
    valid.push_back(true);
    if (i % 10 == 3) {
      // One of each problem between good entries.
      for (int field = 0; field < 4; ++field) {
        Entry bad{"bad-" + std::to_string(i) + "-" + std::to_string(field),
                  AsBytes("bad"), 0, "obj-bad", "v"};
        if (field == 0) bad.dedupe_key = over;
        if (field == 1) bad.object_id = over;
        if (field == 2) bad.version_key = over;
        if (field == 3) bad.dedupe_key.clear();
        batch.push_back(std::move(bad));
        valid.push_back(false);
      }
    }
  }
  auto rs = log->AppendBatch(batch);
  ASSERT_OK(StatusOf(rs));
  ASSERT_EQ(rs->size(), batch.size());
  std::uint64_t next = 1;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Result<AppendResult>& r = (*rs)[i];
    if (!valid[i]) {
      EXPECT_CODE(StatusOf(r), ErrorCode::kInvalidArgument);
      EXPECT_FALSE(r.status().message().empty());
      continue;
    }
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    EXPECT_EQ(r->sequence, next++);
    EXPECT_FALSE(r->duplicate);
    EXPECT_EQ(Str(*log->Read(r->sequence)), batch[i].dedupe_key);
  }
  EXPECT_EQ(log->LastSequence(), 40u);
  EXPECT_CODE(StatusOf(log->Find(over)), ErrorCode::kNotFound);
  EXPECT_CODE(StatusOf(log->Latest("obj-bad")), ErrorCode::kNotFound);
  // Every stored byte is a good entry's.
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (valid[i]) {
      bytes += 8 + 2 + batch[i].dedupe_key.size() + 2 +
               batch[i].object_id.size() + batch[i].record.size();
    }
  }
  EXPECT_EQ(log->StoredBytes(), bytes);
  // Append of one refused entry returns its refusal.
  EXPECT_CODE(StatusOf(log->Append(over, AsBytes("r"))),
              ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace certshare::storage
