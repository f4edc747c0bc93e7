// Publishing files atomically in a directory another tool watches: the
// data goes to a temporary file in the same directory, is fsynced, then
// renamed to its final name (never replacing a file already there) and the
// directory is fsynced, so the file appears whole or not at all and its
// name survives a power loss.
//
// Errors: kIoError with the path and the system's reason; kAlreadyExists
// when the final name is taken. Thread-safe: no shared state.
#pragma once

#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::agent::atomic_file {

// Creates `path` (which must not exist) with `data`, fsynced, mode `mode`.
Status WriteTemporary(const std::string& path, std::string_view data, int mode);

// Renames `from` to `to` without replacing an existing `to`
// (renameat2 RENAME_NOREPLACE; link + unlink where the file system lacks
// it), then fsyncs the directory of `to`.
Status Publish(const std::string& from, const std::string& to);

// fsyncs a directory, making the names created or removed in it durable.
Status SyncDirectory(const std::string& dir);

// WriteTemporary to "<dir>/.<name>.tmp", then Publish as "<dir>/<name>".
Status WriteNewFile(const std::string& dir, const std::string& name, std::string_view data,
                    int mode);

}  // namespace certshare::agent::atomic_file
