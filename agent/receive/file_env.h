// certshare::agent::FileEnv — the file writes a DirectoryOutput makes
// (directory_output.h), so that tests can inject faults from outside it, as
// storage::Env (storage/env.h) does for the stores (LevelDB's Env and
// EnvWrapper).
//
// A directory output writes each bundle in two steps, each a call here:
// WriteTemporary (the whole file under its temporary name, fsynced), then,
// once the journal holds the commit, Publish (the rename to its final name,
// never replacing a file, and the directory's fsync). FileEnv::Default()
// does both with atomic_file (atomic_file.h). A test passes its own FileEnv
// in DirectoryOutputOptions, usually a FileEnvWrapper that fails some call
// (a full disk, or a crash between the journal and the rename).
//
// Outcomes: as atomic_file's: OK means the step is done and durable; a
// non-OK Status is the step's result as if the system had failed it
// (kAlreadyExists from Publish: the final name is taken, nothing renamed).
// A FileEnv must never report OK for a step it did not do.
//
// Thread-safety: a FileEnv may be shared by outputs on several threads, so
// it must be thread-safe (Default() is: it keeps no state). Ownership: the
// options hold a plain pointer; the FileEnv must outlive every output given
// it. FileEnv::Default() lives as long as the process.
#pragma once

#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::agent {

class FileEnv {
 public:
  // The FileEnv that writes with atomic_file; every output's default.
  static FileEnv* Default();

  virtual ~FileEnv() = default;

  // Creates `path` (which must not exist) with `data`, fsynced, mode `mode`.
  [[nodiscard]] virtual Status WriteTemporary(const std::string& path, std::string_view data,
                                              int mode) = 0;
  // Renames `from` to `to` without replacing an existing `to`, then fsyncs
  // the directory of `to`.
  [[nodiscard]] virtual Status Publish(const std::string& from, const std::string& to) = 0;
};

// A FileEnv that passes every call on to `target`. Subclass it and override
// what a test changes, calling FileEnvWrapper's method to let a call through.
class FileEnvWrapper : public FileEnv {
 public:
  // `target` is not owned and must outlive the wrapper.
  explicit FileEnvWrapper(FileEnv* target = FileEnv::Default()) : target_(target) {}

  Status WriteTemporary(const std::string& path, std::string_view data, int mode) override {
    return target_->WriteTemporary(path, data, mode);
  }
  Status Publish(const std::string& from, const std::string& to) override {
    return target_->Publish(from, to);
  }

 private:
  FileEnv* const target_;
};

}  // namespace certshare::agent
