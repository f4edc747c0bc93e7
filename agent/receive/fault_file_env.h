// FaultFileEnv: a FileEnvWrapper (file_env.h) for tests (never linked into
// a product binary), as storage/fault_injection_env.h is for the stores. On
// demand it fails a directory output's temporary-file writes or its
// renames without doing them, so that tests reach a full disk or a crash
// between the journal and the rename without a real fault.
//
//   FaultFileEnv env;  // declared before, so destroyed after, the output
//   DirectoryOutputOptions options;
//   options.env = &env;
//   ... env.FailPublish(Status(ErrorCode::kInternal, "crash before the rename"));
//   ... env.FailPublish(Status::Ok());  // renames go through again
//
// Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "agent/receive/file_env.h"
#include "common/base/mutex.h"
#include "common/base/status.h"

namespace certshare::agent {

class FaultFileEnv : public FileEnvWrapper {
 public:
  FaultFileEnv() = default;

  // From now on every WriteTemporary fails with `failure` (OK: none does)
  // and creates nothing.
  void FailWriteTemporary(Status failure) {
    MutexLock lock(&mu_);
    write_failure_ = std::move(failure);
  }
  // From now on every Publish fails with `failure` (OK: none does) and
  // renames nothing.
  void FailPublish(Status failure) {
    MutexLock lock(&mu_);
    publish_failure_ = std::move(failure);
  }

  Status WriteTemporary(const std::string& path, std::string_view data, int mode) override {
    {
      MutexLock lock(&mu_);
      if (!write_failure_.ok()) return write_failure_;
    }
    return FileEnvWrapper::WriteTemporary(path, data, mode);
  }
  Status Publish(const std::string& from, const std::string& to) override {
    {
      MutexLock lock(&mu_);
      if (!publish_failure_.ok()) return publish_failure_;
    }
    return FileEnvWrapper::Publish(from, to);
  }

 private:
  Mutex mu_;
  Status write_failure_ GUARDED_BY(mu_);
  Status publish_failure_ GUARDED_BY(mu_);
};

}  // namespace certshare::agent
