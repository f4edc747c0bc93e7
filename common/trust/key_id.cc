#include "common/trust/key_id.h"

#include <string_view>

#include "common/base/bytes.h"

namespace certshare::trust {

KeyId KeyIdOf(KeyKind kind, const std::array<std::uint8_t, 32>& key) {
  static constexpr std::string_view kDomain{"certshare/key-id/v1\0", 20};
  static constexpr std::string_view kEd25519{"ed25519\0", 8};
  static constexpr std::string_view kX25519{"x25519\0", 7};
  return crypto::Hash({AsBytes(kDomain), AsBytes(kind == KeyKind::kEd25519 ? kEd25519 : kX25519),
                       ByteView(key.data(), key.size())});
}

std::string Fingerprint(KeyKind kind, const std::array<std::uint8_t, 32>& key) {
  const KeyId id = KeyIdOf(kind, key);
  const std::string hex = HexEncode(ByteView(id.data(), 16));
  std::string out;
  out.reserve(39);
  for (std::size_t i = 0; i < hex.size(); i += 4) {
    if (i != 0) out += ' ';
    out.append(hex, i, 4);
  }
  return out;
}

}  // namespace certshare::trust
