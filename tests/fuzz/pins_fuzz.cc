// Fuzz target: the agent's pins.json (agent/link/trust_store.h, ParsePins:
// each organisation's pinned keys in federation mode).
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refused file carries kInvalidConfig and a message;
//   * accepted pins round-trip: PinsToJson parses back to the same pins
//     and prints the same text again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/link/trust_store.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace agent = certshare::agent;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const certshare::Result<agent::Pins> pins = agent::ParsePins(text);
  if (!pins.ok()) {
    FUZZ_REQUIRE(pins.status().code() == certshare::ErrorCode::kInvalidConfig);
    FUZZ_REQUIRE(!pins.status().message().empty());
    return 0;
  }
  const std::string printed = agent::PinsToJson(*pins);
  const certshare::Result<agent::Pins> again = agent::ParsePins(printed);
  FUZZ_REQUIRE(again.ok());
  FUZZ_REQUIRE(*again == *pins);
  FUZZ_REQUIRE(agent::PinsToJson(*again) == printed);
  return 0;
}
