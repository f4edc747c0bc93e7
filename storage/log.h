// certshare::storage::Log — the broker's durable record log on RocksDB.
//
// Records get consecutive sequence numbers from 1. Each record is stored
// once per dedupe key (the STIX id and `modified`): appending a key that is
// already stored returns the original sequence with duplicate = true and
// writes nothing. Every append is one RocksDB WriteBatch (records + id
// index; the next sequence is derived from the last record key on open)
// written with sync, so a returned OK means durable.
//
// docs/storage.md specifies the column families and key layout.
//
// Visibility: Read, Find and Scan show a record only once its write has
// completed, i.e. exactly the sequences 1..LastSequence().
//
// Thread-safety: Append/AppendBatch are serialised internally; Read, Find,
// Scan and LastSequence may run concurrently with them and with each other.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"

namespace certshare::storage {

struct Options {
  // Create the database if the directory holds none. Default true; the
  // broker sets it false after first start so that a missing database is
  // an error, not a silent fresh start.
  bool create_if_missing = true;
  // fsync every append. Default true; only benchmarks turn it off.
  bool sync = true;
  // TESTS ONLY; default empty (no effect). Called under the append lock just
  // before every append's RocksDB write (not for appends that are all
  // duplicates, which write nothing). A non-OK result is treated exactly as
  // if RocksDB had failed the write with it: nothing is written, the append
  // returns that status and the log enters its failed state. Lets tests
  // exercise the failed state without a real disk fault.
  std::function<Status()> before_write_hook;
};

struct Entry {
  std::string dedupe_key;
  ByteView record;
};

struct AppendResult {
  std::uint64_t sequence = 0;
  bool duplicate = false;
};

class Log {
 public:
  // Opens (or creates) the log in `dir`. kNotFound (naming `dir`) when
  // there is no database and options.create_if_missing is false;
  // kCorruption when the database is damaged or is not a certshare log (no
  // or another format marker); kIoError / kStorageError with RocksDB's
  // reason when it cannot be opened otherwise.
  static Result<std::unique_ptr<Log>> Open(const std::string& dir,
                                           const Options& options = {});
  virtual ~Log() = default;

  // Appends one record durably. kInvalidArgument for an empty dedupe key;
  // the write's error (kIoError, ...) if it fails, after which the log is in
  // its failed state and every later append returns kUnavailable until the
  // log is reopened.
  virtual Result<AppendResult> Append(std::string_view dedupe_key, ByteView record) = 0;
  // Appends many records in one synced write (group commit). Results are in
  // input order; a key repeated within the batch is stored once. On error
  // nothing of the batch becomes visible and the log refuses further appends
  // (kUnavailable) until reopened: after a failed sync the state on disk is
  // unknown. The WriteBatch is atomic, so after reopening the batch is
  // either wholly absent or wholly present (and a retry is then reported as
  // duplicates). An empty `entries` writes nothing and returns {}.
  virtual Result<std::vector<AppendResult>> AppendBatch(std::span<const Entry> entries) = 0;

  // The record at `sequence`, or kNotFound.
  virtual Result<Bytes> Read(std::uint64_t sequence) = 0;
  // Sequence stored under `dedupe_key`, or kNotFound.
  virtual Result<std::uint64_t> Find(std::string_view dedupe_key) = 0;
  // Calls fn(sequence, record) for records with sequence >= from, in order,
  // until fn returns false or `max_count` records were visited. `record` is
  // valid only during the call. Records appended after Scan starts are not
  // visited.
  virtual Status Scan(std::uint64_t from, std::size_t max_count,
                      const std::function<bool(std::uint64_t, ByteView)>& fn) = 0;
  // The highest sequence stored, 0 when empty.
  virtual std::uint64_t LastSequence() const = 0;
};

}  // namespace certshare::storage
