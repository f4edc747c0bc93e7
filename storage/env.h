// certshare::storage::Env — what the stores write through, so that tests
// can inject write faults from outside the stores (as LevelDB's Env and
// EnvWrapper; this is not RocksDB's rocksdb::Env).
//
// Every write a store makes to its RocksDB database is one atomic batch
// handed to its Env's Write: the log's appends, trim chunks and cursor
// writes, every change of the spool, the seen store's Add and ClearRedo,
// and the write that creates each of them. Env::Default() applies the
// batch with RocksDB. A test passes its own Env in the store's options,
// usually an EnvWrapper around the default that fails, counts or holds
// some writes (storage/fault_injection_env.h). Reads, and RocksDB's own
// background work (flushes, compactions), do not go through the Env.
//
// Outcomes: OK from Write means the batch is in the database (with
// request.sync(), durable). A non-OK Status is the write's result, exactly
// as if RocksDB had failed it: the store returns it and enters its sticky
// failed state (docs/storage.md, "Failed state"), whether or not the batch
// reached the database. An Env may write and then report an error (a
// failed fsync); it must never report OK for a batch it did not apply.
//
// Thread-safety: Write may be called from several threads at once (the
// log's cursor writes run beside its appends), so an Env must be
// thread-safe. Ownership: the options hold a plain pointer; the Env must
// outlive every store opened with it. Env::Default() lives as long as the
// process.
#pragma once

#include <string>

#include "common/base/status.h"

namespace certshare::storage {

class Db;
class RocksDbEnv;

// One atomic write of a store, as its Env sees it. Made only by the stores
// (storage/db.h); an Env inspects it and applies it by passing it on to
// another Env, ultimately Env::Default().
class WriteRequest {
 public:
  WriteRequest(const WriteRequest&) = delete;
  WriteRequest& operator=(const WriteRequest&) = delete;

  // The directory of the store that writes.
  const std::string& dir() const { return dir_; }
  // Whether the write-ahead log is fsynced before Write returns OK: the
  // log's appends and trims (Options::sync), the spool's Add, RetryRefused
  // and DropRefused, every seen-store write, every creation. Cursor writes
  // and the spool's acknowledgements and refusals are not synced.
  bool sync() const { return sync_; }

 private:
  friend class Db;          // makes requests
  friend class RocksDbEnv;  // applies them
  struct Batch;             // the RocksDB database and batch (storage/db.cc)

  WriteRequest(const std::string& dir, bool sync, const Batch* batch)
      : dir_(dir), sync_(sync), batch_(batch) {}

  const std::string& dir_;
  const bool sync_;
  const Batch* const batch_;
};

class Env {
 public:
  // The Env that writes with RocksDB; every store's default.
  static Env* Default();

  virtual ~Env() = default;

  // Applies `request` (see the file comment for what a result means).
  [[nodiscard]] virtual Status Write(const WriteRequest& request) = 0;
};

// An Env that passes every call on to `target`. Subclass it and override
// what a test changes, calling EnvWrapper::Write to let a write through.
class EnvWrapper : public Env {
 public:
  // `target` is not owned and must outlive the wrapper.
  explicit EnvWrapper(Env* target = Env::Default()) : target_(target) {}

  Env* target() const { return target_; }

  Status Write(const WriteRequest& request) override { return target_->Write(request); }

 private:
  Env* const target_;
};

}  // namespace certshare::storage
