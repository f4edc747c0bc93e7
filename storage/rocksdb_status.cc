#include "storage/rocksdb_status.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace certshare::storage {

bool IsLockHeld(const rocksdb::Status& s) {
  if (!s.IsIOError()) return false;
  std::string text = s.ToString();
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text.find("lock file") != std::string::npos ||
         text.find("lock hold by current process") != std::string::npos;
}

Status FromRocksDb(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  ErrorCode code = ErrorCode::kStorageError;
  if (s.IsCorruption()) {
    code = ErrorCode::kCorruption;
  } else if (IsLockHeld(s)) {
    code = ErrorCode::kInUse;
  } else if (s.IsIOError() || s.IsNoSpace()) {
    code = ErrorCode::kIoError;
  }
  std::string message(context);
  message += ": ";
  message += s.ToString();
  return Status(code, message);
}

}  // namespace certshare::storage
