#include "storage/rocksdb_log.h"

#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "common/base/file_util.h"
#include "storage/key_format.h"
#include "storage/rocksdb_status.h"

namespace certshare::storage {

namespace {

rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
rocksdb::Slice ToSlice(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
std::string_view ToView(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

std::string Quoted(const std::string& dir) { return "'" + dir + "'"; }

rocksdb::Options MakeDbOptions(const Options& options, bool existed) {
  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  // Only a database this Open creates gets its column families created; an
  // existing one must already have them (checked before opening).
  db_options.create_missing_column_families =
      options.create_if_missing && !existed;
  // Refuse to open on any detected inconsistency rather than carry on.
  db_options.paranoid_checks = true;
  // Bound RocksDB's own info logs (LOG, LOG.old.*) in the log directory.
  db_options.keep_log_file_num = 10;
  // WAL recovery stays kPointInTimeRecovery (RocksDB's default): a torn
  // last WAL record from a crash mid-write is dropped; that write was never
  // acknowledged.
  return db_options;
}

}  // namespace

Result<std::unique_ptr<Log>> Log::Open(const std::string& dir,
                                       const Options& options) {
  return RocksDbLog::Open(dir, options);
}

RocksDbLog::RocksDbLog(std::string dir, Options options)
    : dir_(std::move(dir)), options_(std::move(options)) {}

RocksDbLog::~RocksDbLog() {
  if (!db_) return;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  // Appends were written (and, with sync, fsynced) when they returned;
  // nothing is lost if Close reports an error here.
  db_->Close().PermitUncheckedError();
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
  CERTSHARE_RETURN_IF_ERROR(log->OpenDb(existed));
  CERTSHARE_RETURN_IF_ERROR(log->CheckFormat());
  CERTSHARE_RETURN_IF_ERROR(log->LoadLastSequence());
  return std::unique_ptr<Log>(std::move(log));
}

Status RocksDbLog::OpenDb(bool existed) {
  const std::string context = "opening log in " + Quoted(dir_);
  const rocksdb::Options db_options = MakeDbOptions(options_, existed);

  const std::vector<std::string> wanted = {
      rocksdb::kDefaultColumnFamilyName, std::string(kRecordsFamily),
      std::string(kIdsFamily), std::string(kMetaFamily)};

  if (existed) {
    // RocksDB must open every column family a database has, so check the
    // set first: a database of another program is refused untouched.
    std::vector<std::string> present;
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(
        rocksdb::DB::ListColumnFamilies(db_options, dir_, &present), context));
    for (const std::string& name : present) {
      if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) {
        return Status(ErrorCode::kCorruption,
                      Quoted(dir_) +
                          " is not a certshare log: unexpected "
                          "column family '" +
                          name + "'");
      }
    }
    for (const std::string& name : wanted) {
      if (std::find(present.begin(), present.end(), name) == present.end()) {
        return Status(ErrorCode::kCorruption,
                      Quoted(dir_) +
                          " is not a certshare log: column family '" + name +
                          "' is missing");
      }
    }
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : wanted) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(db_options));
  }
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(
      rocksdb::DB::Open(db_options, dir_, descriptors, &handles, &db),
      context));
  db_.reset(db);
  handles_ = std::move(handles);
  records_ = handles_[1];
  ids_ = handles_[2];
  meta_ = handles_[3];
  return Status::Ok();
}

Status RocksDbLog::CheckFormat() {
  const std::string context = "reading format marker of log in " + Quoted(dir_);
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), meta_, ToSlice(kFormatKey), &value);
  if (s.ok()) {
    if (value == kFormatValue) return Status::Ok();
    return Status(ErrorCode::kCorruption,
                  "log in " + Quoted(dir_) + " has format '" + value +
                      "', expected '" + std::string(kFormatValue) + "'");
  }
  if (!s.IsNotFound()) return FromRocksDb(s, context);

  // No marker. A log this Open created (or one whose first Open stopped
  // before writing the marker) is empty: mark it. Anything else is not ours.
  CERTSHARE_ASSIGN_OR_RETURN(bool records_empty, IsEmpty(records_));
  CERTSHARE_ASSIGN_OR_RETURN(bool ids_empty, IsEmpty(ids_));
  if (!records_empty || !ids_empty || !options_.create_if_missing) {
    return Status(ErrorCode::kCorruption,
                  "log in " + Quoted(dir_) +
                      " has no format marker (expected '" +
                      std::string(kFormatValue) + "'): not a certshare log");
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  return FromRocksDb(db_->Put(write_options, meta_, ToSlice(kFormatKey),
                              ToSlice(kFormatValue)),
                     "writing format marker of log in " + Quoted(dir_));
}

Status RocksDbLog::LoadLastSequence() {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), records_));
  it->SeekToLast();
  std::uint64_t last = 0;
  if (it->Valid()) {
    std::optional<std::uint64_t> seq = DecodeSequence(ToView(it->key()));
    if (!seq || *seq == 0) {
      return Status(ErrorCode::kCorruption,
                    "log in " + Quoted(dir_) + " holds a malformed record key");
    }
    last = *seq;
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(
      it->status(), "finding the last sequence of log in " + Quoted(dir_)));
  last_sequence_.store(last, std::memory_order_release);
  return Status::Ok();
}

Result<bool> RocksDbLog::IsEmpty(rocksdb::ColumnFamilyHandle* cf) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf));
  it->SeekToFirst();
  const bool empty = !it->Valid();
  CERTSHARE_RETURN_IF_ERROR(
      FromRocksDb(it->status(), "reading log in " + Quoted(dir_)));
  return empty;
}

Result<std::optional<std::uint64_t>> RocksDbLog::LookupId(
    std::string_view key) {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), ids_, ToSlice(key), &value);
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

Status RocksDbLog::WriteLocked(rocksdb::WriteBatch* batch) {
  if (options_.before_write_hook) {
    Status injected = options_.before_write_hook();
    if (!injected.ok()) return injected.WithContext("writing to log");
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  return FromRocksDb(db_->Write(write_options, batch),
                     "writing to log in " + Quoted(dir_));
}

Status RocksDbLog::FailedStatusLocked() const {
  return Status(ErrorCode::kUnavailable,
                "log is in a failed state after a write error: " +
                    failed_.ToString() + "; restart required");
}

Result<AppendResult> RocksDbLog::Append(std::string_view dedupe_key,
                                        ByteView record) {
  const Entry entry{std::string(dedupe_key), record};
  CERTSHARE_ASSIGN_OR_RETURN(std::vector<AppendResult> results,
                             AppendBatch(std::span<const Entry>(&entry, 1)));
  return results[0];
}

// The write path: dedupe, assign sequences, one atomic WriteBatch, then
// publish the new last sequence.
Result<std::vector<AppendResult>> RocksDbLog::AppendBatch(
    std::span<const Entry> entries) {
  for (const Entry& e : entries) {
    if (e.dedupe_key.empty()) {
      return Status(ErrorCode::kInvalidArgument, "empty dedupe key");
    }
  }

  std::lock_guard<std::mutex> lock(mu_);
  if (!failed_.ok()) return FailedStatusLocked();

  std::vector<AppendResult> results(entries.size());
  // Keys first stored by this batch, so a repeat inside it is a duplicate.
  std::unordered_map<std::string_view, std::uint64_t> new_in_batch;
  rocksdb::WriteBatch batch;
  std::uint64_t last = last_sequence_.load(std::memory_order_relaxed);

  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (auto it = new_in_batch.find(e.dedupe_key); it != new_in_batch.end()) {
      results[i] = {it->second, true};
      continue;
    }
    CERTSHARE_ASSIGN_OR_RETURN(std::optional<std::uint64_t> stored,
                               LookupId(e.dedupe_key));
    if (stored) {
      results[i] = {*stored, true};
      continue;
    }
    if (last == std::numeric_limits<std::uint64_t>::max()) {
      return Status(ErrorCode::kInternal, "log sequence space exhausted");
    }
    const std::uint64_t seq = ++last;
    const std::string seq_key = EncodeSequence(seq);
    rocksdb::Status s = batch.Put(records_, seq_key, ToSlice(e.record));
    if (s.ok()) s = batch.Put(ids_, ToSlice(e.dedupe_key), seq_key);
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, "building a log write"));
    new_in_batch.emplace(e.dedupe_key, seq);
    results[i] = {seq, false};
  }

  if (batch.Count() == 0) return results;  // all duplicates: nothing to write

  Status written = WriteLocked(&batch);
  if (!written.ok()) {
    // The state on disk is unknown (LevelDB's RecordBackgroundError): refuse
    // every later append until a reopen re-derives the state from disk.
    failed_ = written;
    return written;
  }
  last_sequence_.store(last, std::memory_order_release);
  return results;
}

Result<Bytes> RocksDbLog::Read(std::uint64_t sequence) {
  if (sequence == 0 || sequence > LastSequence()) {
    return Status(ErrorCode::kNotFound,
                  "no record at sequence " + std::to_string(sequence));
  }
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), records_,
                               EncodeSequence(sequence), &value);
  if (s.IsNotFound()) {
    return Status(ErrorCode::kNotFound,
                  "no record at sequence " + std::to_string(sequence));
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(s, "reading sequence " +
                                               std::to_string(sequence) +
                                               " of log in " + Quoted(dir_)));
  const auto* data = reinterpret_cast<const std::uint8_t*>(value.data());
  return Bytes(data, data + value.size());
}

Result<std::uint64_t> RocksDbLog::Find(std::string_view dedupe_key) {
  if (dedupe_key.empty()) {
    return Status(ErrorCode::kInvalidArgument, "empty dedupe key");
  }
  CERTSHARE_ASSIGN_OR_RETURN(std::optional<std::uint64_t> seq,
                             LookupId(dedupe_key));
  // An id above LastSequence() belongs to an append still in progress.
  if (!seq || *seq > LastSequence()) {
    return Status(ErrorCode::kNotFound, "no record under that dedupe key");
  }
  return *seq;
}

Status RocksDbLog::Scan(
    std::uint64_t from, std::size_t max_count,
    const std::function<bool(std::uint64_t, ByteView)>& fn) {
  const std::uint64_t last = LastSequence();
  if (from == 0) from = 1;
  if (max_count == 0 || from > last) return Status::Ok();

  rocksdb::ReadOptions read_options;
  // Stop at the last completed append; a key above it may be mid-write.
  std::string upper;
  rocksdb::Slice upper_slice;
  if (last < std::numeric_limits<std::uint64_t>::max()) {
    upper = EncodeSequence(last + 1);
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
    ++visited;
    const rocksdb::Slice v = it->value();
    if (!fn(*seq, ByteView(reinterpret_cast<const std::uint8_t*>(v.data()),
                           v.size()))) {
      break;
    }
  }
  return FromRocksDb(it->status(), "scanning log in " + Quoted(dir_));
}

std::uint64_t RocksDbLog::LastSequence() const {
  return last_sequence_.load(std::memory_order_acquire);
}

}  // namespace certshare::storage
