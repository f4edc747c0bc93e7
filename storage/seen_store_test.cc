// The subscriber's seen store: keys and redo actions survive reopening,
// a foreign database is refused, one process at a time.
#include "storage/seen_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/base/testing.h"
#include "storage/fault_injection_env.h"
#include "storage/log_test_util.h"

namespace certshare::storage {
namespace {

using certshare::testing::TempDir;

std::unique_ptr<SeenStore> MustOpen(const std::string& dir) {
  auto store = SeenStore::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

TEST(SeenStoreTest, KeysAddedAreSeenAfterReopening) {
  TempDir dir;
  {
    auto store = MustOpen(dir.File("seen"));
    ASSERT_NE(store, nullptr);
    auto before = store->Contains("CERT-EE\nincident--1\n2026-01-01T00:00:00Z");
    ASSERT_TRUE(before.ok());
    EXPECT_FALSE(*before);
    std::vector<std::string> keys = {"CERT-EE\nincident--1\n2026-01-01T00:00:00Z",
                                     "CERT-EE\nincident--2\n2026-01-01T00:00:00Z"};
    ASSERT_OK(store->Add(keys, ""));
  }
  auto store = MustOpen(dir.File("seen"));
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(*store->Contains("CERT-EE\nincident--1\n2026-01-01T00:00:00Z"));
  EXPECT_TRUE(*store->Contains("CERT-EE\nincident--2\n2026-01-01T00:00:00Z"));
  // Another origin, or another version, is another record.
  EXPECT_FALSE(*store->Contains("CERT-UA\nincident--1\n2026-01-01T00:00:00Z"));
  EXPECT_FALSE(*store->Contains("CERT-EE\nincident--1\n2026-01-02T00:00:00Z"));
  EXPECT_EQ(*store->CountKeys(), 2u);
  EXPECT_TRUE(store->PendingRedo()->empty());
}

TEST(SeenStoreTest, RedoActionsStayPendingUntilCleared) {
  TempDir dir;
  {
    auto store = MustOpen(dir.File("seen"));
    std::vector<std::string> keys = {"k1"};
    ASSERT_OK(store->Add(keys, "dir-rename\tb.json"));
    ASSERT_OK(store->Add({}, "dir-rename\ta.json"));
  }
  auto store = MustOpen(dir.File("seen"));
  auto pending = store->PendingRedo();
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(*pending, (std::vector<std::string>{"dir-rename\ta.json", "dir-rename\tb.json"}));
  EXPECT_TRUE(*store->Contains("k1"));
  ASSERT_OK(store->ClearRedo("dir-rename\ta.json"));
  ASSERT_OK(store->ClearRedo("not there"));
  EXPECT_EQ(*store->PendingRedo(), (std::vector<std::string>{"dir-rename\tb.json"}));
  EXPECT_EQ(*store->CountKeys(), 1u);
}

TEST(SeenStoreTest, RefusesADatabaseThatIsNotASeenStore) {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.File("other"), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "x", "y").ok());
  }
  auto store = SeenStore::Open(dir.File("other"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kInvalidConfig) << store.status().ToString();
}

// kill -9 while a seen store is first created can leave an empty RocksDB
// database without the format key (tests/agent_kill_test.sh): it is
// finished on the next open, not refused as someone else's.
TEST(SeenStoreTest, AnEmptyDatabaseLeftByAnInterruptedCreationIsFinished) {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.File("seen"), &raw).ok());
    delete raw;
  }
  auto store = SeenStore::Open(dir.File("seen"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store->reset();
  EXPECT_TRUE(SeenStore::Open(dir.File("seen")).ok());
}

// A failed write leaves the disk in an unknown state: like the log and the
// spool, the store then refuses every write until it is reopened, and
// keeps answering reads.
TEST(SeenStoreTest, AFailedWriteStopsWritesUntilReopened) {
  TempDir dir;
  testing::FaultInjectionEnv env;
  SeenStoreOptions options;
  options.env = &env;
  {
    auto opened = SeenStore::Open(dir.File("seen"), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    SeenStore& store = **opened;
    std::vector<std::string> first = {"k1"};
    ASSERT_OK(store.Add(first, "dir-rename\ta.json"));

    env.FailWrites();
    std::vector<std::string> second = {"k2"};
    Status failed = store.Add(second, "dir-rename\tb.json");
    EXPECT_CODE(failed, ErrorCode::kIoError);
    env.HealWrites();

    Status after = store.Add(second, "");
    EXPECT_CODE(after, ErrorCode::kUnavailable);
    EXPECT_NE(after.message().find("the seen store is in a failed state after a write error"),
              std::string::npos)
        << after.ToString();
    EXPECT_NE(after.message().find("injected fsync failure"), std::string::npos);
    EXPECT_NE(after.message().find("restart required"), std::string::npos);
    EXPECT_CODE(store.ClearRedo("dir-rename\ta.json"), ErrorCode::kUnavailable);
    // Reads go on.
    EXPECT_TRUE(*store.Contains("k1"));
    EXPECT_FALSE(*store.Contains("k2"));
    EXPECT_EQ(*store.PendingRedo(), (std::vector<std::string>{"dir-rename\ta.json"}));
  }
  auto store = MustOpen(dir.File("seen"));
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(*store->Contains("k2"));
  std::vector<std::string> second = {"k2"};
  ASSERT_OK(store->Add(second, ""));
  EXPECT_TRUE(*store->Contains("k2"));
}

// A state directory given a database with column families of its own (a
// broker's data directory, a spool) is refused as not a seen store, and
// left as it was.
TEST(SeenStoreTest, RefusesADatabaseWithOtherColumnFamilies) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(testing::MakeRawDb(dir.File("other"), {"default", "records"}));
  auto store = SeenStore::Open(dir.File("other"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kInvalidConfig) << store.status().ToString();
  EXPECT_EQ(testing::FamiliesOf(dir.File("other")),
            (std::vector<std::string>{"default", "records"}));
}

TEST(SeenStoreTest, OneProcessAtATime) {
  TempDir dir;
  auto first = MustOpen(dir.File("seen"));
  ASSERT_NE(first, nullptr);
  // Another Open in this process.
  auto second = SeenStore::Open(dir.File("seen"));
  ASSERT_FALSE(second.ok());
  EXPECT_CODE(second.status(), ErrorCode::kInUse);
  // Another process (RocksDB's LOCK file): the child reports the code.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto other = SeenStore::Open(dir.File("seen"));
    _exit(!other.ok() && other.status().code() == ErrorCode::kInUse ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "a second process did not get IN_USE";
  // Closed, it opens again.
  first.reset();
  EXPECT_NE(MustOpen(dir.File("seen")), nullptr);
}

}  // namespace
}  // namespace certshare::storage
