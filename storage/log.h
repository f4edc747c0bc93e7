// certshare::storage::Log — the broker's durable record log on RocksDB.
//
// Records get consecutive sequence numbers from 1. Each record is stored
// once per dedupe key (the STIX id and `modified`): appending a key that is
// already stored returns the original sequence with duplicate = true and
// writes nothing. Every append is one RocksDB WriteBatch (records, id
// index, latest-version index, stored-bytes total) written with sync, so a
// returned OK means durable. Trim removes the oldest records; sequences are
// never reused.
//
// docs/storage.md specifies the column families and key layout.
//
// Visibility: Read, Find, Latest and Scan show a record only once its write
// has completed, i.e. exactly the sequences FirstSequence()..LastSequence()
// of some completed write; a record trimmed meanwhile may be kNotFound.
//
// Thread-safety: every method may be called from any thread. Appends and
// trims are serialised internally (a large Trim releases the lock between
// chunks of 10,000 records, so appends interleave); readers and cursor
// calls take no lock that an append holds across its fsync.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "storage/env.h"

namespace certshare::storage {

struct Options {
  // Create the database if the directory holds none. Default true; the
  // broker sets it false after first start so that a missing database is
  // an error, not a silent fresh start.
  bool create_if_missing = true;
  // fsync every append. Default true; only benchmarks turn it off.
  bool sync = true;
  // Appends are refused (kDiskFull; not a failed state: they resume once
  // space is freed)
  // when the filesystem would keep less than this many bytes free (capped
  // at a tenth of the filesystem). Default 64 MiB: room for RocksDB's own
  // flushes and compactions, which must never meet a full disk.
  std::uint64_t min_free_bytes = 64ull << 20;
  // Verify every table file's checksums when opening, so that a damaged
  // database is refused at start instead of failing later on a read.
  // Default true; costs a full read of the database at start.
  bool verify_on_open = true;
  // What the log writes through (storage/env.h): every append and trim
  // chunk (under the append lock; none for appends that are all
  // duplicates, nor trims that remove nothing), every cursor write (not
  // synced), and the write that creates the log. Not owned; it must
  // outlive the log. Default Env::Default(), RocksDB itself; tests pass an
  // EnvWrapper that fails, counts or holds writes.
  Env* env = Env::Default();
};

// The longest dedupe key, object id or version key, in bytes: each is
// stored behind a u16 length (docs/storage.md). The broker's keys are
// bounded far below by the envelope's limits (envelope::kMaxDedupeKeyLength).
inline constexpr std::size_t kMaxKeyLength = 0xffff;

struct Entry {
  std::string dedupe_key;
  ByteView record;
  // When the broker received the record, in milliseconds since the Unix
  // epoch: retention by age and subscriptions that start at a time use it.
  // 0 means "now" (the log's clock at append).
  std::uint64_t received_ms = 0;
  // The newest-version index (optional; empty object_id skips it): the
  // STIX id, and a version key that sorts bytewise in version order (the
  // caller normalises `modified`, e.g. to a fixed-width timestamp). A
  // record becomes the object's latest only if its version key is greater
  // than the latest's: an older version is stored as history but never
  // replaces the newest.
  std::string object_id;
  std::string version_key;
};

// Retention: what Trim-based cleanup keeps (ApplyRetention).
struct RetentionPolicy {
  // Remove records received more than this long ago. 0 = keep forever.
  std::uint64_t max_age_ms = 0;
  // Remove the oldest records while the log holds more than this many bytes
  // of records. 0 = no size limit.
  std::uint64_t max_bytes = 0;
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

  // Appends one record durably: AppendBatch of one entry, with the entry's
  // refusal (kInvalidArgument) or the write's error as the result.
  virtual Result<AppendResult> Append(std::string_view dedupe_key, ByteView record) = 0;
  // Appends many records in one synced write (group commit).
  //
  // One result per entry, in input order. An entry that the log cannot
  // store — an empty dedupe key, or a dedupe key, object id or version key
  // longer than kMaxKeyLength — gets kInvalidArgument as its result and is
  // left out; the other entries are written as if it were not there: one
  // entry's problem never costs the others. A key repeated within the batch
  // is stored once.
  //
  // The call as a whole fails only for what concerns every entry: the log
  // is in its failed state (kUnavailable), the disk is too full (kDiskFull,
  // nothing written, no failed state), or the write itself fails (kIoError,
  // ...). After a failed write nothing of the batch becomes visible and the
  // log refuses further appends (kUnavailable) until reopened: after a
  // failed sync the state on disk is unknown. The WriteBatch is atomic, so
  // after reopening the batch is either wholly absent or wholly present
  // (and a retry is then reported as duplicates). An empty `entries` writes
  // nothing and returns {}.
  virtual Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const Entry> entries) = 0;

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
  // The lowest sequence still stored; LastSequence() + 1 when empty (also
  // after everything was trimmed).
  virtual std::uint64_t FirstSequence() const = 0;

  // --- Versions ---
  // Sequence of the newest version of `object_id`, or kNotFound.
  virtual Result<std::uint64_t> Latest(std::string_view object_id) = 0;

  // --- Time ---
  // The first sequence whose received_ms >= `received_ms`;
  // LastSequence() + 1 when there is none. O(log n) reads.
  virtual Result<std::uint64_t> FirstReceivedAtOrAfter(std::uint64_t received_ms) = 0;

  // --- Retention ---
  // Removes every record with sequence < `before`, with its dedupe-index
  // entry (and latest-index entry if it points at it), in synced writes of
  // at most 10,000 records, each atomic (a crash leaves a prefix removed).
  // `before` beyond LastSequence() + 1 is clamped. Returns how many records
  // were removed. Subscribers positioned
  // below FirstSequence() afterwards get a clear error from the broker.
  virtual Result<std::uint64_t> Trim(std::uint64_t before) = 0;
  // Bytes of stored record values (exact running total, kept in "meta").
  virtual std::uint64_t StoredBytes() const = 0;
  // Applies `policy` at time `now_ms`: trims by age, then the oldest records
  // until StoredBytes() <= max_bytes. Returns how many records it removed.
  virtual Result<std::uint64_t> ApplyRetention(const RetentionPolicy& policy,
                                               std::uint64_t now_ms) = 0;

  // --- Durable subscription cursors ---
  // The acknowledged position of a named subscription (key chosen by the
  // broker, e.g. "<org>/<name>"). Written to the WAL without fsync: after a
  // machine crash a cursor may be slightly behind, so some records are
  // delivered again and the subscriber's duplicate check drops them.
  virtual Status PutCursor(std::string_view name, std::uint64_t sequence) = 0;
  virtual Result<std::uint64_t> GetCursor(std::string_view name) = 0;  // kNotFound
  virtual Status DeleteCursor(std::string_view name) = 0;
  // The cursors whose name starts with `prefix` (empty: all), as (name,
  // sequence) in bytewise name order, at most `max_count` of them (the
  // first ones). Reads the live database, as GetCursor. kCorruption for a
  // malformed stored value.
  virtual Result<std::vector<std::pair<std::string, std::uint64_t>>> ListCursors(
      std::string_view prefix, std::size_t max_count) = 0;
};

}  // namespace certshare::storage
