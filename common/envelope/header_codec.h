// Private to common/envelope: the routing header's bytes (docs/protocol.md,
// "Routing header").
#pragma once

#include <string>
#include <string_view>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/envelope/envelope.h"

namespace certshare::envelope::internal {

inline constexpr std::string_view kHeaderMagic = "CSRH";
inline constexpr std::uint8_t kFlagEncrypted = 0x01;

// [A-Za-z0-9._-]{1,64}
bool IsValidOrgId(std::string_view id);

// `text` quoted for a message when it is printable ASCII; otherwise only
// its length, so that hostile bytes put no control characters into logs.
std::string Shown(std::string_view text);

// Writes `header` as it is. REQUIRES: every string and list fits its length
// prefix (Sealer checks drafts before it gets here). Does not validate the
// rules that DecodeHeader enforces.
Bytes EncodeHeader(const Header& header);

// Parses `bytes` into *header and enforces every rule of the format:
// kMalformedHeader, kUnsupportedVersion or kBadKeySlots with a specific
// message. *header is unspecified on error.
Status DecodeHeader(ByteView bytes, Header* header);

}  // namespace certshare::envelope::internal
