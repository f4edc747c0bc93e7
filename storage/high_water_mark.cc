#include "storage/high_water_mark.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace certshare::storage {

namespace {
constexpr const char* kFileName = "/CERTSHARE-HWM";
constexpr std::size_t kWidth = 20;  // digits of the largest u64
}  // namespace

HighWaterMark::~HighWaterMark() {
  if (fd_ < 0) return;
  Sync();
  ::close(fd_);
}

Status HighWaterMark::Open(const std::string& dir, std::uint64_t* recorded) {
  std::string path = dir + kFileName;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    return Status(ErrorCode::kIoError, "cannot open " + path + ": " + std::strerror(errno));
  }
  char buf[kWidth + 1] = {};
  ssize_t n = ::pread(fd_, buf, kWidth, 0);
  if (n < 0) {
    return Status(ErrorCode::kIoError, "cannot read " + path + ": " + std::strerror(errno));
  }
  mark_ = 0;
  for (ssize_t i = 0; i < n && buf[i] != '\n' && buf[i] != ' '; ++i) {
    if (buf[i] < '0' || buf[i] > '9') {
      return Status(ErrorCode::kCorruption, path + " is damaged (not a sequence number)");
    }
    mark_ = mark_ * 10 + static_cast<std::uint64_t>(buf[i] - '0');
  }
  *recorded = mark_;
  return Status::Ok();
}

void HighWaterMark::Record(std::uint64_t sequence) {
  if (fd_ < 0 || sequence <= mark_) return;
  mark_ = sequence;
  // Fixed width, space-padded: one pwrite replaces the whole value.
  char buf[kWidth + 1];
  std::snprintf(buf, sizeof buf, "%-20llu", static_cast<unsigned long long>(sequence));
  buf[kWidth] = '\n';
  (void)::pwrite(fd_, buf, kWidth + 1, 0);
}

void HighWaterMark::Sync() {
  if (fd_ >= 0) (void)::fdatasync(fd_);
}

}  // namespace certshare::storage
