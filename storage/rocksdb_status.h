// The one place where rocksdb::Status becomes a certshare Status (private to
// storage/; nothing outside this folder sees a RocksDB type).
//
//   Corruption            -> kCorruption
//   the directory's LOCK held by another process, or by another Open in
//   this one (IsLockHeld)  -> kInUse
//   IOError (incl. NoSpace, PathNotFound) -> kIoError
//   anything else         -> kStorageError
//
// The message is "<context>: <RocksDB's ToString()>", so an operator sees
// RocksDB's own reason. Thread-safe: no shared state.
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "common/base/status.h"

namespace certshare::storage {

// REQUIRES: !s.ok() for a non-OK result; an OK RocksDB status maps to OK.
Status FromRocksDb(const rocksdb::Status& s, std::string_view context);

// Whether DB::Open failed because the directory's LOCK file is held: by
// another process ("While lock file: <dir>/LOCK: Resource temporarily
// unavailable") or by another Open in this process ("lock hold by current
// process"). RocksDB gives no subcode for it, only an IOError whose text
// names the lock, so this is the one place that reads that text.
bool IsLockHeld(const rocksdb::Status& s);

}  // namespace certshare::storage
