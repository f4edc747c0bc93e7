// Receive times (FirstReceivedAtOrAfter), Trim, StoredBytes and
// ApplyRetention, including the failed state and concurrent readers.
#include <atomic>
#include <chrono>
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

// Value size the log stores for a record (docs/storage.md): received_ms,
// two u16 lengths, the dedupe key, the object id, the record.
std::uint64_t ValueSize(std::string_view key, std::string_view object_id,
                        std::size_t record_size) {
  return 8 + 2 + key.size() + 2 + object_id.size() + record_size;
}

// Appends one record per entry of `times` (received_ms), keys "k<i>".
void AppendAt(Log& log, const std::vector<std::uint64_t>& times,
              int first_key = 1) {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < times.size(); ++i) {
    keys.push_back("k" + std::to_string(first_key + i));
  }
  std::vector<Entry> batch;
  for (std::size_t i = 0; i < times.size(); ++i) {
    batch.push_back(Entry{keys[i], AsBytes("record"), times[i], "", ""});
  }
  auto r = log.AppendBatch(batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
}

std::uint64_t At(Log& log, std::uint64_t ms) {
  auto r = log.FirstReceivedAtOrAfter(ms);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : 0;
}

std::uint64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---------------------------------------------------------------- time

TEST(ReceivedTest, EmptyLog) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(At(*log, 0), 1u);
  EXPECT_EQ(At(*log, 12345), 1u);
  EXPECT_EQ(At(*log, std::numeric_limits<std::uint64_t>::max()), 1u);
}

TEST(ReceivedTest, BeforeBetweenEqualAndAfter) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_NO_FATAL_FAILURE(AppendAt(*log, {100, 200, 300, 300, 300, 400}));
  EXPECT_EQ(At(*log, 0), 1u);
  EXPECT_EQ(At(*log, 50), 1u);
  EXPECT_EQ(At(*log, 100), 1u);
  EXPECT_EQ(At(*log, 101), 2u);
  EXPECT_EQ(At(*log, 250), 3u);
  EXPECT_EQ(At(*log, 300), 3u);  // the first of equal timestamps
  EXPECT_EQ(At(*log, 301), 6u);
  EXPECT_EQ(At(*log, 400), 6u);
  EXPECT_EQ(At(*log, 401), 7u);  // none: LastSequence() + 1
}

TEST(ReceivedTest, MatchesALinearSearchOnALongLog) {
  TempDir dir;
  Options options;
  options.sync = false;
  auto log = MustOpen(dir.path(), options);
  ASSERT_NE(log, nullptr);
  std::vector<std::uint64_t> times;
  std::uint64_t t = 1000;
  for (int i = 0; i < 1000; ++i) {
    t += (i * 7919) % 5;  // steps of 0..4 ms, many equal
    times.push_back(t);
  }
  ASSERT_NO_FATAL_FAILURE(AppendAt(*log, times));
  for (std::uint64_t q = 990; q <= t + 2; ++q) {
    std::uint64_t expect = 1;
    while (expect <= times.size() && times[expect - 1] < q) ++expect;
    ASSERT_EQ(At(*log, q), expect) << "at " << q;
  }
}

TEST(ReceivedTest, EarlierTimesAreClampedUpAcrossBatchesAndReopen) {
  TempDir dir;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    ASSERT_NO_FATAL_FAILURE(AppendAt(*log, {100, 50, 200}, 1));  // 50 -> 100
    ASSERT_NO_FATAL_FAILURE(AppendAt(*log, {150}, 4));           // -> 200
    EXPECT_EQ(At(*log, 100), 1u);
    EXPECT_EQ(At(*log, 101), 3u);
    EXPECT_EQ(At(*log, 150), 3u);
    EXPECT_EQ(At(*log, 201), 5u);
  }
  {
    RawDb raw(dir.path());
    ASSERT_NE(raw.db, nullptr);
    EXPECT_EQ(raw.Get(RawDb::kRecords, U64(2)).substr(0, 8), U64(100));
    EXPECT_EQ(raw.Get(RawDb::kRecords, U64(4)).substr(0, 8), U64(200));
  }
  // The floor is the last record's time, also after reopening.
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_NO_FATAL_FAILURE(AppendAt(*log, {10, 300}, 5));
  EXPECT_EQ(At(*log, 200), 3u);
  EXPECT_EQ(At(*log, 201), 6u);
}

TEST(ReceivedTest, ZeroMeansNow) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  const std::uint64_t before = NowMs();
  ASSERT_OK(StatusOf(log->Append("k", AsBytes("r"))));  // received_ms 0
  const std::uint64_t after = NowMs();
  EXPECT_EQ(At(*log, before), 1u);
  EXPECT_EQ(At(*log, after + 1), 2u);
}

TEST(ReceivedTest, SearchStartsAtTheFirstStoredRecord) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_NO_FATAL_FAILURE(AppendAt(*log, {10, 20, 30, 40}));
  ASSERT_EQ(*log->Trim(3), 2u);
  EXPECT_EQ(At(*log, 0), 3u);
  EXPECT_EQ(At(*log, 15), 3u);
  EXPECT_EQ(At(*log, 40), 4u);
  EXPECT_EQ(At(*log, 41), 5u);
}

// ---------------------------------------------------------------- trim

// A log of `n` records "r<i>" under Key(i), received at i ms.
std::unique_ptr<Log> LogOf(const std::string& dir, int n,
                           const Options& options = {}) {
  auto log = MustOpen(dir, options);
  if (log == nullptr) return nullptr;
  std::vector<std::string> keys, bodies;
  for (int i = 1; i <= n; ++i) {
    keys.push_back(Key(i));
    bodies.push_back("r" + std::to_string(i));
  }
  std::vector<Entry> batch;
  for (int i = 0; i < n; ++i) {
    batch.push_back(Entry{keys[i], AsBytes(bodies[i]),
                          static_cast<std::uint64_t>(i + 1), "", ""});
  }
  EXPECT_OK(StatusOf(log->AppendBatch(batch)));
  return log;
}

TEST(TrimTest, PartialRemovesRecordsAndIds) {
  TempDir dir;
  auto log = LogOf(dir.path(), 10);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->FirstSequence(), 1u);
  auto removed = log->Trim(4);
  ASSERT_OK(removed.status());
  EXPECT_EQ(*removed, 3u);
  EXPECT_EQ(log->FirstSequence(), 4u);
  EXPECT_EQ(log->LastSequence(), 10u);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_CODE(StatusOf(log->Read(i)), ErrorCode::kNotFound);
    EXPECT_CODE(StatusOf(log->Find(Key(i))), ErrorCode::kNotFound);
  }
  EXPECT_EQ(Str(*log->Read(4)), "r4");
  EXPECT_EQ(*log->Find(Key(4)), 4u);
  auto all = ScanAll(*log, 1, 100);  // from below the first: starts there
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all.front().first, 4u);
  EXPECT_EQ(ScanAll(*log, 0, 100).size(), 7u);

  // Trimming at or below the first sequence removes nothing.
  EXPECT_EQ(*log->Trim(4), 0u);
  EXPECT_EQ(*log->Trim(2), 0u);
  EXPECT_EQ(*log->Trim(0), 0u);
  EXPECT_EQ(log->FirstSequence(), 4u);
}

TEST(TrimTest, AllAndBeyondEndThenAppendsContinue) {
  for (std::uint64_t before : {std::uint64_t{11}, std::uint64_t{1000},
                               std::numeric_limits<std::uint64_t>::max()}) {
    TempDir dir;
    {
      auto log = LogOf(dir.path(), 10);
      ASSERT_NE(log, nullptr);
      EXPECT_EQ(*log->Trim(before), 10u);
      EXPECT_EQ(log->FirstSequence(), 11u);  // LastSequence() + 1: empty
      EXPECT_EQ(log->LastSequence(), 10u);
      EXPECT_EQ(log->StoredBytes(), 0u);
      EXPECT_TRUE(ScanAll(*log, 1, 100).empty());
      EXPECT_CODE(StatusOf(log->Read(10)), ErrorCode::kNotFound);
      EXPECT_EQ(At(*log, 0), 11u);
    }
    // Sequences are never reused, also across a reopen of an empty log.
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->FirstSequence(), 11u);
    EXPECT_EQ(log->LastSequence(), 10u);
    auto next = log->Append("new", AsBytes("n"));
    ASSERT_OK(next.status());
    EXPECT_EQ(next->sequence, 11u);
    EXPECT_EQ(log->FirstSequence(), 11u);
    EXPECT_EQ(ScanAll(*log, 1, 100).size(), 1u);
  }
}

TEST(TrimTest, TrimmedKeyCanBeAppendedAgainAsANewRecord) {
  TempDir dir;
  auto log = LogOf(dir.path(), 3);
  ASSERT_NE(log, nullptr);
  ASSERT_EQ(*log->Trim(2), 1u);
  // The dedupe window is the retention window (docs/storage.md).
  auto again = log->Append(Key(1), AsBytes("r1 again"));
  ASSERT_OK(again.status());
  EXPECT_FALSE(again->duplicate);
  EXPECT_EQ(again->sequence, 4u);
  EXPECT_EQ(*log->Find(Key(1)), 4u);
  // A key still stored stays a duplicate.
  auto dup = log->Append(Key(2), AsBytes("x"));
  ASSERT_OK(dup.status());
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->sequence, 2u);
}

TEST(TrimTest, FirstSequenceAndBytesSurviveReopen) {
  TempDir dir;
  std::uint64_t bytes = 0;
  {
    auto log = LogOf(dir.path(), 10);
    ASSERT_NE(log, nullptr);
    ASSERT_EQ(*log->Trim(6), 5u);
    bytes = log->StoredBytes();
  }
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->FirstSequence(), 6u);
  EXPECT_EQ(log->LastSequence(), 10u);
  EXPECT_EQ(log->StoredBytes(), bytes);
  EXPECT_EQ(ScanAll(*log, 1, 100).front().first, 6u);
  ASSERT_EQ(*log->Trim(8), 2u);
  EXPECT_EQ(log->FirstSequence(), 8u);
}

TEST(TrimTest, LargeTrimIsWrittenInChunks) {
  TempDir dir;
  FaultInjectionEnv env;
  Options options;
  options.sync = false;
  options.env = &env;
  auto log = MustOpen(dir.path(), options);
  ASSERT_NE(log, nullptr);
  constexpr int kRecords = 25'000;
  std::vector<std::string> keys;
  for (int i = 0; i < kRecords; ++i) keys.push_back("k" + std::to_string(i));
  for (int i = 0; i < kRecords; i += 1000) {
    std::vector<Entry> batch;
    for (int j = i; j < i + 1000; ++j) {
      batch.push_back(Entry{keys[j], AsBytes("x"), 0, "", ""});
    }
    ASSERT_OK(StatusOf(log->AppendBatch(batch)));
  }
  env.ResetCounts();
  auto removed = log->Trim(20'001);
  ASSERT_OK(removed.status());
  EXPECT_EQ(*removed, 20'000u);
  EXPECT_EQ(env.writes(), 2);  // 10,000 per write
  EXPECT_EQ(log->FirstSequence(), 20'001u);
  EXPECT_EQ(*log->Trim(25'001), 5'000u);
  EXPECT_EQ(env.writes(), 3);
  EXPECT_EQ(log->StoredBytes(), 0u);
}

// ---------------------------------------------------------------- bytes

TEST(StoredBytesTest, ExactAfterAppendsDuplicatesTrimsAndReopen) {
  TempDir dir;
  std::uint64_t expect = 0;
  {
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->StoredBytes(), 0u);
    ASSERT_OK(StatusOf(log->Append("k1", AsBytes("abc"))));
    expect += ValueSize("k1", "", 3);
    EXPECT_EQ(log->StoredBytes(), expect);
    std::vector<Entry> batch = {
        {"k2", AsBytes(""), 0, "indicator--1", "v1"},
        {"k1", AsBytes("duplicate: not counted"), 0, "", ""},
        {"k3", AsBytes("0123456789"), 0, "", ""},
        {"k3", AsBytes("in-batch duplicate"), 0, "", ""}};
    ASSERT_OK(StatusOf(log->AppendBatch(batch)));
    expect += ValueSize("k2", "indicator--1", 0) + ValueSize("k3", "", 10);
    EXPECT_EQ(log->StoredBytes(), expect);
    ASSERT_EQ(*log->Trim(2), 1u);
    expect -= ValueSize("k1", "", 3);
    EXPECT_EQ(log->StoredBytes(), expect);
  }
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->StoredBytes(), expect);
  ASSERT_EQ(*log->Trim(100), 2u);
  EXPECT_EQ(log->StoredBytes(), 0u);
}

TEST(StoredBytesTest, EqualsTheSumOfStoredValues) {
  TempDir dir;
  std::uint64_t reported = 0;
  {
    auto log = LogOf(dir.path(), 50);
    ASSERT_NE(log, nullptr);
    ASSERT_OK(StatusOf(log->Trim(17)));
    reported = log->StoredBytes();
  }
  RawDb raw(dir.path());
  ASSERT_NE(raw.db, nullptr);
  std::unique_ptr<rocksdb::Iterator> it(
      raw.db->NewIterator({}, raw.handles[RawDb::kRecords]));
  std::uint64_t sum = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) sum += it->value().size();
  EXPECT_EQ(sum, reported);
}

// ---------------------------------------------------------------- policy

TEST(ApplyRetentionTest, ByAge) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_NO_FATAL_FAILURE(AppendAt(*log, {1000, 2000, 3000, 4000}));

  // Nothing when there is no age limit or it reaches before the epoch.
  EXPECT_EQ(*log->ApplyRetention({}, 10'000), 0u);
  EXPECT_EQ(*log->ApplyRetention({.max_age_ms = 20'000}, 10'000), 0u);

  // cutoff 2000: "more than 2000 ms ago" is received < 2000; the record
  // received exactly at the cutoff stays.
  EXPECT_EQ(*log->ApplyRetention({.max_age_ms = 2000}, 4000), 1u);
  EXPECT_EQ(log->FirstSequence(), 2u);
  EXPECT_EQ(*log->ApplyRetention({.max_age_ms = 2000}, 4000), 0u);
  EXPECT_EQ(*log->ApplyRetention({.max_age_ms = 1000}, 4001), 2u);
  EXPECT_EQ(log->FirstSequence(), 4u);
  EXPECT_EQ(*log->ApplyRetention({.max_age_ms = 1}, 1'000'000), 1u);
  EXPECT_EQ(log->FirstSequence(), 5u);
  EXPECT_EQ(log->StoredBytes(), 0u);
}

TEST(ApplyRetentionTest, BySizeRemovesTheOldestUntilItFits) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  const std::string body(100, 'x');
  std::vector<std::string> keys;
  for (int i = 0; i < 10; ++i) keys.push_back("key" + std::to_string(i));
  std::vector<Entry> batch;
  for (const std::string& k : keys) {
    batch.push_back(Entry{k, AsBytes(body), 0, "", ""});
  }
  ASSERT_OK(StatusOf(log->AppendBatch(batch)));
  const std::uint64_t each = ValueSize("key0", "", 100);
  ASSERT_EQ(log->StoredBytes(), 10 * each);

  EXPECT_EQ(*log->ApplyRetention({.max_bytes = 10 * each}, 0), 0u);
  EXPECT_EQ(*log->ApplyRetention({.max_bytes = 8 * each}, 0), 2u);
  EXPECT_EQ(log->StoredBytes(), 8 * each);
  EXPECT_EQ(*log->ApplyRetention({.max_bytes = 5 * each - 1}, 0), 4u);
  EXPECT_EQ(log->StoredBytes(), 4 * each);
  EXPECT_EQ(log->FirstSequence(), 7u);
  EXPECT_EQ(*log->ApplyRetention({.max_bytes = 1}, 0), 4u);
  EXPECT_EQ(log->StoredBytes(), 0u);
  EXPECT_EQ(log->FirstSequence(), 11u);
}

TEST(ApplyRetentionTest, AgeThenSize) {
  TempDir dir;
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  ASSERT_NO_FATAL_FAILURE(AppendAt(*log, {100, 200, 300, 400, 500, 600}));
  const std::uint64_t each = ValueSize("k1", "", 6);
  // Age removes 1 and 2 (received < 250); size then keeps 2 records.
  auto removed =
      log->ApplyRetention({.max_age_ms = 350, .max_bytes = 2 * each}, 600);
  ASSERT_OK(removed.status());
  EXPECT_EQ(*removed, 4u);
  EXPECT_EQ(log->FirstSequence(), 5u);
}

// ---------------------------------------------------------------- faults

TEST(TrimTest, FailedTrimEntersFailedState) {
  TempDir dir;
  FaultInjectionEnv env;
  {
    auto log = LogOf(dir.path(), 5, WritingThrough(&env));
    ASSERT_NE(log, nullptr);
    ASSERT_OK(log->PutCursor("c", 2));
    const std::uint64_t bytes = log->StoredBytes();
    env.FailWrites();
    auto trimmed = log->Trim(3);
    EXPECT_CODE(trimmed.status(), ErrorCode::kIoError);
    EXPECT_NE(trimmed.status().message().find("injected fsync failure"),
              std::string::npos);
    env.HealWrites();

    // Nothing was trimmed, in memory either.
    EXPECT_EQ(log->FirstSequence(), 1u);
    EXPECT_EQ(log->StoredBytes(), bytes);
    EXPECT_EQ(Str(*log->Read(1)), "r1");

    // Sticky, for every kind of write.
    EXPECT_CODE(StatusOf(log->Trim(3)), ErrorCode::kUnavailable);
    EXPECT_CODE(StatusOf(log->Trim(0)), ErrorCode::kUnavailable);
    EXPECT_CODE(StatusOf(log->ApplyRetention({.max_bytes = 1}, 0)),
                ErrorCode::kUnavailable);
    EXPECT_CODE(StatusOf(log->Append("new", AsBytes("x"))),
                ErrorCode::kUnavailable);
    EXPECT_CODE(log->PutCursor("c", 5), ErrorCode::kUnavailable);
    EXPECT_CODE(log->DeleteCursor("c"), ErrorCode::kUnavailable);
    // Reads keep working.
    EXPECT_EQ(*log->GetCursor("c"), 2u);
    EXPECT_EQ(ScanAll(*log, 1, 100).size(), 5u);
    EXPECT_EQ(*log->FirstReceivedAtOrAfter(3), 3u);
  }
  auto log = MustOpen(dir.path());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->FirstSequence(), 1u);
  EXPECT_EQ(*log->Trim(3), 2u);
}

TEST(TrimTest, FailedAppendBlocksTrim) {
  TempDir dir;
  FaultInjectionEnv env;
  auto log = LogOf(dir.path(), 3, WritingThrough(&env));
  ASSERT_NE(log, nullptr);
  env.FailWrites();
  EXPECT_CODE(StatusOf(log->Append("x", AsBytes("x"))), ErrorCode::kIoError);
  env.HealWrites();
  auto trimmed = log->Trim(2);
  EXPECT_CODE(trimmed.status(), ErrorCode::kUnavailable);
  EXPECT_NE(trimmed.status().message().find("restart required"),
            std::string::npos);
  EXPECT_EQ(log->FirstSequence(), 1u);
}

// ---------------------------------------------------------------- threads

TEST(TrimTest, ConcurrentScansAndReadsDuringTrimNeverFail) {
  TempDir dir;
  Options options;
  options.sync = false;  // visibility, not durability, is under test
  auto log = MustOpen(dir.path(), options);
  ASSERT_NE(log, nullptr);
  constexpr int kRecords = 20'000;
  std::vector<std::string> keys;
  for (int i = 0; i < kRecords + 2000; ++i)
    keys.push_back("k" + std::to_string(i));
  for (int i = 0; i < kRecords; i += 1000) {
    std::vector<Entry> batch;
    for (int j = i; j < i + 1000; ++j) {
      batch.push_back(Entry{keys[j], AsBytes(keys[j]), 0, "", ""});
    }
    ASSERT_OK(StatusOf(log->AppendBatch(batch)));
  }

  std::atomic<bool> done{false};
  std::atomic<int> scans{0};
  auto scanner = [&](int id) {
    std::uint64_t probe = 1;
    while (!done.load()) {
      std::uint64_t expect = 0;
      Status s =
          log->Scan(id == 0 ? 1 : log->FirstSequence(), 3000,
                    [&](std::uint64_t seq, ByteView rec) {
                      // Contiguous, and each record is its own.
                      if (expect != 0) {
                        EXPECT_EQ(seq, expect);
                      }
                      expect = seq + 1;
                      EXPECT_EQ(AsChars(rec), "k" + std::to_string(seq - 1));
                      return true;
                    });
      EXPECT_TRUE(s.ok()) << s.ToString();
      probe = (probe * 7 + 13) % (kRecords + 2000) + 1;
      auto read = log->Read(probe);
      EXPECT_TRUE(read.ok() || read.status().code() == ErrorCode::kNotFound)
          << read.status().ToString();
      auto at = log->FirstReceivedAtOrAfter(0);
      EXPECT_TRUE(at.ok()) << at.status().ToString();
      ++scans;
    }
  };
  std::thread a(scanner, 0);
  std::thread b(scanner, 1);
  // Appends interleave with the trims.
  std::thread appender([&] {
    for (int i = kRecords; i < kRecords + 2000; ++i) {
      auto r = log->Append(keys[i], AsBytes(keys[i]));
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
  });
  for (std::uint64_t before = 1; before <= kRecords + 1; before += 700) {
    auto r = log->Trim(before);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  appender.join();
  ASSERT_OK(StatusOf(log->Trim(kRecords + 1)));
  ASSERT_TRUE(certshare::testing::WaitFor([&] { return scans.load() >= 4; }));
  done = true;
  a.join();
  b.join();
  EXPECT_EQ(log->FirstSequence(), kRecords + 1u);
  EXPECT_EQ(log->LastSequence(), kRecords + 2000u);
  EXPECT_EQ(ScanAll(*log, 0, kRecords).size(), 2000u);
}

}  // namespace
}  // namespace certshare::storage
