// The broker's logger (common/base/module_logger.h): its lines read
// "<time> <level> broker: <message>" (docs/operations.md, "Logs").
//
// Thread-safety: thread-safe.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace certshare::broker {

std::shared_ptr<spdlog::logger> Logger();

}  // namespace certshare::broker
