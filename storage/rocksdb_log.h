// RocksDbLog: the Log of log.h on RocksDB (private to storage/; callers use
// Log::Open). docs/storage.md specifies the layout.
//
// Locking: mu_ serialises appends and guards failed_. last_sequence_ is
// atomic: it is advanced (release) only after a write has succeeded, and
// readers bound what they show by it (acquire), so Read/Find/Scan never
// show a record before its append has completed. Readers take no lock.
#pragma once

#include <rocksdb/db.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

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
  Result<std::vector<AppendResult>> AppendBatch(
      std::span<const Entry> entries) override;
  Result<Bytes> Read(std::uint64_t sequence) override;
  Result<std::uint64_t> Find(std::string_view dedupe_key) override;
  Status Scan(std::uint64_t from, std::size_t max_count,
              const std::function<bool(std::uint64_t, ByteView)>& fn) override;
  std::uint64_t LastSequence() const override;

 private:
  RocksDbLog(std::string dir, Options options);

  // Open steps, in order.
  Status OpenDb(bool existed);
  Status CheckFormat();
  Status LoadLastSequence();

  // The sequence stored under `key` in "ids" (nullopt when absent).
  Result<std::optional<std::uint64_t>> LookupId(std::string_view key);
  // Whether column family `cf` holds no key.
  Result<bool> IsEmpty(rocksdb::ColumnFamilyHandle* cf);
  // Runs the test hook, then writes `batch` with options_.sync.
  // REQUIRES: mu_ held.
  Status WriteLocked(rocksdb::WriteBatch* batch);
  // "log is in a failed state ..." REQUIRES: mu_ held, !failed_.ok().
  Status FailedStatusLocked() const;

  const std::string dir_;
  const Options options_;

  std::unique_ptr<rocksdb::DB> db_;
  // Owned; destroyed before db_ (see the destructor).
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* records_ = nullptr;
  rocksdb::ColumnFamilyHandle* ids_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;

  std::mutex mu_;
  Status failed_;  // GUARDED_BY(mu_); non-OK once a write has failed.
  std::atomic<std::uint64_t> last_sequence_{0};
};

}  // namespace certshare::storage
