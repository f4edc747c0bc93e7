// Private to certshare::storage: the highest sequence the log has ever
// acknowledged, kept beside the database in a small file
// (CERTSHARE-HWM, decimal text).
//
// Why: RocksDB's WAL recovery (kTolerateCorruptedTailRecords) must accept a
// torn last record after a crash, so a write-ahead log cut short at a
// record boundary looks like a clean crash and would silently drop
// acknowledged records. The mark lets Open notice that the log ends before
// a sequence it once acknowledged, and refuse to serve it.
//
// The mark is written after every successful append without fsync (the
// page cache survives a process crash) and synced on close; after a
// machine crash it may lag, which weakens the check but never raises a
// false alarm. Not thread-safe: called under the log's append lock.
#pragma once

#include <cstdint>
#include <string>

#include "common/base/status.h"

namespace certshare::storage {

class HighWaterMark {
 public:
  HighWaterMark() = default;
  ~HighWaterMark();
  HighWaterMark(const HighWaterMark&) = delete;
  HighWaterMark& operator=(const HighWaterMark&) = delete;

  // Opens (creating) the mark in `dir`; *recorded is 0 for a new mark.
  Status Open(const std::string& dir, std::uint64_t* recorded);
  // Records `sequence` if higher than the mark (no fsync).
  void Record(std::uint64_t sequence);
  // fsyncs the mark.
  void Sync();

 private:
  int fd_ = -1;
  std::uint64_t mark_ = 0;
};

}  // namespace certshare::storage
