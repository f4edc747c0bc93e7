#include "broker/logger.h"

#include "common/base/module_logger.h"

namespace certshare::broker {

std::shared_ptr<spdlog::logger> Logger() { return ModuleLogger("broker"); }

}  // namespace certshare::broker
