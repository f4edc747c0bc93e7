// FaultInjectionEnv: an EnvWrapper (storage/env.h) for tests (never linked
// into a product binary), as LevelDB's tests wrap their Env. It counts the
// writes a store makes and, on demand, fails them without writing, as a
// failed fsync would, so that tests reach the stores' failed states
// without a real disk fault. A test that needs something else (holding
// writes, failing the n-th) subclasses EnvWrapper itself.
//
//   FaultInjectionEnv env;  // declared before, so destroyed after, the store
//   Options options;
//   options.env = &env;
//   ... env.FailWrites();    // IO_ERROR "injected fsync failure" from now on
//
// Thread-safe.
#pragma once

#include <atomic>
#include <utility>

#include "common/base/mutex.h"
#include "common/base/status.h"
#include "storage/env.h"

namespace certshare::storage::testing {

class FaultInjectionEnv : public EnvWrapper {
 public:
  FaultInjectionEnv() = default;

  // From now on every write fails with `failure` and writes nothing.
  void FailWrites(Status failure = Status(ErrorCode::kIoError, "injected fsync failure")) {
    MutexLock lock(&mu_);
    failure_ = std::move(failure);
  }
  // From now on writes go through again.
  void HealWrites() { FailWrites(Status::Ok()); }

  // Writes handed to this Env (failed ones included) since construction or
  // the last ResetCounts(), and those of them that were synced.
  int writes() const { return writes_.load(); }
  int synced_writes() const { return synced_writes_.load(); }
  void ResetCounts() {
    writes_ = 0;
    synced_writes_ = 0;
  }

  Status Write(const WriteRequest& request) override {
    ++writes_;
    if (request.sync()) ++synced_writes_;
    {
      MutexLock lock(&mu_);
      if (!failure_.ok()) return failure_;
    }
    return EnvWrapper::Write(request);
  }

 private:
  std::atomic<int> writes_{0};
  std::atomic<int> synced_writes_{0};
  mutable Mutex mu_;
  Status failure_ GUARDED_BY(mu_);
};

}  // namespace certshare::storage::testing
