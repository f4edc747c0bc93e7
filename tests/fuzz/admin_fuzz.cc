// Fuzz target: what the broker's operator side reads: an admin command's
// JSON once its signature verified (broker::ParseAdminCommand, ADMIN,
// docs/protocol.md) and the operator's holds file (broker::Quarantine::Parse,
// <data_dir>/certshare-quarantine: bytes from disk). The first byte picks
// which: 'Q' the holds file, anything else the command.
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refused command carries kMalformedJson or kInvalidArgument and a
//     message; an accepted one prints (AdminCommandToJson) a text that
//     parses back and prints the same again;
//   * a refused holds file carries kCorruption and a message; an accepted
//     one serializes to a text that parses back and serializes the same,
//     and every hold covers its first sequence unless it is closed over no
//     record.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "broker/admin_command.h"
#include "broker/quarantine.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace broker = certshare::broker;
using certshare::ErrorCode;

void Command(std::string_view text) {
  const certshare::Result<broker::AdminCommand> parsed = broker::ParseAdminCommand(text);
  if (!parsed.ok()) {
    FUZZ_REQUIRE(parsed.status().code() == ErrorCode::kMalformedJson ||
                 parsed.status().code() == ErrorCode::kInvalidArgument);
    FUZZ_REQUIRE(!parsed.status().message().empty());
    return;
  }
  const std::string printed = broker::AdminCommandToJson(*parsed);
  const certshare::Result<broker::AdminCommand> again = broker::ParseAdminCommand(printed);
  FUZZ_REQUIRE(again.ok());
  FUZZ_REQUIRE(broker::AdminCommandToJson(*again) == printed);
}

void Holds(std::string_view text) {
  const certshare::Result<broker::Quarantine> parsed = broker::Quarantine::Parse(text);
  if (!parsed.ok()) {
    FUZZ_REQUIRE(parsed.status().code() == ErrorCode::kCorruption);
    FUZZ_REQUIRE(!parsed.status().message().empty());
    return;
  }
  const std::string printed = parsed->Serialize();
  const certshare::Result<broker::Quarantine> again = broker::Quarantine::Parse(printed);
  FUZZ_REQUIRE(again.ok());
  FUZZ_REQUIRE(again->Serialize() == printed);
  for (const auto& [org, hold] : parsed->holds()) {
    const bool empty = !hold.open() && hold.last + 1 == hold.first;
    FUZZ_REQUIRE(parsed->Withholds(org, hold.first) == !empty);
    FUZZ_REQUIRE(!parsed->Withholds(org, hold.first - 1));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] == 'Q') {
    Holds(text);
  } else {
    Command(text);
  }
  return 0;
}
