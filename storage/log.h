// certshare::storage::Log — the broker's durable record log on RocksDB.
//
// Records get consecutive sequence numbers from 1. Each record is stored
// once per dedupe key (the STIX id and `modified`): appending a key that is
// already stored returns the original sequence with duplicate = true and
// writes nothing. Every append is one RocksDB WriteBatch (record + id index
// + next sequence) written with sync, so a returned OK means durable.
//
// docs/storage.md specifies the column families and key layout.
//
// Thread-safety: Append/AppendBatch are serialised internally; Read, Scan
// and LastSequence may run concurrently with them and with each other.
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
  // Opens (or creates) the log in `dir`. kStorageError / kCorruption with
  // RocksDB's reason when the database cannot be opened.
  static Result<std::unique_ptr<Log>> Open(const std::string& dir,
                                           const Options& options = {});
  virtual ~Log() = default;

  // Appends one record durably.
  virtual Result<AppendResult> Append(std::string_view dedupe_key, ByteView record) = 0;
  // Appends many records in one synced write (group commit). Results are in
  // input order; a key repeated within the batch is stored once. On error
  // nothing of the batch is stored and the log refuses further appends
  // (kUnavailable) until reopened: after a failed sync the state on disk is
  // unknown.
  virtual Result<std::vector<AppendResult>> AppendBatch(std::span<const Entry> entries) = 0;

  // The record at `sequence`, or kNotFound.
  virtual Result<Bytes> Read(std::uint64_t sequence) = 0;
  // Sequence stored under `dedupe_key`, or kNotFound.
  virtual Result<std::uint64_t> Find(std::string_view dedupe_key) = 0;
  // Calls fn(sequence, record) for records with sequence >= from, in order,
  // until fn returns false or `max_count` records were visited.
  virtual Status Scan(std::uint64_t from, std::size_t max_count,
                      const std::function<bool(std::uint64_t, ByteView)>& fn) = 0;
  // The highest sequence stored, 0 when empty.
  virtual std::uint64_t LastSequence() const = 0;
};

}  // namespace certshare::storage
