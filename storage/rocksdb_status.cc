#include "storage/rocksdb_status.h"

#include <string>

namespace certshare::storage {

Status FromRocksDb(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  ErrorCode code = ErrorCode::kStorageError;
  if (s.IsCorruption()) {
    code = ErrorCode::kCorruption;
  } else if (s.IsIOError() || s.IsNoSpace()) {
    code = ErrorCode::kIoError;
  }
  std::string message(context);
  message += ": ";
  message += s.ToString();
  return Status(code, message);
}

}  // namespace certshare::storage
