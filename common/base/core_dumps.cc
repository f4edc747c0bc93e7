#include "common/base/core_dumps.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace certshare {

Status ForbidCoreDumps() {
  const struct rlimit none = {0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0) {
    return Status(ErrorCode::kInternal,
                  std::string("cannot turn core dumps off (setrlimit RLIMIT_CORE): ") +
                      std::strerror(errno));
  }
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return Status(ErrorCode::kInternal,
                  std::string("cannot turn core dumps off (prctl PR_SET_DUMPABLE): ") +
                      std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace certshare
