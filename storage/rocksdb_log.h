// RocksDbLog: the Log of log.h on RocksDB (private to storage/; callers use
// Log::Open). docs/storage.md specifies the layout.
//
// The database, its format marker and its failed state are a Db
// (storage/db.h); every write goes through Db::Write, so through
// Options::env.
//
// Locking (acquire in this order; never the reverse):
//   mu_        serialises every change of the record state: appends and
//              trim chunks. Held across the index lookups and the write.
//   view_mu_   leaf; guards view_ (held only to copy or swap a pointer).
//   the Db's failed_mu_: leaf; guards the failed state.
// Cursor writes take only the Db's failed_mu_ (briefly): they never wait
// for an append's fsync.
//
// Visibility: after every successful record write (under mu_) a new View
// is published: a RocksDB snapshot taken right after the write, with the
// first and last sequence it holds. Read, Find, Latest, Scan and
// FirstReceivedAtOrAfter read through the current View, so they see the
// state after some completed write and never a write in progress (a latest
// entry already overwritten by an unpublished append, say). The atomics
// first_sequence_ / last_sequence_ / stored_bytes_ are stored (release)
// after the View is published, so a reader that loads LastSequence() and
// then reads that sequence finds it (unless it was trimmed meanwhile).
#pragma once

#include <rocksdb/db.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/mutex.h"
#include "storage/db.h"
#include "storage/key_format.h"
#include "storage/high_water_mark.h"
#include "storage/log.h"

namespace certshare::storage {

class RocksDbLog final : public Log {
 public:
  static Result<std::unique_ptr<Log>> Open(const std::string& dir,
                                           const Options& options);
  ~RocksDbLog() override;

  RocksDbLog(const RocksDbLog&) = delete;
  RocksDbLog& operator=(const RocksDbLog&) = delete;

  Result<AppendResult> Append(std::string_view dedupe_key,
                              ByteView record) override;
  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const Entry> entries) override;
  Result<Bytes> Read(std::uint64_t sequence) override;
  Result<std::uint64_t> Find(std::string_view dedupe_key) override;
  Status Scan(std::uint64_t from, std::size_t max_count,
              const std::function<bool(std::uint64_t, ByteView)>& fn) override;
  std::uint64_t LastSequence() const override;
  std::uint64_t FirstSequence() const override;

  Result<std::uint64_t> Latest(std::string_view object_id) override;
  Result<std::uint64_t> FirstReceivedAtOrAfter(
      std::uint64_t received_ms) override;

  Result<std::uint64_t> Trim(std::uint64_t before) override;
  std::uint64_t StoredBytes() const override;
  Result<std::uint64_t> ApplyRetention(const RetentionPolicy& policy,
                                       std::uint64_t now_ms) override;

  Status PutCursor(std::string_view name, std::uint64_t sequence) override;
  Result<std::uint64_t> GetCursor(std::string_view name) override;
  Status DeleteCursor(std::string_view name) override;
  Result<std::vector<std::pair<std::string, std::uint64_t>>> ListCursors(
      std::string_view prefix, std::size_t max_count) override;

  // Records removed per trim write. A chunk is one WriteBatch holding a
  // delete per record, per id and per latest entry (about 100 bytes each),
  // so 10,000 keeps a batch near 1 MB, and mu_ is released between chunks
  // so that appends are never held up for more than one chunk.
  static constexpr std::uint64_t kTrimChunk = 10'000;

 private:
  // A consistent read state: see the file comment.
  struct View {
    const rocksdb::Snapshot* snapshot = nullptr;
    std::uint64_t first = 1;  // last + 1 when empty
    std::uint64_t last = 0;
  };

  RocksDbLog(std::string dir, Options options);

  // Open steps after Db::Open, in order.
  Status LoadState();
  Status CheckHighWaterMark();

  // The sequence stored under `key` in "ids" (nullopt when absent).
  Result<std::optional<std::uint64_t>> LookupId(
      const rocksdb::ReadOptions& read_options, std::string_view key);
  // The "latest" entry of `object_id` (nullopt when absent).
  Result<std::optional<LatestValue>> LookupLatest(
      const rocksdb::ReadOptions& read_options, std::string_view object_id);
  // received_ms of the record at `sequence`; kCorruption if it is missing
  // (callers ask only for sequences the view holds) or malformed.
  Result<std::uint64_t> ReadReceived(const rocksdb::ReadOptions& read_options,
                                     std::uint64_t sequence);

  // Publishes a View of the database as it is now, then the atomics.
  void PublishLocked(std::uint64_t first, std::uint64_t last, std::uint64_t stored_bytes)
      REQUIRES(mu_);
  std::shared_ptr<const View> CurrentView() const;
  static rocksdb::ReadOptions ReadAt(const View& view);

  // Removes the oldest records, below `before`, in chunks of kTrimChunk,
  // stopping early once StoredBytes() <= *target_bytes when that is set.
  Result<std::uint64_t> TrimOldest(std::uint64_t before,
                                   std::optional<std::uint64_t> target_bytes);
  // One chunk of TrimOldest; sets *more when it stopped only at the chunk
  // size.
  Result<std::uint64_t> TrimChunk(std::uint64_t before,
                                  std::optional<std::uint64_t> target_bytes,
                                  bool* more);

  const std::string dir_;
  const Options options_;

  // The database; destroyed after view_ (see the destructor). db_ and the
  // handles below are store_'s.
  std::unique_ptr<Db> store_;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* records_ = nullptr;
  rocksdb::ColumnFamilyHandle* ids_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* latest_ = nullptr;
  rocksdb::ColumnFamilyHandle* cursors_ = nullptr;

  Mutex mu_;
  // received_ms of the last record appended (the clamp floor).
  std::uint64_t last_received_ms_ GUARDED_BY(mu_) = 0;

  mutable Mutex view_mu_;
  std::shared_ptr<const View> view_ GUARDED_BY(view_mu_);

  std::atomic<std::uint64_t> first_sequence_{1};
  std::atomic<std::uint64_t> last_sequence_{0};
  HighWaterMark high_water_mark_;  // written under the append lock
  std::atomic<std::uint64_t> stored_bytes_{0};
};

}  // namespace certshare::storage
