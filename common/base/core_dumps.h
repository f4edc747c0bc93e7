// No core dumps: every certshare and certshare-broker process may hold
// secret keys (or, for a subscriber, decrypted records), and a core file
// would keep them on disk, readable by whoever reads core files
// (docs/security.md, "Files on the host").
//
// ForbidCoreDumps() sets this process's RLIMIT_CORE to 0, soft and hard
// (no core file; programs it starts, such as a subscriber's --exec
// command, inherit the limit), and marks it not dumpable
// (prctl PR_SET_DUMPABLE 0: no core even through a core_pattern pipe such
// as systemd-coredump, and no ptrace attach or /proc/<pid>/mem read by
// other processes of the same user). Both main()s call it before reading
// any file. kInternal if the kernel refuses either: the caller stops
// (fail closed). Idempotent; thread-safe.
#pragma once

#include "common/base/status.h"

namespace certshare {

[[nodiscard]] Status ForbidCoreDumps();

}  // namespace certshare
