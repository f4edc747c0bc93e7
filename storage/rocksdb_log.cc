#include "storage/rocksdb_log.h"

#include <sys/statvfs.h>

#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "common/base/file_util.h"
#include "storage/db.h"
#include "storage/rocksdb_status.h"

namespace certshare::storage {

namespace {

constexpr std::uint64_t kMaxSequence =
    std::numeric_limits<std::uint64_t>::max();

// Handle order of the column families (MakeDbSpec).
enum Family : std::size_t { kDefault = 0, kRecords, kIds, kMeta, kLatest, kCursors };

std::uint64_t NowMs() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch)
          .count();
  return ms > 0 ? static_cast<std::uint64_t>(ms) : 0;
}

// last + 1 without overflowing: the bound of "every stored sequence".
std::uint64_t End(std::uint64_t last) {
  return last == kMaxSequence ? kMaxSequence : last + 1;
}

Status FormatMismatch(const std::string& dir, std::string_view found) {
  std::string message = "log in " + Quoted(dir) + " has format '" +
                        std::string(found) + "', expected '" +
                        std::string(kFormatValue) + "'";
  if (found.substr(0, kFormatPrefix.size()) == kFormatPrefix) {
    message +=
        " (written by another version of certshare; there is no "
        "migration: move the directory away to start a new log)";
  }
  return Status(ErrorCode::kCorruption, message);
}

// The log's words for a database Db::Open refuses (docs/storage.md,
// "Opening"; docs/errors.md quotes them).
Status ExplainRefusal(const std::string& dir, const DbRefusal& r) {
  const std::string not_ours = Quoted(dir) + " is not a certshare log: ";
  switch (r.kind) {
    case DbRefusal::kForeignFamily:
      return Status(ErrorCode::kCorruption,
                    not_ours + "unexpected column family '" + r.family + "'");
    case DbRefusal::kMissingFamily:
      // Perhaps a certshare log of another format: name it.
      if (r.marker && r.marker->substr(0, kFormatPrefix.size()) == kFormatPrefix) {
        return FormatMismatch(dir, *r.marker);
      }
      return Status(ErrorCode::kCorruption,
                    not_ours + "column family '" + r.family + "' is missing");
    case DbRefusal::kWrongFormat:
      return FormatMismatch(dir, r.marker.value_or(""));
    case DbRefusal::kNoFormat:
    case DbRefusal::kUnfinished:  // (the log never opens read-only)
      return Status(ErrorCode::kCorruption,
                    "log in " + Quoted(dir) + " has no format marker (expected '" +
                        std::string(kFormatValue) + "'): not a certshare log");
    case DbRefusal::kDamaged:
      return Status(ErrorCode::kCorruption,
                    "opening log in " + Quoted(dir) +
                        ": a file the database needs is missing (" + r.reason +
                        "); the data directory is damaged: restore it from a backup");
    case DbRefusal::kBusy:
      break;
  }
  return r.cause;
}

// The log's database: docs/storage.md, "Column families" and "Opening".
DbSpec MakeDbSpec(const std::string& dir, const Options& options) {
  DbSpec spec;
  spec.dir = dir;
  // Refuse to open on any detected inconsistency rather than carry on.
  spec.options.paranoid_checks = true;
  // Bound RocksDB's own info logs (LOG, LOG.old.*) in the log directory.
  spec.options.keep_log_file_num = 10;
  // WAL recovery: a torn last WAL record (a crash mid-write; that write was
  // never acknowledged) is dropped, but corruption anywhere else is an error
  // at open. kPointInTimeRecovery, RocksDB's default, would silently stop
  // replay at a corrupted record and drop every later, acknowledged one.
  spec.options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  // A WAL file is kept until every family with writes in it has flushed;
  // the small families (cursors, meta) fill their memtables slowly and
  // keep the records' WAL on disk (measured: 90 MiB of WAL beside 67 MiB
  // of table files after 20,000 records; RocksDB's own bound is four times
  // all memtables, gigabytes here). Beyond this the families holding the
  // oldest WAL are flushed.
  spec.options.max_total_wal_size = 128u << 20;
  for (std::string_view name :
       {std::string_view(rocksdb::kDefaultColumnFamilyName), kRecordsFamily, kIdsFamily,
        kMetaFamily, kLatestFamily, kCursorsFamily}) {
    rocksdb::ColumnFamilyOptions family(spec.options);
    if (name == kRecordsFamily) {
      // Records (1-16 KiB, mostly ciphertext) go to blob files, their keys
      // and blob references to the tables: compaction then rewrites the
      // small part only, so ingest does not slow down as the log grows
      // (measured without: 72% of the empty store's rate at 10 million
      // records, compaction the busiest thread). Blobs of records that
      // retention removed are reclaimed as compaction passes over them.
      family.enable_blob_files = true;
      family.min_blob_size = 512;
      family.blob_compression_type = rocksdb::kSnappyCompression;
      family.enable_blob_garbage_collection = true;
    }
    spec.families.push_back({std::string(name), family});
  }
  spec.marker_family = kMeta;
  spec.marker_key = std::string(kFormatKey);
  spec.marker_value = std::string(kFormatValue);
  spec.initial = {{kMeta, std::string(kStoredBytesKey), EncodeSequence(0)},
                  {kMeta, std::string(kFirstSequenceKey), EncodeSequence(1)}};
  spec.create_if_missing = options.create_if_missing;
  spec.flush_on_close = true;
  spec.env = options.env;
  spec.explain = [dir](const DbRefusal& r) { return ExplainRefusal(dir, r); };
  spec.context = {"opening log in " + Quoted(dir),
                  "reading format marker of log in " + Quoted(dir),
                  "reading log in " + Quoted(dir),
                  "initialising log in " + Quoted(dir),
                  "writing to log in " + Quoted(dir)};
  spec.failed_name = "log";
  return spec;
}

Status MalformedRecord(const std::string& dir, std::uint64_t sequence) {
  return Status(ErrorCode::kCorruption,
                "log in " + Quoted(dir) +
                    " holds a malformed record at sequence " +
                    std::to_string(sequence));
}

Status NoRecordAt(std::uint64_t sequence) {
  return Status(ErrorCode::kNotFound,
                "no record at sequence " + std::to_string(sequence));
}

}  // namespace

Result<std::unique_ptr<Log>> Log::Open(const std::string& dir,
                                       const Options& options) {
  return RocksDbLog::Open(dir, options);
}

RocksDbLog::RocksDbLog(std::string dir, Options options)
    : dir_(std::move(dir)), options_(std::move(options)) {}

RocksDbLog::~RocksDbLog() {
  // The View's deleter releases its snapshot through db_. No reader may be
  // running (the caller owns the log), so this is the last reference; then
  // the Db flushes (flush_on_close) and closes.
  view_.reset();
  store_.reset();
}

Result<std::unique_ptr<Log>> RocksDbLog::Open(const std::string& dir,
                                              const Options& options) {
  if (dir.empty()) {
    return Status(ErrorCode::kInvalidArgument, "log directory is empty");
  }
  std::error_code ec;
  const bool existed = std::filesystem::exists(dir + "/CURRENT", ec);
  if (ec) {
    return Status(ErrorCode::kIoError, "checking log directory " + Quoted(dir) +
                                           ": " + ec.message());
  }
  if (!existed) {
    if (!options.create_if_missing) {
      return Status(ErrorCode::kNotFound, "no log database in " + Quoted(dir) +
                                              " (create_if_missing is false)");
    }
    CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(dir));
  }

  std::unique_ptr<RocksDbLog> log(new RocksDbLog(dir, options));
  CERTSHARE_ASSIGN_OR_RETURN(log->store_, Db::Open(MakeDbSpec(dir, options)));
  log->db_ = log->store_->db();
  log->records_ = log->store_->family(kRecords);
  log->ids_ = log->store_->family(kIds);
  log->meta_ = log->store_->family(kMeta);
  log->latest_ = log->store_->family(kLatest);
  log->cursors_ = log->store_->family(kCursors);
  CERTSHARE_RETURN_IF_ERROR(log->LoadState());
  CERTSHARE_RETURN_IF_ERROR(log->CheckHighWaterMark());
  if (options.verify_on_open) {
    CERTSHARE_RETURN_IF_ERROR(
        FromRocksDb(log->db_->VerifyChecksum(), "verifying the log in " + Quoted(dir)));
  }
  return std::unique_ptr<Log>(std::move(log));
}

// Derives the in-memory state from disk: the first sequence from the
// stored floor, the last from the last record (or the floor when every
// record was trimmed), the clamp floor of received_ms from the last record.
// A log that ends before a sequence it once acknowledged has lost records
// (a damaged or truncated write-ahead log): never serve it.
Status RocksDbLog::CheckHighWaterMark() {
  std::uint64_t recorded = 0;
  CERTSHARE_RETURN_IF_ERROR(high_water_mark_.Open(dir_, &recorded));
  std::uint64_t last = last_sequence_.load(std::memory_order_acquire);
  if (last < recorded) {
    return Status(ErrorCode::kCorruption,
                  "the log in " + Quoted(dir_) + " ends at sequence " + std::to_string(last) +
                      " but sequence " + std::to_string(recorded) +
                      " was acknowledged: its write-ahead log is damaged or truncated; "
                      "restore the data directory from a backup");
  }
  high_water_mark_.Record(last);
  return Status::Ok();
}

Status RocksDbLog::LoadState() {
  MutexLock lock(&mu_);  // PublishLocked's; nothing else runs yet
  const std::string context = "loading log in " + Quoted(dir_);
  auto read_u64 = [&](std::string_view key) -> Result<std::uint64_t> {
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), meta_, ToSlice(key), &value);
    if (s.IsNotFound() || (s.ok() && value.size() != kSequenceSize)) {
      return Status(ErrorCode::kCorruption,
                    "log in " + Quoted(dir_) + " has a missing or malformed '" +
                        std::string(key) + "' entry");
    }
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, context));
    return GetU64(value);
  };
  CERTSHARE_ASSIGN_OR_RETURN(std::uint64_t stored_bytes,
                             read_u64(kStoredBytesKey));
  CERTSHARE_ASSIGN_OR_RETURN(std::uint64_t floor, read_u64(kFirstSequenceKey));
  if (floor == 0) {
    return Status(ErrorCode::kCorruption,
                  "log in " + Quoted(dir_) + " has first_sequence 0");
  }

  // Trimmed records leave tombstones below the floor until compaction;
  // bounding the iterator by the floor keeps them from being walked.
  const std::string lower = EncodeSequence(floor);
  const rocksdb::Slice lower_slice(lower);
  rocksdb::ReadOptions read_options;
  read_options.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, records_));

  std::uint64_t first = floor;
  std::uint64_t last = floor - 1;
  it->SeekToLast();
  if (it->Valid()) {
    std::optional<std::uint64_t> seq = DecodeSequence(ToView(it->key()));
    if (!seq || *seq == 0) {
      return Status(ErrorCode::kCorruption,
                    "log in " + Quoted(dir_) + " holds a malformed record key");
    }
    last = *seq;
    std::optional<RecordHeader> header =
        DecodeRecordHeader(ToView(it->value()));
    if (!header) return MalformedRecord(dir_, last);
    last_received_ms_ = header->received_ms;

    it->Seek(lower);
    std::optional<std::uint64_t> first_seq =
        it->Valid() ? DecodeSequence(ToView(it->key())) : std::nullopt;
    if (!first_seq || *first_seq == 0) {
      return Status(ErrorCode::kCorruption,
                    "log in " + Quoted(dir_) + " holds a malformed record key");
    }
    first = *first_seq;
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), context));
  it.reset();
  PublishLocked(first, last, stored_bytes);
  return Status::Ok();
}

Result<std::optional<std::uint64_t>> RocksDbLog::LookupId(
    const rocksdb::ReadOptions& read_options, std::string_view key) {
  std::string value;
  rocksdb::Status s = db_->Get(read_options, ids_, ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::uint64_t>();
  CERTSHARE_RETURN_IF_ERROR(
      FromRocksDb(s, "looking up a dedupe key in log in " + Quoted(dir_)));
  std::optional<std::uint64_t> seq = DecodeSequence(value);
  if (!seq || *seq == 0) {
    return Status(ErrorCode::kCorruption,
                  "log in " + Quoted(dir_) + " holds a malformed id entry");
  }
  return seq;
}

Result<std::optional<LatestValue>> RocksDbLog::LookupLatest(
    const rocksdb::ReadOptions& read_options, std::string_view object_id) {
  std::string value;
  rocksdb::Status s =
      db_->Get(read_options, latest_, ToSlice(object_id), &value);
  if (s.IsNotFound()) return std::optional<LatestValue>();
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(
      s, "looking up an object's latest version in log in " + Quoted(dir_)));
  std::optional<LatestValue> latest = DecodeLatest(value);
  if (!latest) {
    return Status(ErrorCode::kCorruption,
                  "log in " + Quoted(dir_) + " holds a malformed latest entry");
  }
  return latest;
}

Result<std::uint64_t> RocksDbLog::ReadReceived(
    const rocksdb::ReadOptions& read_options, std::uint64_t sequence) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      db_->Get(read_options, records_, EncodeSequence(sequence), &value);
  if (s.IsNotFound()) {
    return Status(ErrorCode::kCorruption,
                  "log in " + Quoted(dir_) + " has no record at sequence " +
                      std::to_string(sequence) + " inside its range");
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, "reading sequence " +
                                               std::to_string(sequence) +
                                               " of log in " + Quoted(dir_)));
  std::optional<RecordHeader> header = DecodeRecordHeader(ToView(value));
  if (!header) return MalformedRecord(dir_, sequence);
  return header->received_ms;
}

// Refuses a write that would leave less than the reserve free. RocksDB
// must never meet a full disk itself: a failed WAL append leaves its writer
// in a state it cannot recover from without a restart (and the Debian
// build asserts). Refusing here is soft: nothing failed, so appends resume
// by themselves once space is freed.
Status CheckFreeSpace(const std::string& dir, std::uint64_t batch_bytes,
                      std::uint64_t min_free_bytes) {
  struct statvfs fs;
  if (::statvfs(dir.c_str(), &fs) != 0) return Status::Ok();  // cannot tell: let RocksDB try
  std::uint64_t free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  std::uint64_t total = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize;
  // The reserve: the configured floor, but never more than a tenth of a
  // small filesystem.
  std::uint64_t reserve = std::min<std::uint64_t>(min_free_bytes, total / 10);
  std::uint64_t needed = 2 * batch_bytes + reserve;
  if (free_bytes < needed) {
    return Status(ErrorCode::kDiskFull,
                  "disk full: " + std::to_string(free_bytes) + " bytes free in " + dir +
                      ", this write needs " + std::to_string(needed) +
                      " (including the reserve); free space and ingest resumes");
  }
  return Status::Ok();
}

void RocksDbLog::PublishLocked(std::uint64_t first, std::uint64_t last,
                               std::uint64_t stored_bytes) {
  rocksdb::DB* db = db_;
  auto* view = new View{db->GetSnapshot(), first, last};
  std::shared_ptr<const View> published(view, [db](const View* v) {
    db->ReleaseSnapshot(v->snapshot);
    delete v;
  });
  {
    MutexLock lock(&view_mu_);
    view_.swap(published);
  }
  // `published` now holds the previous View; it is released here unless a
  // reader still uses it.
  stored_bytes_.store(stored_bytes, std::memory_order_release);
  first_sequence_.store(first, std::memory_order_release);
  last_sequence_.store(last, std::memory_order_release);
  high_water_mark_.Record(last);
}

std::shared_ptr<const RocksDbLog::View> RocksDbLog::CurrentView() const {
  MutexLock lock(&view_mu_);
  return view_;
}

rocksdb::ReadOptions RocksDbLog::ReadAt(const View& view) {
  rocksdb::ReadOptions read_options;
  read_options.snapshot = view.snapshot;
  return read_options;
}

Result<AppendResult> RocksDbLog::Append(std::string_view dedupe_key,
                                        ByteView record) {
  Entry entry;
  entry.dedupe_key = std::string(dedupe_key);
  entry.record = record;
  CERTSHARE_ASSIGN_OR_RETURN(std::vector<Result<AppendResult>> results,
                             AppendBatch(std::span<const Entry>(&entry, 1)));
  return std::move(results[0]);
}

namespace {

// Why the log cannot store `e` (the entry's own problem), or OK.
Status CheckEntry(const Entry& e) {
  if (e.dedupe_key.empty()) {
    return Status(ErrorCode::kInvalidArgument, "empty dedupe key");
  }
  const std::pair<const char*, std::size_t> fields[] = {
      {"dedupe key", e.dedupe_key.size()},
      {"object id", e.object_id.size()},
      {"version key", e.version_key.size()}};
  for (const auto& [name, size] : fields) {
    if (size > kMaxKeyLength) {
      return Status(ErrorCode::kInvalidArgument,
                    std::string(name) + " of " + std::to_string(size) +
                        " bytes, longer than the log's limit of " +
                        std::to_string(kMaxKeyLength));
    }
  }
  return Status::Ok();
}

}  // namespace

// The write path: dedupe, assign sequences and received times, resolve the
// newest version of each object, one atomic WriteBatch, then publish. An
// entry the log cannot store gets its own error and is left out of the
// batch; the others are written as if it were not there.
Result<std::vector<Result<AppendResult>>> RocksDbLog::AppendBatch(
    std::span<const Entry> entries) {
  MutexLock lock(&mu_);
  CERTSHARE_RETURN_IF_ERROR(store_->CheckWritable());
  std::uint64_t batch_bytes = 0;
  for (const Entry& e : entries) batch_bytes += e.record.size() + e.dedupe_key.size() + 64;
  CERTSHARE_RETURN_IF_ERROR(CheckFreeSpace(dir_, batch_bytes, options_.min_free_bytes));

  // Under mu_ nothing else writes records, ids or latest, so the live
  // database is the published state plus nothing.
  const rocksdb::ReadOptions live;
  std::vector<Result<AppendResult>> results;
  results.reserve(entries.size());
  // Keys first stored by this batch, so a repeat inside it is a duplicate.
  std::unordered_map<std::string_view, std::uint64_t> new_in_batch;
  // The newest version of each object seen so far: from "latest", then
  // replaced by any newer version in this batch (input order is irrelevant:
  // the greatest version key wins).
  struct Newest {
    std::optional<LatestValue> value;
    bool changed = false;
  };
  std::unordered_map<std::string_view, Newest> newest;
  rocksdb::WriteBatch batch;
  const std::uint64_t first = first_sequence_.load(std::memory_order_relaxed);
  std::uint64_t last = last_sequence_.load(std::memory_order_relaxed);
  std::uint64_t bytes = stored_bytes_.load(std::memory_order_relaxed);
  std::uint64_t received_floor = last_received_ms_;
  std::optional<std::uint64_t> now;  // read once, only if an entry needs it

  for (const Entry& e : entries) {
    if (Status refused = CheckEntry(e); !refused.ok()) {
      results.emplace_back(std::move(refused));
      continue;
    }
    if (auto it = new_in_batch.find(e.dedupe_key); it != new_in_batch.end()) {
      results.emplace_back(AppendResult{it->second, true});
      continue;
    }
    CERTSHARE_ASSIGN_OR_RETURN(std::optional<std::uint64_t> stored,
                               LookupId(live, e.dedupe_key));
    if (stored) {
      results.emplace_back(AppendResult{*stored, true});
      continue;
    }
    if (last == kMaxSequence) {
      return Status(ErrorCode::kInternal, "log sequence space exhausted");
    }
    const std::uint64_t seq = ++last;

    // Receive times never go backwards along the log (FirstReceivedAtOrAfter
    // binary-searches them): an earlier time is clamped up.
    std::uint64_t received = e.received_ms;
    if (received == 0) {
      if (!now) now = NowMs();
      received = *now;
    }
    received = std::max(received, received_floor);
    received_floor = received;

    const std::string seq_key = EncodeSequence(seq);
    const std::string header =
        EncodeRecordHeader(received, e.dedupe_key, e.object_id);
    const rocksdb::Slice key_part(seq_key);
    const rocksdb::Slice value_parts[2] = {ToSlice(header), ToSlice(e.record)};
    rocksdb::Status s = batch.Put(records_, rocksdb::SliceParts(&key_part, 1),
                                  rocksdb::SliceParts(value_parts, 2));
    if (s.ok()) s = batch.Put(ids_, ToSlice(e.dedupe_key), seq_key);
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, "building a log write"));
    bytes += header.size() + e.record.size();
    new_in_batch.emplace(e.dedupe_key, seq);
    results.emplace_back(AppendResult{seq, false});

    if (!e.object_id.empty()) {
      auto it = newest.find(e.object_id);
      if (it == newest.end()) {
        CERTSHARE_ASSIGN_OR_RETURN(std::optional<LatestValue> current,
                                   LookupLatest(live, e.object_id));
        it = newest.emplace(e.object_id, Newest{std::move(current), false})
                 .first;
      }
      Newest& n = it->second;
      // Bytewise (std::string compares as unsigned char), like RocksDB.
      if (!n.value || e.version_key > n.value->version_key) {
        n.value = LatestValue{e.version_key, seq};
        n.changed = true;
      }
    }
  }

  if (batch.Count() == 0) return results;  // all duplicates: nothing to write

  for (const auto& [object_id, n] : newest) {
    if (!n.changed) continue;
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(
        batch.Put(latest_, ToSlice(object_id),
                  EncodeLatest(n.value->version_key, n.value->sequence)),
        "building a log write"));
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(
      batch.Put(meta_, ToSlice(kStoredBytesKey), EncodeSequence(bytes)),
      "building a log write"));

  CERTSHARE_RETURN_IF_ERROR(store_->Write(&batch, options_.sync));
  last_received_ms_ = received_floor;
  PublishLocked(first, last, bytes);
  return results;
}

Result<Bytes> RocksDbLog::Read(std::uint64_t sequence) {
  std::shared_ptr<const View> view = CurrentView();
  if (sequence < view->first || sequence > view->last) {
    return NoRecordAt(sequence);
  }
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      db_->Get(ReadAt(*view), records_, EncodeSequence(sequence), &value);
  if (s.IsNotFound()) return NoRecordAt(sequence);
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, "reading sequence " +
                                               std::to_string(sequence) +
                                               " of log in " + Quoted(dir_)));
  std::optional<RecordHeader> header = DecodeRecordHeader(ToView(value));
  if (!header) return MalformedRecord(dir_, sequence);
  const auto* data = reinterpret_cast<const std::uint8_t*>(value.data());
  return Bytes(data + header->size, data + value.size());
}

Result<std::uint64_t> RocksDbLog::Find(std::string_view dedupe_key) {
  if (dedupe_key.empty()) {
    return Status(ErrorCode::kInvalidArgument, "empty dedupe key");
  }
  std::shared_ptr<const View> view = CurrentView();
  CERTSHARE_ASSIGN_OR_RETURN(std::optional<std::uint64_t> seq,
                             LookupId(ReadAt(*view), dedupe_key));
  if (!seq) {
    return Status(ErrorCode::kNotFound, "no record under that dedupe key");
  }
  return *seq;
}

Result<std::uint64_t> RocksDbLog::Latest(std::string_view object_id) {
  if (object_id.empty()) {
    return Status(ErrorCode::kInvalidArgument, "empty object id");
  }
  std::shared_ptr<const View> view = CurrentView();
  CERTSHARE_ASSIGN_OR_RETURN(std::optional<LatestValue> latest,
                             LookupLatest(ReadAt(*view), object_id));
  if (!latest) {
    return Status(ErrorCode::kNotFound, "no stored version of that object");
  }
  return latest->sequence;
}

Status RocksDbLog::Scan(
    std::uint64_t from, std::size_t max_count,
    const std::function<bool(std::uint64_t, ByteView)>& fn) {
  std::shared_ptr<const View> view = CurrentView();
  from = std::max(from, view->first);
  if (max_count == 0 || from > view->last) return Status::Ok();

  rocksdb::ReadOptions read_options = ReadAt(*view);
  // The snapshot already hides later writes; the bound also stops the
  // iterator from looking past the end.
  std::string upper;
  rocksdb::Slice upper_slice;
  if (view->last < kMaxSequence) {
    upper = EncodeSequence(view->last + 1);
    upper_slice = upper;
    read_options.iterate_upper_bound = &upper_slice;
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, records_));
  std::size_t visited = 0;
  for (it->Seek(EncodeSequence(from)); it->Valid() && visited < max_count;
       it->Next()) {
    std::optional<std::uint64_t> seq = DecodeSequence(ToView(it->key()));
    if (!seq) {
      return Status(ErrorCode::kCorruption,
                    "log in " + Quoted(dir_) + " holds a malformed record key");
    }
    const std::string_view value = ToView(it->value());
    std::optional<RecordHeader> header = DecodeRecordHeader(value);
    if (!header) return MalformedRecord(dir_, *seq);
    ++visited;
    const std::string_view record = value.substr(header->size);
    if (!fn(*seq, ByteView(reinterpret_cast<const std::uint8_t*>(record.data()),
                           record.size()))) {
      break;
    }
  }
  return FromRocksDb(it->status(), "scanning log in " + Quoted(dir_));
}

std::uint64_t RocksDbLog::LastSequence() const {
  return last_sequence_.load(std::memory_order_acquire);
}

std::uint64_t RocksDbLog::FirstSequence() const {
  return first_sequence_.load(std::memory_order_acquire);
}

std::uint64_t RocksDbLog::StoredBytes() const {
  return stored_bytes_.load(std::memory_order_acquire);
}

// Binary search over [first, last + 1): received_ms is non-decreasing along
// the log (AppendBatch clamps it), so the answer is the partition point.
Result<std::uint64_t> RocksDbLog::FirstReceivedAtOrAfter(
    std::uint64_t received_ms) {
  std::shared_ptr<const View> view = CurrentView();
  const rocksdb::ReadOptions read_options = ReadAt(*view);
  std::uint64_t lo = view->first;
  std::uint64_t hi = End(view->last);
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    CERTSHARE_ASSIGN_OR_RETURN(std::uint64_t received,
                               ReadReceived(read_options, mid));
    if (received >= received_ms) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

Result<std::uint64_t> RocksDbLog::Trim(std::uint64_t before) {
  return TrimOldest(before, std::nullopt);
}

Result<std::uint64_t> RocksDbLog::ApplyRetention(const RetentionPolicy& policy,
                                                 std::uint64_t now_ms) {
  std::uint64_t removed = 0;
  // By age: "received more than max_age_ms ago" is received < cutoff.
  if (policy.max_age_ms > 0 && now_ms > policy.max_age_ms) {
    CERTSHARE_ASSIGN_OR_RETURN(
        std::uint64_t keep_from,
        FirstReceivedAtOrAfter(now_ms - policy.max_age_ms));
    CERTSHARE_ASSIGN_OR_RETURN(std::uint64_t n, Trim(keep_from));
    removed += n;
  }
  // By size: the oldest records until the total fits.
  if (policy.max_bytes > 0) {
    CERTSHARE_ASSIGN_OR_RETURN(std::uint64_t n,
                               TrimOldest(kMaxSequence, policy.max_bytes));
    removed += n;
  }
  return removed;
}

Result<std::uint64_t> RocksDbLog::TrimOldest(
    std::uint64_t before, std::optional<std::uint64_t> target_bytes) {
  std::uint64_t removed = 0;
  bool more = true;
  while (more) {
    CERTSHARE_ASSIGN_OR_RETURN(std::uint64_t n,
                               TrimChunk(before, target_bytes, &more));
    removed += n;
  }
  return removed;
}

Result<std::uint64_t> RocksDbLog::TrimChunk(
    std::uint64_t before, std::optional<std::uint64_t> target_bytes,
    bool* more) {
  *more = false;
  MutexLock lock(&mu_);
  CERTSHARE_RETURN_IF_ERROR(store_->CheckWritable());

  const std::uint64_t first = first_sequence_.load(std::memory_order_relaxed);
  const std::uint64_t last = last_sequence_.load(std::memory_order_relaxed);
  std::uint64_t bytes = stored_bytes_.load(std::memory_order_relaxed);
  const std::uint64_t end = std::min(before, End(last));
  auto fits = [&] { return target_bytes && bytes <= *target_bytes; };
  if (end <= first || fits()) return std::uint64_t{0};

  const std::string context = "trimming log in " + Quoted(dir_);
  const rocksdb::ReadOptions live;  // nothing else writes under mu_
  rocksdb::ReadOptions iter_options;
  const std::string upper = EncodeSequence(end);
  const rocksdb::Slice upper_slice(upper);
  iter_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(iter_options, records_));

  rocksdb::WriteBatch batch;
  std::uint64_t next = first;  // the first sequence kept
  for (it->Seek(EncodeSequence(first));
       it->Valid() && next - first < kTrimChunk && !fits(); it->Next()) {
    const std::optional<std::uint64_t> seq = DecodeSequence(ToView(it->key()));
    if (!seq || *seq != next) {
      return Status(ErrorCode::kCorruption,
                    "log in " + Quoted(dir_) + " has no record at sequence " +
                        std::to_string(next) + " inside its range");
    }
    const std::string_view value = ToView(it->value());
    const std::optional<RecordHeader> header = DecodeRecordHeader(value);
    if (!header) return MalformedRecord(dir_, *seq);
    if (value.size() > bytes) {
      return Status(ErrorCode::kCorruption,
                    "log in " + Quoted(dir_) +
                        " has a stored_bytes total below its records");
    }

    rocksdb::Status s = batch.Delete(records_, it->key());
    if (s.ok()) s = batch.Delete(ids_, ToSlice(header->dedupe_key));
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, context));
    if (!header->object_id.empty()) {
      // Only the entry that points here; a newer version stays latest. Two
      // records of one object in a chunk may both delete it: harmless.
      CERTSHARE_ASSIGN_OR_RETURN(std::optional<LatestValue> latest,
                                 LookupLatest(live, header->object_id));
      if (latest && latest->sequence == *seq) {
        CERTSHARE_RETURN_IF_ERROR(FromRocksDb(
            batch.Delete(latest_, ToSlice(header->object_id)), context));
      }
    }
    bytes -= value.size();
    ++next;
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), context));
  it.reset();
  if (next == first) {
    // Not stopped by size, yet nothing in [first, end): a hole.
    return Status(ErrorCode::kCorruption,
                  "log in " + Quoted(dir_) + " has no record at sequence " +
                      std::to_string(first) + " inside its range");
  }

  rocksdb::Status s =
      batch.Put(meta_, ToSlice(kFirstSequenceKey), EncodeSequence(next));
  if (s.ok())
    s = batch.Put(meta_, ToSlice(kStoredBytesKey), EncodeSequence(bytes));
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, context));
  CERTSHARE_RETURN_IF_ERROR(store_->Write(&batch, options_.sync));
  PublishLocked(next, last, bytes);
  *more = next < end && !fits();
  return next - first;
}

Status RocksDbLog::PutCursor(std::string_view name, std::uint64_t sequence) {
  if (name.empty()) {
    return Status(ErrorCode::kInvalidArgument, "empty cursor name");
  }
  CERTSHARE_RETURN_IF_ERROR(store_->CheckWritable());
  // WAL, no fsync: a cursor that is slightly behind after a machine crash
  // only causes redelivery, which subscribers deduplicate (log.h).
  rocksdb::WriteBatch batch;
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(
      batch.Put(cursors_, ToSlice(name), EncodeSequence(sequence)), "building a log write"));
  return store_->Write(&batch, /*sync=*/false, "writing a cursor of log in " + Quoted(dir_));
}

Result<std::uint64_t> RocksDbLog::GetCursor(std::string_view name) {
  if (name.empty()) {
    return Status(ErrorCode::kInvalidArgument, "empty cursor name");
  }
  // The live database, not the View: cursors are not part of the record
  // state, and a caller must read its own PutCursor.
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cursors_, ToSlice(name), &value);
  if (s.IsNotFound()) {
    return Status(ErrorCode::kNotFound,
                  "no cursor named '" + std::string(name) + "'");
  }
  CERTSHARE_RETURN_IF_ERROR(
      FromRocksDb(s, "reading a cursor of log in " + Quoted(dir_)));
  std::optional<std::uint64_t> seq = DecodeSequence(value);
  if (!seq) {
    return Status(ErrorCode::kCorruption,
                  "log in " + Quoted(dir_) + " holds a malformed cursor");
  }
  return *seq;
}

Status RocksDbLog::DeleteCursor(std::string_view name) {
  if (name.empty()) {
    return Status(ErrorCode::kInvalidArgument, "empty cursor name");
  }
  CERTSHARE_RETURN_IF_ERROR(store_->CheckWritable());
  rocksdb::WriteBatch batch;
  CERTSHARE_RETURN_IF_ERROR(
      FromRocksDb(batch.Delete(cursors_, ToSlice(name)), "building a log write"));
  return store_->Write(&batch, /*sync=*/false, "deleting a cursor of log in " + Quoted(dir_));
}

Result<std::vector<std::pair<std::string, std::uint64_t>>> RocksDbLog::ListCursors(
    std::string_view prefix, std::size_t max_count) {
  const std::string context = "listing the cursors of log in " + Quoted(dir_);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  // The live database, as GetCursor: a caller reads its own PutCursor.
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cursors_));
  for (it->Seek(ToSlice(prefix)); it->Valid() && out.size() < max_count;
       it->Next()) {
    const rocksdb::Slice key = it->key();
    if (!key.starts_with(ToSlice(prefix))) break;
    std::optional<std::uint64_t> seq = DecodeSequence(ToView(it->value()));
    if (!seq) {
      return Status(ErrorCode::kCorruption,
                    "log in " + Quoted(dir_) + " holds a malformed cursor");
    }
    out.emplace_back(key.ToString(), *seq);
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), context));
  return out;
}

}  // namespace certshare::storage
