// The one place where rocksdb::Status becomes a certshare Status (private to
// storage/; nothing outside this folder sees a RocksDB type).
//
//   Corruption            -> kCorruption
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

}  // namespace certshare::storage
