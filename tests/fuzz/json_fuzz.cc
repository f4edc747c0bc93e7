// Fuzz target: strict JSON parsing (common/base/json.h, json::Parse), which
// every text certshare reads from outside goes through: STIX, cards,
// registries, configuration.
//
// Contract checked beyond "no crash, no sanitizer report" (parsing never
// recurses, so deep nesting must not exhaust the stack either):
//   * a refused document carries kMalformedJson and a message, and leaves
//     the document null;
//   * an accepted document serialises (json::Write) to JSON that parses
//     again and serialises to the same text;
//   * tighter limits never accept what the defaults refuse, and limits are
//     enforced: a document within max_depth 4 / max_bytes 64 is accepted
//     under those limits only if it is accepted under the defaults.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/json.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace json = certshare::json;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  rapidjson::Document doc;
  const certshare::Status status = json::Parse(text, &doc);

  json::ParseLimits tight;
  tight.max_depth = 4;
  tight.max_bytes = 64;
  rapidjson::Document small;
  const certshare::Status tight_status = json::Parse(text, &small, tight);
  if (tight_status.ok()) FUZZ_REQUIRE(status.ok() && size <= tight.max_bytes);

  if (!status.ok()) {
    FUZZ_REQUIRE(status.code() == certshare::ErrorCode::kMalformedJson);
    FUZZ_REQUIRE(!status.message().empty());
    FUZZ_REQUIRE(doc.IsNull());
    return 0;
  }
  const std::string written = json::Write(doc);
  rapidjson::Document again;
  FUZZ_REQUIRE(json::Parse(written, &again).ok());
  FUZZ_REQUIRE(json::Write(again) == written);
  return 0;
}
