// Whole-file reads and the careful writes certshare needs: files that must
// never be overwritten (secret keys), secret files created mode 0600,
// atomic replacement (write to a temporary file, fsync, rename), and reads
// of files that must be protected on disk (secrets, and what says whom to
// trust).
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

// How a file read with ReadProtected must be protected on disk
// (docs/security.md, "Files on the host").
enum class Protection {
  // What says whom to trust (the registry, the broker's operator card):
  // whoever can change it can admit an organisation. A regular file, not a
  // symbolic link, owned by this process's user or by root, that neither
  // group nor others may write (mode & 022 == 0, e.g. 0644).
  kTrusted,
  // Secret keys and passphrases: as kTrusted, and neither group nor others
  // may read it either (mode & 077 == 0, e.g. 0600 or 0400).
  kSecret,
};

// Reads a whole file that must be protected as `protection` says. The file
// is opened without following a symbolic link (O_NOFOLLOW) and checked on
// the open descriptor (fstat), so the file checked is the file read.
// `what` names it in messages ("the registry"). kInsecurePermissions,
// saying what to run, for a symbolic link, a file owned by another user or
// a mode that allows too much; kIoError when it cannot be opened or read,
// is not a regular file, or is larger than `max_bytes`. The text is read
// straight into the returned string (no other copy is made, and what was
// read is wiped when the read fails); a caller reading a secret wipes the
// result once parsed.
Result<std::string> ReadProtected(const std::string& path, Protection protection,
                                  std::string_view what, std::size_t max_bytes);

// Creates a directory (and parents) if missing.
Status MakeDirs(const std::string& path);

}  // namespace certshare::files
