#include "common/base/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace certshare::files {

namespace {

Status Errno(std::string_view what, const std::string& path) {
  return Status(ErrorCode::kIoError, std::string(what) + " " + path + ": " +
                                         std::strerror(errno));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("writing", path);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return Errno("syncing", path);
  return Status::Ok();
}

}  // namespace

Result<std::string> Read(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Errno("cannot open", path);
  std::string data;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      return Status(ErrorCode::kIoError, path + " is larger than " +
                                             std::to_string(max_bytes) + " bytes");
    }
  }
  if (in.bad()) return Errno("reading", path);
  return data;
}

Status WriteNew(const std::string& path, std::string_view data, int mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Status(ErrorCode::kAlreadyExists,
                    path + " already exists; refusing to overwrite it");
    }
    return Errno("cannot create", path);
  }
  // The umask may have narrowed the mode; never widen it, but make it exact.
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    Status s = Errno("chmod", path);
    ::close(fd);
    return s;
  }
  Status s = WriteAll(fd, data, path);
  if (::close(fd) != 0 && s.ok()) s = Errno("closing", path);
  return s;
}

Status WriteAtomic(const std::string& path, std::string_view data, int mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  CERTSHARE_RETURN_IF_ERROR(WriteNew(tmp, data, mode));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("renaming into", path);
    ::unlink(tmp.c_str());
    return s;
  }
  // The rename is durable only once the directory holding it is synced
  // (a crash could otherwise bring the old file back). Best effort if the
  // directory cannot be opened for reading; an fsync error is reported.
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    Status s;
    if (::fsync(dir_fd) != 0) s = Errno("syncing the directory of", path);
    ::close(dir_fd);
    return s;
  }
  return Status::Ok();
}

Status CheckSecretMode(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Errno("cannot stat", path);
  if (!S_ISREG(st.st_mode)) {
    return Status(ErrorCode::kIoError, path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    return Status(ErrorCode::kInsecurePermissions,
                  path + " has mode " + mode +
                      "; secret key files must be 0600 (run: chmod 600 " +
                      path + ")");
  }
  return Status::Ok();
}

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return Status(ErrorCode::kIoError,
                  "cannot create directory " + path + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace certshare::files
