// Whole-file reads and the careful writes certshare needs: files that must
// never be overwritten (secret keys), secret files created mode 0600, and
// atomic replacement (write to a temporary file, fsync, rename).
//
// Errors are kIoError, kAlreadyExists or kInsecurePermissions with the path
// in the message. Thread-safe: no shared state.
#pragma once

#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::files {

// Reads a whole file; refuses files larger than `max_bytes`.
Result<std::string> Read(const std::string& path,
                         std::size_t max_bytes = 64u << 20);

// Creates `path` with `mode` and writes `data`, fsynced. Fails with
// kAlreadyExists if the file exists: never overwrites.
Status WriteNew(const std::string& path, std::string_view data, int mode);

// Replaces `path` atomically with `data` (temporary file, fsync, rename).
Status WriteAtomic(const std::string& path, std::string_view data,
                   int mode = 0644);

// Checks that a secret file is a regular file that neither group nor others
// may read or write (kInsecurePermissions otherwise).
Status CheckSecretMode(const std::string& path);

// Creates a directory (and parents) if missing.
Status MakeDirs(const std::string& path);

}  // namespace certshare::files
