// Fuzz target: a stored dedupe key (common/envelope/record_key.h,
// envelope::ParseRecordKey), as the agent reads it back from its spool
// (data from disk, so anything).
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refused key carries kCorruption and a message that holds no byte
//     outside printable ASCII except what the key itself quoted (none,
//     when the key is not printable);
//   * an accepted key obeys the format: the origin an organisation id,
//     a stix_id of 1 to kMaxStixIdLength bytes, `modified` a STIX
//     timestamp of at most 255 bytes, the whole within kMaxDedupeKeyLength;
//   * parsing is the inverse of encoding: EncodeRecordKey of an accepted
//     key is the input byte for byte.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/base/timestamp.h"
#include "common/envelope/record_key.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using certshare::ErrorCode;
using certshare::Result;
using namespace certshare::envelope;

bool IsOrgId(std::string_view id) {
  if (id.empty() || id.size() > kMaxOrgIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool Printable(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Result<RecordKey> key = ParseRecordKey(input);
  if (!key.ok()) {
    FUZZ_REQUIRE(key.status().code() == ErrorCode::kCorruption);
    FUZZ_REQUIRE(!key.status().message().empty());
    if (!Printable(input)) FUZZ_REQUIRE(Printable(key.status().message()));
    return 0;
  }
  FUZZ_REQUIRE(IsOrgId(key->origin));
  FUZZ_REQUIRE(!key->stix_id.empty() && key->stix_id.size() <= kMaxStixIdLength);
  FUZZ_REQUIRE(key->modified.size() <= 255);
  FUZZ_REQUIRE(certshare::IsStixTimestamp(key->modified));
  FUZZ_REQUIRE(input.size() <= kMaxDedupeKeyLength);
  FUZZ_REQUIRE(EncodeRecordKey(*key) == input);
  return 0;
}
