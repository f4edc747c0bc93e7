// certshare::ModuleLogger — one named spdlog logger per module ("broker",
// "transport"), so every line says which part of a program wrote it and
// levels can be set per module (spdlog::get(name)->set_level). A module
// keeps its logger in a function of its own (broker/logger.h,
// common/transport/logger.h) and never logs through spdlog's default
// logger.
//
// A module logger writes to the sinks the default logger has when it is
// made (so the lines of all modules interleave whole, in one stream) and
// takes the registry's pattern and level then; spdlog::set_pattern and
// spdlog::set_level change every module logger, made before or after. Programs print the name
// with `%n` (broker/main.cc: "<time> <level> <module>: <message>").
//
// Each call looks the name up in spdlog's registry (a lock and a map
// lookup: for log lines, not for a hot path without them), so a logger
// dropped from the registry (spdlog::drop) is made again, from the default
// logger as it is then: that is how tests capture what a module logs.
//
// Thread-safety: thread-safe.
#pragma once

#include <memory>
#include <string>

// Declared only: callers that log include <spdlog/spdlog.h> themselves, so
// that spdlog's flags stay with the modules that link it.
namespace spdlog {
class logger;
}  // namespace spdlog

namespace certshare {

// The logger named `module`, made on first use as above.
std::shared_ptr<spdlog::logger> ModuleLogger(const std::string& module);

}  // namespace certshare
