#include "common/base/module_logger.h"

#include <spdlog/spdlog.h>

#include "common/base/mutex.h"

namespace certshare {

std::shared_ptr<spdlog::logger> ModuleLogger(const std::string& module) {
  static Mutex mu;
  MutexLock lock(&mu);  // one maker per name: register_logger refuses a second
  if (std::shared_ptr<spdlog::logger> existing = spdlog::get(module)) return existing;
  const std::vector<spdlog::sink_ptr>& sinks = spdlog::default_logger()->sinks();
  auto logger = std::make_shared<spdlog::logger>(module, sinks.begin(), sinks.end());
  spdlog::initialize_logger(logger);  // the registry's pattern and level; registers it
  return logger;
}

}  // namespace certshare
