#include "common/transport/logger.h"

#include "common/base/module_logger.h"

namespace certshare::transport {

std::shared_ptr<spdlog::logger> Logger() { return ModuleLogger("transport"); }

}  // namespace certshare::transport
