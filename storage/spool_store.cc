// SpoolStore on RocksDB. The contract is in spool_store.h (and
// agent/link/spool.h); the bytes in spool_format.h.
#include "storage/spool_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/table_properties_collectors.h>
#include <rocksdb/write_batch.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/base/file_util.h"
#include "common/base/mutex.h"
#include "storage/db.h"
#include "storage/rocksdb_status.h"
#include "storage/spool_format.h"

namespace certshare::storage {

namespace {

namespace fmt = spool_format;

// Handle order of the column families.
enum Family : std::size_t { kDefault = 0, kPending, kKeys, kRefused, kMeta, kFamilyCount };

std::uint64_t NowMs() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return ms > 0 ? static_cast<std::uint64_t>(ms) : 0;
}

Status Malformed(const std::string& dir, std::string_view what) {
  return Status(ErrorCode::kCorruption,
                "spool in " + Quoted(dir) + " holds a malformed " + std::string(what));
}

rocksdb::Options DbOptions() {
  rocksdb::Options options;
  options.paranoid_checks = true;
  options.keep_log_file_num = 3;
  // A spool is small and mostly empty: one memtable of 16 MiB is plenty.
  options.write_buffer_size = 16u << 20;
  // The WAL files a family that is seldom written (meta, refused) keeps
  // alive: beyond this the families holding the oldest are flushed
  // (measured: 5 WAL files of 17 MiB kept after 20,000 records, all of
  // them acknowledged).
  options.max_total_wal_size = 32u << 20;
  // Records are mostly ciphertext: compressing them costs CPU on the
  // sensor's hot path and saves nothing.
  options.compression = rocksdb::kNoCompression;
  return options;
}

rocksdb::ColumnFamilyOptions FamilyOptions(const rocksdb::Options& db, std::size_t family) {
  rocksdb::ColumnFamilyOptions options(db);
  if (family == kPending || family == kKeys) {
    // A queue: records are deleted from the front as they are
    // acknowledged. Compact files that are mostly tombstones so that
    // seeking to the front stays cheap.
    options.table_properties_collector_factories.emplace_back(
        rocksdb::NewCompactOnDeletionCollectorFactory(1024, 512));
  }
  return options;
}

// The spool's words for a database Db::Open refuses (docs/agent.md, "Store
// and forward").
Status ExplainRefusal(const std::string& dir, const DbRefusal& r) {
  switch (r.kind) {
    case DbRefusal::kForeignFamily:
    case DbRefusal::kNoFormat:
      return Status(ErrorCode::kCorruption, Quoted(dir) +
                                                " holds a database that is not a certshare "
                                                "spool: choose another --spool directory");
    case DbRefusal::kMissingFamily:
      return Status(ErrorCode::kCorruption,
                    "spool in " + Quoted(dir) + " has lost some of its column families");
    case DbRefusal::kUnfinished:
      // Read-only (Inspect): a spool whose creation was interrupted holds
      // nothing.
      return Status(ErrorCode::kNotFound, "the spool in " + Quoted(dir) + " was never finished");
    case DbRefusal::kWrongFormat:
      return Status(ErrorCode::kCorruption, "spool in " + Quoted(dir) + " has format '" +
                                                r.marker.value_or("") + "', expected '" +
                                                std::string(fmt::kFormatValue) + "'");
    case DbRefusal::kBusy:
      return Status(ErrorCode::kUnavailable,
                    "the spool " + Quoted(dir) +
                        " is in use by another certshare process (a sensor, or another "
                        "publish or flush); wait for it to finish, or give this command "
                        "another --spool");
    case DbRefusal::kDamaged:
      break;
  }
  return r.cause;
}

bool SpoolExists(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir + "/CURRENT", ec);
}

// Opens the spool's database (storage/db.h): created, or its interrupted
// creation finished, unless `read_only`.
Result<std::unique_ptr<Db>> OpenDb(const std::string& dir, bool read_only,
                                   std::chrono::milliseconds lock_wait, Env* env) {
  DbSpec spec;
  spec.dir = dir;
  spec.options = DbOptions();
  for (std::string_view name :
       {std::string_view(rocksdb::kDefaultColumnFamilyName), fmt::kPendingFamily,
        fmt::kKeysFamily, fmt::kRefusedFamily, fmt::kMetaFamily}) {
    spec.families.push_back(
        {std::string(name), FamilyOptions(spec.options, spec.families.size())});
  }
  spec.marker_family = kMeta;
  spec.marker_key = std::string(fmt::kFormatKey);
  spec.marker_value = std::string(fmt::kFormatValue);
  spec.initial = {{kMeta, std::string(fmt::kStateKey), fmt::EncodeState(fmt::State{})}};
  spec.create_if_missing = !read_only;
  spec.read_only = read_only;
  spec.lock_wait = lock_wait;
  spec.env = env;
  spec.explain = [dir](const DbRefusal& r) { return ExplainRefusal(dir, r); };
  spec.context = {"opening spool in " + Quoted(dir), "reading spool " + Quoted(dir),
                  "reading spool " + Quoted(dir), "writing spool " + Quoted(dir),
                  "writing spool " + Quoted(dir)};
  spec.failed_name = "the spool";
  return Db::Open(std::move(spec));
}

Result<fmt::State> ReadState(const Db& db, const std::string& dir) {
  std::string value;
  rocksdb::Status s =
      db.db()->Get(rocksdb::ReadOptions(), db.family(kMeta), ToSlice(fmt::kStateKey), &value);
  if (s.IsNotFound()) return fmt::State{};
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, "reading spool in " + Quoted(dir)));
  auto state = fmt::DecodeState(value);
  if (!state) return Malformed(dir, "state entry");
  return *state;
}

// The first pending record with id >= from, if any.
Result<std::optional<SpooledRecord>> FirstPending(const Db& db, const std::string& dir,
                                                  std::uint64_t from) {
  std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), db.family(kPending)));
  it->Seek(fmt::EncodeId(from));
  std::optional<SpooledRecord> out;
  if (it->Valid()) {
    auto id = fmt::DecodeId(ToView(it->key()));
    if (!id) return Malformed(dir, "pending key");
    out = fmt::DecodePending(*id, ToView(it->value()));
    if (!out) return Malformed(dir, "pending record");
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading spool in " + Quoted(dir)));
  return out;
}

Result<std::vector<RefusedRecord>> ReadRefused(const Db& db, const std::string& dir,
                                               std::size_t max) {
  std::vector<RefusedRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), db.family(kRefused)));
  for (it->SeekToFirst(); it->Valid() && out.size() < max; it->Next()) {
    auto id = fmt::DecodeId(ToView(it->key()));
    if (!id) return Malformed(dir, "refused key");
    auto rec = fmt::DecodeRefused(*id, ToView(it->value()));
    if (!rec) return Malformed(dir, "refused record");
    out.push_back(std::move(*rec));
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading spool " + Quoted(dir)));
  return out;
}

// Opens `dir` read-only (no lock: another process may hold it) and calls
// `read`. The open can fail if the owner compacts files away meanwhile, so
// it is tried a few times.
template <typename T>
Result<T> ReadOnly(const std::string& dir, const std::function<Result<T>(const Db&)>& read) {
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto db = OpenDb(dir, true, std::chrono::milliseconds(0), nullptr);
    if (db.ok()) return read(**db);
    if (db.status().code() == ErrorCode::kNotFound) return db.status();  // never finished
    last = db.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return last;
}

class RocksSpoolStore final : public SpoolStore {
 public:
  RocksSpoolStore(std::string dir, SpoolOptions options, std::unique_ptr<Db> db,
                  fmt::State state)
      : dir_(std::move(dir)), options_(std::move(options)), db_(std::move(db)), state_(state) {
    depth_ = state.pending;
    last_id_ = state.last_id;
  }

  Result<std::vector<std::uint64_t>> Add(std::span<const SpoolEntry> entries) override {
    if (entries.empty()) return std::vector<std::uint64_t>{};
    for (const SpoolEntry& e : entries) {
      if (e.dedupe_key.empty()) {
        return Status(ErrorCode::kInvalidArgument, "a spool entry has an empty dedupe key");
      }
    }
    MutexLock lock(&mu_);
    CERTSHARE_RETURN_IF_ERROR(db_->CheckWritable());
    std::vector<std::uint64_t> ids(entries.size());
    std::unordered_map<std::string, std::uint64_t> seen;
    fmt::State next = state_;
    std::uint64_t added = 0;
    const std::uint64_t now = NowMs();
    rocksdb::WriteBatch batch;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::string& key = entries[i].dedupe_key;
      if (auto it = seen.find(key); it != seen.end()) {
        ids[i] = it->second;
        continue;
      }
      CERTSHARE_ASSIGN_OR_RETURN(std::optional<std::uint64_t> pending, LookupKey(key));
      if (pending) {
        ids[i] = *pending;
        seen.emplace(key, *pending);
        continue;
      }
      const std::uint64_t id = ++next.last_id;
      ids[i] = id;
      seen.emplace(key, id);
      const std::string id_key = fmt::EncodeId(id);
      batch.Put(db_->family(kPending), id_key,
                fmt::EncodePendingValue(now, key, entries[i].record));
      batch.Put(db_->family(kKeys), ToSlice(key), id_key);
      if (!entries[i].note.empty()) {
        CERTSHARE_ASSIGN_OR_RETURN(std::optional<SentRecord> sent, Sent(key));
        if (!sent || sent->sequence == 0) {  // a stored version stays what it is
          SentRecord fresh{id, 0, 0, std::string(AsChars(entries[i].note))};
          batch.Put(db_->family(kMeta), fmt::SentKey(key), fmt::EncodeSent(fresh));
        }
      }
      ++next.pending;
      next.pending_bytes += entries[i].record.size();
      ++added;
    }
    if (added == 0) return ids;
    CERTSHARE_RETURN_IF_ERROR(CheckLimits(next, added, entries.size()));
    batch.Put(db_->family(kMeta), ToSlice(fmt::kStateKey), fmt::EncodeState(next));
    CERTSHARE_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/true));
    CommitLocked(next);
    lock.Unlock();
    added_cv_.SignalAll();
    return ids;
  }

  Result<std::vector<SpooledRecord>> Pending(std::uint64_t from, std::size_t max) override {
    const FrontView front = Front();
    const std::uint64_t start = std::max(from, front.front);
    std::vector<SpooledRecord> out;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->db()->NewIterator(rocksdb::ReadOptions(), db_->family(kPending)));
    for (it->Seek(fmt::EncodeId(start)); it->Valid() && out.size() < max; it->Next()) {
      auto id = fmt::DecodeId(ToView(it->key()));
      if (!id) return Malformed(dir_, "pending key");
      auto rec = fmt::DecodePending(*id, ToView(it->value()));
      if (!rec) return Malformed(dir_, "pending record");
      out.push_back(std::move(*rec));
    }
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading spool " + Quoted(dir_)));
    if (from <= front.front) {
      // Started at the front: nothing is pending below what was found.
      AdvanceFront(front.gen, out.empty() ? front.last_id + 1 : out.front().id);
    }
    return out;
  }

  Status Remove(std::span<const std::uint64_t> ids) override {
    std::vector<Acknowledgement> acks;
    for (std::uint64_t id : ids) acks.push_back({id, 0, false});  // sequence 0: notes untouched
    return Acknowledge(acks);
  }

  Status Acknowledge(std::span<const Acknowledgement> acks) override {
    MutexLock lock(&mu_);
    CERTSHARE_RETURN_IF_ERROR(db_->CheckWritable());
    fmt::State next = state_;
    rocksdb::WriteBatch batch;
    std::set<std::uint64_t> done;
    bool any = false;
    for (const Acknowledgement& ack : acks) {
      if (!done.insert(ack.id).second) continue;
      CERTSHARE_ASSIGN_OR_RETURN(std::optional<SpooledRecord> rec, GetPending(ack.id));
      if (!rec) continue;
      batch.Delete(db_->family(kPending), fmt::EncodeId(ack.id));
      batch.Delete(db_->family(kKeys), ToSlice(rec->dedupe_key));
      --next.pending;
      next.pending_bytes -= rec->record.size();
      any = true;
      if (ack.sequence == 0) continue;
      CERTSHARE_ASSIGN_OR_RETURN(std::optional<SentRecord> sent, Sent(rec->dedupe_key));
      if (!sent || sent->spool_id != ack.id || sent->sequence != 0) continue;
      const std::string key = fmt::SentKey(rec->dedupe_key);
      if (ack.duplicate) {
        batch.Delete(db_->family(kMeta), key);
      } else {
        sent->sequence = ack.sequence;
        sent->stored_ms = NowMs();
        batch.Put(db_->family(kMeta), key, fmt::EncodeSent(*sent));
      }
    }
    if (!any) return Status::Ok();
    batch.Put(db_->family(kMeta), ToSlice(fmt::kStateKey), fmt::EncodeState(next));
    CERTSHARE_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/false));
    CommitLocked(next);
    return Status::Ok();
  }

  Status Refuse(std::uint64_t id, const Status& why) override {
    MutexLock lock(&mu_);
    CERTSHARE_RETURN_IF_ERROR(db_->CheckWritable());
    CERTSHARE_ASSIGN_OR_RETURN(std::optional<SpooledRecord> rec, GetPending(id));
    if (!rec) return Status::Ok();
    fmt::State next = state_;
    --next.pending;
    next.pending_bytes -= rec->record.size();
    ++next.refused;
    next.refused_bytes += rec->record.size();
    RefusedRecord refused{std::move(*rec), NowMs(), why.code(), why.message()};
    rocksdb::WriteBatch batch;
    batch.Delete(db_->family(kPending), fmt::EncodeId(id));
    batch.Delete(db_->family(kKeys), ToSlice(refused.spooled.dedupe_key));
    batch.Put(db_->family(kRefused), fmt::EncodeId(id), fmt::EncodeRefused(refused));
    batch.Put(db_->family(kMeta), ToSlice(fmt::kStateKey), fmt::EncodeState(next));
    CERTSHARE_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/false));
    CommitLocked(next);
    return Status::Ok();
  }

  Result<std::vector<RefusedRecord>> Refused(std::size_t max) override {
    return ReadRefused(*db_, dir_, max);
  }

  Result<std::optional<SentRecord>> Sent(const std::string& dedupe_key) override {
    std::string value;
    rocksdb::Status s = db_->db()->Get(rocksdb::ReadOptions(), db_->family(kMeta),
                                     fmt::SentKey(dedupe_key), &value);
    if (s.IsNotFound()) return std::optional<SentRecord>();
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, "reading spool " + Quoted(dir_)));
    auto sent = fmt::DecodeSent(value);
    if (!sent) return Malformed(dir_, "sent record");
    return std::optional<SentRecord>(std::move(*sent));
  }

  Result<std::uint64_t> Replace(std::uint64_t id, const SpoolEntry& entry) override {
    MutexLock lock(&mu_);
    CERTSHARE_RETURN_IF_ERROR(db_->CheckWritable());
    fmt::State next = state_;
    rocksdb::WriteBatch batch;
    CERTSHARE_ASSIGN_OR_RETURN(std::optional<SpooledRecord> old, GetPending(id));
    if (old) {
      batch.Delete(db_->family(kPending), fmt::EncodeId(id));
      --next.pending;
      next.pending_bytes -= old->record.size();
    } else {
      CERTSHARE_ASSIGN_OR_RETURN(std::optional<RefusedRecord> refused, GetRefused(id));
      if (!refused) {
        return Status(ErrorCode::kNotFound, "spool record " + std::to_string(id) +
                                                " is neither pending nor refused");
      }
      batch.Delete(db_->family(kRefused), fmt::EncodeId(id));
      --next.refused;
      next.refused_bytes -= refused->spooled.record.size();
      old = std::move(refused->spooled);
    }
    if (old->dedupe_key != entry.dedupe_key) {
      return Status(ErrorCode::kInvalidArgument,
                    "a record replaces only a record of the same dedupe key");
    }
    const std::uint64_t new_id = ++next.last_id;
    const std::string id_key = fmt::EncodeId(new_id);
    batch.Put(db_->family(kPending), id_key,
              fmt::EncodePendingValue(NowMs(), entry.dedupe_key, entry.record));
    batch.Put(db_->family(kKeys), ToSlice(entry.dedupe_key), id_key);
    ++next.pending;
    next.pending_bytes += entry.record.size();
    CERTSHARE_ASSIGN_OR_RETURN(std::optional<SentRecord> sent, Sent(entry.dedupe_key));
    if (sent && sent->spool_id == id && sent->sequence == 0) {
      sent->spool_id = new_id;
      if (!entry.note.empty()) sent->note = std::string(AsChars(entry.note));
      batch.Put(db_->family(kMeta), fmt::SentKey(entry.dedupe_key), fmt::EncodeSent(*sent));
    }
    CERTSHARE_RETURN_IF_ERROR(CheckLimits(next, 1, 1));
    batch.Put(db_->family(kMeta), ToSlice(fmt::kStateKey), fmt::EncodeState(next));
    CERTSHARE_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/true));
    CommitLocked(next);
    lock.Unlock();
    added_cv_.SignalAll();
    return new_id;
  }

  Result<std::uint64_t> RetryRefused() override { return MoveRefused(/*retry=*/true); }
  Result<std::uint64_t> DropRefused() override { return MoveRefused(/*retry=*/false); }

  std::uint64_t Depth() const override { return depth_.load(); }

  Result<SpoolCounts> Counts() override {
    fmt::State state;
    {
      MutexLock lock(&mu_);
      state = state_;
    }
    SpoolCounts counts{state.pending, state.pending_bytes, state.refused, state.refused_bytes,
                       std::nullopt};
    CERTSHARE_ASSIGN_OR_RETURN(std::vector<SpooledRecord> first, Pending(0, 1));
    if (!first.empty()) counts.oldest_accepted_ms = first.front().accepted_ms;
    return counts;
  }

  std::uint64_t LastId() const override { return last_id_.load(); }

  bool WaitForNewerThan(std::uint64_t last_id, std::chrono::milliseconds timeout) override {
    MutexLock lock(&mu_);
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (state_.last_id <= last_id) {
      if (!added_cv_.WaitUntil(&mu_, until)) return state_.last_id > last_id;
    }
    return true;
  }

  const std::string& dir() const override { return dir_; }

 private:
  struct FrontView {
    std::uint64_t front;
    std::uint64_t gen;
    std::uint64_t last_id;
  };

  // Scans start at max(from, front_): no record below front_ is pending
  // (acknowledged records leave tombstones there until compaction, and
  // seeking past them keeps reads cheap).
  FrontView Front() {
    MutexLock lock(&mu_);
    return {front_, front_gen_, state_.last_id};
  }
  void AdvanceFront(std::uint64_t gen, std::uint64_t front) {
    MutexLock lock(&mu_);
    // RetryRefused may have put older ids back meanwhile (front_gen_).
    if (gen == front_gen_ && front > front_) front_ = front;
  }

  Result<std::optional<std::uint64_t>> LookupKey(const std::string& key) REQUIRES(mu_) {
    std::string value;
    rocksdb::Status s = db_->db()->Get(rocksdb::ReadOptions(), db_->family(kKeys), ToSlice(key), &value);
    if (s.IsNotFound()) return std::optional<std::uint64_t>();
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, "reading spool " + Quoted(dir_)));
    auto id = fmt::DecodeId(value);
    if (!id) return Malformed(dir_, "key entry");
    return std::optional<std::uint64_t>(*id);
  }

  Result<std::optional<SpooledRecord>> GetPending(std::uint64_t id) REQUIRES(mu_) {
    std::string value;
    rocksdb::Status s =
        db_->db()->Get(rocksdb::ReadOptions(), db_->family(kPending), fmt::EncodeId(id), &value);
    if (s.IsNotFound()) return std::optional<SpooledRecord>();
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, "reading spool " + Quoted(dir_)));
    auto rec = fmt::DecodePending(id, value);
    if (!rec) return Malformed(dir_, "pending record");
    return std::optional<SpooledRecord>(std::move(*rec));
  }

  Result<std::optional<RefusedRecord>> GetRefused(std::uint64_t id) REQUIRES(mu_) {
    std::string value;
    rocksdb::Status s =
        db_->db()->Get(rocksdb::ReadOptions(), db_->family(kRefused), fmt::EncodeId(id), &value);
    if (s.IsNotFound()) return std::optional<RefusedRecord>();
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, "reading spool " + Quoted(dir_)));
    auto rec = fmt::DecodeRefused(id, value);
    if (!rec) return Malformed(dir_, "refused record");
    return std::optional<RefusedRecord>(std::move(*rec));
  }

  Status CheckLimits(const fmt::State& next, std::uint64_t added, std::size_t offered) const
      REQUIRES(mu_) {
    const std::uint64_t records = next.pending + next.refused;
    const std::uint64_t bytes = next.pending_bytes + next.refused_bytes;
    if (records <= options_.max_records && bytes <= options_.max_bytes) return Status::Ok();
    const std::uint64_t mib = 1u << 20;
    return Status(
        ErrorCode::kSpoolFull,
        "the spool " + Quoted(dir_) + " is full: it holds " +
            std::to_string(state_.pending) + " pending and " + std::to_string(state_.refused) +
            " refused records (" + std::to_string((state_.pending_bytes + state_.refused_bytes) / mib) +
            " MiB) and " + std::to_string(added) + " more (of " + std::to_string(offered) +
            " offered) would pass its limit of " + std::to_string(options_.max_records) +
            " records / " + std::to_string(options_.max_bytes / mib) +
            " MiB; nothing was accepted. Records leave the spool when the broker "
            "acknowledges them: check the broker (certshare status) and run certshare "
            "flush; drop refused records with certshare flush --drop-refused, or raise "
            "--spool-max-mb / --spool-max-records");
  }

  Result<std::uint64_t> MoveRefused(bool retry) {
    MutexLock lock(&mu_);
    CERTSHARE_RETURN_IF_ERROR(db_->CheckWritable());
    fmt::State next = state_;
    rocksdb::WriteBatch batch;
    std::uint64_t moved = 0;
    std::uint64_t lowest = 0;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->db()->NewIterator(rocksdb::ReadOptions(), db_->family(kRefused)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto id = fmt::DecodeId(ToView(it->key()));
      if (!id) return Malformed(dir_, "refused key");
      auto rec = fmt::DecodeRefused(*id, ToView(it->value()));
      if (!rec) return Malformed(dir_, "refused record");
      batch.Delete(db_->family(kRefused), ToSlice(ToView(it->key())));
      --next.refused;
      next.refused_bytes -= rec->spooled.record.size();
      if (!retry) {
        ++moved;
        continue;
      }
      CERTSHARE_ASSIGN_OR_RETURN(std::optional<std::uint64_t> pending,
                                 LookupKey(rec->spooled.dedupe_key));
      if (pending) continue;  // the same version is pending again: keep that one
      batch.Put(db_->family(kPending), ToSlice(ToView(it->key())), fmt::EncodePending(rec->spooled));
      batch.Put(db_->family(kKeys), ToSlice(rec->spooled.dedupe_key), ToSlice(ToView(it->key())));
      ++next.pending;
      next.pending_bytes += rec->spooled.record.size();
      if (moved == 0) lowest = *id;
      ++moved;
    }
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading spool " + Quoted(dir_)));
    it.reset();
    if (next.refused == state_.refused) return moved;
    batch.Put(db_->family(kMeta), ToSlice(fmt::kStateKey), fmt::EncodeState(next));
    CERTSHARE_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/true));
    CommitLocked(next);
    if (retry && moved > 0) {
      front_ = std::min(front_, lowest);
      ++front_gen_;
    }
    return moved;
  }

  void CommitLocked(const fmt::State& next) REQUIRES(mu_) {
    state_ = next;
    depth_ = next.pending;
    last_id_ = next.last_id;
  }

  const std::string dir_;
  const SpoolOptions options_;
  const std::unique_ptr<Db> db_;

  // Lock order: mu_, then the Db's failed-state lock (a leaf). mu_
  // serialises writes (including Add's fsync) and guards everything below.
  mutable Mutex mu_;
  CondVar added_cv_;
  fmt::State state_ GUARDED_BY(mu_);
  std::uint64_t front_ GUARDED_BY(mu_) = 0;  // no pending id below it
  // Bumped when ids below front_ become pending again.
  std::uint64_t front_gen_ GUARDED_BY(mu_) = 0;
  std::atomic<std::uint64_t> depth_{0};
  std::atomic<std::uint64_t> last_id_{0};
};

}  // namespace

Result<std::unique_ptr<SpoolStore>> SpoolStore::Open(const std::string& dir,
                                                     const SpoolOptions& options) {
  if (dir.empty()) return Status(ErrorCode::kInvalidArgument, "the spool directory is empty");
  const bool fresh = !SpoolExists(dir);
  if (fresh) {
    CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(dir));
    // Signed records, some of them plaintext: for this user only.
    if (::chmod(dir.c_str(), 0700) != 0) {
      return Status(ErrorCode::kIoError, "cannot make " + Quoted(dir) + " private (mode 0700)");
    }
  }
  CERTSHARE_ASSIGN_OR_RETURN(std::unique_ptr<Db> db,
                             OpenDb(dir, false, options.lock_wait, options.env));
  CERTSHARE_ASSIGN_OR_RETURN(fmt::State state, ReadState(*db, dir));
  return std::unique_ptr<SpoolStore>(
      std::make_unique<RocksSpoolStore>(dir, options, std::move(db), state));
}

Result<SpoolCounts> SpoolStore::Inspect(const std::string& dir) {
  if (!SpoolExists(dir)) return SpoolCounts{};
  Result<SpoolCounts> counts = ReadOnly<SpoolCounts>(dir, [&](const Db& db) -> Result<SpoolCounts> {
    CERTSHARE_ASSIGN_OR_RETURN(fmt::State state, ReadState(db, dir));
    SpoolCounts counts{state.pending, state.pending_bytes, state.refused, state.refused_bytes,
                       std::nullopt};
    CERTSHARE_ASSIGN_OR_RETURN(std::optional<SpooledRecord> first, FirstPending(db, dir, 0));
    if (first) counts.oldest_accepted_ms = first->accepted_ms;
    return counts;
  });
  // A spool whose creation was interrupted holds nothing.
  if (counts.status().code() == ErrorCode::kNotFound) return SpoolCounts{};
  return counts;
}

Result<std::vector<RefusedRecord>> SpoolStore::InspectRefused(const std::string& dir,
                                                         std::size_t max) {
  if (!SpoolExists(dir)) return std::vector<RefusedRecord>{};
  Result<std::vector<RefusedRecord>> refused = ReadOnly<std::vector<RefusedRecord>>(
      dir, [&](const Db& db) { return ReadRefused(db, dir, max); });
  if (refused.status().code() == ErrorCode::kNotFound) return std::vector<RefusedRecord>{};
  return refused;
}

Result<std::vector<std::pair<std::string, SentRecord>>> SpoolStore::InspectSent(
    const std::string& dir, std::string_view key_prefix) {
  using Found = std::vector<std::pair<std::string, SentRecord>>;
  if (!SpoolExists(dir)) return Found{};
  Result<Found> found = ReadOnly<Found>(dir, [&](const Db& db) -> Result<Found> {
    Found out;
    const std::string prefix = fmt::SentKey(key_prefix);
    const std::size_t skip = fmt::kSentPrefix.size();
    std::unique_ptr<rocksdb::Iterator> it(
        db.db()->NewIterator(rocksdb::ReadOptions(), db.family(kMeta)));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      auto sent = fmt::DecodeSent(ToView(it->value()));
      if (!sent) return Malformed(dir, "sent record");
      out.emplace_back(std::string(ToView(it->key()).substr(skip)), std::move(*sent));
    }
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading spool " + Quoted(dir)));
    return out;
  });
  if (found.status().code() == ErrorCode::kNotFound) return Found{};
  return found;
}

}  // namespace certshare::storage
