// certshare::storage::Db — one RocksDB database of a store, with its column
// families, its format marker and its failed state (private to storage/).
// The log (rocksdb_log.cc), the spool (spool_store.cc) and the seen store
// (seen_store.cc) each open theirs with Db::Open and write only through
// Db::Write; each keeps its own layout, tuning and messages (DbSpec).
//
// Opening (Db::Open), in order:
//  1. If `dir` holds a database (`dir/CURRENT` exists), its column families
//     are listed first (RocksDB must open every family a database has):
//     a family that is not in the spec is refused (kForeignFamily); a
//     CURRENT that names a missing file is refused (kDamaged).
//  2. Some of the spec's families missing: the database is looked at
//     read-only, never changed. Holding no key and no format marker, it is
//     one whose creation a kill interrupted (RocksDB writes CURRENT before
//     it creates the families): with spec.create_if_missing its families
//     are created and the opening goes on as for a new database; read-only
//     it is refused as kUnfinished. Otherwise: kMissingFamily (with the
//     marker it holds, if any, so that the store can name its format).
//  3. RocksDB is opened with every family of the spec; families are only
//     ever created in a new database (or one whose creation was
//     interrupted). While another process (or another Open in this one)
//     holds the directory's LOCK, Open retries every 50 ms until
//     spec.lock_wait has passed, then refuses with kBusy; read-only opens
//     take no lock.
//  4. The format marker (spec.marker_*) is read: the spec's value is
//     accepted; another value is kWrongFormat. No marker, in a database
//     holding no key at all, with spec.create_if_missing: the marker and
//     spec.initial are written in one synced batch through the Env (the
//     creation; it also finishes a first Open that stopped before the
//     marker). No marker otherwise: kNoFormat (read-only and empty:
//     kUnfinished).
// A refusal (DbRefusal) is worded by the store (spec.explain), so that
// each store keeps its messages (docs/errors.md). Every other RocksDB error
// is "<spec.context.*>: <RocksDB's reason>" (FromRocksDb).
//
// Writing: Write hands the batch to the spec's Env (storage/env.h). A
// failed write puts the Db in a sticky failed state, as LevelDB does with
// RecordBackgroundError: after a failed write the state on disk is
// unknown, so CheckWritable refuses every later write with kUnavailable
// ("<spec.failed_name> is in a failed state after a write error:
// <the first error>; restart required") until the store is reopened. Reads
// go to db() directly and keep working.
//
// Closing: the destructor (optionally flushing the memtables first,
// spec.flush_on_close) destroys the column family handles, then closes
// the database; RocksDB requires the handles to go first.
//
// Thread-safety: Write and CheckWritable may be called from any thread
// (failed_mu_ is a leaf lock, held only to copy a Status); a store that
// needs writes in order serialises them itself. db() and family() are
// RocksDB's, which are thread-safe.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/mutex.h"
#include "common/base/status.h"
#include "storage/env.h"

namespace certshare::storage {

inline rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
inline rocksdb::Slice ToSlice(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
// `dir` in single quotes, as the stores' messages name directories.
inline std::string Quoted(const std::string& dir) { return "'" + dir + "'"; }

// Why Open refused a database (see the file comment for when each arises).
struct DbRefusal {
  enum Kind {
    kForeignFamily,  // `family` is not one of the spec's
    kMissingFamily,  // `family` (the first of the spec's missing) is missing
    kUnfinished,     // read-only: its creation was interrupted; it holds nothing
    kWrongFormat,    // its marker is `marker`
    kNoFormat,       // no marker, and it holds keys (or may not be created)
    kDamaged,        // CURRENT names a file that is missing; `cause` says which
    kBusy,           // its LOCK was held past lock_wait; `cause` is RocksDB's (kInUse)
  };
  Kind kind;
  std::string family;
  // kMissingFamily: the marker the database holds, if it has one.
  // kWrongFormat: the marker found.
  std::optional<std::string> marker;
  // kDamaged, kBusy: the RocksDB error as "<context.open>: <reason>".
  Status cause;
  // kDamaged: RocksDB's reason alone.
  std::string reason;
};

// A store's database: what it must look like and how its errors read.
struct DbSpec {
  std::string dir;
  // The store's RocksDB tuning. Open sets create_if_missing and
  // create_missing_column_families itself.
  rocksdb::Options options;
  // Every column family, in handle order; the first must be "default".
  struct Family {
    std::string name;
    rocksdb::ColumnFamilyOptions options;
  };
  std::vector<Family> families;

  // The format marker: key `marker_key` in family `marker_family` holds
  // `marker_value`.
  std::size_t marker_family = 0;
  std::string marker_key;
  std::string marker_value;
  // Written with the marker when Open creates the database.
  struct Entry {
    std::size_t family;
    std::string key;
    std::string value;
  };
  std::vector<Entry> initial;

  // Create a database where there is none, and finish one whose creation
  // was interrupted. With false, a missing database is kNotFound.
  bool create_if_missing = false;
  // Open read-only: no LOCK, no creation, no writes.
  bool read_only = false;
  // How long Open waits for another holder of the LOCK. 0: refuse at once.
  std::chrono::milliseconds lock_wait{0};
  // Flush the memtables into table files on close, so that the next open
  // need not replay the write-ahead log.
  bool flush_on_close = false;
  // Every write goes through it (not owned). Default: Env::Default().
  Env* env = nullptr;

  // Words a refusal as the store's Status.
  std::function<Status(const DbRefusal&)> explain;
  // Contexts of RocksDB's errors: "<context>: <RocksDB's reason>".
  struct Contexts {
    std::string open;         // listing, opening
    std::string read_marker;  // reading the format marker
    std::string read;         // looking for keys in a database without a marker
    std::string create;       // the creation write
    std::string write;        // every other write
  } context;
  // Names the store in the failed state's message.
  std::string failed_name;
};

class Db {
 public:
  // Opens the database `spec` describes (the file comment gives the steps).
  static Result<std::unique_ptr<Db>> Open(DbSpec spec);
  ~Db();

  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  // The handle of spec.families[index].
  rocksdb::ColumnFamilyHandle* family(std::size_t index) const { return handles_[index]; }
  const std::vector<rocksdb::ColumnFamilyHandle*>& families() const { return handles_; }
  const std::string& dir() const { return spec_.dir; }

  // OK, or kUnavailable once a write has failed.
  Status CheckWritable() const;
  // Hands `batch` to the Env, with `sync` (fsync of the write-ahead log);
  // RocksDB's error reads "<context>: <reason>", by default
  // spec.context.write. Does not check the failed state (CheckWritable
  // does): a store checks before it builds a batch. A failure enters the
  // failed state (keeping the first cause) and is returned.
  Status Write(rocksdb::WriteBatch* batch, bool sync, std::string_view context = {});

 private:
  explicit Db(DbSpec spec);

  // Open's steps for one try; *lock_held when RocksDB's LOCK was the
  // reason for the failure.
  static Result<std::unique_ptr<Db>> TryOpen(const DbSpec& spec, bool* lock_held);
  // Steps 1 and 2: may the database be opened, and must families be made?
  Status CheckFamilies(bool* repair);
  Status OpenRocksDb(bool create, bool* lock_held);
  Status CheckMarker();
  // Whether no family holds a key.
  Result<bool> HoldsNothing();
  Status Apply(rocksdb::WriteBatch* batch, bool sync, std::string_view context);

  const DbSpec spec_;
  Env* const env_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // destroyed before db_

  mutable Mutex failed_mu_;
  Status failed_ GUARDED_BY(failed_mu_);  // non-OK once a write has failed
};

}  // namespace certshare::storage
