#include "common/base/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
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

namespace {

std::string ModeText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// The checks of ReadProtected on an open file.
Status CheckProtection(const struct stat& st, Protection protection, const std::string& name,
                       const std::string& path) {
  if (!S_ISREG(st.st_mode)) {
    return Status(ErrorCode::kIoError, name + " is not a regular file");
  }
  const uid_t me = ::geteuid();
  if (st.st_uid != me && st.st_uid != 0) {
    return Status(ErrorCode::kInsecurePermissions,
                  name + " belongs to user id " + std::to_string(st.st_uid) +
                      ", who could change it; it must belong to this user (id " +
                      std::to_string(me) + ") or root (run: chown " + std::to_string(me) + " " +
                      path + ")");
  }
  if (protection == Protection::kSecret && (st.st_mode & 077) != 0) {
    return Status(ErrorCode::kInsecurePermissions,
                  name + " has mode " + ModeText(st.st_mode) +
                      "; it must be readable by its owner only (run: chmod 600 " + path + ")");
  }
  if (protection == Protection::kTrusted && (st.st_mode & 022) != 0) {
    return Status(ErrorCode::kInsecurePermissions,
                  name + " has mode " + ModeText(st.st_mode) +
                      "; only its owner may be able to change it (run: chmod go-w " + path +
                      ")");
  }
  return Status::Ok();
}

// Reads exactly `size` bytes of `fd` into a new string, or fewer if the file
// ends first; fails if the file has grown past `size` meanwhile. Whatever
// was read is wiped on failure.
Result<std::string> ReadOpenFile(int fd, std::size_t size, const std::string& name) {
  std::string text(size, '\0');
  std::size_t done = 0;
  Status failed;
  while (failed.ok() && done < size) {
    const ssize_t n = ::read(fd, text.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) failed = Errno("reading", name);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  char more = 0;
  if (failed.ok() && ::read(fd, &more, 1) > 0) {
    failed = Status(ErrorCode::kIoError, name + " changed while it was read; try again");
  }
  if (!failed.ok()) {
    ::explicit_bzero(text.data(), text.size());
    ::explicit_bzero(&more, 1);
    return failed;
  }
  text.resize(done);
  return text;
}

}  // namespace

Result<std::string> ReadProtected(const std::string& path, Protection protection,
                                  std::string_view what, std::size_t max_bytes) {
  const std::string name = std::string(what) + " " + path;
  // O_NONBLOCK: a FIFO put in the file's place must not hang the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 && errno == ELOOP) {
    return Status(ErrorCode::kInsecurePermissions,
                  name + " is a symbolic link, which is not followed; give the file itself "
                         "(its path: readlink -f " + path + ")");
  }
  if (fd < 0) return Errno("cannot open", name);
  struct stat st;
  Status s = ::fstat(fd, &st) == 0 ? CheckProtection(st, protection, name, path)
                                   : Errno("cannot stat", name);
  if (s.ok() && static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    s = Status(ErrorCode::kIoError,
               name + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  Result<std::string> text = s.ok() ? ReadOpenFile(fd, static_cast<std::size_t>(st.st_size), name)
                                    : Result<std::string>(s);
  ::close(fd);
  return text;
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
