#include "tests/fuzz/fuzz_support.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace certshare::fuzz {

namespace {

// Ed25519 seed (0xc5 ^ i for i in 0..31) followed by its public key, as
// crypto_sign_seed_keypair makes them.
constexpr std::string_view kOriginSignSecretHex =
    "c5c4c7c6c1c0c3c2cdcccfcec9c8cbcad5d4d7d6d1d0d3d2dddcdfded9d8dbda"
    "4ee5afc7cb963fc31910877d008b5d9cd7e1aa0a7f3fae8b3a2e14eeafa46bf5";

constexpr std::string_view kOrgs[] = {kOrigin, kRecipient, kSecondRecipient, kOutsider};

std::size_t IndexOf(std::string_view org) {
  for (std::size_t i = 0; i < std::size(kOrgs); ++i) {
    if (kOrgs[i] == org) return i;
  }
  std::fprintf(stderr, "fuzz_support: no fixed keys for %.*s\n",
               static_cast<int>(org.size()), org.data());
  std::abort();
}

// Secret `i` of kind `kind` (0 box, 1 transport): 32 bytes derived from
// both, different for every key.
crypto::BoxSecretKey FixedBoxSecret(std::size_t i, std::uint8_t kind) {
  crypto::BoxSecretKey key;
  for (std::size_t b = 0; b < key.size(); ++b) {
    key.data()[b] = static_cast<std::uint8_t>(0x31 * (i + 1) + 7 * b + 0x80 * kind);
  }
  return key;
}

struct Keys {
  crypto::SigningSecretKey sign_secret;
  crypto::SigningPublicKey sign_public{};
  crypto::BoxSecretKey box_secret[std::size(kOrgs)];
  crypto::BoxPublicKey box_public[std::size(kOrgs)];
  crypto::BoxPublicKey transport_public[std::size(kOrgs)];

  Keys() {
    Bytes sign;
    if (!HexDecode(kOriginSignSecretHex, &sign) || sign.size() != sign_secret.size()) {
      std::abort();
    }
    std::copy(sign.begin(), sign.end(), sign_secret.data());
    sign_public = crypto::SigningPublicFromSecret(sign_secret);
    for (std::size_t i = 0; i < std::size(kOrgs); ++i) {
      box_secret[i] = FixedBoxSecret(i, 0);
      box_public[i] = crypto::BoxPublicFromSecret(box_secret[i]);
      transport_public[i] = crypto::BoxPublicFromSecret(FixedBoxSecret(i, 1));
    }
  }
};

const Keys& TheKeys() {
  static const Keys keys;
  return keys;
}

}  // namespace

const crypto::SigningSecretKey& OriginSignSecret() { return TheKeys().sign_secret; }
const crypto::SigningPublicKey& OriginSignPublic() { return TheKeys().sign_public; }
const crypto::BoxSecretKey& BoxSecret(std::string_view org) {
  return TheKeys().box_secret[IndexOf(org)];
}
const crypto::BoxPublicKey& BoxPublic(std::string_view org) {
  return TheKeys().box_public[IndexOf(org)];
}
const crypto::BoxPublicKey& TransportPublic(std::string_view org) {
  return TheKeys().transport_public[IndexOf(org)];
}

Bytes SignAlone(ByteView header_bytes, ByteView payload) {
  // docs/protocol.md: leaf = H(0x00 || "certshare/leaf/v1" || u32 len(header)
  // || header || u32 len(payload) || payload); a tree of one has root = leaf;
  // the signature is over "certshare/record-root/v1" || 0x00 || root.
  ByteWriter header_len, payload_len;
  header_len.U32(static_cast<std::uint32_t>(header_bytes.size()));
  payload_len.U32(static_cast<std::uint32_t>(payload.size()));
  const std::uint8_t leaf_prefix[] = {0x00};
  const crypto::Hash256 root =
      crypto::Hash({leaf_prefix, AsBytes("certshare/leaf/v1"), header_len.bytes(),
                    header_bytes, payload_len.bytes(), payload});
  ByteWriter message;
  message.Raw(AsBytes("certshare/record-root/v1"));
  message.U8(0x00);
  message.Raw(root);
  const crypto::Signature signature = crypto::Sign(OriginSignSecret(), message.bytes());

  ByteWriter record;
  record.Raw(AsBytes("CSR1"));
  record.Blob32(header_bytes);
  record.Blob32(payload);
  record.U8(1);   // auth_kind: Ed25519 over a BLAKE2b-256 Merkle root
  record.U32(0);  // leaf_index
  record.U32(1);  // leaf_count
  record.U8(0);   // proof: none
  record.Raw(signature);
  return record.Take();
}

void ContractBroken(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz contract broken: %s\n", file, line, condition);
  std::abort();
}

}  // namespace certshare::fuzz
