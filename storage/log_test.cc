#include "storage/log.h"

#include <rocksdb/db.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/base/testing.h"
#include "storage/fault_injection_env.h"
#include "storage/log_test_util.h"
#include "storage/rocksdb_status.h"

namespace certshare::storage {
namespace {

using certshare::testing::TempDir;
using namespace certshare::storage::testing;  // NOLINT: test helpers

TEST(LogTest, AppendAndReadBySequence) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->LastSequence(), 0u);

  auto r = log->Append(Key(1), AsBytes("first record"));
  ASSERT_OK(r.status());
  EXPECT_EQ(r->sequence, 1u);
  EXPECT_FALSE(r->duplicate);

  auto read = log->Read(1);
  ASSERT_OK(read.status());
  EXPECT_EQ(Str(*read), "first record");
  auto found = log->Find(Key(1));
  ASSERT_OK(found.status());
  EXPECT_EQ(*found, 1u);
}

TEST(LogTest, BinaryAndLargeRecordsRoundTrip) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  Bytes binary = {0, 1, 0, 255, 0};
  Bytes large(1 << 20);
  for (std::size_t i = 0; i < large.size(); ++i)
    large[i] = static_cast<std::uint8_t>(i * 7);
  Bytes empty;
  ASSERT_OK(StatusOf(log->Append(Key(1), binary)));
  ASSERT_OK(StatusOf(log->Append(Key(2), large)));
  ASSERT_OK(StatusOf(log->Append(Key(3), empty)));
  EXPECT_EQ(*log->Read(1), binary);
  EXPECT_EQ(*log->Read(2), large);
  EXPECT_EQ(*log->Read(3), empty);
}

TEST(LogTest, SequencesAreConsecutiveFromOne) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  for (int i = 1; i <= 10; ++i) {
    auto r = log->Append(Key(i), AsBytes("r" + std::to_string(i)));
    ASSERT_OK(r.status());
    EXPECT_EQ(r->sequence, static_cast<std::uint64_t>(i));
    EXPECT_EQ(log->LastSequence(), static_cast<std::uint64_t>(i));
  }
  std::vector<Entry> batch = {E(Key(11), AsBytes("r11")),
                              E(Key(12), AsBytes("r12"))};
  auto rs = log->AppendBatch(batch);
  ASSERT_OK(rs.status());
  ASSERT_EQ(rs->size(), 2u);
  EXPECT_EQ((*rs)[0]->sequence, 11u);
  EXPECT_EQ((*rs)[1]->sequence, 12u);
  EXPECT_EQ(log->LastSequence(), 12u);
}

TEST(LogTest, DuplicateIsStoredOnceAndReturnsOriginalSequence) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_OK(StatusOf(log->Append(Key(1), AsBytes("other"))));
  auto first = log->Append(Key(2), AsBytes("original"));
  ASSERT_OK(first.status());
  EXPECT_EQ(first->sequence, 2u);

  auto again = log->Append(Key(2), AsBytes("a different body"));
  ASSERT_OK(again.status());
  EXPECT_EQ(again->sequence, 2u);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(log->LastSequence(), 2u);
  EXPECT_EQ(Str(*log->Read(2)), "original");

  // Same id, new `modified`: a new version, a new record.
  auto newer = log->Append(Key(2, "2024-06-01T00:00:00.000Z"), AsBytes("v2"));
  ASSERT_OK(newer.status());
  EXPECT_EQ(newer->sequence, 3u);
  EXPECT_FALSE(newer->duplicate);
}

TEST(LogTest, DuplicateWithinOneBatch) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_OK(StatusOf(log->Append(Key(9), AsBytes("stored before"))));

  std::vector<Entry> batch = {E(Key(1), AsBytes("a")), E(Key(2), AsBytes("b")),
                              E(Key(1), AsBytes("a again")),
                              E(Key(9), AsBytes("dup of stored")),
                              E(Key(3), AsBytes("c"))};
  auto rs = log->AppendBatch(batch);
  ASSERT_OK(rs.status());
  ASSERT_EQ(rs->size(), 5u);
  EXPECT_EQ((*rs)[0]->sequence, 2u);
  EXPECT_FALSE((*rs)[0]->duplicate);
  EXPECT_EQ((*rs)[1]->sequence, 3u);
  EXPECT_FALSE((*rs)[1]->duplicate);
  EXPECT_EQ((*rs)[2]->sequence, 2u);
  EXPECT_TRUE((*rs)[2]->duplicate);
  EXPECT_EQ((*rs)[3]->sequence, 1u);
  EXPECT_TRUE((*rs)[3]->duplicate);
  EXPECT_EQ((*rs)[4]->sequence, 4u);
  EXPECT_FALSE((*rs)[4]->duplicate);
  EXPECT_EQ(log->LastSequence(), 4u);
  EXPECT_EQ(Str(*log->Read(2)), "a");

  // A batch of nothing but duplicates writes nothing.
  auto dups = log->AppendBatch(batch);
  ASSERT_OK(dups.status());
  for (const auto& r : *dups) EXPECT_TRUE(r.ok() && r->duplicate);
  EXPECT_EQ(log->LastSequence(), 4u);
}

TEST(LogTest, EmptyBatchAndEmptyKey) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  auto none = log->AppendBatch({});
  ASSERT_OK(none.status());
  EXPECT_TRUE(none->empty());
  EXPECT_CODE(StatusOf(log->Append("", AsBytes("x"))),
              ErrorCode::kInvalidArgument);
  EXPECT_CODE(StatusOf(log->Find("")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(log->LastSequence(), 0u);
}

TEST(LogTest, EverythingSurvivesCloseAndReopen) {
  TempDir dir;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    for (int i = 1; i <= 3; ++i) {
      ASSERT_OK(
          StatusOf(log->Append(Key(i), AsBytes("r" + std::to_string(i)))));
    }
    std::vector<Entry> batch = {E(Key(4), AsBytes("r4")),
                                E(Key(5), AsBytes("r5"))};
    ASSERT_OK(StatusOf(log->AppendBatch(batch)));
  }
  Options options;
  options.create_if_missing = false;  // as the broker does after first start
  auto log = MustOpen(dir.path(), options);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->LastSequence(), 5u);
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(Str(*log->Read(i)), "r" + std::to_string(i));
    auto found = log->Find(Key(i));
    ASSERT_OK(found.status());
    EXPECT_EQ(*found, static_cast<std::uint64_t>(i));
  }
  auto dup = log->Append(Key(3), AsBytes("again"));
  ASSERT_OK(dup.status());
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->sequence, 3u);

  auto next = log->Append(Key(6), AsBytes("r6"));
  ASSERT_OK(next.status());
  EXPECT_EQ(next->sequence, 6u);
  EXPECT_FALSE(next->duplicate);
}

TEST(LogTest, ScanFromMiddleWithLimitAndEarlyStop) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  for (int i = 1; i <= 10; ++i) {
    ASSERT_OK(StatusOf(log->Append(Key(i), AsBytes("r" + std::to_string(i)))));
  }

  auto mid = ScanAll(*log, 4, 3);
  ASSERT_EQ(mid.size(), 3u);
  EXPECT_EQ(mid[0], std::make_pair(std::uint64_t{4}, std::string("r4")));
  EXPECT_EQ(mid[2], std::make_pair(std::uint64_t{6}, std::string("r6")));

  auto tail = ScanAll(*log, 8, 100);
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail.back().first, 10u);

  EXPECT_EQ(ScanAll(*log, 0, 100).size(), 10u);  // 0 means from the start
  EXPECT_TRUE(ScanAll(*log, 11, 100).empty());
  EXPECT_TRUE(ScanAll(*log, 1, 0).empty());
  EXPECT_TRUE(
      ScanAll(*log, std::numeric_limits<std::uint64_t>::max(), 5).empty());

  std::vector<std::uint64_t> seen;
  ASSERT_OK(log->Scan(2, 100, [&](std::uint64_t seq, ByteView) {
    seen.push_back(seq);
    return seen.size() < 3;  // stop after the third
  }));
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{2, 3, 4}));
}

TEST(LogTest, MissingSequenceAndKeyAreNotFound) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_CODE(StatusOf(log->Read(1)), ErrorCode::kNotFound);
  ASSERT_OK(StatusOf(log->Append(Key(1), AsBytes("r1"))));
  EXPECT_CODE(StatusOf(log->Read(0)), ErrorCode::kNotFound);
  EXPECT_CODE(StatusOf(log->Read(2)), ErrorCode::kNotFound);
  EXPECT_CODE(StatusOf(log->Read(std::numeric_limits<std::uint64_t>::max())),
              ErrorCode::kNotFound);
  EXPECT_CODE(StatusOf(log->Find(Key(2))), ErrorCode::kNotFound);
}

TEST(LogTest, OpeningMissingDatabaseWithoutCreateIsNotFound) {
  TempDir dir;
  const std::string path = dir.File("no-such-log");
  Options options;
  options.create_if_missing = false;
  auto log = Log::Open(path, options);
  EXPECT_CODE(log.status(), ErrorCode::kNotFound);
  EXPECT_NE(log.status().message().find(path), std::string::npos)
      << log.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(path));

  // An existing but empty directory is just as missing.
  auto in_empty_dir = Log::Open(dir.path(), options);
  EXPECT_CODE(in_empty_dir.status(), ErrorCode::kNotFound);
}

TEST(LogTest, CreatesMissingDirectories) {
  TempDir dir;
  auto log = MustOpen(dir.File("a/b/log"));
  ASSERT_NE(log, nullptr);
  ASSERT_OK(StatusOf(log->Append(Key(1), AsBytes("r1"))));
}

TEST(LogTest, InjectedWriteFailurePutsLogInFailedState) {
  TempDir dir;
  FaultInjectionEnv env;
  {
    auto log = MustOpen(dir.path(), WritingThrough(&env));
    ASSERT_NE(log, nullptr);
    ASSERT_OK(StatusOf(log->Append(Key(1), AsBytes("r1"))));
    ASSERT_OK(StatusOf(log->Append(Key(2), AsBytes("r2"))));

    env.FailWrites();
    std::vector<Entry> batch = {E(Key(3), AsBytes("r3")),
                                E(Key(4), AsBytes("r4"))};
    auto failed = log->AppendBatch(batch);
    EXPECT_CODE(failed.status(), ErrorCode::kIoError);
    EXPECT_NE(failed.status().message().find("injected fsync failure"),
              std::string::npos);

    // Sticky: even with the fault gone, appends are refused.
    env.HealWrites();
    auto after = log->Append(Key(5), AsBytes("r5"));
    EXPECT_CODE(after.status(), ErrorCode::kUnavailable);
    EXPECT_NE(after.status().message().find("failed state"), std::string::npos);
    EXPECT_NE(after.status().message().find("injected fsync failure"),
              std::string::npos)
        << after.status().ToString();
    EXPECT_NE(after.status().message().find("restart required"),
              std::string::npos);
    EXPECT_CODE(StatusOf(log->AppendBatch(batch)), ErrorCode::kUnavailable);
    // Even a pure duplicate is refused: the log does not vouch for anything
    // now.
    EXPECT_CODE(StatusOf(log->Append(Key(1), AsBytes("r1"))),
                ErrorCode::kUnavailable);

    // Reads still serve what was acknowledged; the failed batch is invisible.
    EXPECT_EQ(log->LastSequence(), 2u);
    EXPECT_EQ(Str(*log->Read(2)), "r2");
    EXPECT_CODE(StatusOf(log->Read(3)), ErrorCode::kNotFound);
    EXPECT_CODE(StatusOf(log->Find(Key(3))), ErrorCode::kNotFound);
  }

  // Reopening clears the failed state; nothing of the failed batch is stored.
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->LastSequence(), 2u);
  EXPECT_CODE(StatusOf(log->Read(3)), ErrorCode::kNotFound);
  EXPECT_CODE(StatusOf(log->Find(Key(3))), ErrorCode::kNotFound);
  EXPECT_CODE(StatusOf(log->Find(Key(4))), ErrorCode::kNotFound);
  EXPECT_EQ(ScanAll(*log, 1, 100).size(), 2u);
  auto retry = log->Append(Key(3), AsBytes("r3"));
  ASSERT_OK(retry.status());
  EXPECT_EQ(retry->sequence, 3u);
  EXPECT_FALSE(retry->duplicate);
}

TEST(LogTest, OneSyncedWritePerAppendCallAndNoneForDuplicates) {
  TempDir dir;
  FaultInjectionEnv env;
  auto log = MustOpen(dir.path(), WritingThrough(&env));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(env.synced_writes(), 1);  // the creation: marker and totals
  env.ResetCounts();
  ASSERT_OK(StatusOf(log->Append(Key(1), AsBytes("r1"))));
  std::vector<Entry> batch = {E(Key(2), AsBytes("r2")),
                              E(Key(3), AsBytes("r3"))};
  ASSERT_OK(StatusOf(log->AppendBatch(batch)));
  EXPECT_EQ(env.writes(), 2);
  EXPECT_EQ(env.synced_writes(), 2);
  ASSERT_OK(StatusOf(log->Append(Key(1), AsBytes("r1"))));  // duplicate
  EXPECT_EQ(env.writes(), 2);
}

// An Env that writes the batch and then reports the fsync as failed: the
// batch may be on disk, but the log cannot know, so it refuses further
// writes; after reopening, a retry is answered as duplicates with the
// original sequences (docs/storage.md, "Failed state").
TEST(LogTest, AWriteThatReachedTheDiskButFailedIsADuplicateAfterReopening) {
  class FailAfterWriting : public EnvWrapper {
   public:
    Status Write(const WriteRequest& request) override {
      Status written = EnvWrapper::Write(request);
      if (!written.ok() || !fail_after.load()) return written;
      return Status(ErrorCode::kIoError, "injected: fsync failed after the write");
    }
    std::atomic<bool> fail_after{false};
  };
  TempDir dir;
  FailAfterWriting env;
  std::vector<Entry> batch = {E(Key(1), AsBytes("r1")), E(Key(2), AsBytes("r2"))};
  {
    auto log = MustOpen(dir.path(), WritingThrough(&env));
    ASSERT_NE(log, nullptr);
    env.fail_after = true;
    EXPECT_CODE(StatusOf(log->AppendBatch(batch)), ErrorCode::kIoError);
    EXPECT_EQ(log->LastSequence(), 0u);  // never acknowledged, never visible
    EXPECT_CODE(StatusOf(log->AppendBatch(batch)), ErrorCode::kUnavailable);
  }
  env.fail_after = false;
  auto log = MustOpen(dir.path(), WritingThrough(&env));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->LastSequence(), 2u);
  auto retry = log->AppendBatch(batch);
  ASSERT_OK(retry.status());
  ASSERT_EQ(retry->size(), 2u);
  EXPECT_EQ((*retry)[0]->sequence, 1u);
  EXPECT_TRUE((*retry)[0]->duplicate);
  EXPECT_EQ((*retry)[1]->sequence, 2u);
  EXPECT_TRUE((*retry)[1]->duplicate);
}

TEST(LogTest, GarbageDirectoryIsAnErrorNotACrash) {
  for (const char* junk : {"\x00\xff garbage without newline",
                           "MANIFEST-000042\n", "../../../etc/passwd\n", ""}) {
    TempDir dir;
    {
      std::ofstream current(dir.File("CURRENT"), std::ios::binary);
      current << junk;
    }
    for (bool create : {true, false}) {
      Options options;
      options.create_if_missing = create;
      auto log = Log::Open(dir.path(), options);
      EXPECT_FALSE(log.ok()) << "CURRENT=" << junk;
      EXPECT_NE(log.status().code(), ErrorCode::kOk);
      EXPECT_FALSE(log.status().message().empty());
    }
  }
}

TEST(LogTest, FormatMarkerMismatchIsCorruption) {
  TempDir dir;
  { ASSERT_NE(MustOpen(dir.path()), nullptr); }
  {
    RawDb raw(dir.path());
    ASSERT_NE(raw.db, nullptr);
    std::string value;
    ASSERT_TRUE(raw.db->Get({}, raw.handles[3], "format", &value).ok());
    EXPECT_EQ(value, "certshare-log-v2");
    ASSERT_TRUE(
        raw.db->Put({}, raw.handles[3], "format", "certshare-log-v9").ok());
  }
  auto log = Log::Open(dir.path());
  EXPECT_CODE(log.status(), ErrorCode::kCorruption);
  EXPECT_NE(log.status().message().find("certshare-log-v9"), std::string::npos);
  EXPECT_NE(log.status().message().find("expected 'certshare-log-v2'"),
            std::string::npos);
}

TEST(LogTest, MissingMarkerOnNonEmptyLogIsCorruption) {
  TempDir dir;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    ASSERT_OK(StatusOf(log->Append(Key(1), AsBytes("r1"))));
  }
  {
    RawDb raw(dir.path());
    ASSERT_NE(raw.db, nullptr);
    ASSERT_TRUE(raw.db->Delete({}, raw.handles[3], "format").ok());
  }
  auto log = Log::Open(dir.path());
  EXPECT_CODE(log.status(), ErrorCode::kCorruption);
  EXPECT_NE(log.status().message().find("no format marker"), std::string::npos);
}

TEST(LogTest, ForeignRocksDbIsRefusedUntouched) {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.path(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put({}, "someone", "else's data").ok());
  }
  auto log = Log::Open(dir.path());
  EXPECT_CODE(log.status(), ErrorCode::kCorruption);
  EXPECT_NE(log.status().message().find("not a certshare log"),
            std::string::npos);

  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir.path(), &families).ok());
  EXPECT_EQ(families,
            std::vector<std::string>{rocksdb::kDefaultColumnFamilyName});
}

TEST(LogTest, ConcurrentReadersSeeConsistentData) {
  TempDir dir;
  Options options;
  options.sync = false;  // fsync is irrelevant to visibility; keep it quick
  auto log = MustOpen(dir.path(), options);
  ASSERT_NE(log, nullptr);

  constexpr int kPerWriter = 400;
  std::atomic<int> writers_left{2};
  std::atomic<int> reader_rounds{0};
  auto writer = [&](int w) {
    for (int i = 0; i < kPerWriter; ++i) {
      const std::string key = "w" + std::to_string(w) + "-" + std::to_string(i);
      // Record body == dedupe key, so readers can cross-check the id index.
      if (i % 4 == 0) {
        auto r = log->AppendBatch(std::vector<Entry>{E(key, AsBytes(key))});
        EXPECT_TRUE(r.ok()) << r.status().ToString();
      } else {
        auto r = log->Append(key, AsBytes(key));
        EXPECT_TRUE(r.ok()) << r.status().ToString();
      }
    }
    --writers_left;
  };
  auto reader = [&]() {
    while (writers_left.load() > 0 || reader_rounds.load() < 2) {
      const std::uint64_t last = log->LastSequence();
      if (last > 0) {
        auto rec = log->Read(last);
        ASSERT_TRUE(rec.ok()) << rec.status().ToString();
        auto seq = log->Find(Str(*rec));
        ASSERT_TRUE(seq.ok()) << seq.status().ToString();
        EXPECT_EQ(*seq, last);
      }
      std::uint64_t expect = 1;
      Status s = log->Scan(1, std::numeric_limits<std::size_t>::max(),
                           [&](std::uint64_t seq, ByteView) {
                             EXPECT_EQ(seq, expect);  // no gaps, in order
                             ++expect;
                             return true;
                           });
      EXPECT_TRUE(s.ok()) << s.ToString();
      EXPECT_GE(expect - 1, last);  // everything acknowledged is visible
      ++reader_rounds;
    }
  };

  std::vector<std::thread> threads;
  threads.emplace_back(writer, 0);
  threads.emplace_back(writer, 1);
  threads.emplace_back(reader);
  threads.emplace_back(reader);
  for (auto& t : threads) t.join();

  EXPECT_GT(reader_rounds.load(), 0);
  EXPECT_EQ(log->LastSequence(), 2u * kPerWriter);
  std::set<std::uint64_t> seqs;
  for (int w = 0; w < 2; ++w) {
    for (int i = 0; i < kPerWriter; ++i) {
      const std::string key = "w" + std::to_string(w) + "-" + std::to_string(i);
      auto seq = log->Find(key);
      ASSERT_OK(seq.status());
      EXPECT_EQ(Str(*log->Read(*seq)), key);
      seqs.insert(*seq);
    }
  }
  EXPECT_EQ(seqs.size(), 2u * kPerWriter);
  EXPECT_EQ(*seqs.begin(), 1u);
  EXPECT_EQ(*seqs.rbegin(), 2u * kPerWriter);
}

TEST(RocksDbStatusTest, MapsRocksDbErrorsAtTheEdge) {
  EXPECT_OK(FromRocksDb(rocksdb::Status::OK(), "ctx"));
  Status corrupt =
      FromRocksDb(rocksdb::Status::Corruption("bad block"), "reading");
  EXPECT_CODE(corrupt, ErrorCode::kCorruption);
  EXPECT_NE(corrupt.message().find("reading: "), std::string::npos);
  EXPECT_NE(corrupt.message().find("bad block"), std::string::npos);
  EXPECT_CODE(FromRocksDb(rocksdb::Status::IOError("eio"), "w"),
              ErrorCode::kIoError);
  EXPECT_CODE(FromRocksDb(rocksdb::Status::NoSpace("full"), "w"),
              ErrorCode::kIoError);
  EXPECT_CODE(FromRocksDb(rocksdb::Status::InvalidArgument("x"), "w"),
              ErrorCode::kStorageError);
  EXPECT_CODE(FromRocksDb(rocksdb::Status::NotSupported("x"), "w"),
              ErrorCode::kStorageError);
  EXPECT_CODE(FromRocksDb(rocksdb::Status::Busy("x"), "w"),
              ErrorCode::kStorageError);
}

TEST(RocksDbStatusTest, ALogAnotherOpenHoldsIsInUse) {
  TempDir dir;
  auto first = Log::Open(dir.File("log"));
  ASSERT_OK(first.status());
  auto second = Log::Open(dir.File("log"));
  ASSERT_FALSE(second.ok());
  EXPECT_CODE(second.status(), ErrorCode::kInUse);
  EXPECT_NE(second.status().message().find("log"), std::string::npos);
}

}  // namespace
}  // namespace certshare::storage
