#include "agent/stix/uuid.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

#include "common/crypto/keys.h"

namespace certshare::agent {

namespace {

using Uuid = std::array<std::uint8_t, 16>;

// SHA-1 (FIPS 180-4), only because RFC 4122 defines UUIDv5 with it. It
// derives identifiers, not security: nothing relies on its collision
// resistance.
class Sha1 {
 public:
  void Update(std::string_view data) {
    for (unsigned char c : data) {
      block_[block_len_++] = c;
      if (block_len_ == 64) {
        Compress();
        block_len_ = 0;
      }
    }
    total_bytes_ += data.size();
  }

  std::array<std::uint8_t, 20> Finish() {
    const std::uint64_t bits = total_bytes_ * 8;
    block_[block_len_++] = 0x80;
    if (block_len_ > 56) {
      while (block_len_ < 64) block_[block_len_++] = 0;
      Compress();
      block_len_ = 0;
    }
    while (block_len_ < 56) block_[block_len_++] = 0;
    for (int i = 7; i >= 0; --i) block_[block_len_++] = static_cast<std::uint8_t>(bits >> (i * 8));
    Compress();
    std::array<std::uint8_t, 20> out{};
    for (int i = 0; i < 5; ++i) {
      for (int j = 0; j < 4; ++j) out[i * 4 + j] = static_cast<std::uint8_t>(h_[i] >> (24 - 8 * j));
    }
    return out;
  }

 private:
  static std::uint32_t Rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

  void Compress() {
    std::uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
      w[i] = (std::uint32_t{block_[i * 4]} << 24) | (std::uint32_t{block_[i * 4 + 1]} << 16) |
             (std::uint32_t{block_[i * 4 + 2]} << 8) | std::uint32_t{block_[i * 4 + 3]};
    }
    for (int i = 16; i < 80; ++i) w[i] = Rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
    for (int i = 0; i < 80; ++i) {
      std::uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      const std::uint32_t t = Rotl(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = Rotl(b, 30);
      b = a;
      a = t;
    }
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
    h_[4] += e;
  }

  std::uint32_t h_[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::uint8_t block_[64] = {};
  std::size_t block_len_ = 0;
  std::uint64_t total_bytes_ = 0;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Uuid> ParseUuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid out{};
  std::size_t byte = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int hi = HexValue(text[i]);
    const int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[byte++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

std::string Format(const Uuid& u) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < u.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[u[i] >> 4]);
    out.push_back(kHex[u[i] & 0x0f]);
  }
  return out;
}

void SetVersion(Uuid& u, int version) {
  u[6] = static_cast<std::uint8_t>((u[6] & 0x0f) | (version << 4));
  u[8] = static_cast<std::uint8_t>((u[8] & 0x3f) | 0x80);  // RFC 4122 variant
}

}  // namespace

std::string NewUuid4() {
  // RandomNonce() is 24 bytes from libsodium's randombytes_buf; 16 are used.
  const crypto::Nonce random = crypto::RandomNonce();
  Uuid u{};
  std::memcpy(u.data(), random.data(), u.size());
  SetVersion(u, 4);
  return Format(u);
}

std::string Uuid5(std::string_view namespace_uuid, std::string_view name) {
  const std::optional<Uuid> ns = ParseUuid(namespace_uuid);
  if (!ns) return "";
  Sha1 sha1;
  sha1.Update(std::string_view(reinterpret_cast<const char*>(ns->data()), ns->size()));
  sha1.Update(name);
  const std::array<std::uint8_t, 20> digest = sha1.Finish();
  Uuid u{};
  std::memcpy(u.data(), digest.data(), u.size());
  SetVersion(u, 5);
  return Format(u);
}

std::string NewStixId(std::string_view type) {
  return std::string(type) + "--" + NewUuid4();
}

std::string NamedStixId(std::string_view type, std::string_view name) {
  return std::string(type) + "--" + Uuid5(kCertshareNamespace, name);
}

}  // namespace certshare::agent
