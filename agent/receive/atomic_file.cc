#include "agent/receive/atomic_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/base/file_util.h"

namespace certshare::agent::atomic_file {

namespace {

Status Errno(std::string_view what, const std::string& path) {
  return Status(ErrorCode::kIoError,
                std::string(what) + " " + path + ": " + std::strerror(errno));
}

std::string DirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

}  // namespace

Status WriteTemporary(const std::string& path, std::string_view data, int mode) {
  return files::WriteNew(path, data, mode);
}

Status Publish(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) {
      return Status(ErrorCode::kAlreadyExists, to + " already exists; not replacing it");
    }
    if (errno != EINVAL && errno != ENOSYS) return Errno("renaming " + from + " to", to);
    // No RENAME_NOREPLACE on this file system: link fails on an existing
    // name just the same.
    if (::link(from.c_str(), to.c_str()) != 0) {
      if (errno == EEXIST) {
        return Status(ErrorCode::kAlreadyExists, to + " already exists; not replacing it");
      }
      return Errno("linking " + from + " to", to);
    }
    if (::unlink(from.c_str()) != 0) return Errno("removing", from);
  }
  return SyncDirectory(DirectoryOf(to));
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("opening directory", dir);
  Status s;
  if (::fsync(fd) != 0) s = Errno("syncing directory", dir);
  ::close(fd);
  return s;
}

Status WriteNewFile(const std::string& dir, const std::string& name, std::string_view data,
                    int mode) {
  const std::string tmp = dir + "/." + name + ".tmp";
  ::unlink(tmp.c_str());  // left by a crash before its rename
  CERTSHARE_RETURN_IF_ERROR(WriteTemporary(tmp, data, mode));
  Status s = Publish(tmp, dir + "/" + name);
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

}  // namespace certshare::agent::atomic_file
