// agent::Spool: durability contract, dedupe, limits, refused area, failed
// state, the lock between processes, read-only inspection. Records are
// real sealed records (the spool decodes them for their dedupe key); the
// fixture's broker is not used here.
#include "agent/link/spool.h"

#include <rocksdb/db.h>
#include <sys/stat.h>

#include <cstdio>
#include <thread>

#include "storage/fault_injection_env.h"
#include "storage/log.h"
#include "storage/log_test_util.h"
#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using agent::Spool;
using agent::SpoolOptions;

std::string Uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

class SpoolTest : public BrokerFixture {
 protected:
  Bytes Clear(int n) { return Record("CERT-EE", {}, Tlp::kClear, Uuid(n)); }
  std::unique_ptr<Spool> OpenOk(const SpoolOptions& options = {}) {
    auto spool = Spool::Open(spool_dir_.path() + "/spool", options);
    EXPECT_TRUE(spool.ok()) << spool.status().ToString();
    return spool.ok() ? std::move(*spool) : nullptr;
  }
  std::string Dir() const { return spool_dir_.path() + "/spool"; }
  TempDir spool_dir_;
};

TEST_F(SpoolTest, AddAssignsIdsInOrderAndSurvivesReopen) {
  std::vector<Bytes> records = {Clear(1), Clear(2), Clear(3)};
  {
    auto spool = OpenOk();
    auto ids = spool->Add(records);
    ASSERT_TRUE(ids.ok()) << ids.status().ToString();
    EXPECT_EQ(*ids, (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(spool->Depth(), 3u);
    EXPECT_EQ(spool->LastId(), 3u);
  }
  auto spool = OpenOk();
  EXPECT_EQ(spool->Depth(), 3u);
  auto pending = spool->Pending(0, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*pending)[i].id, i + 1);
    EXPECT_EQ((*pending)[i].record, records[i]);
    EXPECT_GT((*pending)[i].accepted_ms, 0u);
    auto key = agent::DedupeKeyOf(records[i]);
    ASSERT_TRUE(key.ok());
    EXPECT_EQ((*pending)[i].dedupe_key, *key);
  }
  auto counts = spool->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 3u);
  EXPECT_EQ(counts->pending_bytes, records[0].size() + records[1].size() + records[2].size());
  EXPECT_EQ(counts->oldest_accepted_ms, (*pending)[0].accepted_ms);
  // New ids continue after the highest ever assigned.
  auto more = spool->Add(std::vector<Bytes>{Clear(4)});
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->front(), 4u);
}

TEST_F(SpoolTest, PendingPagesFromAnId) {
  auto spool = OpenOk();
  ASSERT_TRUE(spool->Add(std::vector<Bytes>{Clear(1), Clear(2), Clear(3), Clear(4)}).ok());
  auto page = spool->Pending(2, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, 2u);
  EXPECT_EQ((*page)[1].id, 3u);
  std::uint64_t one = 1;
  ASSERT_OK(spool->Remove(std::span<const std::uint64_t>(&one, 1)));
  page = spool->Pending(0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ(page->front().id, 2u);
}

TEST_F(SpoolTest, AMalformedRecordRefusesTheWholeBatch) {
  auto spool = OpenOk();
  Bytes garbage = {1, 2, 3};
  auto ids = spool->Add(std::vector<Bytes>{Clear(1), garbage});
  EXPECT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), ErrorCode::kMalformedRecord) << ids.status().ToString();
  EXPECT_EQ(spool->Depth(), 0u);
}

TEST_F(SpoolTest, APendingVersionIsStoredOnce) {
  auto spool = OpenOk();
  Bytes a = Clear(1);
  // The same STIX id and modified sealed again, encrypted this time: other
  // bytes, same version.
  Bytes a_again = Record("CERT-EE", {"CERT-UA"}, Tlp::kClear, Uuid(1));
  ASSERT_NE(a, a_again);
  auto ids = spool->Add(std::vector<Bytes>{a, Clear(2), a_again});
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<std::uint64_t>{1, 2, 1}));
  auto again = spool->Add(std::vector<Bytes>{a_again});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->front(), 1u);
  EXPECT_EQ(spool->Depth(), 2u);
  // Once acknowledged and removed, the same version may be spooled again.
  std::uint64_t one = 1;
  ASSERT_OK(spool->Remove(std::span<const std::uint64_t>(&one, 1)));
  again = spool->Add(std::vector<Bytes>{a});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->front(), 3u);
}

// What the spool remembers of records it sent (storage::SpoolStore::Sent),
// for `publish` to check an "already published" answer.
TEST_F(SpoolTest, RemembersTheNoteOfTheVersionTheBrokerStored) {
  auto spool = OpenOk();
  const Bytes a = Clear(1);
  const std::string key = *agent::DedupeKeyOf(a);
  auto ids = spool->Add(std::vector<Bytes>{a, Clear(2)}, std::vector<std::string>{"note a", ""});
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  auto sent = spool->Sent(key);
  ASSERT_TRUE(sent.ok());
  ASSERT_TRUE(sent->has_value());
  EXPECT_EQ((*sent)->spool_id, 1u);
  EXPECT_EQ((*sent)->sequence, 0u);  // sent, not yet stored
  EXPECT_EQ((*sent)->note, "note a");
  // An empty note: nothing remembered (a sensor's records).
  ASSERT_FALSE(spool->Sent(*agent::DedupeKeyOf(Clear(2)))->has_value());

  // The broker stored it as sequence 41: remembered with the sequence.
  std::vector<agent::Acknowledgement> acks = {{1, 41, false}, {2, 42, false}};
  ASSERT_OK(spool->Acknowledge(acks));
  EXPECT_EQ(spool->Depth(), 0u);
  sent = spool->Sent(key);
  ASSERT_TRUE(sent.ok() && sent->has_value());
  EXPECT_EQ((*sent)->sequence, 41u);
  EXPECT_GT((*sent)->stored_ms, 0u);

  // The same version again, with another note: the stored one's stays.
  ids = spool->Add(std::vector<Bytes>{a}, std::vector<std::string>{"note b"});
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->front(), 3u);
  ASSERT_OK(spool->Acknowledge(std::vector<agent::Acknowledgement>{{3, 41, true}}));
  sent = spool->Sent(key);
  ASSERT_TRUE(sent.ok() && sent->has_value());
  EXPECT_EQ((*sent)->note, "note a");
  EXPECT_EQ((*sent)->spool_id, 1u);
  EXPECT_EQ((*sent)->sequence, 41u);

  // Survives a reopen.
  spool.reset();
  spool = OpenOk();
  sent = spool->Sent(key);
  ASSERT_TRUE(sent.ok() && sent->has_value());
  EXPECT_EQ((*sent)->note, "note a");
}

TEST_F(SpoolTest, ANoteIsForgottenWhenTheBrokerHoldsAnotherVersion) {
  auto spool = OpenOk();
  const Bytes a = Clear(1);
  const std::string key = *agent::DedupeKeyOf(a);
  ASSERT_TRUE(spool->Add(std::vector<Bytes>{a}, std::vector<std::string>{"mine"}).ok());
  // The broker already held a version sent from elsewhere: what it holds is
  // not what this spool sent.
  ASSERT_OK(spool->Acknowledge(std::vector<agent::Acknowledgement>{{1, 7, true}}));
  ASSERT_FALSE(spool->Sent(key)->has_value());
  // A refused record's note stays unconfirmed, and the next Add replaces it.
  ASSERT_TRUE(spool->Add(std::vector<Bytes>{a}, std::vector<std::string>{"first"}).ok());
  ASSERT_OK(spool->Refuse(2, Status(ErrorCode::kBadSignature, "no")));
  ASSERT_TRUE(spool->Add(std::vector<Bytes>{a}, std::vector<std::string>{"second"}).ok());
  auto sent = spool->Sent(key);
  ASSERT_TRUE(sent.ok() && sent->has_value());
  EXPECT_EQ((*sent)->note, "second");
  EXPECT_EQ((*sent)->spool_id, 3u);
  // Remove (no answer known) leaves notes alone.
  std::uint64_t three = 3;
  ASSERT_OK(spool->Remove(std::span<const std::uint64_t>(&three, 1)));
  sent = spool->Sent(key);
  ASSERT_TRUE(sent.ok() && sent->has_value());
  EXPECT_EQ((*sent)->sequence, 0u);
}

TEST_F(SpoolTest, RemoveIgnoresUnknownIdsAndRepeats) {
  auto spool = OpenOk();
  ASSERT_TRUE(spool->Add(std::vector<Bytes>{Clear(1), Clear(2)}).ok());
  std::vector<std::uint64_t> ids = {2, 2, 99};
  ASSERT_OK(spool->Remove(ids));
  EXPECT_EQ(spool->Depth(), 1u);
  auto counts = spool->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 1u);
}

TEST_F(SpoolTest, RefusedRecordsAreKeptApartAndCanBeRetriedOrDropped) {
  auto spool = OpenOk();
  std::vector<Bytes> records = {Clear(1), Clear(2)};
  ASSERT_TRUE(spool->Add(records).ok());
  ASSERT_OK(spool->Refuse(1, Status(ErrorCode::kRecordTooLarge, "too big for the broker")));
  EXPECT_EQ(spool->Depth(), 1u);
  auto refused = spool->Refused(10);
  ASSERT_TRUE(refused.ok());
  ASSERT_EQ(refused->size(), 1u);
  EXPECT_EQ(refused->front().spooled.id, 1u);
  EXPECT_EQ(refused->front().code, ErrorCode::kRecordTooLarge);
  EXPECT_EQ(refused->front().message, "too big for the broker");
  EXPECT_EQ(refused->front().spooled.record, records[0]);
  auto counts = spool->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->refused, 1u);
  EXPECT_GT(counts->refused_bytes, 0u);

  auto moved = spool->RetryRefused();
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, 1u);
  EXPECT_EQ(spool->Depth(), 2u);
  auto pending = spool->Pending(0, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->front().id, 1u);  // back at the front, same id

  ASSERT_OK(spool->Refuse(1, Status(ErrorCode::kBadSignature, "no")));
  auto dropped = spool->DropRefused();
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, 1u);
  counts = spool->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->refused, 0u);
  EXPECT_EQ(counts->refused_bytes, 0u);
  EXPECT_EQ(counts->pending, 1u);
}

// flush --reseal: a refused or pending record is replaced by its resealed
// self (same dedupe key) in one write, pending under a new id; the note of
// the record sent follows it.
TEST_F(SpoolTest, ReplaceSwapsARefusedOrPendingRecordForOneOfTheSameKey) {
  auto spool = OpenOk();
  const Bytes old_one = Clear(1);
  const std::string key = *agent::DedupeKeyOf(old_one);
  ASSERT_TRUE(spool->Add(std::vector<Bytes>{old_one, Clear(2)},
                         std::vector<std::string>{"note", ""})
                  .ok());
  ASSERT_OK(spool->Refuse(1, Status(ErrorCode::kRevoked, "recipient revoked")));
  // The same key sealed again.
  const Bytes new_one = Record("CERT-EE", {}, Tlp::kClear, Uuid(1));
  ASSERT_EQ(*agent::DedupeKeyOf(new_one), key);
  auto replaced = spool->Replace(1, new_one, key, "new note");
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(*replaced, 3u);
  auto counts = spool->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->refused, 0u);
  EXPECT_EQ(counts->refused_bytes, 0u);
  EXPECT_EQ(counts->pending, 2u);
  auto pending = spool->Pending(0, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ(pending->back().id, 3u);
  EXPECT_EQ(pending->back().record, new_one);
  auto sent = spool->Sent(key);
  ASSERT_TRUE(sent.ok() && sent->has_value());
  EXPECT_EQ((*sent)->spool_id, 3u);  // its acknowledgement will be recorded
  EXPECT_EQ((*sent)->note, "new note");

  // A pending record is replaced the same way.
  const std::string key2 = *agent::DedupeKeyOf(Clear(2));
  auto again = spool->Replace(2, Clear(2), key2, "");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(spool->Depth(), 2u);
  // Neither pending nor refused; another key.
  EXPECT_CODE(spool->Replace(2, Clear(2), key2, "").status(), ErrorCode::kNotFound);
  EXPECT_CODE(spool->Replace(3, Clear(2), key2, "").status(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(spool->Depth(), 2u);

  // It is durable.
  spool.reset();
  spool = OpenOk();
  pending = spool->Pending(0, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ(pending->front().record, new_one);
}

TEST_F(SpoolTest, AFullSpoolRefusesNewRecordsAndKeepsEveryOne) {
  SpoolOptions options;
  options.max_records = 3;
  auto spool = OpenOk(options);
  ASSERT_TRUE(spool->Add(std::vector<Bytes>{Clear(1), Clear(2)}).ok());
  auto full = spool->Add(std::vector<Bytes>{Clear(3), Clear(4)});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), ErrorCode::kSpoolFull);
  EXPECT_NE(full.status().message().find("nothing was accepted"), std::string::npos)
      << full.status().ToString();
  EXPECT_EQ(spool->Depth(), 2u);  // all or nothing
  // A record already pending costs nothing and is still accepted.
  EXPECT_TRUE(spool->Add(std::vector<Bytes>{Clear(1)}).ok());
  ASSERT_TRUE(spool->Add(std::vector<Bytes>{Clear(3)}).ok());
  // Refused records count too: they are on disk.
  ASSERT_OK(spool->Refuse(1, Status(ErrorCode::kBadSignature, "no")));
  EXPECT_EQ(spool->Add(std::vector<Bytes>{Clear(5)}).status().code(), ErrorCode::kSpoolFull);
  auto pending = spool->Pending(0, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 2u);

  SpoolOptions tiny;
  tiny.max_bytes = 100;  // smaller than one record
  TempDir other;
  auto small = Spool::Open(other.path() + "/spool", tiny);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ((*small)->Add(std::vector<Bytes>{Clear(1)}).status().code(), ErrorCode::kSpoolFull);
  EXPECT_EQ((*small)->Depth(), 0u);
}

// kill -9 while a spool is first created can leave RocksDB's CURRENT with
// only some of the spool's column families (tests/agent_kill_test.sh
// found it). Such a spool held nothing: it is finished on the next open,
// and reads as empty meanwhile. A foreign family is still refused.
TEST_F(SpoolTest, ASpoolWhoseCreationWasInterruptedIsFinished) {
  ASSERT_NO_FATAL_FAILURE(storage::testing::MakeRawDb(Dir(), {"default", "pending"}));
  auto counts = Spool::Inspect(Dir());
  ASSERT_OK(counts.status());
  EXPECT_EQ(counts->pending, 0u);
  auto spool = OpenOk();
  ASSERT_NE(spool, nullptr);
  ASSERT_OK(spool->Add(std::vector<Bytes>{Clear(1)}).status());
  EXPECT_EQ(spool->Depth(), 1u);
  spool.reset();
  spool = OpenOk();
  ASSERT_NE(spool, nullptr);
  EXPECT_EQ(spool->Depth(), 1u);
}

// A spool that has its marker but lost column families is damaged, not
// unfinished: refused, and left as it is for whoever looks at it.
TEST_F(SpoolTest, ASpoolThatLostColumnFamiliesIsRefusedUntouched) {
  ASSERT_NO_FATAL_FAILURE(
      storage::testing::MakeRawDb(Dir(), {"default", "meta"}, "format", "certshare-spool-v1"));
  auto spool = Spool::Open(Dir(), {});
  ASSERT_FALSE(spool.ok());
  EXPECT_EQ(spool.status().code(), ErrorCode::kCorruption) << spool.status().ToString();
  EXPECT_NE(spool.status().message().find("has lost some of its column families"),
            std::string::npos)
      << spool.status().ToString();
  EXPECT_EQ(storage::testing::FamiliesOf(Dir()), (std::vector<std::string>{"default", "meta"}));
}

TEST_F(SpoolTest, AForeignDatabaseIsStillRefused) {
  ASSERT_NO_FATAL_FAILURE(storage::testing::MakeRawDb(Dir(), {"default", "someone-elses"}));
  auto spool = Spool::Open(Dir(), {});
  ASSERT_FALSE(spool.ok());
  EXPECT_EQ(spool.status().code(), ErrorCode::kCorruption) << spool.status().ToString();
}

TEST_F(SpoolTest, AFailedWriteStopsTheSpoolUntilReopened) {
  storage::testing::FaultInjectionEnv env;
  SpoolOptions options;
  options.env = &env;
  {
    auto spool = OpenOk(options);
    ASSERT_TRUE(spool->Add(std::vector<Bytes>{Clear(1)}).ok());
    env.FailWrites();
    EXPECT_EQ(spool->Add(std::vector<Bytes>{Clear(2)}).status().code(), ErrorCode::kIoError);
    env.HealWrites();
    EXPECT_EQ(spool->Add(std::vector<Bytes>{Clear(3)}).status().code(), ErrorCode::kUnavailable);
    std::uint64_t one = 1;
    EXPECT_EQ(spool->Remove(std::span<const std::uint64_t>(&one, 1)).code(),
              ErrorCode::kUnavailable);
    EXPECT_EQ(spool->Depth(), 1u);
  }
  auto spool = OpenOk();
  EXPECT_EQ(spool->Depth(), 1u);
  EXPECT_TRUE(spool->Add(std::vector<Bytes>{Clear(2)}).ok());
}

TEST_F(SpoolTest, OneOpenAtATimeAndOthersWaitForIt) {
  auto first = OpenOk();
  auto second = Spool::Open(Dir());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(second.status().message().find("in use"), std::string::npos);

  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    first.reset();
  });
  SpoolOptions wait;
  wait.lock_wait = std::chrono::seconds(10);
  auto third = Spool::Open(Dir(), wait);
  release.join();
  EXPECT_TRUE(third.ok()) << third.status().ToString();
}

TEST_F(SpoolTest, InspectReadsASpoolAnotherOpenHolds) {
  auto none = Spool::Inspect(Dir());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->pending, 0u);
  EXPECT_FALSE(none->oldest_accepted_ms);

  auto spool = OpenOk();
  ASSERT_TRUE(spool->Add(std::vector<Bytes>{Clear(1), Clear(2)}).ok());
  ASSERT_OK(spool->Refuse(2, Status(ErrorCode::kOriginMismatch, "not yours")));
  auto counts = Spool::Inspect(Dir());
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->pending, 1u);
  EXPECT_EQ(counts->refused, 1u);
  EXPECT_TRUE(counts->oldest_accepted_ms);
  auto refused = Spool::InspectRefused(Dir(), 10);
  ASSERT_TRUE(refused.ok());
  ASSERT_EQ(refused->size(), 1u);
  EXPECT_EQ(refused->front().code, ErrorCode::kOriginMismatch);
}

TEST_F(SpoolTest, OldestAgeAndWaitForNewer) {
  auto spool = OpenOk();
  auto age = spool->OldestAge();
  ASSERT_TRUE(age.ok());
  EXPECT_FALSE(*age);
  EXPECT_FALSE(spool->WaitForNewerThan(0, std::chrono::milliseconds(20)));
  std::thread adder([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(spool->Add(std::vector<Bytes>{Clear(1)}).ok());
  });
  EXPECT_TRUE(spool->WaitForNewerThan(0, std::chrono::seconds(10)));
  adder.join();
  age = spool->OldestAge();
  ASSERT_TRUE(age.ok());
  ASSERT_TRUE(*age);
  EXPECT_GE(age->value().count(), 0);
  EXPECT_LT(age->value().count(), 60'000);
}

TEST_F(SpoolTest, ADirectoryOfAnotherDatabaseIsRefused) {
  {
    auto log = storage::Log::Open(Dir());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
  }
  auto spool = Spool::Open(Dir());
  ASSERT_FALSE(spool.ok());
  EXPECT_EQ(spool.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(spool.status().message().find("not a certshare spool"), std::string::npos);
}

TEST_F(SpoolTest, TheDirectoryIsPrivate) {
  auto spool = OpenOk();
  struct stat st;
  ASSERT_EQ(::stat(Dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace certshare::testing
