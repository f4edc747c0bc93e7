// The transport's logger (common/base/module_logger.h): its lines read
// "<time> <level> transport: <message>" (docs/operations.md, "Logs").
//
// Thread-safety: thread-safe.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace certshare::transport {

std::shared_ptr<spdlog::logger> Logger();

}  // namespace certshare::transport
