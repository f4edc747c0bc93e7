// certshare::storage::SeenStore — a subscriber's durable memory of the
// records it has passed on, so that a record the broker delivers again
// (at-least-once after the last acknowledgement) is not output twice.
//
// A record is named by its dedupe key (envelope::RecordKey, which storage/
// does not see: origin, STIX id and `modified`). Besides the keys the store
// holds *redo actions*: short strings an output hands it in the same
// synced write as the keys of a batch it is about to make visible (a
// directory output: "rename this fsynced temporary file to its final
// name"). After a crash between that
// write and the end of the action, the subscriber reads the pending actions
// on start, finishes each (idempotently) and clears it. So "these records
// were output" and "the output is committed" change together.
//
// Layout (one RocksDB database in its own directory, default column family
// only):
//   "format"        -> kSeenStoreFormat (written when the database is created;
//                      a database without it is refused, so a broker's data
//                      directory given by mistake is never written to)
//   "k" + key       -> 8-byte big-endian milliseconds since the epoch when it
//                      was recorded (for a future pruning policy)
//   "r" + action    -> "" (a pending redo action)
// Every write is synced (WriteOptions.sync): an OK return means durable.
// Writes are few (one per output commit), so the fsync is paid per file or
// per record passed on, never per byte.
//
// A write that fails puts the store in a failed state, as the log and the
// spool (storage/db.h): every later Add and ClearRedo returns kUnavailable
// ("the seen store is in a failed state after a write error: <the first
// error>; restart required") until it is reopened, since after a failed
// fsync the state on disk is unknown. Contains, PendingRedo and CountKeys
// keep working.
//
// RocksDB locks the directory: a second subscriber on the same state
// directory fails to open it with kInUse.
//
// Thread-safety: one thread per SeenStore.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "storage/env.h"

namespace certshare::storage {

// The value of the "format" entry. Never change it for an incompatible
// layout without a new value.
inline constexpr std::string_view kSeenStoreFormat = "certshare-seen-v1";

struct SeenStoreOptions {
  // What the store writes through (storage/env.h): Add, ClearRedo and the
  // write that creates the store. Not owned; it must outlive the store.
  // Default Env::Default(), RocksDB itself; tests pass an EnvWrapper that
  // fails writes.
  Env* env = Env::Default();
};

class SeenStore {
 public:
  // Opens (creating if missing, with its parents) the store in `dir`.
  // kInvalidConfig if `dir` holds a RocksDB database that is not a seen
  // store; kInUse if another process (or another Open in this one) has it
  // open; kIoError / kStorageError / kCorruption from RocksDB otherwise.
  static Result<std::unique_ptr<SeenStore>> Open(const std::string& dir,
                                                 const SeenStoreOptions& options = {});

  virtual ~SeenStore() = default;

  // Whether `key` was recorded.
  virtual Result<bool> Contains(std::string_view key) = 0;

  // Records every key and, when `redo` is not empty, the pending action
  // `redo`, in one synced write. kUnavailable in the failed state.
  virtual Status Add(std::span<const std::string> keys, std::string_view redo) = 0;

  // The pending redo actions, in byte order.
  virtual Result<std::vector<std::string>> PendingRedo() = 0;

  // Removes a pending action (synced). Removing one that is not there is OK.
  // kUnavailable in the failed state.
  virtual Status ClearRedo(std::string_view redo) = 0;

  // How many keys are recorded (a scan: for tests and `status`).
  virtual Result<std::uint64_t> CountKeys() = 0;
};

}  // namespace certshare::storage
