// storage::Db (db.h), the RocksDB wrapper of the log, the spool and the
// seen store: column families checked before opening, interrupted
// creation finished, the format marker, the LOCK wait, the failed state.
// The stores' own tests check their words for each refusal.
#include "storage/db.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/base/testing.h"
#include "storage/fault_injection_env.h"
#include "storage/log_test_util.h"

namespace certshare::storage {
namespace {

using certshare::testing::TempDir;
using testing::FaultInjectionEnv;
using testing::FamiliesOf;
using testing::MakeRawDb;

constexpr const char* kKinds[] = {"foreign-family", "missing-family", "unfinished", "wrong-format",
                                  "no-format",      "damaged",        "busy"};

// A spec of two families, "default" and "data", with the marker in "data"
// and one initial key. Refusals come back as kCorruption "<kind>".
DbSpec Spec(const std::string& dir, Env* env = nullptr) {
  DbSpec spec;
  spec.dir = dir;
  spec.families = {{"default", {}}, {"data", {}}};
  spec.marker_family = 1;
  spec.marker_key = "format";
  spec.marker_value = "test-v1";
  spec.initial = {{1, "count", "0"}};
  spec.create_if_missing = true;
  spec.env = env;
  spec.explain = [](const DbRefusal& r) {
    if (r.kind == DbRefusal::kBusy) return r.cause;
    return Status(ErrorCode::kCorruption, std::string(kKinds[r.kind]) + " " + r.family + " " +
                                              r.marker.value_or("(none)"));
  };
  spec.context = {"opening", "reading marker", "reading", "creating", "writing"};
  spec.failed_name = "the test store";
  return spec;
}

// The message Open of Spec(dir) refuses with, read-only or not, with or
// without create_if_missing.
std::string Refusal(const std::string& dir, bool read_only, bool create) {
  DbSpec spec = Spec(dir);
  spec.read_only = read_only;
  spec.create_if_missing = create;
  return Db::Open(spec).status().message();
}

std::string Get(const Db& db, std::size_t family, const std::string& key) {
  std::string value;
  rocksdb::Status s = db.db()->Get({}, db.family(family), key, &value);
  return s.ok() ? value : "<absent>";
}

TEST(DbTest, CreatesFamiliesMarkerAndInitialKeysInOneSyncedWrite) {
  TempDir dir;
  FaultInjectionEnv env;
  auto db = Db::Open(Spec(dir.path(), &env));
  ASSERT_OK(db.status());
  EXPECT_EQ(Get(**db, 1, "format"), "test-v1");
  EXPECT_EQ(Get(**db, 1, "count"), "0");
  EXPECT_EQ(env.writes(), 1);
  EXPECT_EQ(env.synced_writes(), 1);
  db->reset();
  EXPECT_EQ(FamiliesOf(dir.path()), (std::vector<std::string>{"default", "data"}));
  // Opened again: accepted, nothing written.
  ASSERT_OK(Db::Open(Spec(dir.path(), &env)).status());
  EXPECT_EQ(env.writes(), 1);
}

TEST(DbTest, WithoutCreateAMissingDatabaseIsNotFoundAndNotMade) {
  TempDir dir;
  DbSpec spec = Spec(dir.File("none"));
  spec.create_if_missing = false;
  EXPECT_CODE(Db::Open(spec).status(), ErrorCode::kNotFound);
  spec.read_only = true;
  EXPECT_CODE(Db::Open(spec).status(), ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.File("none/CURRENT")));
}

// RocksDB writes CURRENT before it creates the column families: a kill in
// between leaves a database with some of them, holding nothing.
TEST(DbTest, AnInterruptedCreationIsFinished) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(MakeRawDb(dir.path(), {"default"}));

  EXPECT_EQ(Refusal(dir.path(), /*read_only=*/true, false), "unfinished data (none)");
  EXPECT_EQ(Refusal(dir.path(), false, /*create=*/false), "missing-family data (none)");
  EXPECT_EQ(FamiliesOf(dir.path()), std::vector<std::string>{"default"});

  auto db = Db::Open(Spec(dir.path()));
  ASSERT_OK(db.status());
  EXPECT_EQ(Get(**db, 1, "format"), "test-v1");
  db->reset();
  EXPECT_EQ(FamiliesOf(dir.path()), (std::vector<std::string>{"default", "data"}));
}

// Families present but the marker never written (a kill after the
// families): finished too; read-only, it is unfinished.
TEST(DbTest, AnEmptyDatabaseWithoutAMarkerIsFinished) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(MakeRawDb(dir.path(), {"default", "data"}));
  EXPECT_EQ(Refusal(dir.path(), /*read_only=*/true, false), "unfinished  (none)");
  EXPECT_EQ(Refusal(dir.path(), false, /*create=*/false), "no-format  (none)");
  auto db = Db::Open(Spec(dir.path()));
  ASSERT_OK(db.status());
  EXPECT_EQ(Get(**db, 1, "format"), "test-v1");
}

TEST(DbTest, ADatabaseMissingAFamilyThatHoldsDataIsRefusedUntouched) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(MakeRawDb(dir.path(), {"default"}, "someone", "else's"));
  EXPECT_EQ(Db::Open(Spec(dir.path())).status().message(), "missing-family data (none)");
  EXPECT_EQ(FamiliesOf(dir.path()), std::vector<std::string>{"default"});
}

TEST(DbTest, AMissingFamilyIsReportedWithTheMarkerItHolds) {
  TempDir dir;
  DbSpec wider = Spec(dir.path());
  ASSERT_NO_FATAL_FAILURE(MakeRawDb(dir.path(), {"default", "data"}, "format", "test-v0"));
  wider.families.push_back({"more", {}});
  EXPECT_EQ(Db::Open(wider).status().message(), "missing-family more test-v0");
  EXPECT_EQ(FamiliesOf(dir.path()), (std::vector<std::string>{"default", "data"}));
}

TEST(DbTest, AForeignFamilyIsRefusedUntouched) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(MakeRawDb(dir.path(), {"default", "data", "theirs"}));
  EXPECT_EQ(Db::Open(Spec(dir.path())).status().message(), "foreign-family theirs (none)");
  EXPECT_EQ(FamiliesOf(dir.path()), (std::vector<std::string>{"default", "data", "theirs"}));
}

TEST(DbTest, TheMarkerMustBeOursAndADatabaseWithDataButNoneIsRefused) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(MakeRawDb(dir.File("other"), {"default", "data"}, "format", "test-v9"));
  EXPECT_EQ(Db::Open(Spec(dir.File("other"))).status().message(), "wrong-format  test-v9");
  ASSERT_NO_FATAL_FAILURE(MakeRawDb(dir.File("bare"), {"default", "data"}, "k", "v"));
  EXPECT_EQ(Db::Open(Spec(dir.File("bare"))).status().message(), "no-format  (none)");
}

TEST(DbTest, ACurrentNamingAMissingManifestIsDamaged) {
  TempDir dir;
  {
    std::ofstream current(dir.File("CURRENT"), std::ios::binary);
    current << "MANIFEST-000042\n";
  }
  Status s = Db::Open(Spec(dir.path())).status();
  EXPECT_EQ(s.message().substr(0, 8), "damaged ") << s.ToString();
}

TEST(DbTest, WaitsForTheLockThenRefusesBusy) {
  TempDir dir;
  auto first = Db::Open(Spec(dir.path()));
  ASSERT_OK(first.status());

  // At once.
  Status busy = Db::Open(Spec(dir.path())).status();
  EXPECT_CODE(busy, ErrorCode::kInUse);
  EXPECT_EQ(busy.message().substr(0, 9), "opening: ") << busy.ToString();

  // After the wait.
  DbSpec waiting = Spec(dir.path());
  waiting.lock_wait = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_CODE(Db::Open(waiting).status(), ErrorCode::kInUse);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));

  // Read-only takes no lock.
  DbSpec read_only = Spec(dir.path());
  read_only.read_only = true;
  EXPECT_OK(Db::Open(read_only).status());

  // Released while waiting: opened.
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    first->reset();
  });
  waiting.lock_wait = std::chrono::seconds(10);
  EXPECT_OK(Db::Open(waiting).status());
  release.join();
}

TEST(DbTest, AFailedWriteIsStickyAndKeepsItsFirstCause) {
  TempDir dir;
  FaultInjectionEnv env;
  auto opened = Db::Open(Spec(dir.path(), &env));
  ASSERT_OK(opened.status());
  Db& db = **opened;
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put(db.family(1), "k", "v").ok());
  ASSERT_OK(db.CheckWritable());
  ASSERT_OK(db.Write(&batch, /*sync=*/false));
  EXPECT_EQ(Get(db, 1, "k"), "v");

  env.FailWrites(Status(ErrorCode::kIoError, "first"));
  EXPECT_CODE(db.Write(&batch, true), ErrorCode::kIoError);
  env.FailWrites(Status(ErrorCode::kIoError, "second"));
  EXPECT_CODE(db.Write(&batch, true), ErrorCode::kIoError);
  env.HealWrites();
  Status refused = db.CheckWritable();
  EXPECT_CODE(refused, ErrorCode::kUnavailable);
  EXPECT_EQ(refused.message(),
            "the test store is in a failed state after a write error: IO_ERROR (300): first; "
            "restart required");
  // Reads go on.
  EXPECT_EQ(Get(db, 1, "k"), "v");
  opened->reset();
  auto again = Db::Open(Spec(dir.path(), &env));
  ASSERT_OK(again.status());
  EXPECT_OK((*again)->CheckWritable());
}

}  // namespace
}  // namespace certshare::storage
