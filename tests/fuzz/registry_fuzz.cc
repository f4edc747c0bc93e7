// Fuzz target: the registry file (common/identity/registry.h,
// Registry::Parse), which the broker loads at start and the agent uses to
// resolve recipients.
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refused registry carries kInvalidConfig and a message;
//   * an accepted registry round-trips: ToJson parses back to a registry
//     that prints the same text; lookups by id and transport key find
//     every card; groups name only registered organisations.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/identity/registry.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using certshare::identity::Registry;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const certshare::Result<Registry> registry = Registry::Parse(text);
  if (!registry.ok()) {
    FUZZ_REQUIRE(registry.status().code() == certshare::ErrorCode::kInvalidConfig);
    FUZZ_REQUIRE(!registry.status().message().empty());
    return 0;
  }
  for (const auto& [org, card] : registry->cards()) {
    FUZZ_REQUIRE(registry->Find(org) == &card);
    FUZZ_REQUIRE(registry->FindByTransportKey(card.transport_key) == &card);
  }
  for (const auto& [name, members] : registry->groups()) {
    FUZZ_REQUIRE(Registry::IsValidGroupName(name));
    FUZZ_REQUIRE(!members.empty());
    for (const std::string& org : members) FUZZ_REQUIRE(registry->Find(org) != nullptr);
  }
  const std::string printed = registry->ToJson();
  const certshare::Result<Registry> again = Registry::Parse(printed);
  FUZZ_REQUIRE(again.ok());
  FUZZ_REQUIRE(again->ToJson() == printed);
  (void)certshare::identity::Describe(*registry);
  return 0;
}
