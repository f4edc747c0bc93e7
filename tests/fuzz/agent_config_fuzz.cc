// Fuzz target: the agent's configuration file (agent/config/config.h,
// ParseAgentConfig: agent.toml through toml++ with exceptions off).
//
// Contract checked beyond "no crash, no sanitizer report" (and no escaping
// exception: libFuzzer reports one as a crash):
//   * a refused file carries kInvalidConfig and a message;
//   * in an accepted one every path that is set is absolute (relative ones
//     are resolved against the absolute base folder, "~/" against the home
//     folder), an endpoint has a scheme, and broker.card and
//     broker.public_key are never both set.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/config/config.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const certshare::Result<certshare::agent::AgentConfig> config =
      certshare::agent::ParseAgentConfig(text, "/etc/certshare", "/home/analyst");
  if (!config.ok()) {
    FUZZ_REQUIRE(config.status().code() == certshare::ErrorCode::kInvalidConfig);
    FUZZ_REQUIRE(!config.status().message().empty());
    return 0;
  }
  for (const std::string* path : {&config->identity, &config->registry, &config->passphrase_file,
                                  &config->broker_card, &config->spool_path}) {
    FUZZ_REQUIRE(path->empty() || (*path)[0] == '/');
  }
  FUZZ_REQUIRE(config->broker_endpoint.empty() ||
               config->broker_endpoint.find("://") != std::string::npos);
  FUZZ_REQUIRE(config->broker_card.empty() || !config->broker_public_key.has_value());
  return 0;
}
